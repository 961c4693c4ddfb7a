"""One prefix table: the dumps declare it, and the endpoint, the pages and `ecograph query` use the same one."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ecograph.namespaces import Compactor, dump_prefixes, served_prefixes
from ecograph.serve.pages.describe import serialize

BASE = "https://w3id.org/ecograph/"


def _declared(turtle: str) -> dict[str, str]:
    return dict(re.findall(r"@prefix (\w+): <([^>]*)>", turtle))


def test_the_dumps_prefixes_mean_the_same_on_the_endpoint_and_pages(built_dist: Path) -> None:
    in_dump = _declared((built_dist / "ecograph.ttl").read_text(encoding="utf-8"))
    served = served_prefixes(BASE)
    assert {k: v for k, v in in_dump.items() if k in served} == {k: served[k] for k in in_dump if k in served}
    assert dump_prefixes(BASE).items() <= served.items()


def test_a_page_download_declares_the_dumps_prefixes_for_its_kinds() -> None:
    triples = [
        ox.Triple(
            ox.NamedNode(f"{BASE}id/organisation/acme"),
            ox.NamedNode("http://www.w3.org/ns/org#hasSite"),
            ox.NamedNode(f"{BASE}id/place/enschede"),
        )
    ]
    declared = _declared(serialize(triples, "text/turtle", BASE).decode())
    assert declared.items() >= dump_prefixes(BASE, {"organisation"}).items()
    assert "org:hasSite" in serialize(triples, "text/turtle", BASE).decode()


def test_the_compactor_prefers_the_longest_namespace() -> None:
    compactor = Compactor({"id": f"{BASE}id/", "organisation": f"{BASE}id/organisation/"})
    assert compactor.curie(f"{BASE}id/organisation/acme") == "organisation:acme"
    assert compactor.curie(f"{BASE}id/place/enschede") == "id:place/enschede"
    assert Compactor({"organisation": f"{BASE}id/organisation/"}).curie(f"{BASE}id/organisation/") is None
    assert compactor.iri("https://example.org/x") == "https://example.org/x"  # no namespace fits: unchanged
