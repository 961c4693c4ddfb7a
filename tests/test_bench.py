"""The synthetic corpus and the benchmark, at the smallest size (a smoke test: no timing is asserted)."""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from ecograph.bench.load import LoadConfig, measure_under_load, render_table
from ecograph.bench.run import (
    BEGIN,
    BUILD_COLUMNS,
    END,
    LOAD_COLUMNS,
    BenchConfig,
    BenchReport,
    BuildMeasure,
    LoadCell,
    SizeResult,
    _wrk,
    load_rows,
    render_markdown,
    run_benchmark,
    targets,
    write_report,
)
from ecograph.bench.synthetic import CorpusError, generate_corpus
from ecograph.build.dumps import build_dist
from ecograph.project import Project
from ecograph.text import ArticleText

REPO = Path(__file__).resolve().parents[1]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.parent.name in ("seeds", "mappings")
    }


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    one = generate_corpus(tmp_path / "one", 6, seed=7, template=REPO)
    two = generate_corpus(tmp_path / "two", 6, seed=7, template=REPO)
    three = generate_corpus(tmp_path / "three", 6, seed=8, template=REPO)
    assert one.articles == 6 and one.entities > 20
    assert _files(one.out) == _files(two.out)
    assert _files(one.out) != _files(three.out)
    assert len(list((one.out / "seeds").glob("*.txt"))) == 6
    for folder in ("ontology", "shapes", "queries"):
        assert sorted(p.name for p in (one.out / folder).iterdir()) == sorted(p.name for p in (REPO / folder).iterdir())


def test_every_quote_occurs_in_its_article(tmp_path: Path) -> None:
    corpus = generate_corpus(tmp_path / "c", 12, template=REPO).out
    for mapping in Project.open(corpus).mapping_files():
        text = ArticleText.read(corpus / "seeds" / f"{mapping.stem}.txt").text
        document = yaml.safe_load(mapping.read_text(encoding="utf-8"))
        quotes = [e["quote"] for e in document["entities"]]
        quotes += [f["quote"] for e in document["entities"] for f in e.get("facts", []) if "quote" in f]
        for quote in quotes:
            assert quote in text, (mapping.name, quote)


def test_entities_are_shared_with_a_long_tail(tmp_path: Path) -> None:
    corpus = generate_corpus(tmp_path / "c", 80, template=REPO).out
    mentions: Counter[str] = Counter()
    for mapping in Project.open(corpus).mapping_files():
        mentions.update(e["id"] for e in yaml.safe_load(mapping.read_text(encoding="utf-8"))["entities"])
    kinds = {entity.split("/")[0] for entity in mentions}
    assert {"organisation", "person", "position", "funding", "place", "ecosystem"} <= kinds
    assert len(kinds) >= 9
    assert mentions.most_common(1)[0][1] >= 10  # some entities occur in many articles
    assert sum(1 for n in mentions.values() if n == 1) / len(mentions) > 0.4  # most occur once


def test_the_generated_corpus_builds_and_conforms(tmp_path: Path) -> None:
    corpus = generate_corpus(tmp_path / "c", 8, template=REPO).out
    result = build_dist(Project.open(corpus), corpus / "dist")  # maps (quotes checked) and validates (SHACL)
    assert result.articles == 8
    assert 100 * 8 < result.triples < 400 * 8  # about 200 triples per article, claims included
    assert (corpus / "dist" / "ecograph.trig").is_file()


