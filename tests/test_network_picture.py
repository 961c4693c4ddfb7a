"""The ecosystem picture on the landing page, over the page fixture plus a second ecosystem with a co-funded
funding: drawn the same for the same data, a shared amount drawn once, amounts clear of arrowheads, full names
on hover; and in Chromium its filter by ecosystem, zoom and pan."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import running_server
from pages_fixture import make_pages_dist
from starlette.testclient import TestClient
from test_pages_browser import CHROMIUM, FLAGS

from ecograph.serve.app import create_app
from ecograph.serve.pages.network import Edge, Network, Node, draw
from ecograph.serve.site import Site

HEALTH_VALLEY = """
graph:acme-growth {
  graph:acme-growth eco:sourceArticle article:acme-growth .
  article:acme-growth a eco:Article ; dcterms:title "Acme Medical grows in Health Valley"@en .
  ecosystem:health-valley a eco:Ecosystem ; rdfs:label "Health Valley"@en .
  organisation:acme a eco:Company ; rdfs:label "Acme Medical"@en ; eco:memberOf ecosystem:health-valley .
  organisation:province-of-gelderland a eco:GovernmentBody ; rdfs:label "Province of Gelderland"@en .
  organisation:oost-nl a eco:Company ; rdfs:label "Oost NL"@en .
  funding:acme-growth a eco:Funding ; rdfs:label "Growth funding for Acme Medical"@en ;
      eco:funder organisation:province-of-gelderland , organisation:oost-nl ;
      eco:recipient organisation:acme ; eco:amount 2000000.0 ; eco:currency "EUR" .
}
"""


@pytest.fixture(scope="module")
def two_ecosystems(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pages_dist(tmp_path_factory.mktemp("network") / "dist", HEALTH_VALLEY)


def picture(dist: Path) -> str:
    """The landing page's SVG, from a server of its own."""
    with TestClient(create_app(Site.open(dist)), base_url="http://127.0.0.1:8080") as client:
        html = client.get("/").text
    found = re.search(r"<svg .*?</svg>", html, re.DOTALL)
    assert found
    return found[0]


@pytest.fixture(scope="module")
def svg(two_ecosystems: Path) -> str:
    return picture(two_ecosystems)


PICTURE = """import re, sys
from starlette.testclient import TestClient
from ecograph.serve.app import create_app
from ecograph.serve.site import Site
with TestClient(create_app(Site.open(sys.argv[1]))) as client:
    print(re.search(r"<svg .*?</svg>", client.get("/").text, re.DOTALL)[0])
"""


