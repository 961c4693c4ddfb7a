"""A tiny dist for the page tests: tests/fixtures/pages_dist (hand-written TriG and queries), the project's
ontology, one per-article dump, and a VoID/DCAT file describing the files with their sizes and checksums."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox

from ecograph.searchindex import INDEX_FILE, write_index

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "pages_dist"
BASE = "https://w3id.org/ecograph/"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"


def make_pages_dist(out: Path, more_trig: str = "") -> Path:
    """Copy the fixture TriG (with `more_trig` added) and queries, the project's ontology, and describe the files
    in void.ttl."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "ecograph.trig").write_text((FIXTURE / "ecograph.trig").read_text(encoding="utf-8") + more_trig, "utf-8")
    shutil.copytree(FIXTURE / "queries", out / "queries", dirs_exist_ok=True)
    shutil.copy(REPO / "ontology" / "ecograph.ttl", out / "ontology.ttl")
    _write_article_dump(out, "micronit-funding")  # tricky-names gets none: its graph page uses the store
    _write_void(out)
    quads = ox.parse(path=str(out / "ecograph.trig"), format=ox.RdfFormat.TRIG)
    write_index((quad.triple for quad in quads), out / INDEX_FILE)
    return out


def _write_article_dump(dist: Path, slug: str) -> None:
    graph = ox.NamedNode(f"{BASE}graph/{slug}")
    quads = ox.parse(path=str(dist / "ecograph.trig"), format=ox.RdfFormat.TRIG)
    (dist / "articles").mkdir(exist_ok=True)
    ox.serialize(
        [q.triple for q in quads if q.graph_name == graph], str(dist / "articles" / f"{slug}.ttl"), ox.RdfFormat.TURTLE
    )


def _write_void(dist: Path) -> None:
    root = ox.NamedNode(f"{BASE}dataset")
    triples = [
        ox.Triple(root, ox.NamedNode(RDF_TYPE), ox.NamedNode(VOID + "Dataset")),
        ox.Triple(root, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "Dataset")),
        ox.Triple(root, ox.NamedNode(DCT + "title"), ox.Literal("Ecosystem Graph (page test fixture)", language="en")),
        ox.Triple(
            root,
            ox.NamedNode(DCT + "description"),
            ox.Literal("A hand-written fixture with <em>markup</em> in its description.", language="en"),
        ),
        ox.Triple(root, ox.NamedNode(DCT + "license"), ox.NamedNode("http://creativecommons.org/licenses/by/4.0/")),
        ox.Triple(root, ox.NamedNode(VOID + "exampleResource"), ox.NamedNode(f"{BASE}id/organisation/micronit")),
    ]
    for name, title, media in (
        ("ecograph.trig", "All article graphs (TriG)", "application/trig"),
        ("ontology.ttl", "The ontology (Turtle)", "text/turtle"),
    ):
        data = (dist / name).read_bytes()
        node = ox.NamedNode(f"{BASE}dataset/distribution/{name}")
        checksum = ox.NamedNode(f"{BASE}dataset/distribution/{name}#sha256")
        triples += [
            ox.Triple(root, ox.NamedNode(DCAT + "distribution"), node),
            ox.Triple(node, ox.NamedNode(DCT + "title"), ox.Literal(title, language="en")),
            ox.Triple(node, ox.NamedNode(DCAT + "downloadURL"), ox.NamedNode(f"{BASE}dumps/{name}")),
            ox.Triple(
                node,
                ox.NamedNode(DCAT + "mediaType"),
                ox.NamedNode(f"https://www.iana.org/assignments/media-types/{media}"),
            ),
            ox.Triple(
                node,
                ox.NamedNode(DCAT + "byteSize"),
                ox.Literal(str(len(data)), datatype=ox.NamedNode(XSD + "nonNegativeInteger")),
            ),
            ox.Triple(node, ox.NamedNode(SPDX + "checksum"), checksum),
            ox.Triple(checksum, ox.NamedNode(SPDX + "algorithm"), ox.NamedNode(SPDX + "checksumAlgorithm_sha256")),
            ox.Triple(
                checksum,
                ox.NamedNode(SPDX + "checksumValue"),
                ox.Literal(hashlib.sha256(data).hexdigest(), datatype=ox.NamedNode(XSD + "hexBinary")),
            ),
        ]
    ox.serialize(triples, str(dist / "void.ttl"), ox.RdfFormat.TURTLE)
