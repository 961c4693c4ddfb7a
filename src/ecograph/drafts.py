"""Draft facts for `ecograph new`: what an article seems to state, each with the sentence that says it.

Rule-based and small: per language a list of patterns (regular expressions with named slots, below as data),
each slot naming what it holds (a person, an organisation, a place, an amount, ...), and one builder per kind of
pattern that turns a match into facts. A slot's name is resolved against the published entities (by their names,
compared as duplicate detection compares them) and the names found earlier in the article; otherwise it becomes a
new entity whose label is the name as the text writes it. Every draft carries its verbatim sentence; the
scaffold marks each one `# DRAFT` for a person to confirm (delete the mark) or delete.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .scaffold import _MONTH, Sentence, amount_value, date_value, sentences, slugify
from .scaffold import PATTERNS as NUMBER_PATTERNS
from .validate.duplicates import normalise

# --- the building blocks of the patterns ------------------------------------------------------------------------

_PARTICLE = r"(?:van der|van den|van de|van|de|der|den|ter|ten|te|von|de la|el)"
_GIVEN = r"[A-Z][a-zà-ÿ’']+(?:-[A-Z]?[a-zà-ÿ]+)?"  # Anne-Wil, Jan, O'Brien; not TechMed-centrum
PERSON = rf"{_GIVEN}(?:\s+(?:{_PARTICLE}\s+)?{_GIVEN})+"
_WORD = r"[A-Z0-9][\w’'&+.-]*[\w+]|[A-Z]"
_LEGAL = r"(?:B\.V\.|N\.V\.|B\.V|N\.V|BV|NV|GmbH|Ltd\.?|Inc\.?)"  # legal forms end a name and are not its part
NAME = rf"(?:{_WORD})(?:\s+(?:(?:of|for|and|&|van|voor|de|der)\s+)?(?!{_LEGAL})(?:{_WORD}))*(?:\s+{_LEGAL})?"
_GOVERNMENT = r"(?:[Pp]rovincie|[Gg]emeente|[Pp]rovince\s+of|[Mm]unicipality\s+of|[Mm]inistry\s+of|[Mm]inisterie\s+van)"
ORG = rf"(?:{_GOVERNMENT}\s+)?{NAME}"
AMOUNT = f"(?i:{NUMBER_PATTERNS[0][1].pattern})"
DATE = f"(?i:{NUMBER_PATTERNS[2][1].pattern})"
TITLE = r"(?!(?:een|de|het|the|an?)\s)[a-z][a-z-]*(?:\s+(?:and\s+|en\s+)?[a-z][a-z-]*){0,3}?"
_STOP = (
    r"(?:at|in|on|of|from|to|and|or|who|that|by|for|with|than|per|are|is|were|was|will|have|has|"
    r"op|bij|van|uit|die|en|te|door|voor|met|dan|zijn|waren|worden|werden|hebben|heeft)\b"
)
# what a number counts: a plural noun, or a word and a plural noun ("healthcare professionals")
COUNTED = rf"(?!{_STOP})[a-zà-ÿ][\w-]*?(?:(?<!s)\s+(?!{_STOP})[a-zà-ÿ][\w-]*(?:s|en)\b)?(?![\w-])"
_ART = r"(?:(?:the|de|het)\s+)?"
_A = r"(?:the\s+|an?\s+)?"

# Words that start a sentence or a name but are no name themselves.
NOT_NAMES = {
    "the", "a", "an", "in", "on", "at", "its", "his", "her", "their", "our", "we", "it", "this", "that", "he",
    "she", "they", "de", "het", "een", "op", "bij", "ook", "zij", "hij", "dit", "dat", "deze", "gedeputeerde",
    "companies", "students", "the company", "het bedrijf",
    "european", "dutch", "german", "belgian", "english", "europese", "nederlandse", "duitse", "belgische",
}  # fmt: skip

# Kinds of pattern, by what their slots hold; the builders below turn a match of each kind into facts.
POSITION, FUNDING, COUNT, DATED, FOUNDED, BASED, LOCATED, SPIN_OFF, MEMBER = (
    "position", "funding", "count", "dated", "founded", "based", "located", "spin-off", "member",
)  # fmt: skip

LATE = {COUNT, FOUNDED}  # drafted after the others have named what they can

PATTERNS: dict[str, list[tuple[str, str]]] = {
    "en": [
        (SPIN_OFF, rf"(?P<child>{NAME}),\s+an?\s+spin-?off\s+(?:of|from)\s+{_ART}(?P<parent>{ORG})"),
        (SPIN_OFF, rf"(?P<parent>{NAME})\s+spin-?off\s+(?P<child>{NAME})"),
        (BASED, rf"(?P<place>{NAME})-based\s+(?:(?:company|start-?up|firm|maker|scale-?up)\s+)?(?P<org>{ORG})?"),
        (BASED, rf"(?P<org>{ORG}),?\s+(?:is\s+)?(?:based|located|headquartered)\s+in\s+(?P<place>{NAME})"),
        (POSITION, rf"(?P<person>{PERSON}),\s+{_A}(?P<title>{TITLE})\s+(?:of|at)\s+{_ART}(?P<org>{ORG})"),
        (POSITION, rf"(?P<org>{ORG})['’]s\s+(?P<title>{TITLE})\s+(?P<person>{PERSON})"),
        (POSITION, rf"(?P<person>{PERSON})\s+is\s+{_A}(?P<title>{TITLE})\s+(?:of|at)\s+{_ART}(?P<org>{ORG})"),
        (POSITION, rf"(?P<org>{ORG})\s+(?P<title>founder|co-founder|CEO|CTO|director)\s+(?P<person>{PERSON})"),
        (POSITION, rf"\b(?:Its|Their)\s+(?P<title>{TITLE})\s+(?P<person>{PERSON})"),
        (FUNDING, rf"(?P<recipient>{ORG})\s+(?:has\s+|have\s+|will\s+)?(?:raised|raises|receives?|received|gets|got|"
         rf"secured|secures|is\s+awarded|was\s+awarded)\s+(?P<amount>{AMOUNT})(?:[^.]*?\bfrom\s+{_ART}(?P<funder>{ORG}))?"),
        (FUNDING, rf"(?P<funder>{ORG})(?:,\s+which)?\s+(?:invests|invested|will\s+invest|contributes|contributed|adds|"
         rf"added|provides|provided|grants|granted)\s+(?P<amount>{AMOUNT})(?:\s+in\s+{_ART}(?P<recipient>{ORG}))?"),
        (FUNDING, rf"(?:receives|received|financed\s+with|funded\s+with|gets)\s+(?P<amount>{AMOUNT})\s+from\s+{_ART}"
         rf"(?P<funder>{ORG})"),
        (MEMBER, rf"(?P<org>{ORG})\s+is\s+(?:a\s+)?member\s+of\s+{_ART}(?P<group>{ORG})"),
        (FOUNDED, r"(?:founded|established|set\s+up)\s+in\s+(?P<date>(?:19|20)\d\d)"),
        (DATED, rf"\b(?:On|on)\s+(?P<date>{DATE}),\s+(?:the\s+)?(?:\w+\s+edition\s+of\s+)?(?P<thing>{NAME})\s+"
         r"(?:took\s+place|was\s+held|started)"),
        (DATED, rf"\b(?:On|on)\s+(?P<date>{DATE}),\s+(?:the\s+)?(?P<opened>{NAME})\s+opened\b"),
        (DATED, rf"(?P<thing>{NAME})\s+(?:takes\s+place|took\s+place|will\s+take\s+place|is\s+held|was\s+held)\s+"
         rf"on\s+(?P<date>{DATE})"),
        (LOCATED, rf"(?P<org>{ORG})\s+in\s+(?P<place>{NAME})"),
        (COUNT, rf"(?<![\w.,€$£-])(?P<count>\d{{1,3}}(?:,\d{{3}})+|\d+)\s+(?!{_MONTH})(?P<what>{COUNTED})"),
    ],
    "nl": [
        (SPIN_OFF, rf"(?P<child>{NAME}),\s+een\s+spin-?off\s+van\s+{_ART}(?P<parent>{ORG})"),
        (SPIN_OFF, rf"(?P<parent>{NAME})-spin-?off\s+(?P<child>{NAME})"),
        (BASED, rf"[Hh]et\s+in\s+(?P<place>{NAME})\s+gevestigde\s+(?:bedrijf\s+)?(?P<org>{ORG})?"),
        (BASED, rf"[Hh]et\s+(?P<adjective>[A-Z]\w+se)\s+(?:bedrijf|ziekenhuis|start-?up)\s+(?P<org>{ORG})?"),
        (BASED, rf"(?P<org>{ORG})\s+(?:is\s+)?gevestigd\s+(?:in|op)\s+{_ART}(?P<place>{NAME})"),
        (BASED, rf"(?P<org>{ORG})\s+uit\s+(?P<place>{NAME})"),
        (POSITION, rf"(?P<person>{PERSON}),\s+(?:de\s+|een\s+)?(?P<title>{TITLE})\s+(?:van|bij)\s+{_ART}"
         rf"(?P<org>{ORG})"),
        (POSITION, rf"(?P<person>{PERSON})\s+is\s+(?P<title>{TITLE})\s+(?:van|bij)\s+{_ART}(?P<org>{ORG})"),
        (POSITION, rf"(?P<title>[A-Z][a-z]+)\s+(?P<person>{PERSON})\s+(?:van|bij)\s+{_ART}(?P<org>{ORG})"),
        (FUNDING, rf"(?P<recipient>{ORG})\s+(?:krijgt|ontvangt|ontving|kreeg|haalt|haalde|heeft)\s+(?P<amount>{AMOUNT})"
         rf"(?:[^.]*?\bvan\s+{_ART}(?P<funder>{ORG}))?"),
        (FUNDING, rf"(?P<funder>{ORG})\s+(?:investeert|investeerde|draagt|droeg|geeft|gaf|stelt)\s+(?P<amount>{AMOUNT})"
         rf"(?:\s+(?:bij|in|aan)\s+(?P<recipient>{ORG}))?"),
        (FUNDING, rf"(?P<funder>{ORG}),\s+dat\s+(?P<amount>{AMOUNT})\s+bijdraagt"),
        (MEMBER, rf"(?P<org>{ORG})\s+is\s+lid\s+van\s+{_ART}(?P<group>{ORG})"),
        (FOUNDED, r"(?:in\s+(?P<date>(?:19|20)\d\d)\s+opgericht|opgericht\s+in\s+(?P<date2>(?:19|20)\d\d))"),
        (DATED, rf"\bOp\s+(?P<date>{DATE})\s+(?:opende|opent|startte)\s+(?:in\s+{NAME}\s+)?"
         rf"(?:het\s+|de\s+)?(?P<opened>{NAME})"),
        (DATED, rf"\bOp\s+(?P<date>{DATE})\s+vond\s+(?:het\s+|de\s+)?(?P<thing>{NAME})\s+plaats"),
        (LOCATED, rf"(?P<org>{ORG})\s+(?:in|op)\s+(?P<place>{NAME})"),
        (COUNT, rf"(?<![\w.,€$£-])(?P<count>\d{{1,3}}(?:\.\d{{3}})+|\d+)\s+(?!{_MONTH})(?P<what>{COUNTED})"),
    ],
}  # fmt: skip

# Counts that have a property of their own; any other count is drafted as a Figure (value, measure, about).
COUNT_PROPERTIES = {
    "partners": "numberOfPartners",
    "partner": "numberOfPartners",
    "projects": "numberOfProjects",
    "projecten": "numberOfProjects",
    "researchers": "numberOfResearchers",
    "onderzoekers": "numberOfResearchers",
}
SITED = ("organisation/", "facility/", "event/")  # what a draft may say is located somewhere
# A figure's qualifier, by the words right before its number (the values the shapes allow).
QUALIFIERS = {
    "more than": r"more than|over|ruim|meer dan|over de",
    "less than": r"less than|fewer than|under|nearly|almost|minder dan|nog geen|bijna",
    "about": r"about|around|some|roughly|approximately|ongeveer|zo'n|circa|rond de",
}
# Type and id prefix of a new entity, by the slot that names it.
SLOT_KINDS = {
    "person": ("person", "Person"),
    "org": ("organisation", "Organisation"),
    "recipient": ("organisation", "Organisation"),
    "funder": ("organisation", "Organisation"),
    "parent": ("organisation", "Organisation"),
    "child": ("organisation", "StartUp"),
    "group": ("ecosystem", "Ecosystem"),
    "place": ("place", "City"),
    "thing": ("event", "Event"),
    "opened": ("organisation", "Organisation"),
}

# A new name's last word can say what kind of thing it names better than its slot does.
KIND_BY_LAST_WORD = {
    "campus": ("facility", "Campus"),
    "lab": ("facility", "Laboratory"),
    "laboratory": ("facility", "Laboratory"),
    "laboratorium": ("facility", "Laboratory"),
    "factory": ("facility", "ProductionFacility"),
    "ziekenhuis": ("organisation", "Hospital"),
    "hospital": ("organisation", "Hospital"),
    "university": ("organisation", "University"),
    "universiteit": ("organisation", "University"),
}


@dataclass
class DraftEntity:
    """An entity a draft fact is about or points at: published (id only) or new (type, label, quote)."""

    id: str
    type: str = ""
    label: str = ""
    quote: str = ""
    line: int = 0
    published: bool = False
    facts: list[DraftFact] = field(default_factory=list)


@dataclass(frozen=True)
class DraftFact:
    """`property: value` with its verbatim quote; `value` is an entity id, or text / a number / a date."""

    property: str
    value: str
    quote: str
    line: int
    is_reference: bool = True


class Drafter:
    """Drafts the facts of one article, in its language; `published` gives (id, name) of the published entities."""

    def __init__(self, text: str, language: str, published: Iterable[tuple[str, str]]) -> None:
        self.text = text
        self.language = language if language in PATTERNS else "en"
        self.names = [(name, entity_id) for entity_id, name in published]  # every name, as written
        self.known: dict[str, str] = {}  # normalised name -> id
        for name, entity_id in self.names:
            self.known.setdefault(normalise(name), entity_id)
        self.published_ids = frozenset(self.known.values())
        self.sentence = Sentence(0, 0, "", 0)
        self.sentences: list[Sentence] = []
        self.entities: dict[str, DraftEntity] = {}
        self.facts_seen: set[tuple[str, str, str]] = set()
        self.builders: dict[str, Callable[[re.Match[str], Sentence], None]] = {
            POSITION: self._position,
            FUNDING: self._funding,
            COUNT: self._count,
            DATED: self._dated,
            FOUNDED: self._founded,
            BASED: self._based,
            LOCATED: self._located,
            SPIN_OFF: self._spin_off,
            MEMBER: self._member,
        }

    def draft(self) -> list[DraftEntity]:
        """The entities with draft facts (and the new entities they refer to), in the order of the text.

        Two passes: first the patterns that name things (so "Nijmegen MedTech Match took place" makes it an
        event), then counts and founding years, whose subject may be a name a sentence only begins with."""
        compiled = [(kind, re.compile(pattern)) for kind, pattern in PATTERNS[self.language]]
        self.sentences = sentences(self.text)
        taken: dict[int, list[tuple[int, int]]] = {}
        for late in (False, True):
            for index, sentence in enumerate(self.sentences):
                self.sentence = sentence
                for kind, pattern in compiled:
                    if (kind in LATE) == late:
                        self._match_all(kind, pattern, sentence, taken.setdefault(index, []))
        used = {f.value for e in self.entities.values() for f in e.facts if f.is_reference}
        drafted = [e for e in self.entities.values() if e.facts or e.id in used]
        return sorted(drafted, key=lambda e: e.line)

    def _match_all(self, kind: str, pattern: re.Pattern[str], sentence: Sentence, taken: list[tuple[int, int]]) -> None:
        for match in pattern.finditer(sentence.text):
            if kind in (LOCATED, COUNT) and any(s < match.end() and match.start() < e for s, e in taken):
                continue  # "in <place>" and bare numbers inside a match of a more specific pattern
            if self._apply(kind, match, sentence):
                taken.append(match.span())

    def _apply(self, kind: str, match: re.Match[str], sentence: Sentence) -> bool:
        before = len(self.facts_seen)
        self.builders[kind](match, sentence)
        return len(self.facts_seen) > before

    # resolving names ------------------------------------------------------------------------------------------

    def entity(self, name: str | None, slot: str, sentence: Sentence, edition: str = "") -> DraftEntity | None:
        """The entity a slot's text names: published, found before, or new (an event's id ends in the year of
        its `edition`); None for no name."""
        if not name:
            return None
        name = re.sub(rf"^(?:the|The|de|De|het|Het)\s+|\s+{_LEGAL}$", "", name.strip(" ,")).strip(" ,.")
        if not name or name.lower() in NOT_NAMES or len(name) < 2:
            return None
        key = normalise(name)
        if key in self.known:
            return self._known(self.known[key], sentence)
        prefix, kind = SLOT_KINDS[slot]
        if slot not in ("person", "place", "thing"):
            prefix, kind = KIND_BY_LAST_WORD.get(name.split()[-1].lower(), (prefix, kind))
        entity_id = f"{prefix}/{slugify(f'{name} {edition}' if prefix == 'event' else name)}"
        self.known[key] = entity_id
        self.names.append((name, entity_id))
        entity = self._entity(entity_id, published=False, sentence=sentence)
        entity.type, entity.label = kind, name
        return entity

    def _known(self, entity_id: str, sentence: Sentence) -> DraftEntity:
        return self._entity(entity_id, published=entity_id in self.published_ids, sentence=sentence)

    def _entity(self, entity_id: str, *, published: bool, sentence: Sentence) -> DraftEntity:
        if entity_id not in self.entities:
            self.entities[entity_id] = DraftEntity(
                entity_id, quote=sentence.text, line=sentence.line, published=published
            )
        return self.entities[entity_id]

    def fact(self, subject: DraftEntity | None, prop: str, value: str | DraftEntity | None) -> None:
        """Draft `prop: value` about `subject`, quoting the current sentence (nothing when either is missing)."""
        if subject is None or value is None or value == "":
            return
        target = value.id if isinstance(value, DraftEntity) else value
        key = (subject.id, prop, target)
        if target == subject.id or key in self.facts_seen:
            return
        self.facts_seen.add(key)
        reference = isinstance(value, DraftEntity)
        subject.facts.append(DraftFact(prop, target, self.sentence.text, self.sentence.line, reference))

    def subject_before(self) -> DraftEntity | None:
        """What a sentence that names no organisation is about ("The company ...", "Its founder ..."): the first
        organisation named in the nearest sentence before it that names one."""
        for sentence in reversed(self.sentences[: self.sentences.index(self.sentence)]):
            found = self._first_named(sentence)
            if found is not None:
                return found
        return None

    # builders ---------------------------------------------------------------------------------------------------

    def _position(self, match: re.Match[str], sentence: Sentence) -> None:
        person = self.entity(match.group("person"), "person", sentence)
        org_name = match.groupdict().get("org")
        org = self.entity(org_name, "org", sentence) if org_name else self.subject_before()
        if person is None or org is None or not person.id.startswith("person/") or not _is_agent(org):
            return
        slug = f"{person.id.split('/')[1]}-{org.id.split('/')[1]}"
        position = self._entity(f"position/{slug}", published=False, sentence=sentence)
        position.type, position.label = "Position", match.group().strip()
        self.fact(position, "heldBy", person)
        self.fact(position, "atOrganisation", org)
        self.fact(position, "jobTitle", match.group("title").strip())

    def _funding(self, match: re.Match[str], sentence: Sentence) -> None:
        slots = match.groupdict()
        funder = self.entity(slots.get("funder"), "funder", sentence)
        recipient = self.entity(slots.get("recipient"), "recipient", sentence)
        amount = amount_value(match.group("amount"))
        if amount is None or (funder is None and recipient is None):
            return
        same = [e for e in self.entities.values() if e.type == "Funding" and e.id.endswith(f"-{amount}")]
        if same and same[0].line == sentence.line:
            funding = same[0]  # another pattern matched the same money in the sentence: one funding
        else:
            parties = "-".join(e.id.split("/")[1] for e in (funder, recipient) if e is not None)
            funding = self._entity(f"funding/{parties}-{amount}", published=False, sentence=sentence)
            funding.type, funding.label = "Funding", match.group().strip()
        self.fact(funding, "funder", funder)
        self.fact(funding, "recipient", recipient)
        self.fact(funding, "amount", amount)
        if re.search(r"€|euro|EUR", match.group("amount"), re.IGNORECASE):
            self.fact(funding, "currency", "EUR")

    def _count(self, match: re.Match[str], sentence: Sentence) -> None:
        value = re.sub(r"[.,]", "", match.group("count"))
        what = match.group("what")
        if int(value) < 2 or re.fullmatch(r"(?:19|20)\d\d", value) or _is_unit(what):
            return  # "type 1 diabetes", a year, "5 million", "10 minutes": no count
        subject = self._first_named(sentence) or self.subject_before()
        prop = COUNT_PROPERTIES.get(what.split()[-1].lower())
        if prop:
            self.fact(subject, prop, value)
            return
        if any(e.id.startswith("figure/") and e.id.endswith(f"-{value}") for e in self.entities.values()):
            return  # the same number again (say, in the title and the text): one figure
        figure = self._entity(f"figure/{slugify(what)}-{value}", published=False, sentence=sentence)
        figure.type, figure.label = "Figure", match.group().strip()
        self.fact(figure, "about", subject)
        self.fact(figure, "value", value)
        self.fact(figure, "measure", what)
        before = sentence.text[: match.start()].lower()
        qualifier = next((q for q, words in QUALIFIERS.items() if re.search(rf"\b(?:{words})\s*$", before)), None)
        self.fact(figure, "qualifier", qualifier)

    def _dated(self, match: re.Match[str], sentence: Sentence) -> None:
        slot = "thing" if match.groupdict().get("thing") else "opened"
        when = date_value(match.group("date")) or ""
        self.fact(self.entity(match.group(slot), slot, sentence, when[:4]), "startDate", when)

    def _founded(self, match: re.Match[str], sentence: Sentence) -> None:
        year = match.groupdict().get("date") or match.groupdict().get("date2")
        self.fact(self._first_named(sentence, before=match.start()) or self.subject_before(), "foundingDate", year)

    def _based(self, match: re.Match[str], sentence: Sentence) -> None:
        slots = match.groupdict()
        place = self._place(slots.get("place"), slots.get("adjective"), sentence)
        org = self.entity(slots.get("org"), "org", sentence) if slots.get("org") else self.subject_before()
        if org is not None and org.id.startswith(SITED):
            self.fact(org, "locatedIn", place)

    def _located(self, match: re.Match[str], sentence: Sentence) -> None:
        place_key = normalise(match.group("place"))
        if not self.known.get(place_key, "").startswith("place/"):
            return  # "in <name>" says where only when the name is a known place
        name = match.group("org")
        if normalise(name) not in self.known and name.split()[-1].lower() not in KIND_BY_LAST_WORD:
            return  # nor of an unknown name, unless it says what it is ("... Campus in Nijmegen")
        org = self.entity(name, "org", sentence)
        if org is not None and org.id.startswith(SITED):
            self.fact(org, "locatedIn", self.entity(match.group("place"), "place", sentence))

    def _spin_off(self, match: re.Match[str], sentence: Sentence) -> None:
        child = self.entity(match.group("child"), "child", sentence)
        self.fact(child, "spinOffOf", self.entity(match.group("parent"), "parent", sentence))

    def _member(self, match: re.Match[str], sentence: Sentence) -> None:
        org = self.entity(match.group("org"), "org", sentence)
        self.fact(org, "memberOf", self.entity(match.group("group"), "group", sentence))

    # helpers ----------------------------------------------------------------------------------------------------

    def _place(self, name: str | None, adjective: str | None, sentence: Sentence) -> DraftEntity | None:
        if adjective:  # "het Groningse bedrijf": the known place whose name the adjective is made from
            stem = normalise(adjective[:-2])
            name = next((n for n, i in self.known.items() if i.startswith("place/") and n.startswith(stem)), None)
            return self._known(self.known[name], sentence) if name else None
        return self.entity(name, "place", sentence)

    def _first_named(self, sentence: Sentence, before: int | None = None) -> DraftEntity | None:
        """The first organisation the sentence names (before `before`), published or found before."""
        best: tuple[int, str] | None = None
        for name, entity_id in self.names:
            if not entity_id.startswith(("organisation/", "facility/", "event/", "ecosystem/")):
                continue
            found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", sentence.text[:before])
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), entity_id)
        if best is not None:
            return self._known(best[1], sentence)
        for candidate in re.finditer(NAME, sentence.text[:before]):
            if self._is_proper_name(candidate.group()):
                named = self.entity(candidate.group(), "org", sentence)
                return named if named is not None and named.id.startswith(("organisation/", "facility/")) else None
        return None

    def _is_proper_name(self, name: str) -> bool:
        """Capitalised where no sentence begins (not only as a sentence's first word), and no "Enschede-based"."""
        if not name[0].isalpha() or re.search(r"-[a-z]|\s(?:and|en)\s", name) or name.lower() in NOT_NAMES:
            return False  # not "Enschede-based", not "the Netherlands and Germany"
        return re.search(rf"[\w,;][ \t]+{re.escape(name)}(?!\w)", self.text) is not None


def _is_agent(entity: DraftEntity) -> bool:
    """What a position can be at (the shapes: an organisation, ecosystem or partnership)."""
    return entity.id.startswith(("organisation/", "ecosystem/", "partnership/"))


def _is_unit(what: str) -> bool:
    return bool(re.match(r"(?:million|miljoen|billion|miljard|thousand|duizend|years?|jaar|days?|dagen|minutes?|"
                         r"minuten|hours?|uur|percent|procent|am|pm)\b", what))  # fmt: skip


def draft(text: str, language: str, published: Iterable[tuple[str, str]]) -> list[DraftEntity]:
    """The draft entities and facts of an article; `published` gives (id, name) of every published entity."""
    return Drafter(text, language, published).draft()
