"""The scale benchmark: build, incremental build, endpoint load, validate and serve start-up, at several sizes.

`run_benchmark(config)` generates a synthetic corpus per size (see synthetic.py), measures, and returns a
`BenchReport`; `render_markdown(report)` turns it into the tables of BENCHMARKS.md. Nothing here prints: progress
goes to `config.log`. Servers run on 127.0.0.1 only, the load generator (`wrk`) runs for a fixed duration with a
fixed number of connections, and every process started here is stopped by its own process group.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path

from ..errors import EcographError
from ..project import CACHE_ENV, CACHE_FOLDER, NAMES_FILE, Project
from ..store import cache_dir
from .synthetic import generate_corpus

DEFAULT_QUERIES = (
    "funding-by-funder",
    "ecosystem-members",
    "technology-domains",
    "organisations-in-region",
    "people-positions",
)
SOURCE_DATE_EPOCH = "1700000000"  # every build of the benchmark dates its metadata alike, so bytes compare
BIN = Path(sys.executable).parent


class BenchError(EcographError):
    """The benchmark cannot run (a tool is missing, a server did not start)."""


@dataclass
class BenchConfig:
    sizes: list[int]
    template: Path
    workdir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "ecograph-bench")
    seed: int = 1
    duration: float = 10.0  # seconds of load per cell
    connections: int = 8
    threads: int = 2
    queries: tuple[str, ...] = DEFAULT_QUERIES
    endpoint: bool = True
    rdflib_max_articles: int = 500  # rdflib-endpoint holds everything in Python objects: skip it above this
    verify_identical: bool = True
    verify_max_articles: int = 500  # above this, identity is checked against the first full build only
    log: Callable[[str], None] = lambda message: None


@dataclass
class BuildMeasure:
    wall: float
    steps: dict[str, float]
    triples: int
    articles: int
    peak_rss_mb: float  # the whole process tree, sampled
    peak_rss_main_mb: float
    peak_rss_worker_mb: float


@dataclass
class LoadCell:
    server: str  # ecograph, oxigraph, rdflib
    target: str  # a stored query's name, or "dereference"
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


@dataclass
class SizeResult:
    articles: int
    generate_s: float
    full: BuildMeasure
    incremental: BuildMeasure | None = None
    identical: bool | None = None
    identical_files: int = 0
    load: list[LoadCell] = field(default_factory=list)
    oxigraph_load_s: float | None = None
    validate_s: float | None = None
    serve_cold_start_s: float | None = None
    serve_start_s: float | None = None
    serve_rss_mb: float | None = None
    serve_rss_after_load_mb: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class BenchReport:
    config: BenchConfig
    machine: dict[str, str]
    sizes: list[SizeResult]
    command: str


# running it ---------------------------------------------------------------------------------------------------


def run_benchmark(
    config: BenchConfig, command: str = "", on_size: Callable[[BenchReport], None] | None = None
) -> BenchReport:
    """Measure every size in turn; `on_size` gets the report so far after each size (to save partial results)."""
    if config.endpoint and not shutil.which("wrk"):
        raise BenchError("the load generator wrk is missing: apt-get install wrk (or run with --no-endpoint)")
    config.workdir.mkdir(parents=True, exist_ok=True)
    previous = None
    if threading.current_thread() is threading.main_thread():  # stop our servers when the run is terminated
        previous = signal.signal(signal.SIGTERM, _terminated)
    report = BenchReport(config=config, machine=machine_facts(), sizes=[], command=command)
    try:
        for articles in config.sizes:
            report.sizes.append(_one_size(config, articles))
            if on_size is not None:
                on_size(report)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return report


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _one_size(config: BenchConfig, articles: int) -> SizeResult:
    log = config.log
    corpus = config.workdir / f"corpus-{articles}"
    log(f"[{articles}] generating the corpus in {corpus}")
    started = time.perf_counter()
    generate_corpus(corpus, articles, seed=config.seed, template=config.template)
    generate_s = time.perf_counter() - started
    dist = corpus / "dist"

    log(f"[{articles}] full build (cold caches)")
    _clear_build_caches(corpus)
    full = measure_build(corpus, dist)
    result = SizeResult(articles=articles, generate_s=generate_s, full=full)
    full_hashes = tree_hashes(dist)

    log(f"[{articles}] incremental build after changing one article")
    changed = _change_one_article(corpus)
    result.incremental = measure_build(corpus, dist)
    changed_hashes = tree_hashes(dist)
    if config.verify_identical and articles <= config.verify_max_articles:
        log(f"[{articles}] checking the incremental build against a full build")
        check = corpus / "dist-full-check"
        measure_build(corpus, check, isolated=True)
        same_changed = tree_hashes(check) == changed_hashes
        shutil.rmtree(check, ignore_errors=True)
    else:
        same_changed = True
        result.notes.append(
            "incremental build of the changed corpus not compared with a full build of it "
            f"(only done up to {config.verify_max_articles} articles); the rebuild after "
            "restoring the article was compared with the first full build"
        )
    changed.restore()
    measure_build(corpus, dist)  # back to the original corpus, through the caches again
    same_original = tree_hashes(dist) == full_hashes
    result.identical = same_changed and same_original and changed_hashes != full_hashes
    result.identical_files = len(full_hashes)

    result.validate_s = _measure_validate(corpus, dist, result)
    if config.endpoint:
        _measure_endpoints(config, corpus, dist, result)
    return result


def _clear_build_caches(corpus: Path) -> None:
    """Remove the build's caches (SHACL results, mapped articles, per-article Turtle); keep `serve`'s store."""
    cache = Project.open(corpus).cache_dir
    for name in ("shacl", "mapping", "articles"):
        shutil.rmtree(cache / name, ignore_errors=True)


def measure_build(project: Path, out: Path, isolated: bool = False) -> BuildMeasure:
    """One `build` in a fresh child process: wall time, stage times, peak RSS of the process tree.

    `isolated` builds a linked copy of the project, so that the build sees none of the project's caches.
    """
    with tempfile.TemporaryDirectory() as scratch:
        result_file = Path(scratch) / "result.json"
        target = project
        if isolated:
            target = Path(scratch) / "project"
            target.mkdir()
            for folder in ("seeds", "ontology", "mappings", "shapes", "queries"):
                (target / folder).symlink_to(project / folder)
            if (project / "pyproject.toml").is_file():  # the dataset's facts ([tool.ecograph])
                (target / "pyproject.toml").symlink_to(project / "pyproject.toml")
        env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
        if isolated:  # a cache folder of its own, too
            env[CACHE_ENV] = str(target / CACHE_FOLDER)
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "ecograph.bench.buildchild", str(target), str(out), str(result_file)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        sampler = _RssSampler(process.pid)
        try:
            stdout, stderr = process.communicate()
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        finally:
            sampler.stop()
        wall = time.perf_counter() - started
        if process.returncode != 0:
            raise BenchError(f"the build of {project} failed:\n{stderr.decode(errors='replace')[-3000:]}")
        data = json.loads(result_file.read_text(encoding="utf-8"))
    return BuildMeasure(
        wall=wall,
        steps=data["steps"],
        triples=data["triples"],
        articles=data["articles"],
        peak_rss_mb=sampler.peak_mb,
        peak_rss_main_mb=data["peak_rss_main_mb"],
        peak_rss_worker_mb=data["peak_rss_worker_mb"],
    )


@dataclass
class _Change:
    files: dict[Path, bytes]

    def restore(self) -> None:
        for path, data in self.files.items():
            path.write_bytes(data)


def _mappings(corpus: Path) -> list[Path]:
    """The corpus's article mappings (not its names file)."""
    return sorted(p for p in (corpus / "mappings").glob("*.yaml") if p.name != NAMES_FILE)


