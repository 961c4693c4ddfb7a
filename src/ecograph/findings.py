"""What a check finds: one finding type for the build and for `ecograph validate`.

A `Finding` is one problem in plain terms: which check found it, how bad it is, the entity and property it is
about, the offending value, what is wrong, and how to fix it. Mapping problems (InputError, with their stable
code), SHACL results and the checks of a contribution are all Findings; validate/report.py groups and shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import Code, InputError, Location


class Severity(StrEnum):
    """How bad a finding is: a violation stops a build or a contribution; warnings and infos do not."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


class Check(StrEnum):
    """Which check found a problem."""

    INPUT = "input"
    MAPPING = "mapping"
    TODO = "todo"
    SHAPES = "shapes"
    ONTOLOGY = "ontology"
    CONSISTENCY = "consistency"
    REFERENCE = "reference"
    DUPLICATE = "duplicate"
    PROVENANCE = "provenance"
    NAMING = "naming"


SEVERITIES = tuple(Severity)
CHECKS = {
    Check.INPUT: "the file",
    Check.MAPPING: "the mapping",
    Check.TODO: "to do",
    Check.SHAPES: "SHACL shapes",
    Check.ONTOLOGY: "ontology rules",
    Check.CONSISTENCY: "OWL consistency",
    Check.REFERENCE: "references",
    Check.DUPLICATE: "likely duplicate",
    Check.PROVENANCE: "provenance",
    Check.NAMING: "naming",
}
CHECK_BY_CODE = {
    Code.INVALID_ID: Check.NAMING,
    Code.UNKNOWN_CLASS: Check.NAMING,
    Code.UNKNOWN_PROPERTY: Check.NAMING,
    Code.MISSING_QUOTE: Check.PROVENANCE,
    Code.QUOTE_NOT_IN_TEXT: Check.PROVENANCE,
    Code.NAME_NOT_IN_QUOTE: Check.PROVENANCE,
    Code.UNDEFINED_REFERENCE: Check.REFERENCE,
}
CHECK_NAMESPACE = "https://w3id.org/ecograph/check#"


@dataclass(frozen=True)
class Finding:
    """One problem: the check that found it, severity, entity, property, value, message and fix hint.

    The build and `ecograph validate` both report with it: mapping problems (with the `code` of their
    InputError), SHACL results and the checks of a contribution.
    """

    check: Check
    severity: Severity
    focus: str
    message: str
    hint: str = ""
    path: str | None = None
    value: str | None = None
    location: Location | None = None
    shape: str | None = None
    component: str | None = None
    related: tuple[str, ...] = ()
    code: Code | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "check", Check(self.check))
        object.__setattr__(self, "severity", Severity(self.severity))

    @classmethod
    def from_error(cls, error: InputError, focus: str = "") -> Finding:
        """A mapping problem as a violation, at the file and line of the entry, classified by its code."""
        return cls(
            check=CHECK_BY_CODE.get(error.code, Check.MAPPING),
            severity=Severity.VIOLATION,
            focus=focus,
            message=error.problem,
            hint=error.hint,
            location=error.location,
            value=error.value,
            path=_field_key(error.location.field),
            code=error.code,
        )

    def __str__(self) -> str:
        """As a line of a build's output: file:line: field: message, and the hint below it."""
        return f"{self.location}: {self.message}" + (f"\n  hint: {self.hint}" if self.hint else "")

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "check": self.check,
            "code": self.code,
            "severity": self.severity,
            "focus": self.focus or None,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "hint": self.hint or None,
            "shape": self.shape,
            "component": self.component,
            "related": list(self.related),
        }
        if self.location:
            found["location"] = location_dict(self.location)
        return found


def _field_key(field_path: str | None) -> str | None:
    """The property key of a field path like entities[2].facts[0].amount (None for id, type, label ...)."""
    if not field_path or ".facts[" not in field_path:
        return None
    return field_path.rsplit(".", 1)[-1] if not field_path.endswith("]") else None


def location_dict(location: Location) -> dict[str, object]:
    return {"file": str(location.path), "line": location.line, "field": location.field}
