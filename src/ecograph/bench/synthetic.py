"""A deterministic synthetic corpus: a whole data project shaped like the real one, at any size.

`generate_corpus(out, articles=N, seed=S)` writes seeds/*.txt + seeds/*.yaml and mappings/*.yaml, and copies
ontology/, shapes/ and queries/ from a template project, so that `ecograph build`, `serve` and `validate` run
on it unchanged. The world behind the articles has organisations of several kinds (located in cities of a
place hierarchy, members of ecosystems), people holding positions, funding flows with amounts, events with
dates, figures, innovations, facilities and technology domains. Articles draw their entities from that world
with a Zipf-like long tail: a few entities occur in many articles, most in one or two. Every fact is stated by a
sentence of the generated text and quoted verbatim. The same seed and size always give the same bytes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import random
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from ..errors import EcographError
from ..project import FOLDERS, Project
from ..text import name_in_quote

MARKER = ".ecograph-synthetic.json"
T = TypeVar("T")

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

PROVINCES: dict[str, tuple[str, ...]] = {
    "Groningen": ("Groningen", "Delfzijl", "Veendam", "Winschoten", "Stadskanaal"),
    "Friesland": ("Leeuwarden", "Sneek", "Heerenveen", "Drachten", "Harlingen"),
    "Drenthe": ("Assen", "Emmen", "Hoogeveen", "Meppel", "Coevorden"),
    "Overijssel": ("Enschede", "Hengelo", "Almelo", "Zwolle", "Deventer", "Oldenzaal", "Goor", "Raalte"),
    "Flevoland": ("Almere", "Lelystad", "Dronten", "Emmeloord"),
    "Gelderland": ("Nijmegen", "Arnhem", "Apeldoorn", "Ede", "Wageningen", "Doetinchem", "Zutphen"),
    "Utrecht": ("Utrecht", "Amersfoort", "Nieuwegein", "Zeist", "Veenendaal"),
    "North Holland": ("Amsterdam", "Haarlem", "Alkmaar", "Hilversum", "Zaandam", "Hoorn"),
    "South Holland": ("Rotterdam", "The Hague", "Leiden", "Delft", "Dordrecht", "Gouda", "Zoetermeer"),
    "Zeeland": ("Middelburg", "Vlissingen", "Goes", "Terneuzen"),
    "North Brabant": ("Eindhoven", "Tilburg", "Breda", "Den Bosch", "Helmond", "Oss", "Veldhoven"),
    "Limburg": ("Maastricht", "Venlo", "Heerlen", "Sittard", "Roermond", "Geleen"),
}
REGIONS: dict[str, tuple[str, str]] = {  # region -> (province, city it is known for)
    "Twente": ("Overijssel", "Enschede"),
    "Achterhoek": ("Gelderland", "Doetinchem"),
    "Brainport Region": ("North Brabant", "Eindhoven"),
    "Food Valley": ("Gelderland", "Wageningen"),
    "Zuid-Limburg": ("Limburg", "Maastricht"),
    "Randstad": ("South Holland", "Rotterdam"),
}
DOMAINS = (
    "nanotechnology",
    "robotics",
    "photonics",
    "artificial intelligence",
    "personalised medicine",
    "medical technology",
    "3D printing",
    "biomaterials",
    "medical imaging",
    "microfluidics",
    "drug delivery",
    "regenerative medicine",
    "e-health",
    "diagnostics",
    "biosensors",
    "wearables",
    "surgical robotics",
    "tissue engineering",
    "genomics",
    "data science",
    "remote monitoring",
    "rehabilitation technology",
    "orthopaedics",
    "cardiology devices",
    "neurotechnology",
    "point-of-care testing",
    "lab-on-a-chip",
    "precision agriculture",
    "water technology",
    "hydrogen",
    "battery technology",
    "semiconductors",
    "quantum technology",
    "high-tech systems",
    "smart industry",
    "circular plastics",
    "food technology",
    "cybersecurity",
    "space technology",
    "advanced materials",
    "polymer science",
    "mechatronics",
    "vision technology",
    "health economics",
    "clinical research",
    "implant design",
    "prosthetics",
    "oncology",
    "infection prevention",
    "dermatology",
    "ophthalmology",
    "dental technology",
    "ultrasound",
    "radiotherapy",
    "immunotherapy",
    "vaccines",
    "nutrition",
    "sports technology",
    "elderly care technology",
)
ORG_KINDS: tuple[tuple[str, Sequence[str], float], ...] = (  # class, name endings, share of the pool
    ("Company", ("Medical", "Systems", "Technologies", "Solutions", "Devices", "Instruments", "Engineering"), 0.34),
    ("StartUp", ("Labs", "Health", "Bio", "Robotics", "Sense", "Vision"), 0.26),
    ("University", ("University",), 0.03),
    ("UniversityOfAppliedSciences", ("University of Applied Sciences",), 0.03),
    ("Hospital", ("Hospital", "Medical Centre", "Clinic"), 0.06),
    ("UniversityMedicalCentre", ("University Medical Centre",), 0.02),
    ("ResearchInstitute", ("Institute", "Research Centre", "Knowledge Centre"), 0.07),
    ("GovernmentBody", ("Municipality", "Province Office", "Agency"), 0.05),
    ("Funder", ("Fund", "Investment Fund", "Foundation"), 0.06),
    ("InnovationIntermediary", ("Development Agency", "Innovation Hub", "Booster"), 0.08),
)
SYLLABLES = (
    "no",
    "va",
    "med",
    "tek",
    "lu",
    "mi",
    "ra",
    "zen",
    "qua",
    "tro",
    "vi",
    "sa",
    "ko",
    "ri",
    "ta",
    "fle",
    "xo",
    "pho",
    "ne",
    "gen",
    "bi",
    "cy",
    "dra",
    "mo",
    "ly",
    "ve",
    "ka",
    "so",
    "tri",
    "ax",
)
FIRST_NAMES = (
    "Anna",
    "Bram",
    "Carla",
    "Daan",
    "Eva",
    "Freek",
    "Greet",
    "Hugo",
    "Iris",
    "Jan",
    "Kim",
    "Lars",
    "Maaike",
    "Niels",
    "Olga",
    "Pieter",
    "Roos",
    "Sander",
    "Tessa",
    "Udo",
    "Vera",
    "Wouter",
    "Xander",
    "Yara",
    "Zoë",
    "Anouk",
    "Bas",
    "Chantal",
    "Dirk",
    "Elif",
    "Femke",
    "Gijs",
    "Hanna",
    "Ilse",
    "Joris",
    "Karin",
    "Luuk",
    "Mila",
    "Noah",
    "Ozan",
    "Petra",
    "Quinten",
    "Rianne",
    "Stijn",
    "Thijs",
    "Ursula",
    "Vincent",
    "Wendy",
    "Yusuf",
    "Zeynep",
    "Arjen",
    "Britt",
    "Cas",
    "Dewi",
    "Emre",
    "Floor",
    "Guus",
)
LAST_NAMES = (
    "de Vries",
    "Jansen",
    "van Dijk",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Berg",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "van de Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "van Dam",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "de Jong",
    "Kuipers",
    "van Wijk",
    "Postma",
    "Kramer",
    "van den Heuvel",
    "Veenstra",
    "Wolters",
    "Timmermans",
    "Groen",
    "Gerritsen",
    "Bosch",
    "Koopman",
    "Evers",
    "Lammers",
    "Hermans",
    "Aydın",
    "Yılmaz",
    "Nguyen",
    "Kowalski",
    "Okafor",
    "Haddad",
    "Rossi",
    "García",
    "Müller",
)
HONORIFICS = ("", "", "", "Dr.", "Prof.", "Ir.", "Drs.")
JOB_TITLES = (
    "chief executive officer",
    "chief technology officer",
    "founder",
    "co-founder",
    "programme manager",
    "professor of biomedical engineering",
    "director",
    "managing director",
    "head of research",
    "business developer",
    "alderman for economic affairs",
    "chair of the board",
    "project leader",
    "senior researcher",
    "innovation manager",
    "clinical lead",
    "regional director",
)
MEASURES = (
    ("employees", "employees"),
    ("patients", "patients treated"),
    ("companies", "companies"),
    ("jobs", "new jobs"),
    ("students", "students"),
    ("researchers", "researchers"),
    ("startups", "start-ups supported"),
    ("visitors", "visitors"),
)
QUALIFIERS = (
    ("exact", "{v}"),
    ("about", "about {v}"),
    ("more than", "more than {v}"),
    ("less than", "less than {v}"),
    ("forecast", "an expected {v}"),
)
EVENT_KINDS = (
    "Summit",
    "Innovation Day",
    "Conference",
    "Matchmaking Event",
    "Symposium",
    "Pitch Night",
    "Opening",
    "Hackathon",
    "Network Meeting",
    "Demo Day",
)
INNOVATION_KINDS = (
    ("Product", ("monitor", "implant", "sensor", "scanner", "pump", "catheter", "platform", "app")),
    ("Technology", ("coating", "imaging method", "algorithm", "printing process", "chip", "biomarker test")),
)
FACILITY_KINDS = (("Campus", "Campus"), ("Laboratory", "Lab"), ("ProductionFacility", "Factory"))
PURPOSES = (
    "to scale up production",
    "to start a clinical study",
    "to hire ten new engineers",
    "to build a pilot line",
    "to bring the product to market",
    "to expand to Germany",
    "to develop a prototype",
    "to run a field lab",
    "to certify the device under the MDR",
    "to set up a regional training programme",
)
FILLER = (
    "The partners see strong growth in the region.",
    "Demand for skilled technicians keeps rising.",
    "Several hospitals have shown interest in the results.",
    "The first patients will benefit within two years.",
    "Regulation remains one of the main hurdles for young companies.",
    "Collaboration between clinics and industry is key, according to the organisers.",
    "The region wants to be among the top innovation regions of Europe.",
    "More information is available on the website of the initiative.",
    "The meeting ended with a tour of the new laboratory.",
    "Investors followed the pitches with interest.",
    "Education and research institutes supply the talent the companies need.",
    "The plans fit the national growth agenda for health technology.",
    "Costs of care are rising, and technology is seen as part of the answer.",
    "Each partner contributes its own expertise and facilities.",
    "The next edition is already being planned.",
)


class CorpusError(EcographError):
    """The corpus cannot be written where asked."""


@dataclass(frozen=True)
class CorpusSummary:
    """What `generate_corpus` wrote."""

    out: Path
    articles: int
    seed: int
    entities: int  # distinct entity ids over all mappings
    text_bytes: int


# the world --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    id: str
    kind: str  # Country, Province, Region, City
    name: str
    parent: Place | None


@dataclass(frozen=True)
class Org:
    id: str
    kind: str
    name: str
    city: Place
    acronym: str | None


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    honorific: str
    title: str
    org: Org


@dataclass(frozen=True)
class Ecosystem:
    id: str
    name: str
    place: Place
    domain: str
    manager: Org


@dataclass(frozen=True)
class Innovation:
    id: str
    kind: str
    name: str
    developer: Org
    domain: str


@dataclass(frozen=True)
class Facility:
    id: str
    kind: str
    name: str
    city: Place
    operator: Org


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    acronym: str
    administrator: Org


class Zipf:
    """Draws items with probability proportional to 1 / rank^s: a few items often, a long tail once."""

    def __init__(self, items: Sequence[T], s: float = 1.07) -> None:
        self.items = list(items)
        total = 0.0
        self.cumulative = []
        for rank in range(1, len(self.items) + 1):
            total += 1.0 / rank**s
            self.cumulative.append(total)

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


def slugify(text: str) -> str:
    folded = text.lower().replace("ë", "e").replace("ı", "i").replace("ü", "u").replace("í", "i")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


class World:
    """Every entity the articles can mention, with fixed attributes so shared entities never contradict."""

    def __init__(self, articles: int, seed: int) -> None:
        rng = random.Random(f"ecograph-world-{seed}")
        self.names: set[str] = set()
        self.country = Place("place/netherlands", "Country", "the Netherlands", None)
        self.provinces = {
            name: Place(f"place/province-{slugify(name)}", "Province", name, self.country) for name in PROVINCES
        }
        self.cities = [
            Place(f"place/{slugify(city)}", "City", city, self.provinces[province])
            for province, cities in PROVINCES.items()
            for city in cities
        ]
        self.regions = [
            Place(f"place/{slugify(name)}", "Region", name, self.provinces[province])
            for name, (province, _) in REGIONS.items()
        ]
        rng.shuffle(self.cities)
        city_pick = Zipf(self.cities, s=0.9)
        self.domains = list(DOMAINS)
        rng.shuffle(self.domains)
        self.domain_pick = Zipf(self.domains, s=1.0)

        self.orgs: list[Org] = []
        self.orgs_by_kind: dict[str, list[Org]] = {}
        org_count = 60 + int(1.2 * articles)
        for kind, endings, share in ORG_KINDS:
            for _ in range(max(3, round(org_count * share))):
                stem = self._unique_word(rng)
                ending = rng.choice(endings)
                city = city_pick.draw(rng)
                name = (
                    f"{city.name} {ending}"
                    if kind in ("GovernmentBody",) and rng.random() < 0.5
                    else f"{stem} {ending}"
                )
                name = self._unique(name, rng)
                acronym = (
                    "".join(w[0] for w in name.split()).upper()
                    if kind
                    in (
                        "University",
                        "UniversityOfAppliedSciences",
                        "UniversityMedicalCentre",
                        "ResearchInstitute",
                        "Funder",
                    )
                    else None
                )
                org = Org(f"organisation/{slugify(name)}", kind, name, city, acronym)
                self.orgs_by_kind.setdefault(kind, []).append(org)
        # interleave the kinds so that every kind has some frequent members
        buckets = [list(v) for v in self.orgs_by_kind.values()]
        while any(buckets):
            for bucket in buckets:
                if bucket:
                    self.orgs.append(bucket.pop(0))
        self.org_pick = Zipf(self.orgs)
        self.kind_pick = {kind: Zipf(orgs) for kind, orgs in self.orgs_by_kind.items()}
        self.media = [
            Org(f"organisation/{slugify(n)}", "MediaOrganisation", n, self.cities[i], None)
            for i, n in enumerate(
                (
                    "Innovation Origins",
                    "Health Tech Daily",
                    "Regio Business",
                    "MedTech Weekly",
                    "Science Today",
                    "Tubantia Economie",
                    "Campus News",
                    "Brabant Business",
                )
            )
        ]
        self.media_pick = Zipf(self.media, s=1.3)

        self.people = []
        for _ in range(40 + articles):
            name = self._unique(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", rng, person=True)
            self.people.append(
                Person(
                    f"person/{slugify(name)}",
                    name,
                    rng.choice(HONORIFICS),
                    rng.choice(JOB_TITLES),
                    self.org_pick.draw(rng),
                )
            )
        self.person_pick = Zipf(self.people)

        self.ecosystems = []
        for _ in range(10 + articles // 40):
            place = rng.choice(self.regions + self.cities[:20])
            domain = self.domain_pick.draw(rng)
            name = self._unique(
                f"{place.name} {rng.choice(('Health', 'MedTech', 'Tech', 'Innovation'))} "
                f"{rng.choice(('Valley', 'Cluster', 'Network', 'Delta', 'Hub', 'Alliance'))}",
                rng,
            )
            self.ecosystems.append(
                Ecosystem(
                    f"ecosystem/{slugify(name)}",
                    name,
                    place,
                    domain,
                    rng.choice(self.orgs_by_kind["InnovationIntermediary"]),
                )
            )
        self.ecosystem_pick = Zipf(self.ecosystems, s=1.2)

        self.innovations = []
        for _ in range(20 + articles // 2):
            kind, nouns = rng.choice(INNOVATION_KINDS)
            name = self._unique(f"{self._unique_word(rng).capitalize()} {rng.choice(nouns)}", rng)
            self.innovations.append(
                Innovation(
                    f"innovation/{slugify(name)}", kind, name, self.org_pick.draw(rng), self.domain_pick.draw(rng)
                )
            )
        self.innovation_pick = Zipf(self.innovations)

        self.facilities = []
        for _ in range(10 + articles // 10):
            kind, word = rng.choice(FACILITY_KINDS)
            city = city_pick.draw(rng)
            name = self._unique(
                f"{rng.choice((city.name, self._unique_word(rng).capitalize()))} "
                f"{rng.choice(('Health', 'Tech', 'Innovation', 'MedTech'))} {word}",
                rng,
            )
            self.facilities.append(Facility(f"facility/{slugify(name)}", kind, name, city, self.org_pick.draw(rng)))
        self.facility_pick = Zipf(self.facilities)

        self.instruments = []
        for index in range(8 + articles // 200):
            word = self._unique_word(rng).capitalize()
            name = self._unique(
                f"{word} {rng.choice(('Innovation', 'Growth', 'Regional', 'MIT'))} "
                f"{rng.choice(('Subsidy', 'Fund', 'Scheme', 'Credit'))}",
                rng,
            )
            acronym = "".join(w[0] for w in name.split()).upper() + str(index)
            funders = self.orgs_by_kind["Funder"] + self.orgs_by_kind["GovernmentBody"]
            self.instruments.append(Instrument(f"instrument/{slugify(name)}", name, acronym, rng.choice(funders)))
        self.instrument_pick = Zipf(self.instruments, s=1.2)

    def _unique_word(self, rng: random.Random) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()

    def _unique(self, name: str, rng: random.Random, person: bool = False) -> str:
        candidate = name
        while slugify(candidate) in self.names:
            if person:
                first, rest = name.split(" ", 1)
                candidate = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTVW')}. {rest}"
            else:
                candidate = f"{name} {rng.choice(('North', 'South', 'East', 'West', 'Plus', 'Group', 'One'))}"
                name = candidate
        self.names.add(slugify(candidate))
        return candidate


# one article ------------------------------------------------------------------------------------------------


@dataclass
class _Entity:
    id: str
    type: str
    label: dict[str, str]
    quote: str
    alt: list[str] | None = None
    facts: list[dict[str, Any]] = field(default_factory=list)
    stated: set[tuple[str, str]] = field(default_factory=set)

    def as_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type, "label": self.label}
        if self.alt:
            data["alt"] = self.alt
        data["quote"] = self.quote
        if self.facts:
            data["facts"] = self.facts
        return data


class _Article:
    """Collects the sentences of one article and the mapping entries they support."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.sentences: list[list[str]] = [[]]  # paragraphs of sentences
        self.entities: dict[str, _Entity] = {}

    def say(self, sentence: str) -> str:
        self.sentences[-1].append(sentence)
        if self.rng.random() < 0.35:
            self.sentences[-1].append(self.rng.choice(FILLER))
        if len(self.sentences[-1]) >= 4:
            self.sentences.append([])
        return sentence

    def entity(
        self, entity_id: str, kind: str, name: str, quote: str, alt: str | None = None, nl: str | None = None
    ) -> _Entity:
        if entity_id not in self.entities:
            label = {"en": name} if nl is None else {"en": name, "nl": nl}
            self.entities[entity_id] = _Entity(entity_id, kind, label, quote, [alt] if alt else None)
        return self.entities[entity_id]

    def fact(self, entity_id: str, key: str, value: Any, quote: str | None = None) -> None:
        entity = self.entities[entity_id]
        marker = (key, json.dumps(value, default=str, sort_keys=True))
        if marker in entity.stated:
            return
        entity.stated.add(marker)
        item: dict[str, Any] = {key: value}
        if quote is not None and quote != entity.quote:
            item["quote"] = quote
        entity.facts.append(item)

    # the world's entities, declared with the sentence that mentions them ---------------------------------

    def org(self, org: Org, quote: str) -> str:
        self.entity(org.id, org.kind, org.name, quote, alt=org.acronym)
        return org.id

    def place(self, place: Place, quote: str, with_parent: bool) -> str:
        self.entity(place.id, place.kind, place.name.removeprefix("the "), quote)
        if with_parent and place.parent is not None:
            sentence = self.say(f"{place.name} lies in {place.parent.name}.")
            self.place(place.parent, sentence, with_parent=False)
            self.fact(place.id, "locatedIn", place.parent.id, sentence)
        return place.id

    def domain(self, name: str, quote: str) -> str:
        domain_id = f"domain/{slugify(name)}"
        self.entity(domain_id, "TechnologyDomain", name, quote)
        return domain_id


