"""Ecosystem Graph: publish a knowledge graph of innovation ecosystems as linked open data.

The library API (it never prints or exits; problems are raised as the typed errors below):

    from ecograph import Project, build, validate

    project = Project.open("path/to/project")      # seeds/, ontology/, mappings/, shapes/, queries/
    result = build(project, project.default_dist)  # -> BuildResult (triples, articles, warnings)
    report = validate([project.mappings_dir / "900_new.yaml"], project=project)  # -> Report

`build` is `ecograph.build.dumps.build_dist` and `validate` is `ecograph.validate.run.validate`; both are imported on
first use, so that `import ecograph` (and `ecograph --help`) stays fast.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .errors import BuildError, EcographError, InputError, Location, ProjectError

_LAZY = {
    "Project": ("ecograph.project", "Project"),
    "DatasetFacts": ("ecograph.projectfacts", "DatasetFacts"),
    "build": ("ecograph.build.dumps", "build_dist"),
    "BuildResult": ("ecograph.build.dumps", "BuildResult"),
    "validate": ("ecograph.validate.run", "validate"),
    "Report": ("ecograph.validate.report", "Report"),
}

__all__ = [
    "BuildError",
    "BuildResult",
    "DatasetFacts",
    "EcographError",
    "InputError",
    "Location",
    "Project",
    "ProjectError",
    "Report",
    "__version__",
    "build",
    "validate",
]

if TYPE_CHECKING:
    __version__: str
    from .build.dumps import BuildResult
    from .build.dumps import build_dist as build
    from .project import Project
    from .projectfacts import DatasetFacts
    from .validate.report import Report
    from .validate.run import validate


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = _version()
        return globals()[name]
    if name not in _LAZY:
        raise AttributeError(f"module 'ecograph' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def _version() -> str:
    """The installed package's version: pyproject.toml is the one place it is written. (Read on first use:
    importlib.metadata takes about 0.1 s to import.)"""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ecograph")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


class _Package(ModuleType):
    """The package keeps `ecograph.build` and `ecograph.validate` the functions: importing the subpackages of the
    same names (which binds them on the package) does not replace them."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
