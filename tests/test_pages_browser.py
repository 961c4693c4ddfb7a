"""A real headless Chromium (Debian's package, driven by Playwright) uses the pages: the landing page, the
YASGUI editor running a stored query, search, an entity page and the ontology documentation. Any request to
anywhere but the test server fails the test (route interception)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

CHROMIUM = os.environ.get("ECOGRAPH_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser_page(pages_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict]]:
    """A Chromium page whose every request outside pages_server is recorded and aborted."""
    if not Path(CHROMIUM).is_file() or not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} is missing: install Debian's chromium (.ci/install-system-packages does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    seen: dict[str, list[str]] = {"outside": [], "errors": [], "csp": []}

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(pages_server + "/"):
            route.continue_()
        else:
            seen["outside"].append(url)
            route.abort()

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS, viewport={"width": 1280, "height": 900}
        )
        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda error: seen["errors"].append(str(error)))
        page.on(
            "console",
            lambda message: seen["csp"].append(message.text) if "Content Security Policy" in message.text else None,
        )
        try:
            yield page, seen
        finally:
            context.close()


def test_browser_walks_the_site(browser_page: tuple[Any, dict], pages_server: str, tmp_path: Path) -> None:
    page, seen = browser_page

    page.goto(pages_server + "/")
    assert page.locator("h1").inner_text().startswith("Ecosystem Graph")
    assert page.locator("figure.network svg a.node").count() >= 4
    page.screenshot(path=str(tmp_path / "landing.png"), full_page=True)

    # the editor: the stored query's tab is open; run it and see its rows
    page.locator('a[href="/sparql/editor#organisations"]').click()
    page.wait_for_selector(".yasqe .CodeMirror")
    active = page.evaluate("[window.ecographYasgui.getTab().getName(), window.ecographYasgui.getTab().getQuery()]")
    assert active[0] == "organisations" and "SELECT ?org ?label" in active[1]
    page.locator(".yasqe_queryButton").first.click()
    page.wait_for_selector(".yasr table tbody tr", timeout=20_000)
    results = page.locator(".yasr table tbody").inner_text()
    assert "organisation/micronit" in results and "Province of Overijssel" in results

    # search from the header, open the entity page
    page.goto(pages_server + "/")
    page.fill("#q", "micronit")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=micronit")
    page.locator('a[href="/id/organisation/micronit"]').first.click()
    page.wait_for_url("**/id/organisation/micronit")
    assert page.locator("h1").inner_text() == "Micronit"
    assert page.locator("q", has_text="Micronit, part of the MedTech Twente cluster").count() == 1
    page.screenshot(path=str(tmp_path / "entity.png"), full_page=True)

    # the label with <script> is shown as text, not run
    page.goto(pages_server + "/id/organisation/tricky")
    assert "<script>alert('x')</script>" in page.locator("h1").inner_text()

    page.goto(pages_server + "/def")
    assert page.locator("text=organisation (nl: organisatie)").count() >= 1

    assert seen["outside"] == [], "pages requested something outside the test server"
    assert seen["errors"] == []
    assert seen["csp"] == [], "the pages (YASGUI, pyLODE) broke their own Content-Security-Policy"


def test_the_guard_catches_requests_outside(browser_page: tuple[Any, dict], pages_server: str) -> None:
    """The interception really sees requests to other hosts (so the walk above proves there were none). On a
    JSON answer, which has no Content-Security-Policy to stop the request before it leaves the browser."""
    page, seen = browser_page
    page.goto(pages_server + "/api/queries")
    answer = page.evaluate("fetch('http://example.org/x.js').then(() => 'loaded', () => 'blocked')")
    assert answer == "blocked"
    assert seen["outside"] == ["http://example.org/x.js"]
    seen["outside"].clear()


def test_pages_forbid_remote_loads(browser_page: tuple[Any, dict], pages_server: str) -> None:
    """The HTML pages' Content-Security-Policy stops a script from reaching another host: it never leaves."""
    page, seen = browser_page
    page.goto(pages_server + "/sparql/editor")
    answer = page.evaluate("fetch('http://example.org/x.js').then(() => 'loaded', () => 'blocked')")
    assert answer == "blocked"
    assert seen["outside"] == []
    assert any("example.org" in text for text in seen["csp"])
    seen["csp"].clear()


# ---------------------------------------------------------------------------------------- the editor --

FUNDING_TOTALS = """PREFIX eco: <https://w3id.org/ecograph/def#>
SELECT ?recipient (SUM(?amount) AS ?total) WHERE {
  ?funding a eco:Funding ; eco:recipient ?recipient ; eco:amount ?amount .
} GROUP BY ?recipient"""


def stayed_home(seen: dict) -> bool:
    """Nothing left 127.0.0.1, nothing broke the Content-Security-Policy, no script failed."""
    return seen["outside"] == [] and seen["csp"] == [] and seen["errors"] == []


def open_editor(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".yasqe .CodeMirror")


def active_tab(page: Any) -> list[str]:
    return page.evaluate("[window.ecographYasgui.getTab().getName(), window.ecographYasgui.getTab().getQuery()]")