def _date_text(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _money(amount: int, rng: random.Random) -> str:
    if amount >= 1_000_000 and amount % 10_000 == 0:
        millions = f"{amount / 1_000_000:.2f}".rstrip("0").rstrip(".")
        return rng.choice((f"€{millions} million", f"{millions} million euros", f"EUR {millions} million"))
    return rng.choice((f"€{amount:,}", f"{amount:,} euros", f"EUR {amount:,}"))


def write_article(world: World, index: int, seed: int) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """One article: (stem, text, metadata, mapping)."""
    rng = random.Random(f"ecograph-article-{seed}-{index}")
    article = _Article(world, rng)
    published = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(9 * 365))
    media = world.media_pick.draw(rng)
    eco = world.ecosystem_pick.draw(rng)
    main = world.org_pick.draw(rng)
    story = rng.sample(
        ("funding", "position", "event", "figure", "innovation", "facility", "partner", "position", "funding"),
        k=rng.choice((1, 1, 2)),
    )
    title = _title(main, eco, story[0], rng)
    byline = f"Author: {media.name}"

    # the main organisation, its ecosystem and their places
    sentence = article.say(f"{main.name} from {main.city.name} is part of {eco.name}.")
    article.org(main, sentence)
    article.entity(eco.id, "Ecosystem", eco.name, sentence)
    article.fact(main.id, "memberOf", eco.id)
    article.place(main.city, sentence, with_parent=rng.random() < 0.2)
    article.fact(main.id, "locatedIn", main.city.id)
    if rng.random() < 0.4:
        focus = article.say(f"{eco.name} brings together partners in {eco.domain}.")
        article.fact(eco.id, "hasFocus", article.domain(eco.domain, focus), focus)
    if rng.random() < 0.2:
        managed = article.say(f"The network is coordinated by {eco.manager.name}.")
        article.fact(eco.id, "managedBy", article.org(eco.manager, managed), managed)

    for part in story:
        _STORIES[part](article, main, eco, published)

    stem = f"{index:05d}_{hashlib.sha256(f'{seed}-{index}'.encode()).hexdigest()[:12]}"
    slug = f"{slugify(title)[:60].rstrip('-')}-{index:05d}"
    paragraphs = [" ".join(p) for p in article.sentences if p]
    text = "\n\n".join([title, _date_text(published), *paragraphs, byline]) + "\n"
    article.entity(media.id, media.kind, media.name, byline)
    metadata = {
        "slug": slug,
        "title": title,
        "languages": ["en"],
        "published": {"date": published, "quote": _date_text(published)},
        "publisher": {"id": media.id, "quote": byline},
    }
    mapping = {"article": stem, "entities": [e.as_yaml() for e in article.entities.values()]}
    return stem, text, metadata, mapping