def test_the_same_data_gives_the_same_picture_byte_for_byte(svg: str, two_ecosystems: Path, tmp_path: Path) -> None:
    """Also in other processes, whose Python orders sets differently (another hash seed)."""
    again = shutil.copytree(two_ecosystems, tmp_path / "dist")
    pictures = [
        subprocess.run(
            [sys.executable, "-c", PICTURE, str(again)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    ]
    assert pictures == [svg, svg]


def test_a_cofunded_amount_is_drawn_once(svg: str) -> None:
    assert len(re.findall(r"<text[^>]*>€2,000,000", svg)) == 1
    assert '<a class="node funding" href="/id/funding/acme-growth"' in svg
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert "Province of Gelderland funds Growth funding for Acme Medical" in titles
    assert "Oost NL funds Growth funding for Acme Medical" in titles


def test_full_names_show_on_hover(svg: str) -> None:
    shown = re.search(r"<text[^>]*>(&lt;script[^<]*)</text>", svg)
    assert shown and shown[1].endswith("…")  # the label is shortened in the picture ...
    assert "<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Tricky &amp; Co (organisation)</title>" in svg


def test_amounts_keep_clear_of_arrowheads() -> None:
    """Micronit's arrowhead is where the amount of the Province's arrow to Demcon would go: the amount moves."""
    nodes = [
        Node("province", "Province", "organisation", x=100, y=300, degree=1),
        Node("demcon", "Demcon", "organisation", x=500, y=300, degree=1),
        Node("funder", "Funder", "organisation", x=300, y=100, degree=1),
        Node("micronit", "Micronit", "organisation", x=300, y=356, degree=1),
    ]
    edges = [
        Edge("province", "demcon", "funding", label="€1,500,000"),
        Edge("funder", "micronit", "funding", label="€250,000"),
    ]
    drawn = draw(Network(nodes=nodes, edges=edges))
    tips = [(e.x2, e.y2) for e in drawn]
    for edge in drawn:
        width = len(edge.label) * 10 * 0.58
        left, top, right, bottom = edge.lx - width / 2, edge.ly - 10, edge.lx + width / 2, edge.ly + 2
        for x, y in tips:
            assert not (left - 8 < x < right + 8 and top - 8 < y < bottom + 8), (edge.label, (x, y))


# ------------------------------------------------------------------------------------------- Chromium --


@pytest.fixture(scope="module")
def landing(two_ecosystems: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict, str]]:
    """A Chromium page on the landing page of a server over two_ecosystems; requests elsewhere are aborted."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (.ci/install-system-packages does)")
    from playwright.sync_api import sync_playwright

    seen: dict[str, list[str]] = {"outside": [], "errors": []}
    log = tmp_path_factory.mktemp("network-server") / "server.log"
    with running_server(two_ecosystems, log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(url + "/")
                else (seen["outside"].append(route.request.url), route.abort())
            ),
        )
        page.on("pageerror", lambda error: seen["errors"].append(str(error)))
        page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
        page.goto(url + "/")
        try:
            yield page, seen, url
        finally:
            browser.close()


def view_box(page: Any) -> list[float]:
    return [float(v) for v in page.locator("#network-picture").get_attribute("viewBox").split()]


def test_the_filter_shows_one_ecosystem(landing: tuple[Any, dict, str]) -> None:
    page, seen, _ = landing
    micronit = page.locator('a.node[href="/id/organisation/micronit"]')
    acme = page.locator('a.node[href="/id/organisation/acme"]')
    gelderland = page.locator('a.node[href="/id/organisation/province-of-gelderland"]')
    page.select_option("#network-filter", "health-valley")
    assert micronit.is_hidden() and acme.is_visible() and gelderland.is_visible()
    page.select_option("#network-filter", "medtech-twente")
    assert micronit.is_visible() and acme.is_hidden()
    page.select_option("#network-filter", "")
    assert micronit.is_visible() and acme.is_visible()
    assert seen == {"outside": [], "errors": []}


def test_zoom_and_pan(landing: tuple[Any, dict, str]) -> None:
    page, seen, _ = landing
    page.click("#network-reset")
    assert view_box(page) == [0, 0, 900, 640]
    page.click("#network-zoom-in")
    x, y, width, height = view_box(page)
    assert width == pytest.approx(600, abs=0.1) and height == pytest.approx(640 / 1.5, abs=0.1)
    box = page.locator("#network-picture").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 220, box["y"] + 120, steps=5)
    page.mouse.up()
    moved = view_box(page)
    assert moved[0] < x and moved[1] < y and moved[2] == width  # dragged right and down: the view moves left, up
    page.click("#network-reset")
    assert view_box(page) == [0, 0, 900, 640]
    assert seen == {"outside": [], "errors": []}


@pytest.mark.parametrize("width", [1280, 390])
def test_landing_page_screenshots(landing: tuple[Any, dict, str], width: int, tmp_path: Path) -> None:
    """For looking at (pytest --basetemp=DIR keeps them): the picture fits the screen (it scrolls in its frame)."""
    page, seen, url = landing
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url + "/")
    page.screenshot(path=str(tmp_path / f"landing-{width}.png"), full_page=True)
    assert page.locator("figure.network").bounding_box()["width"] <= width
    page.set_viewport_size({"width": 1280, "height": 900})
    assert seen == {"outside": [], "errors": []}


ACTIVE_AND_AT_LEAST = """
graph:cluster-news {
  graph:cluster-news eco:sourceArticle article:cluster-news .
  article:cluster-news a eco:Article ; dcterms:title "The cluster grows"@en .
  ecosystem:twente-cluster a eco:Ecosystem ; rdfs:label "Twente cluster"@en .
  organisation:demo-devices a eco:Company ; rdfs:label "Demo Devices"@en ; eco:activeIn ecosystem:twente-cluster .
  organisation:react-fund a eco:Funder ; rdfs:label "REACT fund"@en .
  funding:react-cluster a eco:Funding ; eco:funder organisation:react-fund ; eco:recipient ecosystem:twente-cluster ;
      eco:minimumAmount 11000000.0 ; eco:currency "EUR" .
}
"""


@pytest.fixture(scope="module")
def cluster_svg(tmp_path_factory: pytest.TempPathFactory) -> str:
    return picture(make_pages_dist(tmp_path_factory.mktemp("cluster") / "dist", ACTIVE_AND_AT_LEAST))


def test_a_minimum_amount_is_drawn_as_money_with_its_qualifier(cluster_svg: str) -> None:
    assert "over €11 million" in cluster_svg


def test_an_actor_active_in_an_ecosystem_is_drawn_in_it(cluster_svg: str) -> None:
    assert "Demo Devices" in cluster_svg
