"""`ecograph new`: a first mapping for a new article, for a person to finish.

The scaffold holds what can be found mechanically: the published entities the text mentions (by their labels
and aliases, in every language, on word boundaries; looked up in dist/, else in the project's own mappings mapped
in memory), listed by id only, since their names are not this article's to state; the drafts of drafts.py, facts
the text seems to state, each with its sentence and a `# DRAFT` mark; and a `todo:` list of every amount of money,
date, count and percentage the text states, with the sentence it stands in. What those numbers mean is for the
contributor to decide; `ecograph validate` reports each open item until it is done and deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Store

from .build.graph import Dataset
from .build.mapcache import map_article_cached
from .build.mapping import ArticleGraph
from .build.names import names_graph, read_names
from .errors import EcographError, InputError, Location, ProjectError
from .ontology import Vocabulary
from .project import MAPPING_SUFFIXES, Project
from .text import ArticleText
from .validate.published import DUMP, RDF_TYPE, Published, PublishedGraphMissing

if TYPE_CHECKING:  # drafts.py builds on this module's patterns: imported when drafting
    from .drafts import DraftEntity

STEM_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "januari", "jan"),
            ("february", "februari", "feb"),
            ("march", "maart", "mar", "mrt"),
            ("april", "apr"),
            ("may", "mei"),
            ("june", "juni", "jun"),
            ("july", "juli", "jul"),
            ("august", "augustus", "aug"),
            ("september", "sept", "sep"),
            ("october", "oktober", "oct", "okt"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_NUMBER = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?:million|miljoen|mln|mio|billion|miljard|bn|mld|thousand|duizend|k)\b"
_CURRENCY = r"(?:€|EUR\b|euros?\b|\$|USD\b|£|GBP\b)"
PATTERNS = (
    (
        "amount",
        re.compile(
            rf"{_CURRENCY}\s?(?:{_NUMBER})(?:\s?{_SCALE})?(?:\s?{_CURRENCY})?|"
            rf"(?:{_NUMBER})\s?{_SCALE}(?:\s?{_CURRENCY})?|(?:{_NUMBER})\s?{_CURRENCY}",
            re.IGNORECASE,
        ),
    ),
    ("percentage", re.compile(rf"(?:{_NUMBER})\s?(?:%|percent\b|per cent\b|procent\b)", re.IGNORECASE)),
    (
        "date",
        re.compile(
            rf"\b\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\b|\b{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}\b|"
            rf"\b{_MONTH}\s+\d{{4}}\b|\b\d{{1,2}}\s+{_MONTH}(?!\w)|\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{4}}\b|"
            rf"\b(?:19|20)\d{{2}}\b",
            re.IGNORECASE,
        ),
    ),
    ("count", re.compile(rf"(?<![\w.,€$£-])(?:{_NUMBER})(?![\w%]|[.,]\d)")),
)
SCALES = {
    "thousand": 1_000,
    "duizend": 1_000,
    "k": 1_000,
    "million": 1_000_000,
    "miljoen": 1_000_000,
    "mln": 1_000_000,
    "mio": 1_000_000,
    "billion": 1_000_000_000,
    "miljard": 1_000_000_000,
    "bn": 1_000_000_000,
    "mld": 1_000_000_000,
}
# Common short words by language, to guess an article's languages (a general table, keyed by ISO 639-1 code).
COMMON_WORDS = {
    "en": {"the", "and", "of", "is", "for", "with", "to", "that", "are", "not", "also", "in", "on", "by"},
    "nl": {"de", "het", "een", "en", "van", "is", "voor", "met", "op", "dat", "zijn", "niet", "ook", "wordt"},
    "de": {"der", "die", "das", "und", "ist", "mit", "nicht", "auch", "von", "für", "zu", "auf", "ein", "eine"},
    "fr": {"le", "la", "les", "et", "est", "pour", "avec", "pas", "aussi", "dans", "sur", "une", "des", "du"},
}


@dataclass(frozen=True)
class Mention:
    """A published entity the text names: where first, and in which sentence."""

    iri: str
    entity_id: str
    name: str
    line: int
    quote: str


@dataclass(frozen=True)
class Todo:
    """A number or date the text states that the scaffold cannot turn into a fact by itself."""

    kind: str
    text: str
    line: int
    quote: str
    hint: str


@dataclass
class ScaffoldResult:
    stem: str
    seed: Path
    metadata: Path
    mapping: Path
    entities: list[Mention] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)
    drafts: list[DraftEntity] = field(default_factory=list)
    language: str = "en"
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def scaffold(
    project: Project, article: Path, *, stem: str | None = None, against: Path | None = None
) -> ScaffoldResult:
    """Copy the article to seeds/ (if needed) and write its metadata and mapping to fill in."""
    text = ArticleText.read(article)
    stem = stem or _default_stem(project, article, text)
    if not STEM_PATTERN.match(stem):
        raise InputError(Location(article), f"'{stem}' cannot be a file stem", "use letters, digits, '_', '-'")
    result = ScaffoldResult(
        stem, project.seed_text(stem), project.seed_metadata(stem), project.mappings_dir / f"{stem}.yaml"
    )
    _refuse_overwrite(result)
    published = _published(project, against, result)
    result.entities = find_mentions(text.text, published, project)
    result.todos = find_candidates(text.text)
    from .drafts import draft

    result.language = guess_languages(text.text, project.facts.languages)[0]
    result.drafts = draft(text.text, result.language, published_names(published, project))
    try:
        _place_seed(article, text, result)
        _write(result.metadata, metadata_yaml(result, text.text, project.facts.languages), result)
        _write(result.mapping, mapping_yaml(result), result)
    except BaseException:  # all three files or none: a half-written scaffold would block the next attempt
        for path in result.written:
            path.unlink(missing_ok=True)
        raise
    return result


def _default_stem(project: Project, article: Path, text: ArticleText) -> str:
    if article.resolve().parent == project.seeds_dir.resolve():
        return article.stem
    numbers = [int(p.name[:3]) for p in project.seeds_dir.glob("[0-9][0-9][0-9]_*.txt")]
    return f"{max(numbers, default=-1) + 1:03d}_{hashlib.sha256(text.raw).hexdigest()[:16]}"


def _refuse_overwrite(result: ScaffoldResult) -> None:
    for path in (result.metadata, result.mapping):
        if path.exists():
            raise ProjectError(f"{path} already exists: edit it, or delete it to scaffold the article again")
    for suffix in MAPPING_SUFFIXES:
        if (written := result.mapping.with_suffix(suffix)).exists():
            raise ProjectError(
                f"{written} already exists: it holds the article's facts in RDF, and an article has one mapping "
                "file. Edit it, or delete it to scaffold a YAML mapping instead"
            )


def _published(project: Project, against: Path | None, result: ScaffoldResult) -> Published:
    """The graph to look entities up in: `against`, else the project's build, else its mappings mapped now."""
    if against is None and not (project.default_dist / DUMP).is_file():
        return published_from_mappings(project, result.notes)
    try:
        return Published.load(against or project.default_dist)
    except PublishedGraphMissing as error:
        result.notes.append(f"{error} — no known entities were looked up")
        return Published.empty()


