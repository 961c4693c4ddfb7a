"""dist/void.ttl, the dataset description: DCAT-AP 3.0 conformant, and true to the files it describes."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyshacl
import pytest
from pyoxigraph import RdfFormat, parse
from rdflib import RDF, SH, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID, XSD
from test_mapping_errors import write_one_article_project

from ecograph import __version__
from ecograph.build.dumps import build_dist
from ecograph.project import Project

REPO = Path(__file__).resolve().parents[1]
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; rdflib's DCAT namespace predates it
DCAT_AP_SHAPES = Path(__file__).parent / "data" / "dcat-ap-3.0.0-SHACL.ttl"  # see tests/data/README.md
SPDX = Namespace("http://spdx.org/rdf/terms#")
CC_BY_4 = URIRef("http://creativecommons.org/licenses/by/4.0/")
EPOCH = 1700000000  # 2023-11-14T22:13:20Z

FORMATS = {".trig": RdfFormat.TRIG, ".ttl": RdfFormat.TURTLE, ".gz": RdfFormat.N_TRIPLES, ".jsonld": RdfFormat.JSON_LD}


@pytest.fixture(scope="module")
def void(built_dist: Path) -> Graph:
    return Graph().parse(built_dist / "void.ttl", format="turtle")


@pytest.fixture(scope="module")
def dataset(void: Graph, seed_project: Project) -> URIRef:
    root = URIRef(f"{seed_project.base}dataset")
    assert (root, RDF.type, DCAT.Dataset) in void
    return root


def distributions(void: Graph) -> list[URIRef]:
    return sorted(void.subjects(RDF.type, DCAT.Distribution))


def file_of(void: Graph, distribution: URIRef, project: Project, dist: Path) -> Path:
    url = str(void.value(distribution, DCAT.downloadURL))
    prefix = f"{project.base}dumps/"
    assert url.startswith(prefix), url
    return dist / url[len(prefix) :]


def statements_in(path: Path) -> int:
    """Triples (or quads, for TriG and JSON-LD) in a dump, counted by parsing it."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    if path.suffix == ".jsonld":  # the dump names its context by URL; read the published context instead
        document = json.loads(data)
        document["@context"] = json.loads((path.parent / "context.jsonld").read_text("utf-8"))["@context"]
        data = json.dumps(document).encode()
    return sum(1 for _ in parse(data, FORMATS[path.suffix]))


# DCAT-AP ---------------------------------------------------------------------------------------------------


