"""The data project: the one place that knows where seeds, ontology, mappings, shapes and queries live."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode

from .errors import ProjectError
from .projectfacts import DatasetFacts, read_facts

DEFAULT_BASE = "https://w3id.org/ecograph/"
# the title of a dataset whose project states none: the same wherever the project is checked out
DEFAULT_TITLE = "Ecosystem Graph dataset"
CACHE_FOLDER = ".ecograph-cache"  # the default cache folder's name, in the project (or beside a served dist/)
CACHE_ENV = "ECOGRAPH_CACHE_DIR"
NAMES_FILE = "names.yaml"  # the curated names, in mappings/: never an article mapping
FOLDERS = ("seeds", "ontology", "mappings", "shapes", "queries")
MAPPING_SUFFIXES = (".yaml", ".ttl", ".jsonld")  # mappings/<stem>.<suffix>: the facts of seeds/<stem>.txt
_BASE = re.compile(r"^https?://[^/\s]+/\S*$")
_STATED_DATE = re.compile(r"\bdate:\s*[\"']?(\d{4}-\d{2}-\d{2})\b")


@dataclass(frozen=True)
class Project:
    """A folder holding seeds/, ontology/, mappings/, shapes/ and queries/.

    The base IRI comes from the `base` argument, else `[tool.ecograph] base` in the project's pyproject.toml,
    else the ECOGRAPH_BASE environment variable, else https://w3id.org/ecograph/.

    The caches (mapped articles, SHACL results, parsed shapes, query stores) live in `cache_dir`: the `cache_dir`
    argument, else ECOGRAPH_CACHE_DIR, else `[tool.ecograph] cache-dir` (relative to the project), else
    <project>/.ecograph-cache. The environment comes before the project's file here because where a machine
    keeps its caches (a CI runner, a test session) is the machine's choice.
    """

    root: Path
    base: str = field(default="")
    cache: Path | None = None  # None: the default, <root>/.ecograph-cache

    @classmethod
    def open(cls, root: Path | str = ".", base: str | None = None, cache_dir: Path | str | None = None) -> Project:
        root = Path(root).resolve()
        missing = [name for name in FOLDERS if not (root / name).is_dir()]
        if missing:
            raise ProjectError(
                f"{root} is not an ecograph project: it lacks {', '.join(f + '/' for f in missing)}. "
                "Run ecograph in the project folder or pass --project DIR."
            )
        if base:
            chosen = _checked_base(base, "--base")
        elif configured := _configured_base(root):
            chosen = _checked_base(configured, f"{root / 'pyproject.toml'}: [tool.ecograph] base")
        elif os.environ.get("ECOGRAPH_BASE"):
            chosen = _checked_base(os.environ["ECOGRAPH_BASE"], "ECOGRAPH_BASE")
        else:
            chosen = DEFAULT_BASE
        project = cls(root=root, base=chosen, cache=_chosen_cache_dir(root, cache_dir))
        project.facts  # noqa: B018  (a wrong [tool.ecograph] value stops every command, not only build)
        return project

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def mappings_dir(self) -> Path:
        return self.root / "mappings"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def default_dist(self) -> Path:
        return self.root / "dist"

    @property
    def cache_dir(self) -> Path:
        """The folder every cache of this project lives in (made by whoever writes into it first)."""
        return self.cache or self.root / CACHE_FOLDER

    def ontology_files(self) -> list[Path]:
        return sorted(self.ontology_dir.glob("*.ttl"))

    def shape_files(self) -> list[Path]:
        return sorted(self.shapes_dir.glob("*.ttl"))

    def mapping_files(self) -> list[Path]:
        """One file per article: a YAML mapping, or its facts and claims written by hand in Turtle or JSON-LD.

        The curated names file sits beside them and is never an article mapping."""
        return sorted(p for p in self.mappings_dir.glob("*") if p.suffix in MAPPING_SUFFIXES and p.name != NAMES_FILE)

    @property
    def names_file(self) -> Path:
        """The curated names (translations, official names, abbreviations, display labels), with who and why."""
        return self.mappings_dir / NAMES_FILE

    def query_files(self) -> list[Path]:
        return sorted(self.queries_dir.glob("*.rq"))

    def seed_text(self, stem: str) -> Path:
        return self.seeds_dir / f"{stem}.txt"

    def seed_metadata(self, stem: str) -> Path:
        return self.seeds_dir / f"{stem}.yaml"

    # IRIs -------------------------------------------------------------------------------------------

    @property
    def vocab(self) -> str:
        """The ontology namespace, e.g. https://w3id.org/ecograph/def#."""
        return f"{self.base}def#"

    def entity_iri(self, entity_id: str) -> str:
        return f"{self.base}id/{entity_id}"

    def article_iri(self, slug: str) -> str:
        return f"{self.base}id/article/{slug}"

    def graph_iri(self, slug: str) -> str:
        return f"{self.base}graph/{slug}"

    def rebase(self, text: str) -> str:
        """Rewrite IRIs written with the default base (ontology, shapes, queries) to this project's base."""
        if self.base == DEFAULT_BASE:
            return text
        return text.replace(DEFAULT_BASE, self.base)

    @cached_property
    def source_date_epoch(self) -> int:
        """The time the inputs last changed, for the dates and version in published metadata.

        SOURCE_DATE_EPOCH if set; else the time of the last commit that touched the input folders, when the
        project is a git work tree; else the newest date the seed metadata states (e.g. `published: {date:
        …}`); else 0. Never file times or the clock: two clones of one commit build the same bytes on any day.
        """
        if os.environ.get("SOURCE_DATE_EPOCH"):
            epoch = os.environ["SOURCE_DATE_EPOCH"].strip()
            if not epoch.isdigit():
                raise ProjectError(
                    f"SOURCE_DATE_EPOCH is {epoch!r}, not a number of seconds since 1970: set it "
                    "to an integer (e.g. $(git log -1 --format=%ct)) or unset it"
                )
            return int(epoch)
        committed = self._last_commit_time()
        return committed if committed is not None else self._newest_stated_date()

    def _last_commit_time(self) -> int | None:
        git = shutil.which("git")
        if git is None:
            return None
        try:
            answer = subprocess.run(
                [git, "-C", str(self.root), "log", "-1", "--format=%ct", "--", *FOLDERS],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        stamp = answer.stdout.strip()
        return int(stamp) if answer.returncode == 0 and stamp.isdigit() else None

    def _newest_stated_date(self) -> int:
        newest = 0
        for path in sorted(self.seeds_dir.glob("*.yaml")):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue  # the mapping step names an unreadable seed
            for stated in _STATED_DATE.findall(text):
                with contextlib.suppress(ValueError):
                    day = dt.datetime.combine(dt.date.fromisoformat(stated), dt.time(), tzinfo=dt.UTC)
                    newest = max(newest, int(day.timestamp()))
        return newest

    @cached_property
    def facts(self) -> DatasetFacts:
        """What the project says about its dataset: `[tool.ecograph]` in its pyproject.toml (see DatasetFacts)."""
        return read_facts(self.root / "pyproject.toml", _ecograph_table(self.root), DEFAULT_TITLE)


def _ecograph_table(root: Path) -> dict[str, Any]:
    """The `[tool.ecograph]` table of the project's pyproject.toml (empty when there is none)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    try:
        config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ProjectError(f"{pyproject}: cannot read it ({error}). Fix the TOML syntax.") from error
    section = config.get("tool", {})
    section = section.get("ecograph", {}) if isinstance(section, dict) else None
    if not isinstance(section, dict):
        raise ProjectError(
            f"{pyproject}: [tool.ecograph] is not a table. Write it as a section: "
            '[tool.ecograph] followed by base = "https://example.org/graph/".'
        )
    return section


def _configured_base(root: Path) -> str | None:
    base = _ecograph_table(root).get("base")
    if base is not None and not isinstance(base, str):
        raise ProjectError(
            f"{root / 'pyproject.toml'}: [tool.ecograph] base = {base!r} is not text. Write it as "
            'a quoted IRI, e.g. base = "https://example.org/graph/".'
        )
    return base


def environment_cache_dir() -> Path | None:
    """The cache folder ECOGRAPH_CACHE_DIR names (absolute), or None when it is unset or empty."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    return Path(configured).resolve() if configured else None


def _chosen_cache_dir(root: Path, given: Path | str | None) -> Path:
    if given:
        return Path(given).resolve()
    if (from_environment := environment_cache_dir()) is not None:
        return from_environment
    configured = _ecograph_table(root).get("cache-dir")
    if configured is None:
        return root / CACHE_FOLDER
    if not isinstance(configured, str) or not configured.strip():
        raise ProjectError(
            f"{root / 'pyproject.toml'}: [tool.ecograph] cache-dir = {configured!r} is not a folder "
            'name. Write it as quoted text, e.g. cache-dir = ".cache/ecograph", or leave it out.'
        )
    return (root / configured).resolve()


def _checked_base(base: str, origin: str) -> str:
    """The base IRI, ending with '/'; ProjectError when it cannot prefix IRIs (spaces, no scheme, a '#' or '?')."""
    if not base.endswith("/"):
        base += "/"
    problem = ""
    if any(c.isspace() for c in base):
        problem = "it holds white space"
    elif not _BASE.match(base):
        problem = "it is not an absolute http(s) IRI"
    elif any(c in base for c in "#?"):
        problem = "it holds a '#' or '?' (the data's IRIs are <base>id/…, the ontology's <base>def#…)"
    else:
        try:
            NamedNode(base + "id/x")
        except ValueError as error:
            problem = f"it is not a valid IRI ({error})"
    if problem:
        raise ProjectError(
            f"{origin}: the base IRI {base!r} cannot be used: {problem}. Give an IRI such as "
            f"{DEFAULT_BASE} (spaces and other special characters percent-encoded)."
        )
    return base