def published_from_mappings(project: Project, notes: list[str], leaving_out: Sequence[Path] = ()) -> Published:
    """The graph a build would publish, mapped in memory from mappings/ but `leaving_out` (what `new` and
    `validate` use in a fresh clone).

    A mapping that does not map yet (say, an unfinished scaffold) is left out, with a note."""
    vocabulary = Vocabulary.of(project)
    articles = []
    left_out = {path.resolve() for path in leaving_out}
    for path in project.mapping_files():
        if path.resolve() in left_out:
            continue
        try:
            articles.append(map_article_cached(project, vocabulary, path))
        except InputError as error:
            notes.append(f"{path.name} was left out of the look-up: it does not map yet ({error})")
    store = Store()
    store.bulk_extend(Dataset(articles, _looked_up_names(project, articles, notes)).quads())
    return Published(store, None)


def _looked_up_names(project: Project, articles: list[ArticleGraph], notes: list[str]) -> ArticleGraph | None:
    """The curated names of the mapped articles' entities (those of a mapping left out are not looked up)."""
    names = read_names(project, lambda _: True, collect=True)
    if names.findings:
        notes.append(f"{project.names_file.name} was left out of the look-up: {names.findings[0]}")
        return None
    declared = {entity_id for article in articles for entity_id in article.entity_lines}
    names.names = [name for name in names.names if name.entity_id in declared]
    return names_graph(project, names)


