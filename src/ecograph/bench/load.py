"""The endpoint under mixed load: many connections of stored queries while a few connections loop a query
that runs to the time limit. It measures what fair admission promises (engine.py): cheap queries are answered,
and quickly, however many slow ones run.

`measure_under_load(config)` starts `ecograph serve` on a built dist/ (127.0.0.1 only), runs two `wrk`
processes side by side (one per class of request, each with its own connections), and returns one
`ClassResult` per class; `render_table` gives the Markdown table. Nothing here prints.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from ..queries import load_queries
from .run import BIN, BenchError, _ask, _lua_string, _Request, _server, free_port

HEAVY_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . "
    "?p ?q ?r }"
)  # a cartesian product: runs until the time limit stops it
COLUMNS = ("class", "connections", "requests", "% 200", "other answers", "p50 ms", "p95 ms", "p99 ms")
HEAVY_HEAD_START = 1.0  # seconds the heavy connections run before the cheap ones start

# Per-thread counters of answers by status, summed over wrk's threads at the end.
WRK_SCRIPT_TAIL = """
local threads = {}
setup = function(thread) table.insert(threads, thread) end
response = function(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end
done = function(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok"); total_other = total_other + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"ok":%d,"other":%d,"socket_errors":%d,'
    .. '"p50_us":%d,"p95_us":%d,"p99_us":%d}\\n', summary.requests, total_ok, total_other,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
"""


@dataclass
class LoadConfig:
    dist: Path
    project: Path
    duration: float = 20.0  # seconds of load on the cheap connections
    connections: int = 64  # connections looping cheap stored queries
    heavy_connections: int = 4  # connections looping HEAVY_QUERY
    timeout: float = 10.0  # the server's --timeout
    workdir: Path = Path(tempfile.gettempdir()) / "ecograph-bench-load"


@dataclass
class ClassResult:
    name: str
    connections: int
    requests: int
    ok: int  # answers with status 200
    other: int  # answers with another status
    socket_errors: int  # connect, read, write errors and wrk's own timeouts
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def ok_share(self) -> float:
        return self.ok / self.requests if self.requests else 0.0


def measure_under_load(config: LoadConfig) -> list[ClassResult]:
    """Serve config.dist and load it with both classes at once; the cheap class first, then the heavy one."""
    if not shutil.which("wrk"):
        raise BenchError("the load generator wrk is missing: apt-get install wrk")
    if not (config.dist / "ecograph.trig").is_file():
        raise BenchError(f"{config.dist} holds no build (ecograph.trig): run `ecograph build` first")
    cheap = _stored_query_requests(config.dist)
    if not cheap:
        raise BenchError(f"{config.dist / 'queries'} holds no stored query (*.rq) to load the endpoint with")
    heavy: list[_Request] = [("POST", "/sparql", {"Content-Type": "application/sparql-query"}, HEAVY_QUERY)]
    config.workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [
        str(BIN / "ecograph"),
        "--project",
        str(config.project),
        "serve",
        "--dist",
        str(config.dist),
        "--port",
        str(port),
        "--timeout",
        f"{config.timeout:g}",
    ]
    with _server("ecograph-load", argv, _ask("/sparql", post=True), config.workdir, port) as server:
        heavy_run = None
        if config.heavy_connections:
            heavy_run = _start_wrk(
                server.root, heavy, config.heavy_connections, 1, config.duration + 2 * HEAVY_HEAD_START, config.timeout
            )
            time.sleep(HEAVY_HEAD_START)
        cheap_run = _start_wrk(server.root, cheap, config.connections, 2, config.duration, config.timeout)
        results = [_result("stored queries", config.connections, cheap_run)]
        if heavy_run is not None:
            results.append(_result("heavy (cartesian COUNT)", config.heavy_connections, heavy_run))
        return results


def _stored_query_requests(dist: Path) -> list[_Request]:
    """Every stored query, with its example arguments when it declares them (as the landing page links it)."""
    requests: list[_Request] = []
    for query in load_queries(dist / "queries"):
        arguments = urllib.parse.urlencode(query.example_args)
        path = f"/api/queries/{query.name}" + (f"?{arguments}" if arguments else "")
        requests.append(("GET", path, {"Accept": "application/json"}, None))
    return requests


def render_table(results: list[ClassResult]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for r in results:
        cells = [
            r.name,
            str(r.connections),
            str(r.requests),
            f"{100 * r.ok_share:.1f}",
            str(r.other + r.socket_errors),
            f"{r.p50_ms:.0f}",
            f"{r.p95_ms:.0f}",
            f"{r.p99_ms:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


@dataclass
class _WrkRun:
    process: subprocess.Popen[str]
    script: Path
    duration: float


def _start_wrk(
    root: str, requests: list[_Request], connections: int, threads: int, duration: float, timeout: float
) -> _WrkRun:
    lines = ["local reqs = {}", "local i = 0", "init = function(args)", "  ok = 0; other = 0"]
    for method, path, headers, body in requests:
        header_table = "{" + ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()) + "}"
        lines.append(
            f"  reqs[#reqs + 1] = wrk.format({_lua_string(method)}, {_lua_string(path)}, {header_table}, "
            f"{_lua_string(body) if body is not None else 'nil'})"
        )
    lines += ["end", "request = function()", "  i = i % #reqs + 1", "  return reqs[i]", "end", WRK_SCRIPT_TAIL]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines))
    argv = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{duration:g}s",
        "--timeout",
        f"{2 * timeout + 10:g}s",
        "-s",
        script.name,
        root,
    ]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return _WrkRun(process, Path(script.name), duration)


def _result(name: str, connections: int, run: _WrkRun) -> ClassResult:
    try:
        out, err = run.process.communicate(timeout=run.duration + 120)
    finally:
        os.unlink(run.script)
    line = next((ln for ln in out.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise BenchError(f"wrk gave no summary:\n{out[-1000:]}\n{err[-1000:]}")
    data = json.loads(line[len("WRKJSON ") :])
    return ClassResult(
        name,
        connections,
        data["requests"],
        data["ok"],
        data["other"],
        data["socket_errors"],
        data["p50_us"] / 1000,
        data["p95_us"] / 1000,
        data["p99_us"] / 1000,
    )