def _title(main: Org, eco: Ecosystem, first: str, rng: random.Random) -> str:
    return {
        "funding": f"{main.name} receives funding to grow",
        "position": f"{main.name} appoints new leadership",
        "event": f"{eco.name} meets in {eco.place.name}",
        "figure": f"{main.name} keeps growing",
        "innovation": f"{main.name} presents new {rng.choice(('product', 'technology', 'solution'))}",
        "facility": f"New facility for {main.name}",
        "partner": f"{main.name} joins forces with a partner",
    }[first]


def _funding(article: _Article, main: Org, eco: Ecosystem, published: dt.date) -> None:
    world, rng = article.world, article.rng
    funder = world.kind_pick[rng.choice(("Funder", "GovernmentBody", "Funder"))].draw(rng)
    recipient = main if rng.random() < 0.8 else None
    amount = rng.choice((rng.randrange(5, 500) * 1_000, rng.randrange(50, 2_000) * 10_000))
    year = published.year - rng.choice((0, 0, 1))
    purpose = rng.choice(PURPOSES)
    receiver = recipient.name if recipient else eco.name
    sentence = article.say(f"In {year}, {funder.name} awarded {receiver} {_money(amount, rng)} {purpose}.")
    funding_id = f"funding/{slugify(funder.name)}-{slugify(receiver)}-{year}-{amount}"
    article.entity(funding_id, "Funding", f"Funding of {funder.name} for {receiver} ({year})", sentence)
    article.org(funder, sentence)
    article.fact(funding_id, "funder", funder.id)
    article.fact(funding_id, "recipient", recipient.id if recipient else eco.id)
    article.fact(funding_id, "amount", amount)
    article.fact(funding_id, "currency", "EUR")
    article.fact(funding_id, "date", year)
    article.fact(funding_id, "purpose", {"en": purpose.removeprefix("to ")})
    if rng.random() < 0.5:
        instrument = world.instrument_pick.draw(rng)
        via = article.say(f"The money comes from the {instrument.name} ({instrument.acronym}).")
        article.entity(instrument.id, "FundingInstrument", instrument.name, via, alt=instrument.acronym)
        article.fact(funding_id, "instrument", instrument.id, via)
        if rng.random() < 0.5:
            run = article.say(f"The {instrument.acronym} is administered by {instrument.administrator.name}.")
            article.org(instrument.administrator, run)
            article.fact(instrument.id, "administeredBy", instrument.administrator.id, run)


