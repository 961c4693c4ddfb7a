"""One error responder: the JSON shape, an HTML page or text by Accept, and Retry-After on every 503."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ecograph.serve.endpoint.conneg import API_TYPES
from ecograph.serve.errors import error_for, error_response
from ecograph.serve.model import EndpointBusy, QueryTimedOut


def _request(accept: str | None = None) -> Request:
    headers = [(b"accept", accept.encode())] if accept else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "query_string": b""})


def _page(status: int, message: str, headers: dict[str, str]) -> Response:
    return HTMLResponse(f"<p>{message}</p>", status, headers=headers)


def test_a_stored_query_that_times_out_says_when_to_come_back() -> None:
    response = error_for(_request(), QueryTimedOut(10), offered=API_TYPES, page=_page)
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert json.loads(response.body) == {"ok": False, "status": 503, "error": str(QueryTimedOut(10))}


def test_a_busy_endpoint_gives_its_own_retry_after() -> None:
    response = error_for(_request("text/plain"), EndpointBusy("busy", retry_after=12))
    assert response.headers["retry-after"] == "12"
    assert response.body == b"503 Service Unavailable: busy\n"


def test_pages_answer_browsers_with_html_and_scripts_with_text() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert error_response(_request(browser), 404, "no such page", page=_page, offered=()).media_type == "text/html"
    assert (
        error_response(_request("image/png"), 404, "no such page", page=_page, offered=()).body
        == b"404 Not Found: no such page\n"
    )
    assert error_response(_request(), 404, "no such query").headers["content-type"] == "application/json"
