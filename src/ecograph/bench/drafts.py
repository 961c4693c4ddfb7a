"""`ecograph bench drafts`: how many of a finished mapping's facts `ecograph new` drafts, and how many of its
drafts a person has to delete.

A folder holds benchmark articles: NAME.txt (the article) and NAME.yaml (the mapping a person finished for it);
held-out.list lists the articles the draft patterns were not tuned on. Each article is drafted against the
project's published entities (its mappings, mapped in memory), and its drafts are compared with the finished
mapping fact by fact: `subject property value`, where an n-ary entity (a position, a funding, a figure) is known
by what it joins (who holds the position where; the amount or the funders; the value), not by its id, since a
person and the drafter may well name it differently.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..drafts import draft
from ..errors import EcographError
from ..project import Project
from ..scaffold import draft_yaml, guess_languages, published_from_mappings, published_names
from ..text import ArticleText

Fact = tuple[object, str, object]


@dataclass(frozen=True)
class DraftScore:
    """One article: the finished mapping's facts, the drafted facts, and those in both."""

    name: str
    held_out: bool
    finished: int
    drafted: int
    correct: int

    @property
    def recall(self) -> float:
        return self.correct / self.finished if self.finished else 0.0

    @property
    def deleted(self) -> float:
        return (self.drafted - self.correct) / self.drafted if self.drafted else 0.0


def bench_drafts(project: Project, folder: Path) -> list[DraftScore]:
    """Score the drafts of every NAME.txt in `folder` that has a finished NAME.yaml."""
    articles = sorted(p for p in folder.glob("*.txt") if (folder / f"{p.stem}.yaml").is_file())
    if not articles:
        raise EcographError(f"{folder} holds no benchmark article (NAME.txt with its finished NAME.yaml)")
    held_out_file = folder / "held-out.list"
    held_out = set(held_out_file.read_text(encoding="utf-8").split()) if held_out_file.is_file() else set()
    names = published_names(published_from_mappings(project, []), project)
    scores = []
    for article in articles:
        text = ArticleText.read(article).text
        language = guess_languages(text, project.facts.languages)[0]
        drafted = canonical_facts(yaml.safe_load(draft_yaml(draft(text, language, names), language)))
        finished = canonical_facts(yaml.safe_load((folder / f"{article.stem}.yaml").read_text(encoding="utf-8")))
        scores.append(
            DraftScore(article.stem, article.stem in held_out, len(finished), len(drafted), len(drafted & finished))
        )
    return scores


def canonical_facts(document: Any) -> set[Fact]:
    """The facts of a mapping document (its entities' `facts:`), with n-ary entities known by what they join."""
    entities = [e for e in (document or {}).get("entities") or [] if isinstance(e, dict) and "id" in e]
    keys = {e["id"]: _key(e) for e in entities}
    return {(keys[entity["id"]], prop, _value(value, keys)) for entity in entities for prop, value in _facts(entity)}


def _facts(entity: dict) -> Iterator[tuple[str, Any]]:
    for fact in entity.get("facts") or []:
        for prop, value in fact.items():
            if prop != "quote":
                yield from ((prop, v) for v in (value if isinstance(value, list) else [value]))


def _key(entity: dict) -> object:
    facts: dict[str, list[Any]] = {}
    for prop, value in _facts(entity):
        facts.setdefault(prop, []).append(_value(value, {}))
    kind = entity.get("type")
    if kind == "Position":
        return ("position", tuple(facts.get("heldBy", [])), tuple(facts.get("atOrganisation", [])))
    if kind == "Funding":
        amount = facts.get("amount") or facts.get("minimumAmount")
        return ("funding", tuple(amount) if amount else tuple(sorted(map(str, facts.get("funder", [])))))
    if kind == "Figure":
        return ("figure", tuple(facts.get("value", [])))
    return entity["id"]


def _value(value: Any, keys: dict[str, object]) -> object:
    if isinstance(value, dict):  # text in languages: compared without case, in any language
        return frozenset(str(v).strip().lower() for v in value.values())
    if isinstance(value, str) and value in keys:
        return keys[value]
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except InvalidOperation:
            return str(value)
    return str(value)


def format_scores(scores: list[DraftScore]) -> str:
    """A Markdown table: each article, then the totals of the tuning and held-out sets."""
    lines = [
        "| article | set | finished facts | drafted | correct | recall | deleted |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for score in scores:
        lines.append(_row(score.name, score))
    for label, held_out in (("all tuned on", False), ("all held out", True)):
        group = [s for s in scores if s.held_out == held_out]
        if group:
            total = DraftScore(
                label,
                held_out,
                sum(s.finished for s in group),
                sum(s.drafted for s in group),
                sum(s.correct for s in group),
            )
            lines.append(_row(f"**{label}**", total))
    return "\n".join(lines)


def _row(name: str, score: DraftScore) -> str:
    group = "held out" if score.held_out else "tuned on"
    return (
        f"| {name} | {group} | {score.finished} | {score.drafted} | {score.correct} | "
        f"{score.recall:.0%} | {score.deleted:.0%} |"
    )