def _position(article: _Article, main: Org, eco: Ecosystem, published: dt.date) -> None:
    world, rng = article.world, article.rng
    person = world.person_pick.draw(rng)
    org = person.org
    who = f"{person.honorific} {person.name}".strip()
    sentence = article.say(f"“{rng.choice(FILLER)}”, says {who}, {person.title} at {org.name}.")
    article.entity(person.id, "Person", person.name, sentence)
    if person.honorific:
        article.fact(person.id, "honorificPrefix", person.honorific)
    article.org(org, sentence)
    position_id = f"position/{slugify(person.name)}-{slugify(org.name)}"
    article.entity(position_id, "Position", f"{person.name}, {person.title} at {org.name}", sentence)
    article.fact(position_id, "heldBy", person.id)
    article.fact(position_id, "atOrganisation", org.id)
    article.fact(position_id, "jobTitle", {"en": person.title})


def _event(article: _Article, main: Org, eco: Ecosystem, published: dt.date) -> None:
    rng = article.rng
    day = published - dt.timedelta(days=rng.randrange(1, 40))
    kind = rng.choice(EVENT_KINDS)
    name = f"{eco.name} {kind} {day.year}"
    sentence = article.say(f"On {_date_text(day)}, {main.name} hosted the {name} in {main.city.name}.")
    event_id = f"event/{slugify(name)}-{day.month:02d}{day.day:02d}"
    article.entity(event_id, "Event", name, sentence)
    article.fact(event_id, "startDate", day)
    article.fact(event_id, "organisedBy", main.id)
    article.fact(event_id, "locatedIn", main.city.id)
    if rng.random() < 0.5:
        domain = article.world.domain_pick.draw(rng)
        topic = article.say(f"The programme of the {kind.lower()} was about {domain}.")
        article.fact(event_id, "hasFocus", article.domain(domain, topic), topic)


