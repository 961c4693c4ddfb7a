"""The language of a page: `?lang=` when it names one the pages speak, else the best of Accept-Language, else
English. Labels from the data and the ontology are shown in it where they exist (pick_label falls back)."""

from __future__ import annotations

SPOKEN = ("en", "nl")
DEFAULT = "en"


def choose(asked: str | None, accept_language: str | None) -> str:
    """The page language for `?lang=` (`asked`) and the Accept-Language header."""
    if asked and asked.strip().lower() in SPOKEN:
        return asked.strip().lower()
    best, weight = DEFAULT, 0.0
    for position, item in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        code = tag.strip().lower().split("-", 1)[0]
        quality = _quality(params) - position * 1e-6  # equal weights: the first listed wins
        if code in SPOKEN and quality > weight:
            best, weight = code, quality
    return best


def _quality(params: str) -> float:
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0
