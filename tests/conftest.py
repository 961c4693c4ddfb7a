"""Shared fixtures. The seed project is built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecograph.dumps import build_dist
from ecograph.project import Project

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def seed_project() -> Project:
    return Project.open(REPO)


@pytest.fixture(scope="session")
def built_dist(seed_project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ built from the repository's seeds and mappings (read-only for tests: copy before changing)."""
    out = tmp_path_factory.mktemp("seed-build") / "dist"
    build_dist(seed_project, out)
    return out