def run_query(page: Any, query: str) -> None:
    page.evaluate("query => window.ecographYasgui.getTab().getYasqe().setValue(query)", query)
    page.locator(".yasqe_queryButton").first.click()
    page.wait_for_selector(".yasr table tbody tr", timeout=20_000)


def test_editor_permalink_opens_its_query(browser_page: tuple[Any, dict], pages_server: str) -> None:
    page, seen = browser_page
    open_editor(page, pages_server + "/sparql/editor?" + urlencode({"query": FUNDING_TOTALS}))
    assert active_tab(page)[1] == FUNDING_TOTALS
    assert stayed_home(seen)


def test_editor_share_link_opens_its_query(browser_page: tuple[Any, dict], pages_server: str) -> None:
    page, seen = browser_page
    open_editor(page, pages_server + "/sparql/editor")
    page.evaluate("query => window.ecographYasgui.getTab().getYasqe().setValue(query)", FUNDING_TOTALS)
    link = page.evaluate("window.ecographYasgui.getTab().getShareableLink()")
    page.goto("about:blank")
    open_editor(page, link)
    assert active_tab(page)[1] == FUNDING_TOTALS
    assert stayed_home(seen)


def test_editor_completes_the_ontologys_classes(browser_page: tuple[Any, dict], pages_server: str) -> None:
    page, seen = browser_page
    open_editor(page, pages_server + "/sparql/editor")
    start = "PREFIX eco: <https://w3id.org/ecograph/def#>\nSELECT * WHERE { ?x a "
    page.evaluate(
        "text => { const y = window.ecographYasgui.getTab().getYasqe(); y.setValue(text); y.focus();"
        " y.setCursor(y.lineCount(), 0); }",
        start,
    )
    page.keyboard.type("eco:Com")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li")
    assert page.locator(".CodeMirror-hints li").first.inner_text().startswith("eco:Company")
    page.keyboard.press("Enter")
    assert active_tab(page)[1] == start + "eco:Company"
    assert stayed_home(seen)


def test_editor_shows_numbers_as_values_and_links_to_local_pages(
    browser_page: tuple[Any, dict], pages_server: str
) -> None:
    page, seen = browser_page
    open_editor(page, pages_server + "/sparql/editor")
    run_query(page, FUNDING_TOTALS)
    cells = page.locator(".yasr table tbody tr").first.locator("td")
    assert cells.nth(2).inner_text().strip() == "1,500,000"  # not "1500000.0"^^xsd:decimal
    link = cells.nth(1).locator("a")
    assert link.get_attribute("href") == "/id/organisation/micronit"  # this server, not w3id.org
    assert stayed_home(seen)


def test_editor_draws_aggregates_as_bars(browser_page: tuple[Any, dict], pages_server: str) -> None:
    page, seen = browser_page
    open_editor(page, pages_server + "/sparql/editor")
    run_query(page, FUNDING_TOTALS)
    page.locator(".yasr .select_chart").click()
    bar = page.locator(".yasr svg.ecograph-chart .bar")
    assert bar.count() == 1
    assert "1,500,000" in (bar.first.text_content() or "") and float(bar.locator("rect").get_attribute("width")) > 100
    assert stayed_home(seen)


def test_editor_results_download_as_csv_and_json(browser_page: tuple[Any, dict], pages_server: str) -> None:
    page, seen = browser_page
    open_editor(page, pages_server + "/sparql/editor")
    run_query(page, FUNDING_TOTALS)
    csv_href = page.locator("#download-csv").get_attribute("href")
    json_href = page.locator("#download-json").get_attribute("href")
    csv_text = page.evaluate("href => fetch(href).then(r => r.text())", csv_href)
    answer = page.evaluate("href => fetch(href).then(r => r.json())", json_href)
    assert csv_text.splitlines()[1] == "https://w3id.org/ecograph/id/organisation/micronit,1500000"
    assert float(answer["results"]["bindings"][0]["total"]["value"]) == 1_500_000
    assert stayed_home(seen)


def test_editor_wide_results_scroll_inside_their_panel(browser_page: tuple[Any, dict], pages_server: str) -> None:
    page, seen = browser_page
    page.set_viewport_size({"width": 390, "height": 800})
    try:
        open_editor(page, pages_server + "/sparql/editor")
        columns = " ".join(f'("{"wide-value-" * 6}{i}" AS ?column{i})' for i in range(8))
        run_query(page, f"SELECT {columns} WHERE {{}}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        panel = page.locator(".yasr .yasr_results")
        assert panel.evaluate("r => r.scrollWidth > r.clientWidth")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    assert stayed_home(seen)


@pytest.mark.parametrize("path", ["/", "/id/organisation/" + "no-such-organisation-" * 4, "/dumps/"])
def test_pages_fit_a_phone(browser_page: tuple[Any, dict], pages_server: str, path: str) -> None:
    """At 390 px nothing widens the page: wide tables scroll or stack, long IRIs wrap."""
    page, seen = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.goto(pages_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    assert seen["outside"] == [] and seen["csp"] == []
