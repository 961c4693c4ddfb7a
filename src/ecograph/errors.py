"""Typed errors. Each one says what is wrong, where, and what to do next."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class EcographError(Exception):
    """Base class: a problem the user can fix; the CLI prints it without a traceback."""

    exit_code = 2


@dataclass
class Location:
    """A place in a file: path, 1-based line and field path (e.g. entities[3].facts[1].amount)."""

    path: Path | str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        text = _shown(Path(self.path))
        if self.line:
            text += f":{self.line}"
        if self.field:
            text += f": {self.field}"
        return text


class Code(StrEnum):
    """What kind of problem an InputError is: stable names that checks and tools can rely on."""

    INPUT = "input"  # any other problem with a file the user wrote
    UNKNOWN_FIELD = "unknown-field"
    MISSING_FIELD = "missing-field"
    INVALID_ID = "invalid-id"
    DUPLICATE_ID = "duplicate-id"
    UNKNOWN_CLASS = "unknown-class"
    UNKNOWN_PROPERTY = "unknown-property"
    UNDEFINED_REFERENCE = "undefined-reference"
    MISSING_QUOTE = "missing-quote"
    QUOTE_NOT_IN_TEXT = "quote-not-in-text"
    NAME_NOT_IN_QUOTE = "name-not-in-quote"  # a label or alias its quote does not contain
    INVALID_VALUE = "invalid-value"  # a number, date, language code, web address ... that is not one


class InputError(EcographError):
    """A file the user wrote is wrong. Names the file, line and field, and says how to fix it.

    `code` says what kind of problem it is, and `value` is the offending value as written, when there is one.
    """

    def __init__(
        self, location: Location, problem: str, hint: str = "", *, code: Code = Code.INPUT, value: object = None
    ) -> None:
        self.location = location
        self.problem = problem
        self.hint = hint
        self.code = code
        self.value = value_text(value)
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.location}: {self.problem}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def value_text(value: object) -> str | None:
    """A value the user wrote, as a finding shows it: text and numbers as written, anything else not at all."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value)


class ProjectError(EcographError):
    """The project folder is missing something (a folder, a seed, the ontology)."""


class BuildError(EcographError):
    """The build could not publish; dist/ was left as it was."""


class DistError(EcographError):
    """dist/ is missing or unreadable: there is nothing to serve or query until `ecograph build` has run."""


def _shown(path: Path) -> str:
    """The path relative to the working folder when it is inside it (shorter, and what the user typed)."""
    try:
        return _relative(path, Path.cwd())
    except OSError:  # the working folder is gone
        return str(path)


@functools.lru_cache(maxsize=1024)  # a build words thousands of SHACL warnings about the same few files
def _relative(path: Path, cwd: Path) -> str:
    """Symbolic links are not followed: a message names the path the user gave, not what it points to."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(cwd))
    except (ValueError, OSError):  # outside the working folder
        return str(path)