def test_a_corpus_never_overwrites_another_folder(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(CorpusError):
        generate_corpus(tmp_path / "mine", 3, template=REPO)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_the_benchmark_produces_its_tables(tmp_path: Path) -> None:
    config = BenchConfig(sizes=[6], template=REPO, workdir=tmp_path / "work", endpoint=False)
    report = run_benchmark(config, command="ecograph bench run --sizes 6 --no-endpoint")
    size = report.sizes[0]
    assert size.full.articles == 6 and size.full.triples > 0
    assert size.incremental is not None
    assert size.identical is True  # the incremental build gave the bytes of a full build
    assert "mapping articles" in size.full.steps and "validating with the SHACL shapes" in size.full.steps
    markdown = render_markdown(report)
    assert "| " + " | ".join(BUILD_COLUMNS) + " |" in markdown
    assert "### Performance targets" in markdown and "ecograph bench run --sizes 6 --no-endpoint" in markdown
    assert report.machine["cores (nproc)"]

    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nHand-written notes.\n")
    write_report(out, markdown)
    write_report(out, markdown)  # a second run replaces the measured part only
    text = out.read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1 and "Hand-written notes." in text


def _fake_size(articles: int) -> SizeResult:
    measure = BuildMeasure(
        wall=100.0,
        steps={"mapping articles": 10.0},
        triples=articles * 200,
        articles=articles,
        peak_rss_mb=1.0,
        peak_rss_main_mb=1.0,
        peak_rss_worker_mb=1.0,
    )
    size = SizeResult(articles=articles, generate_s=1.0, full=measure, incremental=measure, identical=True)
    for query, ours, raw, rdflib in (("q1", 90, 100, 5), ("q2", 60, 100, 5), ("q3", 200, 100, 5)):
        size.load += [
            LoadCell("ecograph", query, ours, 10, 20, 100, 0),
            LoadCell("oxigraph", query, raw, 10, 30, 100, 0),
            LoadCell("rdflib", query, rdflib, 10, 20, 100, 0),
        ]
    size.load += [
        LoadCell("ecograph", "dereference", 40, 1, 2, 100, 0),
        LoadCell("oxigraph", "dereference", 100, 1, 2, 100, 0),
    ]
    return size


def test_the_targets_table_takes_medians_and_says_what_is_missed() -> None:
    report = BenchReport(
        config=BenchConfig(sizes=[500], template=REPO),
        machine={},
        sizes=[_fake_size(500)],
        command="ecograph bench run",
    )
    rows = {row[0]: row for row in targets(report)}
    assert rows["throughput vs raw Oxigraph, median over stored queries (500 articles)"][2:] == ["0.90×", "met"]
    assert rows["throughput vs rdflib-endpoint, median over stored queries (500 articles)"][2:] == ["18.00×", "met"]
    assert rows["dereferencing vs raw Oxigraph DESCRIBE (500 articles)"][2:] == ["0.40×", "**MISSED**"]
    assert rows["incremental build / full build (500 articles)"][3] == "**MISSED**"  # 100% of the full build
    assert len(load_rows(report)) == 4 and all(len(r) == len(LOAD_COLUMNS) for r in load_rows(report))


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk (Debian package) is not installed")
def test_the_load_generator_script_runs_against_a_local_server(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        config = BenchConfig(sizes=[], template=REPO, duration=1, connections=2, threads=1)
        root = f"http://127.0.0.1:{server.server_address[1]}"
        cell = _wrk(
            config,
            "test",
            "post",
            root,
            [("POST", "/sparql", {"Content-Type": "application/sparql-query"}, "ASK { ?s ?p ']]' }")],
        )
    finally:
        server.shutdown()
    assert cell.requests > 0 and cell.errors == 0 and cell.rps > 0 and cell.p99_ms >= cell.p50_ms


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (the http.server protocol)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        answer = b"ok" if body.startswith(b"ASK") else b"no"
        self.send_response(200 if answer == b"ok" else 400)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk (Debian package) is not installed")
def test_the_mixed_load_benchmark_gives_a_row_per_class(built_dist: Path, tmp_path: Path) -> None:
    config = LoadConfig(
        dist=built_dist, project=REPO, duration=1, connections=4, heavy_connections=1, timeout=1, workdir=tmp_path
    )
    results = measure_under_load(config)
    assert [r.name for r in results] == ["stored queries", "heavy (cartesian COUNT)"]
    stored, heavy = results
    assert stored.requests > 0 and stored.ok_share == 1.0
    assert heavy.requests > 0 and heavy.ok == 0  # stopped at the time limit: 503
    table = render_table(results)
    assert table.startswith("| class | connections | requests | % 200 |") and table.count("\n") == 4