def _figure(article: _Article, main: Org, eco: Ecosystem, published: dt.date) -> None:
    rng = article.rng
    key, measure = rng.choice(MEASURES)
    qualifier, pattern = rng.choice(QUALIFIERS)
    value = rng.choice((rng.randrange(5, 100), rng.randrange(100, 5_000)))
    year = published.year + (rng.choice((1, 2, 3)) if qualifier == "forecast" else 0)
    amount = pattern.format(v=f"{value:,}")
    sentence = article.say(f"{main.name} counts {amount} {measure} in {year}.")
    figure_id = f"figure/{slugify(main.name)}-{key}-{year}-{value}"
    article.entity(figure_id, "Figure", f"{measure.capitalize()} of {main.name} in {year}", sentence)
    article.fact(figure_id, "about", main.id)
    article.fact(figure_id, "value", value)
    article.fact(figure_id, "measure", {"en": measure})
    article.fact(figure_id, "qualifier", qualifier)
    article.fact(figure_id, "date", year)


def _innovation(article: _Article, main: Org, eco: Ecosystem, published: dt.date) -> None:
    rng = article.rng
    innovation = article.world.innovation_pick.draw(rng)
    developer = innovation.developer
    sentence = article.say(f"{developer.name} develops the {innovation.name}, an innovation in {innovation.domain}.")
    article.entity(innovation.id, innovation.kind, innovation.name, sentence)
    article.org(developer, sentence)
    article.fact(innovation.id, "developedBy", developer.id)
    article.fact(innovation.id, "hasFocus", article.domain(innovation.domain, sentence))


