"""Reading a SPARQL text before running it: its form (SELECT, ..., or an update), and how deeply it nests.

pyoxigraph exposes no parser, and rdflib's is too slow for every request, so this is a small lexer that
blanks out what can hide a keyword — comments, strings, IRIs, escaped characters — and then looks for
keywords as whole words (codepoint escapes such as \\u0053ELECT are decoded first, as SPARQL requires).
The web process uses the form to choose the answer's format and to refuse obvious updates early; it is no
security decision: what a worker runs is decided on a real parse (guard.py).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_HIDING = re.compile(
    r"""
      '''(?:''?(?:[^'\\]|\\.))*?'''       # long strings
    | \"\"\"(?:""?(?:[^"\\]|\\.))*?\"\"\"
    | '(?:[^'\\\n\r]|\\.)*'               # short strings
    | "(?:[^"\\\n\r]|\\.)*"
    | <[^<>"{}|^`\\\x00-\x20]*>           # IRIs
    | \\.                                 # escapes in local names (ex:a\#b): not a comment
    | \#[^\n\r]*                          # comments
    """,
    re.VERBOSE | re.DOTALL,
)
# A keyword is a whole word: not part of a prefixed name, variable, language tag or longer name.
_NOT_NAME_BEFORE = r"(?<![\w:?$@\-])"
_NOT_NAME_AFTER = r"(?![\w:\-])"
_FORM = re.compile(
    rf"{_NOT_NAME_BEFORE}(select|ask|construct|describe|insert|delete|load|clear|create|drop|copy|move|add|with)"
    rf"{_NOT_NAME_AFTER}",
    re.IGNORECASE,
)
_NOT_BRACKET = re.compile(r"[^{}()\[\]]+")
_STEP = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}
_UNARY_RUN = re.compile(r"(?:[!+\-^]\s*){2,}")  # !!!x, - - 1, ^^^<p>: each operator nests one level
MAX_NESTING = 256  # groups, brackets and prefix operators inside each other; real queries stay under 30
CACHED_LENGTH = 8192  # characters: the cache holds at most 2048 texts of this length
QUERY_FORMS = {"select": "solutions", "ask": "boolean", "construct": "graph", "describe": "graph"}


@dataclass(frozen=True)
class Analysis:
    """`kind`: "solutions", "boolean", "graph", "update", or None when no form keyword was found."""

    kind: str | None


def analyse(sparql: str) -> Analysis:
    """The query's form; results for short texts are cached, since clients repeat their queries (stored
    queries, pages)."""
    return _analyse_cached(sparql) if len(sparql) <= CACHED_LENGTH else _analyse(sparql)


def _analyse(sparql: str) -> Analysis:
    code = _HIDING.sub(" ", decode_codepoints(sparql))
    form = _FORM.search(code)
    kind = None if form is None else QUERY_FORMS.get(form.group(1).lower(), "update")
    return Analysis(kind=kind)


def too_deep(sparql: str) -> str | None:
    """Why the query nests too deeply to be parsed safely (pyoxigraph's parser recurses), or None.

    Up to 0.5 s for a megabyte of brackets: the worker calls it, within the query's time limit."""
    code = _HIDING.sub(" ", decode_codepoints(sparql))
    openers = sum(map(code.count, "{(["))
    if openers <= MAX_NESTING and not _UNARY_RUN.search(code):
        return None
    depth = _nesting(code)
    if depth <= MAX_NESTING:
        return None
    return (
        f"The query nests groups, brackets or prefix operators {depth} levels deep; this endpoint accepts "
        f"at most {MAX_NESTING}. Flatten it (VALUES instead of nested UNIONs or FILTERs, fewer nested groups)."
    )


def _nesting(code: str) -> int:
    """The deepest nesting of brackets, or the longest run of prefix operators if longer."""
    # depth after each bracket = running sum of +1/-1 minus its lowest point so far (stray closers count 0)
    sums = list(accumulate(map(_STEP.__getitem__, _NOT_BRACKET.sub("", code))))
    deepest = max(map(operator.sub, sums, accumulate(sums, min, initial=0)), default=0)
    runs = (len(re.sub(r"\s", "", run.group(0))) for run in _UNARY_RUN.finditer(code))
    return max(deepest, *runs, 0)


_analyse_cached = lru_cache(maxsize=2048)(_analyse)


def decode_codepoints(sparql: str) -> str:
    r"""Apply SPARQL's \uXXXX and \UXXXXXXXX escapes, which the grammar applies before anything else."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _CODEPOINT.sub(char, sparql)
