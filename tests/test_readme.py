"""The README stays true: its command reference is the CLI's own --help, and it lists every stored query.

Regenerate the reference after changing a command: ECOGRAPH_UPDATE_README=1 pytest tests/test_readme.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import click
from click.testing import CliRunner

from ecograph.cli import main
from ecograph.project import Project
from ecograph.queries import load_queries

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
LOCK = ROOT / "requirements-test.txt"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
    return paths


def reference() -> str:
    runner = CliRunner()
    parts = []
    for path in [(), *command_paths(main)]:
        result = runner.invoke(main, [*path, "--help"], terminal_width=100, prog_name="ecograph")
        assert result.exit_code == 0, result.output
        heading = " ".join(("ecograph", *path))
        parts.append(f"### `{heading}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def test_the_command_reference_is_the_current_help() -> None:
    text = README.read_text(encoding="utf-8")
    current = f"{START}\n\n{reference()}\n{END}"
    if os.environ.get("ECOGRAPH_UPDATE_README"):
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: current, text, flags=re.S)
        README.write_text(text, encoding="utf-8")
    assert current in text, (
        "README's command reference is out of date: ECOGRAPH_UPDATE_README=1 pytest tests/test_readme.py rewrites it"
    )


def test_every_stored_query_is_listed(seed_project: Project) -> None:
    text = README.read_text(encoding="utf-8")
    assert [q.name for q in load_queries(seed_project) if f"`{q.name}`" not in text] == []


def test_the_two_setup_commands_are_there_and_ci_runs_the_test_one() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make serve" in text and "make test" in text
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def planned_test_setup(folder: Path) -> list[str]:
    """What `make test` would run first in a fresh clone of `folder` (a dry run: nothing is installed)."""
    answer = subprocess.run(
        ["make", "--dry-run", "-C", str(folder), "test"], capture_output=True, text=True, check=True
    )
    return answer.stdout.splitlines()


def test_make_test_installs_the_lock_and_reinstalls_when_it_changes(tmp_path: Path) -> None:
    for name in ("Makefile", "pyproject.toml", LOCK.name):
        shutil.copy(ROOT / name, tmp_path / name)
    first = planned_test_setup(tmp_path)
    assert any(f"--require-hashes --requirement {LOCK.name}" in line for line in first)
    assert any("--no-deps --editable ." in line for line in first)
    with (tmp_path / LOCK.name).open("a", encoding="utf-8") as lock:
        lock.write("# refreshed\n")
    stamps = {line for line in first if line.startswith("touch .venv/.installed-test-")}
    assert stamps and stamps.isdisjoint(planned_test_setup(tmp_path))


def test_the_lock_pins_every_dependency_of_the_tests() -> None:
    pinned = {
        re.split(r"==", line)[0].lower()
        for line in LOCK.read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    }
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    names = {re.match(r"[A-Za-z0-9._-]+", spec).group(0).lower().replace("_", "-") for spec in wanted}
    assert names - pinned == set(), f"not in {LOCK.name}: refresh it with `make lock`"
