"""A scratch project for the contribution tests: the repository's ontology, shapes, queries and seeds."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from ecograph.project import Project

REPO = Path(__file__).resolve().parents[1]


def scratch_project(root: Path, extra_seeds: Sequence[Path] = ()) -> Project:
    """A copy of the repository's ontology, shapes, queries and seeds (no mappings), plus extra seed files."""
    for folder in ("ontology", "shapes", "queries", "seeds"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "mappings").mkdir()
    for extra in extra_seeds:
        shutil.copy(extra, root / "seeds" / extra.name)
    return Project.open(root)
