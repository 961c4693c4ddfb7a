"""Publishing is one step: dist is a link to a complete build, replaced by one rename. A build killed at any
point leaves the previous dist/ whole, and the next build removes what the killed one left."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from test_mapping_errors import write_one_article_project

from ecograph.build.dumps import build_dist
from ecograph.project import Project
from ecograph.serve.switch import pin_build

REPO = Path(__file__).resolve().parents[1]

# Runs a build that SIGKILLs itself when it reaches POINT: the named function in ecograph.build.dumps, or the rename
# that puts the new link in dist's place.
KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
from ecograph.build import dumps
from ecograph.project import Project

root, point = Path(sys.argv[1]), sys.argv[2]
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if point == "rename":
    rename = os.replace
    def replace(source, target, *args, **kwargs):
        if Path(target).name == "dist":
            die()
        return rename(source, target, *args, **kwargs)
    os.replace = replace
else:
    setattr(dumps, point, die)
dumps.build_dist(Project.open(root), root / "dist")
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A one-article project with the real ontology, shapes and queries."""
    return Project.open(write_one_article_project(tmp_path / "project"))


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def beside_dist(project: Project) -> set[str]:
    """What lies beside dist: builds, links and the lock."""
    return {p.name for p in project.root.iterdir() if p.name.startswith(".dist")}


def test_dist_is_a_link_to_a_build_folder_beside_it(project: Project) -> None:
    dist = build_dist(project, project.default_dist).out
    assert dist == project.default_dist
    assert dist.is_symlink()
    target = os.readlink(dist)
    assert target.startswith(".dist.build-") and "/" not in target
    assert (project.root / target / "void.ttl").is_file()


def test_a_new_build_replaces_the_link_and_keeps_the_folder_it_replaced_until_the_next(project: Project) -> None:
    build_dist(project, project.default_dist)
    first = os.readlink(project.default_dist)
    build_dist(project, project.default_dist)
    second = os.readlink(project.default_dist)
    assert second != first
    assert beside_dist(project) == {first, second, ".dist.lock"}
    build_dist(project, project.default_dist)
    assert beside_dist(project) == {second, os.readlink(project.default_dist), ".dist.lock"}


def test_a_dist_folder_from_an_older_version_becomes_the_link(project: Project) -> None:
    clean = digests(build_dist(project, project.default_dist).out)
    real = project.root / "real-dist"
    shutil.copytree(project.default_dist, real)
    project.default_dist.unlink()
    real.rename(project.default_dist)
    assert digests(build_dist(project, project.default_dist).out) == clean
    assert project.default_dist.is_symlink()


def test_out_into_a_new_folder(project: Project, tmp_path: Path) -> None:
    out = build_dist(project, tmp_path / "new" / "preview").out
    assert out == tmp_path / "new" / "preview"
    assert (out / "void.ttl").is_file()


@pytest.mark.parametrize("point", ["write_void", "_publish", "rename"])
def test_a_killed_build_leaves_dist_whole_and_the_next_build_cleans_up(project: Project, point: str) -> None:
    before = digests(build_dist(project, project.default_dist).out)
    published = beside_dist(project)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, str(project.root), point], capture_output=True, text=True, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert digests(project.default_dist) == before
    assert beside_dist(project) > published  # what the killed build left
    build_dist(project, project.default_dist)
    assert digests(project.default_dist) == before
    assert beside_dist(project) == {*published, os.readlink(project.default_dist)}


def test_a_killed_older_version_leaves_nothing_behind(project: Project) -> None:
    build_dist(project, project.default_dist)
    for name in (".dist.k3n1x0_q", ".dist.old-4242"):  # an older version's staging and retired folders
        (project.root / name / "articles").mkdir(parents=True)
    build_dist(project, project.default_dist)
    assert not {".dist.k3n1x0_q", ".dist.old-4242"} & beside_dist(project)


def test_concurrent_builds_take_turns(project: Project) -> None:
    clean = digests(build_dist(project, project.default_dist).out)
    command = [sys.executable, "-m", "ecograph.cli", "--project", str(project.root), "build"]
    builds = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(3)]
    outputs = [build.communicate(timeout=120)[0].decode() for build in builds]
    assert [build.returncode for build in builds] == [0, 0, 0], outputs
    assert digests(project.default_dist) == clean
    assert not [name for name in beside_dist(project) if name.startswith(".dist.link-")]


def test_a_build_keeps_an_earlier_build_that_a_server_still_reads(project: Project) -> None:
    build_dist(project, project.default_dist)
    pin = pin_build(project.default_dist)  # as `ecograph serve` pins the build it serves
    build_dist(project, project.default_dist)
    build_dist(project, project.default_dist)
    assert pin.folder.is_dir() and (pin.folder / "void.ttl").is_file()
    pin.release()
    build_dist(project, project.default_dist)
    assert not pin.folder.exists()
