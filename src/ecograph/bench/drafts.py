"""`ecograph bench drafts`: how many of a finished mapping's facts `ecograph new` drafts, and how many of its
drafts a person has to delete.

A folder holds benchmark articles: NAME.txt (the article) and NAME.yaml (the mapping a person finished for it);
held-out.list lists the articles the draft patterns were not tuned on. Each article is drafted against the
project's published entities (its mappings, mapped in memory); the project's own articles are scored too, each
against the entities of the other mappings. The drafts are compared with the finished
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
from pyoxigraph import Store

from ..build.graph import Dataset
from ..build.mapcache import map_article_cached
from ..drafts import draft
from ..errors import EcographError
from ..ontology import Vocabulary
from ..project import Project
from ..scaffold import draft_yaml, guess_languages, published_from_mappings, published_names
from ..text import ArticleText
from ..validate.published import Published

Fact = tuple[object, str, object]


TUNED, HELD_OUT, SEED = "tuned on", "held out", "seed article"


@dataclass(frozen=True)
class DraftScore:
    """One article: the finished mapping's facts, the drafted facts, and those in both."""

    name: str
    group: str  # TUNED, HELD_OUT or SEED
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
    return [
        _score(
            article.stem,
            HELD_OUT if article.stem in held_out else TUNED,
            ArticleText.read(article).text,
            yaml.safe_load((folder / f"{article.stem}.yaml").read_text(encoding="utf-8")),
            names,
            project,
        )
        for article in articles
    ]


def bench_seed_drafts(project: Project) -> list[DraftScore]:
    """Score the drafts of the project's own articles against their mappings, each drafted against the entities
    the other mappings publish (as if it were the newest article)."""
    vocabulary = Vocabulary.of(project)
    mapped = {path: map_article_cached(project, vocabulary, path) for path in project.mapping_files()}
    scores = []
    for path, article in mapped.items():
        store = Store()
        store.bulk_extend(Dataset([a for p, a in mapped.items() if p != path]).quads())
        names = published_names(Published(store, None), project)
        text = ArticleText.read(project.seed_text(article.stem)).text
        finished = yaml.safe_load(path.read_text(encoding="utf-8"))
        scores.append(_score(article.stem, SEED, text, finished, names, project))
    return scores


def _score(
    name: str, group: str, text: str, finished: Any, names: list[tuple[str, str]], project: Project
) -> DraftScore:
    language = guess_languages(text, project.facts.languages)[0]
    drafted = canonical_facts(yaml.safe_load(draft_yaml(draft(text, language, names), language)))
    expected = canonical_facts(finished)
    return DraftScore(name, group, len(expected), len(drafted), len(drafted & expected))


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
    for label, name in ((TUNED, "all tuned on"), (HELD_OUT, "all held out"), (SEED, "all seed articles")):
        group = [s for s in scores if s.group == label]
        if group:
            total = DraftScore(
                name,
                label,
                sum(s.finished for s in group),
                sum(s.drafted for s in group),
                sum(s.correct for s in group),
            )
            lines.append(_row(f"**{name}**", total))
    return "\n".join(lines)


def _row(name: str, score: DraftScore) -> str:
    return (
        f"| {name} | {score.group} | {score.finished} | {score.drafted} | {score.correct} | "
        f"{score.recall:.0%} | {score.deleted:.0%} |"
    )