def _facility(article: _Article, main: Org, eco: Ecosystem, published: dt.date) -> None:
    rng = article.rng
    facility = article.world.facility_pick.draw(rng)
    sentence = article.say(f"The {facility.name} in {facility.city.name} is run by {facility.operator.name}.")
    article.entity(facility.id, facility.kind, facility.name, sentence)
    article.org(facility.operator, sentence)
    article.place(facility.city, sentence, with_parent=False)
    article.fact(facility.id, "operatedBy", facility.operator.id)
    article.fact(facility.id, "locatedIn", facility.city.id)
    if rng.random() < 0.5:
        moved = article.say(f"{main.name} has its lab at the {facility.name}.")
        article.fact(main.id, "originatedIn", facility.id, moved)


def _partner(article: _Article, main: Org, eco: Ecosystem, published: dt.date) -> None:
    rng = article.rng
    other = article.world.org_pick.draw(rng)
    if other.id == main.id:
        return
    sentence = article.say(f"{main.name} works together with {other.name} from {other.city.name}.")
    article.org(other, sentence)
    article.place(other.city, sentence, with_parent=False)
    article.fact(other.id, "locatedIn", other.city.id)
    article.fact(main.id, "collaboratesWith", other.id, sentence)


_STORIES: dict[str, Callable[[_Article, Org, Ecosystem, dt.date], None]] = {
    "funding": _funding,
    "position": _position,
    "event": _event,
    "figure": _figure,
    "innovation": _innovation,
    "facility": _facility,
    "partner": _partner,
}