def _change_one_article(corpus: Path) -> _Change:
    """Change the middle article: one more sentence in its text, and a fact quoting it in its mapping."""
    mappings = _mappings(corpus)
    mapping = mappings[len(mappings) // 2]
    text = corpus / "seeds" / f"{mapping.stem}.txt"
    change = _Change({mapping: mapping.read_bytes(), text: text.read_bytes()})
    sentence = "This article was updated with one more sentence for the incremental build."
    text.write_text(text.read_text(encoding="utf-8") + sentence + "\n", encoding="utf-8")
    lines = mapping.read_text(encoding="utf-8").splitlines(keepends=True)
    first_entity = next(i for i, line in enumerate(lines) if line.startswith("- id:"))
    insert = next((i for i in range(first_entity + 1, len(lines)) if lines[i].startswith("- id:")), len(lines))
    has_facts = any(lines[i].startswith("  facts:") for i in range(first_entity, insert))
    added = ([] if has_facts else ["  facts:\n"]) + [
        f'  - description: {{en: "{sentence}"}}\n',
        f'    quote: "{sentence}"\n',
    ]
    mapping.write_text("".join(lines[:insert] + added + lines[insert:]), encoding="utf-8")
    return change


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class _RssSampler:
    """Samples the resident memory of a process and all its descendants every 50 ms; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))
            self._stop.wait(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MiB (0 when it is gone)."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total / 1024


# validate -----------------------------------------------------------------------------------------------------


def _measure_validate(corpus: Path, dist: Path, result: SizeResult) -> float | None:
    """`ecograph validate` of one article's mapping from a cold process, against the published graph.

    One untimed run first: against a new dist, validate builds (once) the on-disk store and name index it
    then opens, as `ecograph serve` would; the timed run is a fresh process that finds them ready."""
    ecograph = BIN / "ecograph"
    probe = subprocess.run([str(ecograph), "validate", "--help"], capture_output=True, text=True)
    if probe.returncode != 0 or "--against" not in probe.stdout:
        result.notes.append("validate: `ecograph validate FILE --against DIST` is not available yet; not measured")
        return None
    mappings = _mappings(corpus)
    mapping = mappings[len(mappings) // 3]
    command = [str(ecograph), "--project", str(corpus), "validate", str(mapping), "--against", str(dist)]
    # the first validate against a new dist builds the store and name index that later ones open (untimed)
    subprocess.run(command, capture_output=True, text=True, cwd=corpus)
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, cwd=corpus)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        result.notes.append(f"validate: exit code {run.returncode}: {(run.stderr or run.stdout).strip()[:300]}")
    return elapsed


# endpoints ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class _Server:
    name: str
    process: subprocess.Popen
    port: int
    started_s: float
    log: Path

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _probe(url: str, data: bytes | None, headers: dict[str, str]) -> bool:
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def _server(
    name: str, argv: list[str], ready: Callable[[int], bool], workdir: Path, port: int, timeout: float = 900
) -> Iterator[_Server]:
    log = workdir / f"{name}.log"
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=workdir, start_new_session=True)
    server = _Server(name, process, port, 0.0, log)
    try:
        while not ready(port):
            if process.poll() is not None:
                raise BenchError(f"{name} stopped while starting:\n{log.read_text(errors='replace')[-2000:]}")
            if time.perf_counter() - started > timeout:
                raise BenchError(f"{name} did not answer within {timeout:.0f} s")
            time.sleep(0.05)
        server.started_s = time.perf_counter() - started
        yield server
    finally:
        server.stop()


def _ask(path: str, post: bool) -> Callable[[int], bool]:
    def ready(port: int) -> bool:
        if post:
            return _probe(f"http://127.0.0.1:{port}{path}", b"ASK {}", {"Content-Type": "application/sparql-query"})
        return _probe(f"http://127.0.0.1:{port}{path}?query=ASK%20%7B%7D", None, {})

    return ready


def _measure_endpoints(config: BenchConfig, corpus: Path, dist: Path, result: SizeResult) -> None:
    log = config.log
    queries = _stored_queries(dist, config.queries)
    entities = _entity_ids(corpus)
    base = "https://w3id.org/ecograph/"
    ecograph = str(BIN / "ecograph")

    def ours(port: int) -> list[str]:
        return [
            ecograph,
            "--project",
            str(corpus),
            "serve",
            "--dist",
            str(dist),
            "--port",
            str(port),
            "--max-rows",
            "1000000",
        ]

    log(f"[{result.articles}] ecograph serve: cold start (query store built), then warm start")
    for name in [p for p in cache_dir(dist).glob("store-*")]:
        shutil.rmtree(name, ignore_errors=True)
    port = free_port()
    with _server("ecograph-cold", ours(port), _ask("/sparql", post=True), corpus, port) as server:
        result.serve_cold_start_s = server.started_s
    port = free_port()
    with _server("ecograph", ours(port), _ask("/sparql", post=True), corpus, port) as server:
        result.serve_start_s = server.started_s
        time.sleep(1.0)
        result.serve_rss_mb = tree_rss_mb(server.process.pid)
        sampler = _RssSampler(server.process.pid)
        for query_name, text in queries.items():
            log(f"[{result.articles}] load: ecograph / {query_name}")
            result.load.append(_wrk(config, "ecograph", query_name, server.root, _post_requests("/sparql", text)))
        log(f"[{result.articles}] load: ecograph / dereference")
        result.load.append(
            _wrk(
                config,
                "ecograph",
                "dereference",
                server.root,
                [("GET", f"/id/{e}", {"Accept": "text/turtle"}, None) for e in entities],
            )
        )
        sampler.stop()
        result.serve_rss_after_load_mb = sampler.peak_mb

    store = corpus / "oxigraph-store"
    shutil.rmtree(store, ignore_errors=True)
    log(f"[{result.articles}] oxigraph load")
    started = time.perf_counter()
    # the same layout as ecograph's query store: the named graphs, and their merge as the default graph
    # (raw Oxigraph's --union-default-graph instead computes the union per query, many times slower on
    # the stored queries, which would flatter ecograph)
    subprocess.run(
        [
            str(BIN / "oxigraph"),
            "load",
            "--location",
            str(store),
            "--file",
            str(dist / "ecograph.trig"),
            str(dist / "ecograph.ttl"),
        ],
        check=True,
        capture_output=True,
    )
    result.oxigraph_load_s = time.perf_counter() - started
    port = free_port()
    with _server(
        "oxigraph",
        [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
        _ask("/query", post=False),
        corpus,
        port,
    ) as server:
        for query_name, text in queries.items():
            log(f"[{result.articles}] load: oxigraph / {query_name}")
            result.load.append(_wrk(config, "oxigraph", query_name, server.root, _post_requests("/query", text)))
        log(f"[{result.articles}] load: oxigraph / DESCRIBE")
        result.load.append(_wrk(config, "oxigraph", "dereference", server.root, _describe("/query", entities, base)))
        log(f"[{result.articles}] load: oxigraph / ecograph's own dereferencing query")
        result.load.append(
            _wrk(
                config, "oxigraph", "dereference (same query)", server.root, _entity_construct("/query", entities, base)
            )
        )
    shutil.rmtree(store, ignore_errors=True)

    if result.articles > config.rdflib_max_articles:
        result.notes.append(
            f"rdflib-endpoint: not run above {config.rdflib_max_articles} articles "
            "(it holds the graph as Python objects; raise --rdflib-max-articles to include it)"
        )
        return
    port = free_port()
    log(f"[{result.articles}] rdflib-endpoint (loading the TriG into rdflib)")
    with _server(
        "rdflib",
        [
            str(BIN / "rdflib-endpoint"),
            "serve",
            str(dist / "ecograph.trig"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        _ask("/", post=False),
        corpus,
        port,
    ) as server:
        result.notes.append(f"rdflib-endpoint: started in {server.started_s:.1f} s")
        for query_name, text in queries.items():
            log(f"[{result.articles}] load: rdflib / {query_name}")
            result.load.append(_wrk(config, "rdflib", query_name, server.root, _post_requests("/", text)))
        log(f"[{result.articles}] load: rdflib / DESCRIBE")
        result.load.append(_wrk(config, "rdflib", "dereference", server.root, _describe("/", entities, base)))


def _stored_queries(dist: Path, wanted: tuple[str, ...]) -> dict[str, str]:
    available = {p.stem: p.read_text(encoding="utf-8") for p in sorted((dist / "queries").glob("*.rq"))}
    chosen = {name: available[name] for name in wanted if name in available}
    for name, text in available.items():  # fill up to five from the others when some are missing
        if len(chosen) >= 5:
            break
        chosen.setdefault(name, text)
    if not chosen:
        raise BenchError(f"{dist / 'queries'} holds no stored query (*.rq) to load the endpoints with")
    return chosen


def _entity_ids(corpus: Path, count: int = 64) -> list[str]:
    """Entities to dereference: those of the first articles (frequent ones and long-tail ones alike)."""
    found: list[str] = []
    for mapping in _mappings(corpus):
        for line in mapping.read_text(encoding="utf-8").splitlines():
            if line.startswith("- id: "):
                entity = line[6:].strip()
                if entity not in found:
                    found.append(entity)
        if len(found) >= count:
            break
    return found[:count]


_Request = tuple[str, str, dict[str, str], str | None]


def _post_requests(path: str, query: str) -> list[_Request]:
    return [
        ("POST", path, {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}, query)
    ]


def _describe(path: str, entities: list[str], base: str) -> list[_Request]:
    return [
        ("GET", f"{path}?query=" + urllib.parse.quote(f"DESCRIBE <{base}id/{e}>"), {"Accept": "text/turtle"}, None)
        for e in entities
    ]


# What `ecograph serve` reads for GET /id/... (worker.describe: own triples, incoming links, the claims about the
# resource's facts), as one query for raw Oxigraph.
ENTITY_CONSTRUCT = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
CONSTRUCT { ?e ?p ?o . ?s ?q ?e . ?claim ?cp ?co } WHERE {
  { ?e ?p ?o } UNION { ?s ?q ?e FILTER(?q NOT IN (rdf:subject, rdf:object)) } UNION { ?claim rdf:subject ?e ; ?cp ?co }
}"""


def _entity_construct(path: str, entities: list[str], base: str) -> list[_Request]:
    """The description `ecograph serve` gives for GET /id/..., asked of raw Oxigraph as one CONSTRUCT."""
    return [
        (
            "POST",
            path,
            {"Content-Type": "application/sparql-query", "Accept": "text/turtle"},
            re.sub(r"\?e\b", f"<{base}id/{e}>", ENTITY_CONSTRUCT),
        )
        for e in entities
    ]


def _lua_string(text: str) -> str:
    level = 1
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[\n{text}]{'=' * level}]"


