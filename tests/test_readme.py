"""The README stays true: its command reference is the CLI's own --help, and it lists every stored query.

Regenerate the reference after changing a command: ECOGRAPH_UPDATE_README=1 pytest tests/test_readme.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import click
from click.testing import CliRunner

from ecograph.cli import main
from ecograph.project import Project
from ecograph.queries import load_queries

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
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
    assert current in text, "README's command reference is out of date: ECOGRAPH_UPDATE_README=1 pytest " \
        "tests/test_readme.py rewrites it"


def test_every_stored_query_is_listed(seed_project: Project) -> None:
    text = README.read_text(encoding="utf-8")
    assert [q.name for q in load_queries(seed_project) if f"`{q.name}`" not in text] == []


def test_the_two_setup_commands_are_there_and_ci_runs_the_test_one() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make serve" in text and "make test" in text
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
