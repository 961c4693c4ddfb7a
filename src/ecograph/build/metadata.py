"""The dataset's description: VoID for linked-data tools, DCAT (DCAT-AP 3.0) for data portals.

Every distribution is listed with its download URL, media type, size, SHA-256 checksum, triple count,
licence, version and modification date. Dates come from the inputs (Project.source_date_epoch: SOURCE_DATE_EPOCH,
the last commit that touched them, or the newest date they state), never from file times or the clock, so two
builds of the same inputs give the same bytes, on any clone and any day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from .. import __version__
from ..namespaces import DCAT, FOAF, SPDX, VOID, XSD
from ..namespaces import DCTERMS as DCT
from ..project import Project
from .names import NAMES_SLUG

if TYPE_CHECKING:
    from .graph import Dataset

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_RESOURCE = "http://www.w3.org/2000/01/rdf-schema#Resource"
SD = "http://www.w3.org/ns/sparql-service-description#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Distribution:
    file: str
    title: str
    media_type: str
    file_type: str
    rdf_format: RdfFormat | None  # how to count its triples (None: not RDF data)
    compressed: bool = False


DISTRIBUTIONS = (
    Distribution(
        "ecograph.trig",
        "All article graphs and the inferred graph (TriG, one named graph each)",
        "application/trig",
        "RDF_TRIG",
        RdfFormat.TRIG,
    ),
    Distribution("ecograph.ttl", "The whole graph (Turtle)", "text/turtle", "RDF_TURTLE", RdfFormat.TURTLE),
    Distribution(
        "ecograph.nt.gz",
        "The whole graph (N-Triples, gzip)",
        "application/n-triples",
        "RDF_N_TRIPLES",
        RdfFormat.N_TRIPLES,
        compressed=True,
    ),
    Distribution(
        "ecograph.jsonld",
        "All article graphs and the inferred graph (JSON-LD, compact with context.jsonld)",
        "application/ld+json",
        "JSON_LD",
        None,
    ),
    Distribution(
        "ontology.ttl", "The Ecosystem Graph ontology (OWL, Turtle)", "text/turtle", "RDF_TURTLE", RdfFormat.TURTLE
    ),
    Distribution(
        "shapes.ttl", "The SHACL shapes the data conforms to (Turtle)", "text/turtle", "RDF_TURTLE", RdfFormat.TURTLE
    ),
)


def write_void(project: Project, dataset: Dataset, folder: Path, triple_count: int, quad_count: int) -> None:
    """Write folder/void.ttl describing the files already written in folder."""
    describer = _Describer(project)
    describer.dataset(dataset, triple_count)
    for distribution in DISTRIBUTIONS:
        statements = quad_count if distribution.file in ("ecograph.trig", "ecograph.jsonld") else triple_count
        describer.distribution(distribution, folder / distribution.file, statements)
    for slug, article in sorted(dataset.article_triples.items()):
        describer.article_distribution(slug, folder / "articles" / f"{slug}.ttl", len(article))
    triples = sorted(set(describer.triples), key=str)  # the N-Triples text: subject, predicate, object
    serialize(
        triples,
        folder / "void.ttl",
        RdfFormat.TURTLE,
        prefixes={
            "dcat": DCAT,
            "dct": DCT,
            "void": VOID,
            "foaf": FOAF,
            "spdx": SPDX,
            "xsd": XSD,
            "sd": SD,
            "vcard": VCARD,
            "dumps": f"{project.base}dumps/",
            "dataset": f"{project.base}dataset/",
        },
    )


NAMES_DESCRIPTION = (
    "Names the project's editors give entities and no article states: translations, official names, "
    "abbreviations and display labels. Each name has an eco:CuratedName record (rdf:subject, rdf:predicate, "
    "rdf:object) with its kind (eco:nameKind), who curated it (dcterms:creator) and why (skos:editorialNote); "
    "a name an article states has an eco:Claim with its quote instead."
)


class _Describer:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.triples: list[Triple] = []
        self.root = NamedNode(f"{project.base}dataset")
        modified = dt.datetime.fromtimestamp(project.source_date_epoch, tz=dt.UTC).date().isoformat()
        self.modified = Literal(modified, datatype=NamedNode(XSD + "date"))
        self.version = Literal(f"{__version__}+{modified.replace('-', '')}")

    def add(self, subject: NamedNode, predicate: str, obj: NamedNode | Literal) -> None:
        self.triples.append(Triple(subject, NamedNode(predicate), obj))

    def link(self, subject: NamedNode, predicate: str, obj: NamedNode, kind: str) -> None:
        """A link to a resource, with the class DCAT-AP expects of it.

        The DCAT-AP 3.0 shapes check the class of linked resources (a licence is a dct:LicenseDocument, a media
        type a dct:MediaType, a download URL an rdfs:Resource...) and validators do not infer it from the
        properties' ranges, so the description states it.
        """
        self.add(subject, predicate, obj)
        self.add(obj, RDF_TYPE, NamedNode(kind))

    def text(self, value: str) -> Literal:
        return Literal(value, language="en")

    def dataset(self, dataset: Dataset, triple_count: int) -> None:
        root, base = self.root, self.project.base
        publisher = NamedNode(f"{base}dataset/publisher")
        contact = NamedNode(f"{base}dataset/contact")
        for kind in (VOID + "Dataset", DCAT + "Dataset"):
            self.add(root, RDF_TYPE, NamedNode(kind))
        facts = self.project.facts
        self.add(root, DCT + "title", self.text(facts.title))
        self.add(root, DCT + "description", self.text(facts.description))
        self._license(root)
        self.add(root, DCT + "modified", self.modified)
        self.add(root, DCAT + "version", self.version)
        self.add(root, DCT + "publisher", publisher)
        self.link(root, DCAT + "contactPoint", contact, VCARD + "Kind")
        self.link(root, DCAT + "landingPage", NamedNode(base), FOAF + "Document")
        for keyword in facts.keywords:
            self.add(root, DCAT + "keyword", self.text(keyword))
        for lang in facts.language_codes:
            self.link(root, DCT + "language", NamedNode(EU_LANGUAGE + lang), DCT + "LinguisticSystem")
        self.add(root, VOID + "triples", _integer(triple_count))
        self.add(root, VOID + "sparqlEndpoint", NamedNode(f"{base}sparql"))
        self.add(root, VOID + "uriSpace", Literal(f"{base}id/"))
        self.add(root, VOID + "vocabulary", NamedNode(f"{base}def#"))
        for example in facts.examples:
            self.add(root, VOID + "exampleResource", NamedNode(self.project.entity_iri(example)))
        self.add(publisher, RDF_TYPE, NamedNode(FOAF + "Agent"))
        self.add(publisher, FOAF + "name", self.text(facts.publisher))
        self.add(contact, RDF_TYPE, NamedNode(VCARD + "Organization"))
        self.add(contact, VCARD + "fn", self.text(facts.publisher))
        self.add(contact, VCARD + "hasURL", NamedNode(base))
        for slug, triples in sorted(dataset.article_triples.items()):
            self.subset(slug, len(triples))
        if dataset.names_triples:
            self.names_subset(len(dataset.names_triples), publisher)
        if dataset.inferred is not None:
            self.inferred_subset(dataset.inferred.graph, len(dataset.inferred_triples))

    def _license(self, subject: NamedNode) -> None:
        if self.project.facts.license:
            self.link(subject, DCT + "license", NamedNode(self.project.facts.license), DCT + "LicenseDocument")

    def subset(self, slug: str, triples: int) -> None:
        subset = NamedNode(f"{self.project.base}dataset/graph/{slug}")
        self.add(self.root, VOID + "subset", subset)
        self.add(subset, RDF_TYPE, NamedNode(VOID + "Dataset"))
        self.add(subset, SD + "name", NamedNode(self.project.graph_iri(slug)))
        self.add(subset, DCT + "source", NamedNode(self.project.article_iri(slug)))
        self.add(subset, VOID + "triples", _integer(triples))
        self.add(subset, VOID + "dataDump", NamedNode(f"{self.project.base}dumps/articles/{slug}.ttl"))

    def names_subset(self, triples: int, publisher: NamedNode) -> None:
        """The curated names' graph: what the project's editors call entities, not what an article says."""
        subset = NamedNode(f"{self.project.base}dataset/graph/{NAMES_SLUG}")
        self.add(self.root, VOID + "subset", subset)
        self.add(subset, RDF_TYPE, NamedNode(VOID + "Dataset"))
        self.add(subset, SD + "name", NamedNode(self.project.graph_iri(NAMES_SLUG)))
        self.add(subset, DCT + "title", self.text("Curated names"))
        self.add(subset, DCT + "description", self.text(NAMES_DESCRIPTION))
        self.add(subset, DCT + "creator", publisher)
        self.add(subset, VOID + "triples", _integer(triples))

    def inferred_subset(self, graph: NamedNode, triples: int) -> None:
        """The graph of the statements the ontology's property axioms imply (see build/inference.py)."""
        subset = NamedNode(f"{self.project.base}dataset/graph/inferred")
        self.add(self.root, VOID + "subset", subset)
        self.add(subset, RDF_TYPE, NamedNode(VOID + "Dataset"))
        self.add(subset, SD + "name", graph)
        self.add(subset, DCT + "title", self.text("Inferred statements"))
        self.add(
            subset,
            DCT + "description",
            self.text(
                "Statements implied by the ontology's inverse, symmetric and transitive properties that no article "
                "states, each with an eco:Inference record naming its axiom and the claims it rests on."
            ),
        )
        self.add(subset, DCT + "source", NamedNode(f"{self.project.base}def"))
        self.add(subset, VOID + "triples", _integer(triples))

    def distribution(self, distribution: Distribution, path: Path, statements: int) -> None:
        node = self._file(distribution.file, path, distribution.title, distribution.media_type, distribution.file_type)
        if distribution.compressed:
            self.link(node, DCAT + "compressFormat", NamedNode(IANA + "application/gzip"), DCT + "MediaType")
        self.add(node, VOID + "triples", _integer(_count(path, distribution, statements)))
        self.add(self.root, VOID + "dataDump", NamedNode(f"{self.project.base}dumps/{distribution.file}"))

    def article_distribution(self, slug: str, path: Path, triples: int) -> None:
        node = self._file(
            f"articles/{slug}.ttl", path, f"The graph of article '{slug}' (Turtle)", "text/turtle", "RDF_TURTLE"
        )
        self.add(node, VOID + "triples", _integer(triples))

    def _file(self, name: str, path: Path, title: str, media_type: str, file_type: str) -> NamedNode:
        base = self.project.base
        node = NamedNode(f"{base}dataset/distribution/{name}")
        url = NamedNode(f"{base}dumps/{name}")
        data = path.read_bytes()
        checksum = NamedNode(f"{base}dataset/distribution/{name}#sha256")
        self.add(self.root, DCAT + "distribution", node)
        self.add(node, RDF_TYPE, NamedNode(DCAT + "Distribution"))
        self.add(node, DCT + "title", self.text(title))
        self.link(node, DCAT + "accessURL", url, RDFS_RESOURCE)
        self.link(node, DCAT + "downloadURL", url, RDFS_RESOURCE)
        self.link(node, DCAT + "mediaType", NamedNode(IANA + media_type), DCT + "MediaType")
        self.link(node, DCT + "format", NamedNode(EU_FILE_TYPE + file_type), DCT + "MediaTypeOrExtent")
        self.add(node, DCAT + "byteSize", _integer(len(data)))
        self._license(node)
        self.add(node, DCT + "modified", self.modified)
        self.add(node, DCAT + "version", self.version)
        self.add(node, SPDX + "checksum", checksum)
        self.add(checksum, RDF_TYPE, NamedNode(SPDX + "Checksum"))
        self.link(
            checksum, SPDX + "algorithm", NamedNode(SPDX + "checksumAlgorithm_sha256"), SPDX + "ChecksumAlgorithm"
        )
        self.add(
            checksum,
            SPDX + "checksumValue",
            Literal(hashlib.sha256(data).hexdigest(), datatype=NamedNode(XSD + "hexBinary")),
        )
        return node


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "nonNegativeInteger"))


def _count(path: Path, distribution: Distribution, statements: int) -> int:
    """Statements in a file: known for the data dumps (written from them), counted by parsing otherwise."""
    if distribution.rdf_format is None or distribution.file.startswith("ecograph."):
        return statements
    return _count_turtle(path)


def _count_turtle(path: Path) -> int:
    return sum(1 for _ in parse(path=path, format=RdfFormat.TURTLE))
