"""The build caches save time and never decide what is published: whatever the cache folder holds (truncated,
edited or symlinked entries), a build publishes byte for byte what a clean build publishes, and a published file
never shares its inode with a cache entry."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from test_mapping_errors import write_one_article_project

from ecograph import project as project_module
from ecograph.build import mapcache
from ecograph.build.dumps import build_dist
from ecograph.project import Project

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A one-article project with the real ontology, shapes and queries, and a cache folder of its own."""
    return Project.open(write_one_article_project(tmp_path / "project"), cache_dir=tmp_path / "cache")


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def entries(project: Project, kind: str) -> list[Path]:
    found = [p for p in (project.cache_dir / kind).iterdir() if not p.name.startswith(".")]
    assert found, f"the build cached nothing in {kind}/"
    return found


def truncated(entry: Path) -> None:
    """Cut at a line boundary: what is left still parses, and lacks the end."""
    lines = entry.read_bytes().splitlines(keepends=True)
    entry.write_bytes(b"".join(lines[: len(lines) // 2]))


def edited(entry: Path) -> None:
    """A plausible hand edit: a name changed (in Turtle or N-Quads), or the findings dropped (in SHACL's JSON)."""
    data = entry.read_bytes()
    if b"Twente" in data:
        entry.write_bytes(data.replace(b"Twente", b"Tw3nte"))
    else:
        header, _, payload = data.partition(b"\n")
        if header.startswith(b"ecograph-cache"):  # kept: only the findings change
            entry.write_bytes(header + b"\n" + json.dumps(json.loads(payload)[1:]).encode())
        else:
            entry.write_text(json.dumps(json.loads(data)[1:]), encoding="utf-8")


def symlinked(entry: Path) -> None:
    """The entry replaced by a link to an edited copy elsewhere."""
    elsewhere = entry.parent.parent.parent / f"elsewhere-{entry.name}"
    shutil.copyfile(entry, elsewhere)
    edited(elsewhere)
    entry.unlink()
    entry.symlink_to(elsewhere)


@pytest.mark.parametrize("kind", ["articles", "mapping"])
@pytest.mark.parametrize("tamper", [truncated, edited, symlinked])
def test_a_tampered_cache_entry_is_not_published(project: Project, kind: str, tamper: Callable[[Path], None]) -> None:
    clean = digests(build_dist(project, project.default_dist).out)
    for entry in entries(project, kind):
        tamper(entry)
    assert digests(build_dist(project, project.default_dist).out) == clean


@pytest.mark.parametrize("tamper", [edited, symlinked])
def test_a_tampered_shapes_result_is_not_reported(project: Project, tamper: Callable[[Path], None]) -> None:
    clean = build_dist(project, project.default_dist).warnings
    assert clean, "the fixture's article should draw findings from the shapes"
    for entry in entries(project, "shacl"):
        tamper(entry)
    assert build_dist(project, project.default_dist).warnings == clean


def test_published_files_share_no_inode_with_the_cache(project: Project) -> None:
    build_dist(project, project.default_dist)
    dist = build_dist(project, project.default_dist).out  # the second build reads the article cache
    cached = {(p.stat().st_dev, p.stat().st_ino) for p in (project.cache_dir).rglob("*")}
    for published in dist.rglob("*"):
        assert not published.is_symlink()
        if published.is_file():
            assert published.stat().st_nlink == 1, published
            assert (published.stat().st_dev, published.stat().st_ino) not in cached


def test_a_hand_edited_dump_is_not_carried_into_the_next_build(project: Project) -> None:
    clean = digests(build_dist(project, project.default_dist).out)
    article = next((project.default_dist / "articles").glob("*.ttl"))
    os.chmod(article, 0o644)
    article.write_text("# edited by hand\n", encoding="utf-8")
    assert digests(build_dist(project, project.default_dist).out) == clean


# The keys: whatever changes a cached result makes a new entry -------------------------------------------------


def cached_names(project: Project, kind: str) -> set[str]:
    return {p.name for p in entries(project, kind)}


def test_a_new_pyshacl_version_validates_again(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    build_dist(project, project.default_dist)
    before = cached_names(project, "shacl")
    monkeypatch.setattr(pyshacl, "__version__", "999.0")
    build_dist(project, project.default_dist)
    assert cached_names(project, "shacl") > before


def test_edited_shapes_validate_again(project: Project) -> None:
    build_dist(project, project.default_dist)
    before = cached_names(project, "shacl")
    shapes = project.shape_files()[0]
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    build_dist(project, project.default_dist)
    assert cached_names(project, "shacl") > before


@pytest.mark.parametrize("kind", ["mapping", "articles"])
def test_a_new_pyoxigraph_version_writes_again(project: Project, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    build_dist(project, project.default_dist)
    before = cached_names(project, kind)
    monkeypatch.setattr(pyoxigraph, "__version__", "999.0")
    build_dist(project, project.default_dist)
    assert cached_names(project, kind) > before


def test_an_edited_iri_format_maps_again(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The IRI formats live in project.py: a changed format is a new key, not a stale mapped article."""
    build_dist(project, project.default_dist)
    before = cached_names(project, "mapping")
    edited_code = tmp_path / "project.py"
    code = Path(project_module.__file__).read_text(encoding="utf-8")
    edited_code.write_text(
        code.replace('f"{self.base}id/{entity_id}"', 'f"{self.base}entity/{entity_id}"'), encoding="utf-8"
    )
    monkeypatch.setattr(project_module, "__file__", str(edited_code))
    mapcache._context_of.cache_clear()  # as in a new process, which reads the code again
    build_dist(project, project.default_dist)
    assert cached_names(project, "mapping") > before