# writing the project ----------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)


NARY_TYPES = {"Funding": "display-label", "Position": "display-label", "Figure": "display-label"}


class _CuratedNames:
    """The names the generated entries' quotes do not say, moved out of the mappings into the names file."""

    def __init__(self) -> None:
        self.moved: dict[tuple[str, str, str, str], str] = {}  # (id, label|alt, language, name) -> kind
        self.kept: set[tuple[str, str, str]] = set()  # (id, language, name) an article claims

    def take_unquoted(self, mapping: dict[str, Any]) -> None:
        for entity in mapping["entities"]:
            for key in ("label", "alt"):
                values = entity.get(key)
                if values is None:
                    continue
                by_language = values if isinstance(values, dict) else {"en": values}
                kept = {lang: self._kept(entity, key, lang, texts) for lang, texts in by_language.items()}
                kept = {lang: texts for lang, texts in kept.items() if texts}
                if kept:
                    entity[key] = kept if isinstance(values, dict) else kept["en"]
                else:
                    del entity[key]

    def _kept(self, entity: dict[str, Any], key: str, lang: str, texts: Any) -> Any:
        listed = texts if isinstance(texts, list) else [texts]
        kept = []
        for text in listed:
            if name_in_quote(text, entity["quote"]):
                kept.append(text)
                self.kept.add((entity["id"], lang, text))
            else:
                kind = NARY_TYPES.get(entity["type"], "abbreviation" if key == "alt" else "other-name")
                self.moved.setdefault((entity["id"], key, lang, text), kind)
        return kept if isinstance(texts, list) else (kept[0] if kept else None)

    def entries(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        labelled: set[tuple[str, str]] = set()
        for (entity_id, key, lang, text), kind in sorted(self.moved.items()):
            if (entity_id, lang, text) in self.kept:
                continue
            as_label = key == "label" and (entity_id, lang) not in labelled
            if as_label:
                labelled.add((entity_id, lang))
            entries.append(
                {
                    "id": entity_id,
                    "kind": kind,
                    "label" if as_label else "alt": {lang: text if as_label else [text]},
                    "who": "ecograph bench generate",
                    "why": "a generated name the generated sentence does not say",
                }
            )
        return entries


def corpus_pyproject(articles: int, seed: int) -> str:
    """The corpus's own `[tool.ecograph]` facts (its vocabulary, in ontology/ and shapes/, is the template's)."""
    lines = [
        "[tool.ecograph]",
        'title = "Synthetic ecosystem corpus"',
        f'description = "A synthetic corpus of {articles} generated articles (seed {seed}), for benchmarks '
        'and tests: invented organisations, people, places and funding."',
        'keywords = ["synthetic data", "benchmark"]',
        'languages = ["en"]',
        'publisher = "ecograph bench generate"',
    ]
    return "\n".join(lines) + "\n"


def generate_corpus(out: Path, articles: int, *, seed: int = 1, template: Path | None = None) -> CorpusSummary:
    """Write a synthetic data project of `articles` articles into `out` (replacing a corpus written there before).

    ontology/, shapes/ and queries/ are copied from the `template` project (default: the current folder).
    """
    if articles < 1:
        raise CorpusError("the corpus needs at least one article: pass --articles 1 or more")
    out = Path(out).resolve()
    source = Project.open(template or Path.cwd())
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise CorpusError(f"{out} exists and is not a synthetic corpus: choose an empty or new folder")
    if out == source.root:
        raise CorpusError("the corpus cannot replace its own template project: choose another --out")
    for folder in FOLDERS:
        shutil.rmtree(out / folder, ignore_errors=True)
    for name in ("dist", ".ecograph-cache"):
        shutil.rmtree(out / name, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(source.root / folder, out / folder)
    (out / "seeds").mkdir()
    (out / "mappings").mkdir()

    world = World(articles, seed)
    entity_ids: set[str] = set()
    text_bytes = 0
    names = _CuratedNames()
    for index in range(articles):
        stem, text, metadata, mapping = write_article(world, index, seed)
        names.take_unquoted(mapping)
        raw = text.encode("utf-8")
        text_bytes += len(raw)
        (out / "seeds" / f"{stem}.txt").write_bytes(raw)
        (out / "seeds" / f"{stem}.yaml").write_text(_yaml(metadata), encoding="utf-8")
        (out / "mappings" / f"{stem}.yaml").write_text(
            f"# synthetic article {index} (seed {seed})\n" + _yaml(mapping), encoding="utf-8"
        )
        entity_ids.update(e["id"] for e in mapping["entities"])
    (out / "mappings" / "names.yaml").write_text(_yaml({"names": names.entries()}), encoding="utf-8")
    summary = CorpusSummary(out=out, articles=articles, seed=seed, entities=len(entity_ids), text_bytes=text_bytes)
    (out / "pyproject.toml").write_text(corpus_pyproject(articles, seed), encoding="utf-8")
    (out / MARKER).write_text(
        json.dumps({"articles": articles, "seed": seed, "template": str(source.root)}, indent=2) + "\n",
        encoding="utf-8",
    )
    return summary
