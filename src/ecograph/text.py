"""Article texts, and finding a quote in them.

Quotes are compared with runs of white space folded to one space (articles copied from the web carry double
spaces and line breaks in odd places); every other character must match exactly.

A name is in its quote when it occurs in it with the same folding of white space, and also regardless of case
and of the kind of quotation mark or apostrophe (`name_in_quote`): a headline's capitals ("Inspiring Closing
Event") and a typed ' for the article's ’ do not make another name, whereas any other difference does.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import Code, InputError, Location
from .userfile import read_user_file

_SPACE = re.compile(r"\s+")
_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
MAX_BYTES = 1_000_000  # a news article is a few kilobytes; larger files are not articles (and slow to scan)


@dataclass(frozen=True)
class Quote:
    """A verbatim passage of an article and the 1-based line on which it starts."""

    text: str
    line: int


@dataclass(frozen=True)
class ArticleText:
    path: Path
    raw: bytes

    @classmethod
    def read(cls, path: Path) -> ArticleText:
        raw = read_user_file(
            path,
            MAX_BYTES,
            what="the article",
            kind="an article",
            too_large="give the text of one news article, without markup",
        )
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                Location(path, raw[: error.start].count(b"\n") + 1),
                f"the article is not UTF-8 text (byte 0x{raw[error.start]:02x})",
                "save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)",
            ) from error
        if not raw.strip():
            raise InputError(Location(path), "the article is empty", "give the article's text as a UTF-8 file")
        return cls(path, raw)

    @cached_property
    def text(self) -> str:
        return self.raw.decode("utf-8")

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @cached_property
    def _folded(self) -> tuple[str, list[int]]:
        """The text with white space folded, and for each folded character the line it comes from."""
        chars: list[str] = []
        lines: list[int] = []
        line = 1
        for match in re.finditer(r"\s+|\S+", self.text):
            piece = match.group()
            if piece.isspace():
                chars.append(" ")
                lines.append(line)
                line += piece.count("\n")
            else:
                chars.extend(piece)
                lines.extend([line] * len(piece))
        return "".join(chars), lines

    def locate(self, quote: Any, where: Location) -> Quote:
        """The quote as found in the text; InputError if it does not occur verbatim."""
        if not isinstance(quote, str) or not quote.strip():
            raise InputError(
                where,
                "the quote must be non-empty text",
                "copy the sentence that states the fact from the article",
                code=Code.INVALID_VALUE,
            )
        wanted = _SPACE.sub(" ", quote.strip())
        folded, lines = self._folded
        start = folded.find(wanted)
        if start < 0:
            raise InputError(
                where,
                f'the quote does not occur in {self.path.name}: "{_short(wanted)}"',
                _near_miss(folded, wanted),
                code=Code.QUOTE_NOT_IN_TEXT,
            )
        return Quote(wanted, lines[start])


def fold_name(text: str) -> str:
    """A name or quote as names are compared: white space folded, quotation marks straight, case folded."""
    return _SPACE.sub(" ", text.translate(_QUOTE_MARKS)).strip().casefold()


def name_in_quote(name: str, quote: str) -> bool:
    """Whether the quote says the name (compared as `fold_name` folds both)."""
    return fold_name(name) in fold_name(quote)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# typographic variants of one character: a quote that differs from the text only in these is a near miss
_TYPOGRAPHIC = str.maketrans({c: "'" for c in "’‘‚‛′`´"} | {c: '"' for c in "“”„‟″«»"} | {c: "-" for c in "–—‐‑‒−"})


def _near_miss(folded: str, wanted: str) -> str:
    """Say how much of the quote matches, so the contributor can spot the changed character."""
    start = folded.translate(_TYPOGRAPHIC).find(wanted.translate(_TYPOGRAPHIC))
    if start >= 0:
        found = folded[start : start + len(wanted)]
        pairs = sorted({f"{t} where the quote has {w}" for t, w in zip(found, wanted, strict=True) if t != w})
        return f"the text writes {'; '.join(pairs)}: copy the quote with the article's own quotes and dashes"
    matched = 0
    for size in range(len(wanted), 0, -1):
        if folded.find(wanted[:size]) >= 0:
            matched = size
            break
    if matched >= 10:
        return (
            f'the text matches up to "{_short(wanted[:matched][-40:])}" and then differs at '
            f'"{_short(wanted[matched : matched + 20])}": copy the quote exactly (quotes ’ “ ” too)'
        )
    return "copy the quote exactly from the article's text file"
