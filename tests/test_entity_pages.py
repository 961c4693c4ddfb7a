"""Entity, article and graph pages on the real build of the seeds, in-process over HTTP: the infobox leads
with what matters, values read as money and dates, English or Dutch, quotes once per fact, the article's text
with its quoted passages marked, and the article graph in pages."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from ecograph.serve.app import create_app
from ecograph.serve.site import Site

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
ARTICLE = "/id/article/twente-profileert-zich-als-internationaal-relevante-medtech-regio"
GRAPH = "/graph/twente-profileert-zich-als-internationaal-relevante-medtech-regio"


@pytest.fixture(scope="module")
def http(built_dist: Path) -> Iterator[httpx.Client]:
    with TestClient(create_app(Site.open(built_dist)), base_url="http://127.0.0.1:8080") as client:
        yield client


def page(http: httpx.Client, path: str, **headers: str) -> str:
    response = http.get(path, headers={"Accept": BROWSER, **headers})
    assert response.status_code == 200, response.text
    return response.text


def infobox(html: str) -> str:
    start = html.index('<section class="infobox"')
    return html[start : html.index("</section>", start)]


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_a_person_page_leads_with_the_positions(http: httpx.Client) -> None:
    box = infobox(page(http, "/id/person/jaap-beernink"))
    assert "<dt>Positions</dt>" in box
    assert 'CEO of <a href="/id/organisation/novel-t">Novel-T</a>' in box


def test_a_funding_shows_funder_recipient_and_money(http: httpx.Client) -> None:
    box = infobox(page(http, "/id/funding/twente-board-medtech-factory"))
    assert '<a href="/id/organisation/twente-board">Twente Board</a>' in box
    assert "€2,000,000" in box
    react = page(http, "/id/funding/react-eu-medtech-twente")
    assert "over €11 million" in infobox(react)
    assert "11000000" not in react and "xsd:decimal" not in react


def test_money_in_dutch(http: httpx.Client) -> None:
    assert "€2.000.000" in infobox(page(http, "/id/funding/twente-board-medtech-factory?lang=nl"))
    assert "meer dan €11 miljoen" in infobox(page(http, "/id/funding/react-eu-medtech-twente?lang=nl"))


def test_a_facility_shows_its_place_and_operator(http: httpx.Client) -> None:
    box = infobox(page(http, "/id/facility/micronit-production-location"))
    assert "<dt>Located in</dt>" in box and ">Kennispark Twente</a>" in box
    assert "<dt>Operated by</dt>" in box and ">Micronit</a>" in box


def test_dates_are_written_as_dates(http: httpx.Client) -> None:
    event = "/id/event/digital-working-visit-candidate-mps-techmed-centre-2021-02-05"
    english = infobox(page(http, event))
    assert "<dt>Start date</dt>" in english and "5 February 2021" in english
    assert "5 februari 2021" in infobox(page(http, event + "?lang=nl"))
    article = section(page(http, "/id/article/personalised-implants-closing-event"), "facts")
    assert "19 December 2023" in article and "xsd:date" not in article


def test_facts_come_in_order_of_importance(http: httpx.Client) -> None:
    facts = section(page(http, "/id/funding/twente-board-medtech-factory"), "facts")
    rows = re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a></th>', facts)
    assert rows[0] == "label"
    assert rows.index("funder") < rows.index("amount") < rows.index("currency") < rows.index("purpose")


def test_incoming_links_are_named_the_inverse_way(http: httpx.Client) -> None:
    members = section(page(http, "/id/organisation/3d-lab-groningen"), "incoming")
    assert '<a href="/def#memberOf">has member</a>' in members  # owl:inverseOf in the ontology
    developer = section(page(http, "/id/organisation/mylife-technologies"), "incoming")
    assert ">is recipient of</a>" in developer


def test_each_quote_is_shown_once_per_fact(http: httpx.Client) -> None:
    facts = section(page(http, "/id/organisation/university-of-twente"), "facts")
    label_row = facts[facts.index(">label</a>") : facts.index("</tr>", facts.index(">label</a>"))]
    quotes = re.findall(r"<q>([^<]*)</q>", label_row)
    assert quotes and len(quotes) == len(set(quotes))
    assert "Universiteit Twente" in label_row and "University of Twente" in label_row


@pytest.mark.parametrize(
    ("path", "headers", "lang", "title"),
    [
        ("/id/organisation/university-of-twente", {}, "en", "University of Twente"),
        (
            "/id/organisation/university-of-twente",
            {"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"},
            "nl",
            "Universiteit Twente",
        ),
        ("/id/organisation/university-of-twente?lang=nl", {"Accept-Language": "en"}, "nl", "Universiteit Twente"),
        ("/id/organisation/university-of-twente?lang=en", {"Accept-Language": "nl"}, "en", "University of Twente"),
        (
            "/id/organisation/university-of-twente?lang=xx",
            {"Accept-Language": "de, nl;q=0.3"},
            "nl",
            "Universiteit Twente",
        ),
    ],
)
def test_language_by_header_and_lang(
    http: httpx.Client, path: str, headers: dict[str, str], lang: str, title: str
) -> None:
    html = page(http, path, **headers)
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{title}</h1>" in html
    assert ("<dt>Soort</dt>" in html) == (lang == "nl")
    assert ">universiteit</a>" in infobox(html) if lang == "nl" else ">university</a>" in infobox(html)


def test_the_article_page_marks_its_quotes(http: httpx.Client) -> None:
    html = page(http, ARTICLE)
    text = section(html, "text")
    marks = re.findall(r'<mark id="quote-(\d+)"><a href="#passage-(\d+)">', text)
    assert len(marks) > 10 and all(a == b for a, b in marks)
    for number, _ in marks:
        assert f'<li id="passage-{number}" value="{number}"><a class="back" href="#quote-' in text
    passage = text[text.index('<li id="passage-1"') :]
    assert '<a href="/id/' in passage[: passage.index("</li>\n")]  # its facts, linked
    assert "Innovatie in de zorg is één van de vier impactportfolio’s" in text


def test_graph_pages_are_bounded_with_next_and_previous(http: httpx.Client) -> None:
    first = page(http, GRAPH)
    total = int(re.search(r"(\d+) facts, each with its quote", first).group(1))  # type: ignore[union-attr]
    assert total > 100
    assert first.count('<tr><td><a href="') == 100
    assert 'rel="next" href="?page=2#facts"' in first and 'rel="prev"' not in first
    second = page(http, GRAPH + "?page=2")
    assert 'rel="prev" href="?page=1#facts"' in second
    assert f"of {total}</h2>" in second
    last = -(-total // 100)
    assert page(http, f"{GRAPH}?page={last}").count('<tr><td><a href="') == total - 100 * (last - 1)
    for beyond in (f"?page={last + 1}", "?page=0", "?page=x"):
        assert http.get(GRAPH + beyond, headers={"Accept": BROWSER}).status_code == 404


def test_a_link_the_build_inferred_is_not_shown_twice(pages_dist: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(pages_dist, dist)
    inferred = (
        "\n<https://w3id.org/ecograph/graph/inferred> {\n"
        "  <https://w3id.org/ecograph/id/ecosystem/medtech-twente> <https://w3id.org/ecograph/def#hasMember>"
        " <https://w3id.org/ecograph/id/organisation/micronit> .\n}\n"
    )
    with (dist / "ecograph.trig").open("a", encoding="utf-8") as trig:
        trig.write(inferred)
    with TestClient(create_app(Site.open(dist, store="memory")), base_url="http://127.0.0.1:8080") as client:
        micronit = client.get("/id/organisation/micronit", headers={"Accept": BROWSER}).text
        ecosystem = client.get("/id/ecosystem/medtech-twente", headers={"Accept": BROWSER}).text
    assert "/id/ecosystem/medtech-twente" not in section(micronit, "incoming")  # stated as memberOf already
    assert "/id/ecosystem/medtech-twente" in section(micronit, "facts")
    assert "/def#hasMember" not in section(ecosystem, "facts")  # the stated incoming memberOf shows it
    assert '<a href="/def#memberOf">has member</a>' in section(ecosystem, "incoming")


def test_records_about_a_statement_are_not_shown_as_incoming_links(http: httpx.Client) -> None:
    incoming = section(page(http, "/id/organisation/university-of-twente"), "incoming")
    assert "/id/name/" not in incoming  # a curated name's record names the entity as its rdf:subject


def fact_row(html: str, heading_id: str, property_label: str) -> str:
    facts = section(html, heading_id)
    start = facts.index(f">{property_label}</a></th>")
    return facts[start : facts.index("</tr>", start)]


def test_a_curated_name_says_who_named_it_and_why_instead_of_a_quote(http: httpx.Client) -> None:
    labels = fact_row(page(http, "/id/programme/technical-medicine"), "facts", "label")
    english = labels[labels.index("Technical Medicine (degree programme)") :]
    english = english[: english.index('<div class="fact">') if '<div class="fact">' in english else None]
    assert '<span class="pill">curated name</span> · translation' in english
    assert "— Ecosystem Graph editors: English name of an entity the Dutch article names" in english
    assert "<q>" not in english


def test_a_curated_name_in_dutch(http: httpx.Client) -> None:
    labels = fact_row(page(http, "/id/programme/technical-medicine?lang=nl"), "facts", "label")
    assert '<span class="pill">redactionele naam</span> · vertaling' in labels


def test_an_inferred_statement_names_its_axiom_and_the_claims_it_rests_on(http: httpx.Client) -> None:
    places = fact_row(page(http, "/id/facility/connect-u-campus"), "facts", "located in")
    netherlands = places[places.index(">the Netherlands</a>") :]
    netherlands = netherlands[
        : netherlands.index('<div class="fact">') if '<div class="fact">' in netherlands else None
    ]
    assert re.search(r'inferred from</strong> <a href="/id/axiom/\w+">located in is transitive</a>', netherlands)
    claims = re.findall(r'<a class="claim" href="(/id/claim/\w+)"><q>([^<]+)</q></a>', netherlands)
    assert len(claims) >= 2  # each link of the chain: campus in Enschede, Enschede in the Netherlands
    assert all(quote.strip() for _href, quote in claims)
    for href, _quote in claims:
        assert http.get(href, headers={"Accept": BROWSER}).status_code == 200


def test_an_inferred_statement_in_dutch(http: httpx.Client) -> None:
    html = page(http, "/id/facility/connect-u-campus?lang=nl")
    assert re.search(r'afgeleid uit</strong> <a href="/id/axiom/\w+">[^<]+ is transitief</a>, dat volgt uit:', html)


def test_the_names_graph_page_shows_each_name_with_its_curation(http: httpx.Client) -> None:
    html = page(http, "/graph/names")
    assert "<h1>Curated names</h1>" in html
    rows = section_rows(html)
    assert len(rows) == 100 and all('<span class="pill">curated name</span>' in row for row in rows)
    assert not any(">id:name/" in row for row in rows)  # the statement, not the record's IRI
    dutch = next(row for row in rows if '<span lang="nl">(bio)farmaceutica</span>' in row)
    assert "· translation — Ecosystem Graph editors: Dutch name of an entity the English article names" in dutch
    assert 'rel="next" href="?page=2#facts"' in html


def test_the_inferred_graph_page_shows_each_statement_with_its_axiom_and_claims(http: httpx.Client) -> None:
    html = page(http, "/graph/inferred")
    assert "<h1>Inferred statements</h1>" in html
    rows = section_rows(html)
    assert rows and all(re.search(r'inferred from</strong> <a href="/id/axiom/\w+">[^<]+ is ', row) for row in rows)
    assert all(re.search(r'<a class="claim" href="/id/claim/\w+"><q>[^<]+</q></a>', row) for row in rows)
    assert not any(">id:inference/" in row or ">id:ecosystem/" in row for row in rows)  # labels, not ids
    assert any("member of is the inverse of has member" in row for row in rows)


def test_graph_pages_speak_dutch(http: httpx.Client) -> None:
    html = page(http, GRAPH + "?lang=nl")
    assert "<h1>Graaf van " in html and "Feiten 1–100 van " in html
    assert "volgende →</a>" in html and "pagina 1 van " in html
    assert "<h1>Afgeleide uitspraken</h1>" in page(http, "/graph/inferred?lang=nl")


@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
def test_the_rdf_of_a_graph_is_the_whole_graph_whatever_the_page(http: httpx.Client, suffix: str) -> None:
    whole = http.get(GRAPH + suffix)
    second = http.get(GRAPH + suffix + "?page=2")
    assert whole.status_code == second.status_code == 200
    assert second.content == whole.content
    assert 'rel="next"' not in whole.headers["link"] and 'rel="next"' not in second.headers["link"]
    assert whole.text.count("eco:Claim") + whole.text.count("def#Claim>") > 100  # more than one HTML page of facts


def section_rows(html: str) -> list[str]:
    table = html[html.index('<table class="facts">') :]
    return re.findall(r"<tr><td>.*?</td></tr>", table[: table.index("</table>")], flags=re.S)


def test_the_article_text_carries_its_own_language(http: httpx.Client) -> None:
    assert '<div class="article-text" lang="nl">' in page(http, ARTICLE)  # a Dutch text on an English page
    assert '<div class="article-text">' in page(http, "/id/article/personalised-implants-closing-event")  # en + nl