def _place_seed(article: Path, text: ArticleText, result: ScaffoldResult) -> None:
    seed = result.seed
    if seed.exists():
        if seed.read_bytes() != text.raw:
            raise ProjectError(f"{seed} exists with other text: choose another --id")
        return
    _write(seed, text.raw, result)


def _write(path: Path, content: str | bytes, result: ScaffoldResult) -> None:
    """Write a new file (bytes as they are, text as UTF-8); EcographError naming it when that fails."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as out:  # never overwrites
            result.written.append(path)
            out.write(data)
    except OSError as error:
        raise EcographError(
            f"could not write {path}: {error.strerror}. Nothing was scaffolded; fix the "
            "folder's permissions or free disk space and run ecograph new again."
        ) from error


# sentences --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str  # white space folded, as quotes are compared
    line: int


def sentences(text: str) -> list[Sentence]:
    """The text cut at line ends and after . ! ? followed by a space and a capital or quote."""
    found = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for match in re.finditer(r"\S.*?(?:[.!?](?=\s+[\"“‘'(A-Z0-9])|$)", line):
            folded = re.sub(r"\s+", " ", match.group().strip())
            if folded:
                found.append(Sentence(offset + match.start(), offset + match.end(), folded, number))
        offset += len(line) + 1
    return found


def _sentence_at(all_sentences: list[Sentence], position: int) -> Sentence:
    for sentence in all_sentences:
        if sentence.start <= position < sentence.end:
            return sentence
    return all_sentences[-1]


# mentions of published entities -----------------------------------------------------------------------------


def find_mentions(text: str, published: Published, project: Project) -> list[Mention]:
    """Published entities named in the text; a longer name wins over a shorter one inside it."""
    prefix = f"{project.base}id/"
    spans = []
    for name in published.names:
        if not name.iri.startswith(prefix) or name.iri[len(prefix) :].split("/")[0] in ("claim", "article"):
            continue
        is_part = name.iri[len(prefix) :].startswith(("place/", "domain/"))
        for match in _name_pattern(name.text).finditer(text):
            if not (is_part and _inside_longer_name(text, match.start(), match.end())):
                spans.append((match.start(), match.end(), name.iri, match.group()))
    taken: list[tuple[int, int]] = []
    first: dict[str, tuple[int, str]] = {}
    for start, end, iri, found in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        if iri not in first or start < first[iri][0]:
            first[iri] = (start, found)
    all_sentences = sentences(text)
    mentions = []
    for iri, (start, found) in sorted(first.items(), key=lambda item: item[1][0]):
        sentence = _sentence_at(all_sentences, start)
        mentions.append(Mention(iri, iri[len(prefix) :], found, sentence.line, sentence.text))
    return mentions


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """Whether a name is part of a longer proper name: a capitalised word right after it, or right before it
    unless that word begins its sentence. 'Medisch Spectrum Twente' names a hospital, not the region Twente."""
    if re.match(r"[ \t]+[A-Z]", text[end : end + 2]):
        return True
    before = re.search(r"(\S+)[ \t]+$", text[max(0, start - 60) : start])
    if not before or not before.group(1)[:1].isupper():
        return False
    preceding = text[: start - len(before.group())].rstrip(" \t")
    return bool(preceding) and preceding[-1] not in '.!?:\n"“‘('


def _name_pattern(name: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in name.split()]
    body = r"\s+".join(words)
    exact_case = len(name) < 4 or name.isupper()
    return re.compile(rf"(?<![\w-]){body}(?!\w)", 0 if exact_case else re.IGNORECASE)


# numbers and dates ------------------------------------------------------------------------------------------


def find_candidates(text: str) -> list[Todo]:
    """Every amount, percentage, date and count in the text, each once, with its sentence."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str, str]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append((start, kind, match.group().strip()))
    all_sentences = sentences(text)
    todos = []
    for start, kind, shown in sorted(found):
        sentence = _sentence_at(all_sentences, start)
        todos.append(Todo(kind, re.sub(r"\s+", " ", shown), sentence.line, sentence.text, _hint(kind, shown)))
    return todos


