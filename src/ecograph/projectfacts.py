"""What a data project says about its dataset, read from `[tool.ecograph]` in the project's pyproject.toml.

The engine knows nothing about any one corpus: the title, description, keywords, languages, publisher and licence
published in void.ttl and the example resources come from here (facts about the vocabulary, such as the kinds of
entity ids, come from the shapes: see shapefacts.py). For example:

    [tool.ecograph]
    title = "Ecosystem Graph"
    description = "A knowledge graph of innovation ecosystems, every fact with its quote."
    keywords = ["innovation ecosystem", "linked open data"]
    languages = ["en", "nl"]
    publisher = "The Ecosystem Graph project"
    license = "http://creativecommons.org/licenses/by/4.0/"
    examples = ["organisation/acme"]
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ProjectError

# ISO 639-1 code -> (code in the EU language authority, English name): a general table, not this corpus's.
LANGUAGES = {
    "bg": ("BUL", "Bulgarian"),
    "cs": ("CES", "Czech"),
    "da": ("DAN", "Danish"),
    "de": ("DEU", "German"),
    "el": ("ELL", "Greek"),
    "en": ("ENG", "English"),
    "es": ("SPA", "Spanish"),
    "et": ("EST", "Estonian"),
    "fi": ("FIN", "Finnish"),
    "fr": ("FRA", "French"),
    "ga": ("GLE", "Irish"),
    "hr": ("HRV", "Croatian"),
    "hu": ("HUN", "Hungarian"),
    "is": ("ISL", "Icelandic"),
    "it": ("ITA", "Italian"),
    "lt": ("LIT", "Lithuanian"),
    "lv": ("LAV", "Latvian"),
    "mt": ("MLT", "Maltese"),
    "nb": ("NOB", "Norwegian Bokmål"),
    "nl": ("NLD", "Dutch"),
    "nn": ("NNO", "Norwegian Nynorsk"),
    "no": ("NOR", "Norwegian"),
    "pl": ("POL", "Polish"),
    "pt": ("POR", "Portuguese"),
    "ro": ("RON", "Romanian"),
    "sk": ("SLK", "Slovak"),
    "sl": ("SLV", "Slovenian"),
    "sv": ("SWE", "Swedish"),
}
DEFAULT_DESCRIPTION = (
    "A knowledge graph of innovation ecosystems taken from articles, every fact with the verbatim "
    "quote that supports it."
)
Check = Callable[[str], str]  # a value -> what is wrong with it ("" when nothing is)
_ENTITY_ID = re.compile(r"^[a-z][a-z0-9-]*/[a-z0-9][a-z0-9-]*$")
_IRI = re.compile(r"^https?://\S+$")
_EXAMPLES = {
    "base": '"https://example.org/graph/"',
    "title": '"Ecosystem Graph"',
    "description": '"A knowledge graph of …"',
    "publisher": '"The Ecosystem Graph project"',
    "license": '"http://creativecommons.org/licenses/by/4.0/"',
    "keywords": '["innovation ecosystem", "health"]',
    "languages": '["en", "nl"]',
    "examples": '["organisation/acme"]',
    "cache-dir": '".cache/ecograph"',
}


@dataclass(frozen=True)
class DatasetFacts:
    """How the dataset describes itself (the defaults name no corpus)."""

    title: str
    description: str = DEFAULT_DESCRIPTION
    keywords: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639-1 codes, keys of LANGUAGES
    publisher: str = ""
    license: str = ""  # an IRI; empty: the description states no licence
    examples: tuple[str, ...] = ()  # entity ids such as organisation/acme

    @property
    def language_codes(self) -> tuple[str, ...]:
        """The languages as codes of the EU language authority (ENG, NLD, …)."""
        return tuple(LANGUAGES[lang][0] for lang in self.languages)


def read_facts(path: Path, table: dict[str, Any], default_title: str) -> DatasetFacts:
    """The facts in a `[tool.ecograph]` table read from `path`; ProjectError naming the key and the fix."""
    reader = _Reader(path, table)
    reader.check_keys()
    title = reader.text("title") or default_title
    return DatasetFacts(
        title=title,
        description=reader.text("description") or DEFAULT_DESCRIPTION,
        keywords=reader.texts("keywords"),
        languages=reader.texts("languages", _language_problem),
        publisher=reader.text("publisher") or title,
        license=reader.text("license", _iri_problem),
        examples=reader.texts("examples", _entity_id_problem),
    )


class _Reader:
    def __init__(self, path: Path, table: dict[str, Any]) -> None:
        self.path = path
        self.values = table

    def check_keys(self) -> None:
        for key in self.values:
            if key not in _EXAMPLES:
                close = difflib.get_close_matches(key, list(_EXAMPLES), n=1)
                guess = f"did you mean {close[0]}? " if close else ""
                self.fail(
                    key, "is not a setting ecograph knows", f"{guess}The settings are: {', '.join(sorted(_EXAMPLES))}."
                )

    def fail(self, key: str, problem: str, fix: str = "") -> None:
        value = self.values.get(key)
        fix = fix or f"Write it as {key} = {_EXAMPLES[key]}."
        raise ProjectError(f"{self.path}: [tool.ecograph] {key} = {value!r} {problem}. {fix}")

    def text(self, key: str, problem_of: Check | None = None) -> str:
        value = self.values.get(key, "")
        if not isinstance(value, str) or not value.strip():
            if key in self.values:
                self.fail(key, "is not text" if not isinstance(value, str) else "is empty")
            return ""
        if problem_of and (problem := problem_of(value)):
            self.fail(key, problem)
        return value.strip()

    def texts(self, key: str, problem_of: Check | None = None) -> tuple[str, ...]:
        values = self.values.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            self.fail(key, "is not a list of texts")
        for value in values:
            if problem_of and (problem := problem_of(value)):
                self.fail(key, f"holds {value!r}, which {problem}")
        return tuple(v.strip() for v in values)


def _language_problem(code: str) -> str:
    return "" if code in LANGUAGES else f"is not a two-letter language code ecograph knows ({', '.join(LANGUAGES)})"


def _iri_problem(value: str) -> str:
    return "" if _IRI.match(value) else "is not an http(s) IRI"


def _entity_id_problem(value: str) -> str:
    return "" if _ENTITY_ID.match(value) else "is not an entity id such as organisation/acme"