WRK_DONE = """
done = function(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"status":%d,"connect":%d,"read":%d,'
    .. '"write":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\\n', summary.requests, summary.duration,
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def _wrk(config: BenchConfig, server: str, target: str, root: str, requests: list[_Request]) -> LoadCell:
    lines = ["local reqs = {}", "local i = 0", "init = function(args)"]
    for method, path, headers, body in requests:
        header_table = "{" + ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()) + "}"
        lines.append(
            f"  reqs[#reqs + 1] = wrk.format({_lua_string(method)}, {_lua_string(path)}, {header_table}, "
            f"{_lua_string(body) if body is not None else 'nil'})"
        )
    lines += ["end", "request = function()", "  i = i % #reqs + 1", "  return reqs[i]", "end", WRK_DONE]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines))
    try:
        run = subprocess.run(
            [
                "wrk",
                f"-t{config.threads}",
                f"-c{config.connections}",
                f"-d{config.duration:g}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                root,
            ],
            capture_output=True,
            text=True,
            timeout=config.duration + 120,
        )
    finally:
        os.unlink(script.name)
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise BenchError(f"wrk gave no summary:\n{run.stdout[-1000:]}\n{run.stderr[-1000:]}")
    data = json.loads(line[len("WRKJSON ") :])
    errors = sum(data[k] for k in ("status", "connect", "read", "write", "timeout"))
    ok = max(data["requests"] - data["status"], 0)
    return LoadCell(
        server=server,
        target=target,
        rps=ok / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        requests=data["requests"],
        errors=errors,
    )


# the machine --------------------------------------------------------------------------------------------------


def machine_facts() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            cpu,
        )
    memory = "unknown"
    with contextlib.suppress(OSError, StopIteration, ValueError):
        kib = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal:")
            )
        )
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    facts = {
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "memory": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
    }
    for package in (
        "ecograph",
        "pyoxigraph",
        "oxigraph",
        "rdflib",
        "pyshacl",
        "rdflib-endpoint",
        "uvicorn",
        "starlette",
        "pyyaml",
    ):
        with contextlib.suppress(importlib_metadata.PackageNotFoundError):
            facts[package] = importlib_metadata.version(package)
    wrk = shutil.which("wrk")
    if wrk:
        version = subprocess.run([wrk, "--version"], capture_output=True, text=True)
        facts["wrk"] = (version.stdout or version.stderr).split("[")[0].replace("wrk", "").strip()
    return facts


# the report ---------------------------------------------------------------------------------------------------

BUILD_COLUMNS = (
    "articles",
    "triples",
    "mapping s",
    "SHACL s",
    "articles/*.ttl s",
    "TriG s",
    "Turtle s",
    "N-Triples.gz s",
    "JSON-LD s",
    "VoID s",
    "other s",
    "total s",
    "peak RSS MB",
    "incremental s",
    "incr/full",
    "byte-identical",
)
LOAD_COLUMNS = (
    "articles",
    "target",
    "ecograph req/s",
    "p50 ms",
    "p99 ms",
    "oxigraph req/s",
    "p50 ms",
    "p99 ms",
    "rdflib req/s",
    "×oxigraph",
    "×rdflib",
    "p99/oxigraph",
)
STEP_NAMES = {
    "mapping articles": "mapping s",
    "validating with the SHACL shapes": "SHACL s",
    "writing per-article Turtle": "articles/*.ttl s",
    "writing TriG": "TriG s",
    "writing Turtle": "Turtle s",
    "writing N-Triples (gzip)": "N-Triples.gz s",
    "writing JSON-LD": "JSON-LD s",
    "describing the dataset (VoID, DCAT)": "VoID s",
}


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(columns: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    return [_row(list(columns)), _row(["---:" if i else "---" for i in range(len(columns))]), *(_row(r) for r in rows)]


def _f(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def build_rows(report: BenchReport) -> list[list[str]]:
    rows = []
    for size in report.sizes:
        full = size.full
        cells = {name: full.steps.get(step) for step, name in STEP_NAMES.items()}
        other = full.wall - sum(v for v in cells.values() if v is not None)
        incremental = size.incremental.wall if size.incremental else None
        ratio = f"{incremental / full.wall:.1%}" if incremental else "—"
        identical = {True: f"yes ({size.identical_files} files)", False: "NO", None: "—"}[size.identical]
        rows.append(
            [
                str(size.articles),
                f"{full.triples:,}",
                *(_f(cells[n]) for n in BUILD_COLUMNS[2:10]),
                _f(other),
                _f(full.wall),
                _f(full.peak_rss_mb, 0),
                _f(incremental),
                ratio,
                identical,
            ]
        )
    return rows


def load_rows(report: BenchReport) -> list[list[str]]:
    rows = []
    for size in report.sizes:
        targets = list(dict.fromkeys(cell.target for cell in size.load))
        for target in targets:
            cell = {c.server: c for c in size.load if c.target == target}
            ours, ox, rd = cell.get("ecograph"), cell.get("oxigraph"), cell.get("rdflib")
            if target == "dereference (same query)":  # raw Oxigraph only; compare with ecograph's GET /id/
                ours = next((c for c in size.load if c.server == "ecograph" and c.target == "dereference"), None)

            def show(c: LoadCell | None, attr: str) -> str:
                if c is None:
                    return "—"
                text = _f(getattr(c, attr), 1)
                return text + (f" ({c.errors} err)" if attr == "rps" and c.errors else "")

            rows.append(
                [
                    str(size.articles),
                    target,
                    show(ours, "rps"),
                    show(ours, "p50_ms"),
                    show(ours, "p99_ms"),
                    show(ox, "rps"),
                    show(ox, "p50_ms"),
                    show(ox, "p99_ms"),
                    show(rd, "rps"),
                    _ratio(ours, ox, "rps"),
                    _ratio(ours, rd, "rps"),
                    _ratio(ours, ox, "p99_ms"),
                ]
            )
    return rows


def _ratio(a: LoadCell | None, b: LoadCell | None, attr: str) -> str:
    if a is None or b is None or not getattr(b, attr):
        return "—"
    ratio = getattr(a, attr) / getattr(b, attr)
    return f"{ratio:.4f}" if ratio < 0.1 else f"{ratio:.2f}"


def _median_ratio(size: SizeResult, other: str, attr: str) -> float | None:
    ratios = []
    for cell in size.load:
        if cell.server == "ecograph" and cell.target != "dereference":
            match = next((c for c in size.load if c.server == other and c.target == cell.target), None)
            if match and getattr(match, attr):
                ratios.append(getattr(cell, attr) / getattr(match, attr))
    return statistics.median(ratios) if ratios else None


def targets(report: BenchReport) -> list[list[str]]:
    """Each performance target: what it asks, what was measured, and whether it is met."""
    rows: list[list[str]] = []

    def add(name: str, wanted: str, measured: float | str | None, ok: bool | None, unit: str = "") -> None:
        shown = (
            measured
            if isinstance(measured, str)
            else "—"
            if measured is None
            else (f"{measured:.4f}{unit}" if unit.startswith("×") and measured < 0.1 else f"{measured:,.2f}{unit}")
        )
        rows.append([name, wanted, shown, {True: "met", False: "**MISSED**", None: "not measured"}[ok]])

    by_size = {s.articles: s for s in report.sizes}
    largest = max(report.sizes, key=lambda s: s.articles)
    for size in report.sizes:
        if not size.load:
            continue
        tag = f" ({size.articles} articles)"
        ratio = _median_ratio(size, "oxigraph", "rps")
        add(
            "throughput vs raw Oxigraph, median over stored queries" + tag,
            "≥ 0.8×",
            ratio,
            None if ratio is None else ratio >= 0.8,
            "×",
        )
        ratio = _median_ratio(size, "rdflib", "rps")
        add(
            "throughput vs rdflib-endpoint, median over stored queries" + tag,
            "≥ 10×",
            ratio,
            None if ratio is None else ratio >= 10,
            "×",
        )
        p99 = _median_ratio(size, "oxigraph", "p99_ms")
        worst = max(
            (
                c.p99_ms / m.p99_ms
                for c in size.load
                if c.server == "ecograph" and c.target != "dereference"
                for m in size.load
                if m.server == "oxigraph" and m.target == c.target and m.p99_ms
            ),
            default=None,
        )
        add(
            "p99 latency vs raw Oxigraph, median (worst query)" + tag,
            "≤ 2×",
            p99,
            None if p99 is None else p99 <= 2,
            f"× (worst {worst:.2f}×)" if worst else "×",
        )
        ours = next((c for c in size.load if c.server == "ecograph" and c.target == "dereference"), None)
        raw = next((c for c in size.load if c.server == "oxigraph" and c.target == "dereference"), None)
        deref = ours.rps / raw.rps if ours and raw and raw.rps else None
        add(
            "dereferencing vs raw Oxigraph DESCRIBE" + tag,
            "≥ 0.5×",
            deref,
            None if deref is None else deref >= 0.5,
            "×",
        )
    if 500 in by_size and 5000 in by_size:
        growth = by_size[5000].full.wall / by_size[500].full.wall
        add("build 5,000 articles / build 500 articles", "≤ 12×", growth, growth <= 12, "×")
    big = [s for s in report.sizes if s.full.triples >= 900_000]
    if big:
        add(
            f"full build of {big[0].full.triples:,} triples", "≤ 600 s", big[0].full.wall, big[0].full.wall <= 600, " s"
        )
    for size in report.sizes:
        if size.incremental:
            share = size.incremental.wall / size.full.wall
            add(f"incremental build / full build ({size.articles} articles)", "≤ 5%", share * 100, share <= 0.05, "%")
            add(
                f"incremental output byte-identical to a full build ({size.articles} articles)",
                "identical",
                {True: f"{size.identical_files} files equal", False: "differs", None: None}[size.identical],
                size.identical,
            )
    add(
        f"validate one article, cold process ({largest.articles} articles published)",
        "≤ 2 s",
        largest.validate_s,
        None if largest.validate_s is None else largest.validate_s <= 2,
        " s",
    )
    add(
        f"serve start-up, store reused ({largest.articles} articles)",
        "≤ 10 s",
        largest.serve_start_s,
        None if largest.serve_start_s is None else largest.serve_start_s <= 10,
        " s",
    )
    rss = max(filter(None, (largest.serve_rss_mb, largest.serve_rss_after_load_mb)), default=None)
    add(
        f"serve resident memory, peak under load ({largest.articles} articles)",
        "< 2,048 MB",
        rss,
        None if rss is None else rss < 2048,
        " MB",
    )
    return rows


def render_markdown(report: BenchReport) -> str:
    config = report.config
    lines = [
        f"_Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; corpus seed {config.seed}; "
        f"load: wrk, {config.connections} connections, {config.threads} threads, {config.duration:g} s per cell, "
        "127.0.0.1._",
        "",
        "### Machine",
        "",
        "| what | value |",
        "| --- | --- |",
    ]
    lines += [f"| {k} | {v} |" for k, v in report.machine.items()]
    lines += ["", "### Performance targets", "", *_table(("target", "wanted", "measured", "verdict"), targets(report))]
    lines += [
        "",
        "### Build (wall seconds per stage, child process; peak RSS = whole process tree)",
        "",
        *_table(BUILD_COLUMNS, build_rows(report)),
    ]
    if any(s.load for s in report.sizes):
        lines += [
            "",
            "### Endpoint under load (req/s = successful answers per second; ratios: ecograph ÷ other)",
            "",
            *_table(LOAD_COLUMNS, load_rows(report)),
        ]
    lines += [
        "",
        "### validate and serve",
        "",
        *_table(
            (
                "articles",
                "generate s",
                "validate (cold) s",
                "serve cold start s (store built)",
                "serve start s (store reused)",
                "serve RSS MB idle",
                "serve RSS MB peak under load",
                "oxigraph load s",
            ),
            [
                [
                    str(s.articles),
                    _f(s.generate_s),
                    _f(s.validate_s, 2),
                    _f(s.serve_cold_start_s, 2),
                    _f(s.serve_start_s, 2),
                    _f(s.serve_rss_mb, 0),
                    _f(s.serve_rss_after_load_mb, 0),
                    _f(s.oxigraph_load_s),
                ]
                for s in report.sizes
            ],
        ),
    ]
    notes = [f"- {s.articles} articles: {n}" for s in report.sizes for n in s.notes]
    if notes:
        lines += ["", "### Notes from the run", "", *notes]
    lines += ["", "Re-run:", "", "```", report.command or "ecograph bench run", "```"]
    return "\n".join(lines) + "\n"


BEGIN = "<!-- bench:begin (written by `ecograph bench run`; edit outside these markers) -->"
END = "<!-- bench:end -->"


def write_report(path: Path, markdown: str) -> None:
    """Put the measured part between the markers of `path`, keeping the hand-written text around it."""
    block = f"{BEGIN}\n{markdown}{END}\n"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1].lstrip("\n")
            path.write_text(head + block + ("\n" + tail if tail else ""), encoding="utf-8")
            return
        path.write_text(text.rstrip("\n") + "\n\n" + block, encoding="utf-8")
        return
    path.write_text("# Benchmarks\n\n" + block, encoding="utf-8")


def report_json(report: BenchReport) -> str:
    def plain(value: object) -> object:
        if isinstance(value, Path):
            return str(value)
        if callable(value):
            return None
        raise TypeError(type(value))

    from dataclasses import asdict

    data = asdict(report)
    data["config"].pop("log", None)
    return json.dumps(data, indent=2, default=plain)