def _hint(kind: str, shown: str) -> str:
    if kind == "amount":
        value = amount_value(shown)
        number = f"{value}" if value is not None else "the amount in digits"
        return (
            f"a Funding (amount: {number}, currency: EUR; minimumAmount if the text says 'over') or a "
            "budget/annualTurnover fact; then delete this item"
        )
    if kind == "date":
        value = date_value(shown)
        return (
            f"a date fact ({value or 'YYYY-MM-DD'}): startDate, endDate, date, foundingDate or published; "
            "then delete this item"
        )
    if kind == "percentage":
        return "a Figure (value, measure, qualifier) about what the percentage describes; then delete this item"
    return (
        "a count (numberOfPartners, numberOfProjects, numberOfResearchers) or a Figure (value, measure, "
        "qualifier); or delete this item if the number is not a fact"
    )


def amount_value(shown: str) -> str | None:
    """€11 million -> 11000000, 8.71 MLN EUR -> 8710000, 3.5 million -> 3500000."""
    number = re.search(_NUMBER, shown)
    scale = re.search(_SCALE, shown, re.IGNORECASE)
    if not number:
        return None
    digits = number.group()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        digits = re.sub(r"[.,]", "", digits)
    try:
        value = Decimal(digits.replace(",", "."))
    except InvalidOperation:
        return None
    value *= SCALES.get(scale.group().lower(), 1) if scale else 1
    return format(value.normalize(), "f")


def date_value(shown: str) -> str | None:
    """19 December 2023 -> 2023-12-19; December 2023 -> 2023-12; 2018 -> 2018."""
    words = re.findall(r"[A-Za-z]+|\d+", shown)
    month = next((MONTHS[w.lower()] for w in words if w.lower() in MONTHS), None)
    numbers = [int(w) for w in words if w.isdigit()]
    year = next((n for n in numbers if n >= 1000), None)
    day = next((n for n in numbers if n < 32), None)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", shown):
        return shown
    if year and month and day:
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    if year and month:
        return f"{year}-{month:02d}"
    return str(year) if year and len(numbers) == 1 else None


# writing the files ------------------------------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML double-quoted string (JSON's escapes are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def guess_languages(text: str, candidates: Sequence[str] = ()) -> list[str]:
    """The text's languages, main first: those of `candidates` (the project's languages; default every language
    of COMMON_WORDS) whose common words occur in it, a second one only when it is more than a fifth of the main.
    On a tie the earlier candidate wins."""
    known = [lang for lang in candidates or COMMON_WORDS if lang in COMMON_WORDS] or ["en"]
    words = re.findall(r"[a-zäöüßéèàç]+", text.lower())
    counts = {lang: sum(w in COMMON_WORDS[lang] for w in words) for lang in known}
    ranked = sorted(known, key=lambda lang: -counts[lang])
    main = counts[ranked[0]]
    return [ranked[0]] + [lang for lang in ranked[1:] if counts[lang] > 0.2 * max(main, 1)]