def test_void_conforms_to_dcat_ap_3(void: Graph) -> None:
    shapes = Graph().parse(DCAT_AP_SHAPES, format="turtle")
    conforms, _, text = pyshacl.validate(void, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_dcat_ap_check_catches_a_broken_description(void: Graph, dataset: URIRef) -> None:
    """The DCAT-AP shapes do bite: a dataset needs a title and a description."""
    broken = Graph() + void
    broken.remove((dataset, DCTERMS.description, None))
    shapes = Graph().parse(DCAT_AP_SHAPES, format="turtle")
    conforms, report, _ = pyshacl.validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms
    assert set(report.objects(None, SH.resultPath)) == {DCTERMS.description}


# the files -------------------------------------------------------------------------------------------------


def test_every_distribution_is_a_file_in_dist(void: Graph, seed_project: Project, built_dist: Path) -> None:
    missing = [d for d in distributions(void) if not file_of(void, d, seed_project, built_dist).is_file()]
    assert distributions(void)
    assert missing == []


def test_every_dump_in_dist_is_a_distribution(void: Graph, seed_project: Project, built_dist: Path) -> None:
    listed = {file_of(void, d, seed_project, built_dist) for d in distributions(void)}
    dumps = {
        *built_dist.glob("ecograph.*"),
        built_dist / "ontology.ttl",
        built_dist / "shapes.ttl",
        *(built_dist / "articles").glob("*.ttl"),
    }
    assert dumps - listed == set()


def test_download_and_access_urls_are_the_dump_urls(void: Graph, seed_project: Project) -> None:
    for distribution in distributions(void):
        name = str(distribution).split("/dataset/distribution/", 1)[1]
        assert void.value(distribution, DCAT.downloadURL) == URIRef(f"{seed_project.base}dumps/{name}")
        assert void.value(distribution, DCAT.accessURL) == void.value(distribution, DCAT.downloadURL)


def test_byte_sizes_match_the_files(void: Graph, seed_project: Project, built_dist: Path) -> None:
    for distribution in distributions(void):
        path = file_of(void, distribution, seed_project, built_dist)
        size = void.value(distribution, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger
        assert int(size) == path.stat().st_size, path.name


def test_sha256_checksums_match_the_files(void: Graph, seed_project: Project, built_dist: Path) -> None:
    for distribution in distributions(void):
        path = file_of(void, distribution, seed_project, built_dist)
        checksum = void.value(distribution, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_triple_counts_match_parsing_the_files(void: Graph, seed_project: Project, built_dist: Path) -> None:
    stated = {}
    counted = {}
    for distribution in distributions(void):
        path = file_of(void, distribution, seed_project, built_dist)
        stated[path.name] = int(void.value(distribution, VOID.triples))
        counted[path.name] = statements_in(path)
    assert stated == counted


def test_the_dataset_counts_the_triples_of_the_whole_graph(void: Graph, dataset: URIRef, built_dist: Path) -> None:
    assert int(void.value(dataset, VOID.triples)) == statements_in(built_dist / "ecograph.ttl")


def test_each_article_subset_counts_its_triples(
    void: Graph, dataset: URIRef, seed_project: Project, built_dist: Path
) -> None:
    subsets = [s for s in void.objects(dataset, VOID.subset) if void.value(s, VOID.dataDump) is not None]
    assert len(subsets) == len(list((built_dist / "articles").glob("*.ttl")))
    for subset in subsets:
        path = file_of_dump(void.value(subset, VOID.dataDump), seed_project, built_dist)
        assert int(void.value(subset, VOID.triples)) == statements_in(path), path.name


def file_of_dump(url: object, project: Project, dist: Path) -> Path:
    return dist / str(url).removeprefix(f"{project.base}dumps/")


# licence, version, dates -----------------------------------------------------------------------------------


def test_the_dataset_states_licence_version_and_modified(void: Graph, dataset: URIRef) -> None:
    assert void.value(dataset, DCTERMS.license) == CC_BY_4
    assert void.value(dataset, DCAT_VERSION)
    assert void.value(dataset, DCTERMS.modified).datatype == XSD.date


def test_every_distribution_states_licence_version_and_modified(void: Graph, dataset: URIRef) -> None:
    for distribution in distributions(void):
        assert void.value(distribution, DCTERMS.license) == CC_BY_4
        assert void.value(distribution, DCAT_VERSION) == void.value(dataset, DCAT_VERSION)
        assert void.value(distribution, DCTERMS.modified) == void.value(dataset, DCTERMS.modified)


@pytest.fixture(scope="module")
def epoch_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """Two builds of the seeds with SOURCE_DATE_EPOCH fixed."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        first = build_dist(Project.open(REPO), tmp_path_factory.mktemp("epoch-1") / "dist").out
        second = build_dist(Project.open(REPO), tmp_path_factory.mktemp("epoch-2") / "dist").out
    yield first, second


def test_modified_is_the_day_of_source_date_epoch(epoch_builds: tuple[Path, Path]) -> None:
    void = Graph().parse(epoch_builds[0] / "void.ttl", format="turtle")
    day = dt.datetime.fromtimestamp(EPOCH, tz=dt.UTC).date().isoformat()
    assert set(void.objects(None, DCTERMS.modified)) == {Literal(day, datatype=XSD.date)}


def test_two_builds_with_the_same_source_date_epoch_are_byte_identical(epoch_builds: tuple[Path, Path]) -> None:
    first, second = epoch_builds

    def digests(folder: Path) -> dict[str, str]:
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    assert digests(first) == digests(second)


# the dates come from the inputs' content, never from file times -------------------------------------------------


COMMITTED = "2024-03-01T12:00:00+00:00"


def git(*args: str, cwd: Path) -> None:
    environment = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_DATE": COMMITTED,
        "GIT_COMMITTER_DATE": COMMITTED,
    }
    subprocess.run(
        ["git", "-c", "user.name=ecograph", "-c", "user.email=ecograph@example.org", *args],
        cwd=cwd,
        env=environment,
        check=True,
        capture_output=True,
    )


def touch_all(folder: Path, when: dt.datetime) -> None:
    stamp = when.timestamp()
    for path in folder.rglob("*"):
        os.utime(path, (stamp, stamp))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_two_clones_of_one_commit_publish_the_same_void(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    origin = tmp_path / "origin"  # the seed project
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, origin / folder)
    for pattern in ("seeds/*", "mappings/*"):
        for path in REPO.glob(pattern):
            (origin / path.parent.name).mkdir(exist_ok=True)
            shutil.copyfile(path, origin / path.parent.name / path.name)
    git("init", "-q", str(origin), cwd=tmp_path)
    git("add", ".", cwd=origin)
    git("commit", "-q", "-m", "the inputs", cwd=origin)
    clones = [tmp_path / "clone-1", tmp_path / "clone-2"]
    for clone in clones:
        git("clone", "-q", "--no-hardlinks", str(origin), str(clone), cwd=tmp_path)
    touch_all(clones[1], dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    voids = [(build_dist(Project.open(clone), clone / "dist").out / "void.ttl").read_bytes() for clone in clones]
    assert voids[0] == voids[1]
    modified = set(Graph().parse(data=voids[0], format="turtle").objects(None, DCTERMS.modified))
    assert modified == {Literal("2024-03-01", datatype=XSD.date)}


def test_outside_git_the_date_is_the_newest_the_seeds_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = write_one_article_project(tmp_path / "project")  # its article was published 2023-12-19
    touch_all(root, dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    void = Graph().parse(build_dist(Project.open(root), root / "dist").out / "void.ttl", format="turtle")
    assert set(void.objects(None, DCTERMS.modified)) == {Literal("2023-12-19", datatype=XSD.date)}
    assert {str(v) for v in void.objects(None, DCAT_VERSION)} == {f"{__version__}+20231219"}
