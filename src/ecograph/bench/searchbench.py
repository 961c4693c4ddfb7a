"""How fast the search index answers on a large graph: build it for a synthetic corpus and time queries.

Usage: python -m ecograph.bench.searchbench [--articles 5000] [--queries 200] [--extra-names 0] [--workdir DIR]
5,000 synthetic articles give about 1.09M triples. The articles are mapped (no SHACL: the index does not
depend on it), the index is written as the build writes it, and four kinds of query are timed through
`searchindex.search` (which opens the file read-only for every query, as the server does): a whole name
(exact), the first letters of a name (prefix), one word from inside a name (word), and text no name holds
(miss). Prints a Markdown table of p50/p95/max in milliseconds.

The synthetic world reuses its entities (about 6,300 distinct labels at 5,000 articles); `--extra-names N`
adds N more entities whose names are drawn from the words of those labels, to see the index at the size of a
graph with many more names.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..build.dumps import map_all
from ..build.graph import Dataset
from ..namespaces import RDFS
from ..ontology import Vocabulary
from ..project import Project
from ..searchindex import INDEX_FILE, search, write_index
from .synthetic import MARKER, generate_corpus

LABEL = ox.NamedNode(RDFS + "label")
MISSES = ("zqxwvy", "qqqq zzzz", "xylophonist", "jjjjjj", "vvxq")


@dataclass
class IndexBench:
    triples: int
    names: int
    build_seconds: float
    index_bytes: int
    latencies: dict[str, list[float]]  # wall-clock milliseconds per kind of query
    cpu: dict[str, list[float]]  # CPU milliseconds of the same queries (what a busy machine does not inflate)


def bench_index(workdir: Path, articles: int, queries: int, extra_names: int = 0, seed: int = 1) -> IndexBench:
    """Generate a corpus of `articles`, write its index into `workdir`, and time `queries` of each kind."""
    corpus = workdir / f"corpus-{articles}"
    if not (corpus / MARKER).is_file():
        generate_corpus(corpus, articles, seed=seed)
    project = Project.open(corpus)
    dataset = Dataset(map_all(project, Vocabulary.of(project)))
    triples = dataset.triples()
    triples += _extra_names(triples, extra_names, random.Random(seed), project.base)
    index = workdir / INDEX_FILE
    started = time.perf_counter()
    write_index(triples, index)
    build_seconds = time.perf_counter() - started
    names = sorted({t.object.value for t in triples if isinstance(t.object, ox.Literal) and t.predicate == LABEL})
    pick = random.Random(seed)
    texts: dict[str, Callable[[], str]] = {
        "exact": lambda: pick.choice(names),
        "prefix": lambda: pick.choice(names)[:4],
        "word": lambda: pick.choice(pick.choice(names).split()),
        "miss": lambda: pick.choice(MISSES),
    }
    timed = {kind: _time(index, make, queries) for kind, make in texts.items()}
    latencies = {kind: wall for kind, (wall, _cpu) in timed.items()}
    cpu = {kind: cpu for kind, (_wall, cpu) in timed.items()}
    return IndexBench(len(triples), len(names), build_seconds, index.stat().st_size, latencies, cpu)


def _extra_names(triples: list[ox.Triple], count: int, pick: random.Random, base: str) -> list[ox.Triple]:
    """`count` more named entities, their names two to four words of the corpus's labels."""
    words = sorted(
        {
            w
            for t in triples
            if t.predicate == LABEL and isinstance(t.object, ox.Literal)
            for w in t.object.value.split()
        }
    )
    extra = []
    for number in range(count):
        name = " ".join(pick.choice(words) for _ in range(pick.randint(2, 4)))
        extra.append(ox.Triple(ox.NamedNode(f"{base}id/extra/{number}"), LABEL, ox.Literal(name, language="en")))
    return extra


def _time(index: Path, make: Callable[[], str], count: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(count):
        text = make()
        started, started_cpu = time.perf_counter(), time.process_time()
        search(index, text)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def table(result: IndexBench) -> str:
    """The measurements as a Markdown table."""
    lines = [
        f"Index of {result.triples:,} triples ({result.names:,} distinct labels): written in "
        f"{result.build_seconds:.1f} s, {result.index_bytes / 1e6:.1f} MB.",
        "",
        "| query | n | p50 ms | p95 ms | max ms | CPU p95 ms | CPU max ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kind, times in result.latencies.items():
        cpu = result.cpu[kind]
        lines.append(
            f"| {kind} | {len(times)} | {statistics.median(times):.1f} | {_p95(times):.1f} | {max(times):.1f} "
            f"| {_p95(cpu):.1f} | {max(cpu):.1f} |"
        )
    return "\n".join(lines)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecograph.bench.searchbench", description=__doc__)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--extra-names", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "ecograph-bench-search")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(table(bench_index(args.workdir, args.articles, args.queries, args.extra_names)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