def slugify(text: str, limit: int = 60) -> str:
    """Lowercase a-z, 0-9 and '-', at most `limit` characters, cut between words (a longer first word is cut)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if len(slug) <= limit:
        return slug
    cut = slug.rfind("-", 0, limit + 1)
    return slug[: cut if cut > 0 else limit].strip("-")


def metadata_yaml(result: ScaffoldResult, text: str, languages: Sequence[str] = ()) -> str:
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]
    slug = slugify(title) or result.stem.lower()
    languages = guess_languages(text, languages)
    return "\n".join(
        [
            f"# Article metadata for {result.seed.name} — written by `ecograph new`: check every line.",
            "# slug: the article's short name in IRIs (<base>id/article/<slug>); lowercase a-z, 0-9 and '-'.",
            "# title: the title exactly as the text gives it. languages: the text's languages, main first.",
            f"slug: {slug}",
            f"title: {_q(title)}",
            f"languages: [{', '.join(languages)}]",
            '# published: {date: 2023-12-19, quote: "19 December 2023"}   # only if the text gives the date',
            '# publisher: {id: organisation/..., quote: "..."}             # only if the text names it; declare the',
            "#                                                              # id in the mapping too",
            "",
        ]
    )


def mapping_yaml(result: ScaffoldResult) -> str:
    lines = [
        "# yaml-language-server: $schema=mapping.schema.json",
        f"# Mapping for seeds/{result.seed.name} — written by `ecograph new`; fill it in, then run",
        f"#   ecograph validate mappings/{result.mapping.name}",
        "# Published entities are referred to by id only: their names are not this article's to state. Add new",
        "# entities (id: kind/slug, type, label, quote) and the article's facts.",
        f"article: {result.stem}",
        "entities:",
    ]
    lines.extend(_mention_lines(result.entities))
    lines.extend(_draft_lines(result.drafts, result.language) or ["  []  # add the article's entities here"])
    lines.extend(_todo_lines(result))
    return "\n".join(lines) + "\n"


def _mention_lines(mentions: list[Mention]) -> list[str]:
    if not mentions:
        return ["  # no published entity found in the text"]
    width = max(len(m.entity_id) for m in mentions)
    lines = ["  # Published entities the text names (id, the name as the text gives it, line):"]
    lines += [f"  #   {m.entity_id.ljust(width)}  {_q(m.name)}, line {m.line}" for m in mentions]
    return lines


DRAFT_MARK = "# DRAFT"
DRAFT_NOTE = [
    "",
    "  # Drafts: facts the text seems to state, each with the sentence that says it. Confirm one by deleting its",
    f"  # '{DRAFT_MARK}' mark; delete a wrong fact (with its quote line) or entity. Check new ids, types,",
    "  # labels.",
]
# facts whose value is text in a language ({en: ...}); every other literal is written as it is
LANGUAGE_TEXT = {"jobTitle", "measure"}


def _draft_lines(drafts: list[DraftEntity], language: str) -> list[str]:
    if not drafts:
        return []
    lines = list(DRAFT_NOTE)
    for entity in drafts:
        if entity.published:
            used = "" if entity.facts else "  # published; a draft below refers to it"
            lines += ["", f"  - id: {entity.id}{used}"]
        else:
            lines += ["", f"  - id: {entity.id}  {DRAFT_MARK}"]
        if not entity.published:
            lines += [
                f"    type: {entity.type}",
                f"    label: {{{language}: {_q(entity.label)}}}",
                f"    quote: {_q(entity.quote)}",
            ]
        if entity.facts:
            lines.append("    facts:")
        for fact in entity.facts:
            value = f"{{{language}: {_q(fact.value)}}}" if fact.property in LANGUAGE_TEXT else fact.value
            lines += [f"      - {fact.property}: {value}  {DRAFT_MARK}", f"        quote: {_q(fact.quote)}"]
    return lines


def draft_yaml(drafts: list[DraftEntity], language: str) -> str:
    """The drafts alone, as a mapping's `entities:` (what `ecograph bench drafts` scores)."""
    return "\n".join(["entities:", *(_draft_lines(drafts, language) or ["  []"])]) + "\n"


def published_names(published: Published, project: Project) -> list[tuple[str, str]]:
    """(id, name) of every label and alias of the published entities (claims and articles left out)."""
    prefix = f"{project.base}id/"
    return [
        (name.iri[len(prefix) :], name.text)
        for name in published.names
        if name.iri.startswith(prefix) and name.iri[len(prefix) :].split("/")[0] not in ("claim", "article")
    ]


def todo_items(result: ScaffoldResult) -> list[Todo]:
    """The open items the scaffold writes: checking the metadata and the drafts, then every number and date."""
    check = f"check {result.metadata.name}: slug, title, languages, published date, publisher"
    items = [Todo("metadata", check, 0, "", "correct the metadata file, then delete this item")]
    drafted = sum(len(entity.facts) for entity in result.drafts)
    if drafted:
        items.append(
            Todo(
                "drafts",
                f"{drafted} draft facts marked '{DRAFT_MARK}' in 'entities'",
                0,
                "",
                f"confirm each (delete its '{DRAFT_MARK}' mark) or delete it, then delete this item",
            )
        )
    return items + result.todos


def _todo_lines(result: ScaffoldResult) -> list[str]:
    lines = [
        "",
        "# Open items: numbers and dates the text states. Turn each into a fact (or decide it is none),",
        "# then delete it. `ecograph validate` reports every item still here.",
        "todo:",
    ]
    for todo in todo_items(result):
        lines += [f"  - kind: {todo.kind}", f"    text: {_q(todo.text)}"]
        if todo.line:
            lines += [f"    line: {todo.line}", f"    quote: {_q(todo.quote)}"]
        lines.append(f"    hint: {_q(todo.hint)}")
    return lines


__all__ = ["RDF_TYPE", "ScaffoldResult", "scaffold"]
