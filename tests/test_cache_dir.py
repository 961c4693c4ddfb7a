"""Where the caches live: one setting (Project.cache_dir) that every cache reads, so that the test command leaves
the repository as it was."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecograph import ProjectError, validate
from ecograph.cli import main
from ecograph.project import CACHE_ENV, Project

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    """An empty project (the folders only)."""
    root = tmp_path / "project"
    for folder in ("seeds", "ontology", "mappings", "shapes", "queries"):
        (root / folder).mkdir(parents=True)
    return root


def configure(root: Path, line: str) -> None:
    (root / "pyproject.toml").write_text(f"[tool.ecograph]\n{line}\n", encoding="utf-8")


def test_the_argument_comes_first_then_the_environment_then_the_project_file(
    project_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(project_root, 'cache-dir = "../from-file"')
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "from-environment"))
    assert Project.open(project_root, cache_dir=tmp_path / "given").cache_dir == tmp_path / "given"
    assert Project.open(project_root).cache_dir == tmp_path / "from-environment"
    monkeypatch.delenv(CACHE_ENV)
    assert Project.open(project_root).cache_dir == tmp_path / "from-file"


def test_without_a_setting_the_cache_is_in_the_project(project_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_ENV)
    assert Project.open(project_root).cache_dir == project_root / ".ecograph-cache"


def test_a_cache_dir_that_is_not_text_says_how_to_write_it(project_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_ENV)
    configure(project_root, "cache-dir = 3")
    with pytest.raises(ProjectError, match=r'cache-dir = 3 is not a folder name.*cache-dir = ".cache/ecograph"'):
        Project.open(project_root)


def test_the_command_line_option_holds_for_the_command_only(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for folder in ("seeds", "ontology", "mappings", "shapes", "queries"):
        shutil.copytree(REPO / folder, project / folder)
    cache = tmp_path / "cache"
    result = CliRunner().invoke(main, ["--project", str(project), "--cache-dir", str(cache), "build"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in cache.iterdir()} >= {"mapping", "shacl", "articles"}
    assert not (project / ".ecograph-cache").exists()
    assert Path(Project.open(project).cache_dir) != cache  # the session's setting is back


def git_status() -> set[str]:
    """What `git status` shows in the repository, ignored files included (bytecode aside: Python writes it)."""
    answer = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--ignored", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {line for line in answer.stdout.splitlines() if "__pycache__" not in line}


def test_building_and_validating_write_nothing_into_the_repository(
    seed_project: Project, built_dist: Path, tmp_path: Path
) -> None:
    before = git_status()
    result = CliRunner().invoke(main, ["--project", str(REPO), "build", "--out", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.output
    report = validate([seed_project.mapping_files()[0]], built_dist, project=seed_project)
    assert report.conforms, report
    assert git_status() == before
