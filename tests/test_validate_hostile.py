"""`ecograph validate` given hostile files: it reads regular files only, never expands XML entities, quotes a
file only as a short escaped excerpt of one line, and stays linear in the size of the contribution.

The commands run in a subprocess with a time limit and a memory limit (RLIMIT_AS), so that a regression fails
the test instead of hanging it or eating the machine's memory.
"""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from contribution_helpers import scratch_project
from rdflib import Graph

from ecograph.cachefile import write_entry
from ecograph.cli import main
from ecograph.project import CACHE_ENV, Project
from ecograph.userfile import EXCERPT_LIMIT

pytest_plugins = ["contribution_fixtures"]  # published_dist

CORPUS = Path(__file__).parent / "contributions"
MEMORY_LIMIT = 1 << 30  # bytes of address space: a normal validation needs well under half of it
RDF_XML_HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
)
SECRET = "".join(f"secret{n}:x:{n}:{n}:{'s' * 120}:/home/secret{n}:/bin/sh\n" for n in range(1, 6))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return scratch_project(tmp_path / "project")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(args: list[str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run python with `args` under the memory limit; fail the test if it does not end within `timeout` s."""
    try:
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s: {args}")


def validate_limited(project: Project, dist: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return run_limited(
        [
            "-m",
            "ecograph.cli",
            "--project",
            str(project.root),
            "validate",
            "--no-reasoner",
            "--against",
            str(dist),
            str(path),
        ]
    )


def refused(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 2, output[-2000:]
    assert "Traceback" not in output
    for needle in needles:
        assert needle in output, output
    return output


def longest_quote(output: str, source: str) -> int:
    """The length of the longest stretch of `source` that `output` repeats."""
    longest = 0
    for start in range(len(source)):
        while start + longest < len(source) and source[start : start + longest + 1] in output:
            longest += 1
    return longest


# files that are not regular files -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["x.rdf", "x.ttl"])
def test_a_symlink_to_another_file_is_quoted_by_one_short_line_only(
    project: Project, published_dist: Path, tmp_path: Path, name: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "passwd").write_text(SECRET, encoding="utf-8")
    link = tmp_path / name
    link.symlink_to(elsewhere / "passwd")
    output = refused(validate_limited(project, published_dist, link), f"{link}")
    assert "passwd" not in output
    assert longest_quote(output, SECRET) <= EXCERPT_LIMIT
    assert not any(f"secret{n}" in output for n in range(2, 6))


def test_a_symlink_to_dev_zero_is_refused_at_once(project: Project, published_dist: Path, tmp_path: Path) -> None:
    link = tmp_path / "zero.nt"
    link.symlink_to("/dev/zero")
    refused(validate_limited(project, published_dist, link), "zero.nt: the file is a device, not a regular file")


def test_a_fifo_is_refused_at_once(project: Project, published_dist: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    refused(validate_limited(project, published_dist, fifo), "pipe.ttl: the file is a FIFO")


def test_a_fifo_as_mapping_is_refused_at_once(project: Project, published_dist: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "mapping.yaml"
    os.mkfifo(fifo)
    refused(validate_limited(project, published_dist, fifo), "mapping.yaml: the file is a FIFO")


@pytest.mark.parametrize(
    "reader",
    [
        "from ecograph.yamlfile import load_yaml as read",
        "from ecograph.text import ArticleText; read = ArticleText.read",
    ],
)
def test_the_other_readers_of_user_files_refuse_a_fifo(tmp_path: Path, reader: str) -> None:
    """Mappings' YAML and seed texts are read by the same bounded reader as contributions."""
    fifo = tmp_path / "seed.txt"
    os.mkfifo(fifo)
    script = (
        f"import sys; from pathlib import Path; {reader}\nfrom ecograph.errors import InputError\n"
        "try:\n    read(Path(sys.argv[1]))\nexcept InputError as error:\n    print(error)\n"
    )
    result = run_limited(["-c", script, str(fifo)])
    assert result.returncode == 0, result.stderr
    assert "is a FIFO (named pipe), not a regular file" in result.stdout


def test_an_error_names_the_symlink_not_its_target(
    project: Project, published_dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "target.ttl").write_text("not turtle at all\n", encoding="utf-8")
    (tmp_path / "given.ttl").symlink_to(tmp_path / "target.ttl")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main,
        ["--project", str(project.root), "validate", "--no-reasoner", "--against", str(published_dist), "given.ttl"],
    )
    assert result.exit_code == 2
    assert "given.ttl:1:" in result.output and "target.ttl" not in result.output


# what a message quotes ------------------------------------------------------------------------------------


def test_a_control_character_is_shown_escaped(project: Project, published_dist: Path, tmp_path: Path) -> None:
    bad = tmp_path / "escape.ttl"
    bad.write_text('<https://w3id.org/ecograph/id/organisation/\x1b[2Jx> <http://x/p> "o" .\n', encoding="utf-8")
    output = refused(validate_limited(project, published_dist, bad), "escape.ttl:1:", "\\x1b")
    assert "\x1b" not in output


def test_a_control_character_in_a_value_is_shown_escaped_in_the_report(
    project: Project, published_dist: Path, tmp_path: Path
) -> None:
    contribution = tmp_path / "value.ttl"
    contribution.write_text(
        f'<{project.base}id/organisation/x> <http://www.w3.org/2000/01/rdf-schema#label> "clear\\u001b[2J screen" .\n',
        encoding="utf-8",
    )
    result = validate_limited(project, published_dist, contribution)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "clear\\x1b[2J screen" in result.stdout and "\x1b" not in result.stdout


def test_rdf_xml_text_is_quoted_by_its_first_line_shortened(
    project: Project, published_dist: Path, tmp_path: Path
) -> None:
    text = "w" * 300 + "\nsecond line of text\n"
    bad = tmp_path / "text.rdf"
    bad.write_text(RDF_XML_HEAD + text + "</rdf:RDF>\n", encoding="utf-8")
    output = refused(validate_limited(project, published_dist, bad), "text.rdf", "syntax error")
    assert "second line" not in output
    assert longest_quote(output, text) <= EXCERPT_LIMIT


# XML entities ---------------------------------------------------------------------------------------------


def billion_laughs() -> str:
    """Ten levels of entities, each ten of the one below: about 1 KB that expands to 10^10 'lol's."""
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        + "\n".join(levels)
        + "\n]>\n"
        + RDF_XML_HEAD
        + '<rdf:Description rdf:about="https://w3id.org/ecograph/id/organisation/x">'
        "<rdfs:label>&lol9;</rdfs:label></rdf:Description></rdf:RDF>\n"
    )


def quadratic_blowup() -> str:
    """One entity of 50 KB referenced 20,000 times: a 110 KB file that expands to 1 GB."""
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "'
        + "a" * 50_000
        + '">]>\n'
        + RDF_XML_HEAD
        + '<rdf:Description rdf:about="https://w3id.org/ecograph/id/organisation/x"><rdfs:label>'
        + "&a;" * 20_000
        + "</rdfs:label></rdf:Description></rdf:RDF>\n"
    )


@pytest.mark.parametrize("content", [billion_laughs(), quadratic_blowup()], ids=["billion-laughs", "quadratic"])
def test_rdf_xml_entities_are_refused(project: Project, published_dist: Path, tmp_path: Path, content: str) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(content, encoding="utf-8")
    refused(
        validate_limited(project, published_dist, bomb),
        "bomb.rdf:",
        "declares the entity",
        "write the IRIs and texts in full",
    )


def test_deeply_nested_rdf_xml_is_refused(project: Project, published_dist: Path, tmp_path: Path) -> None:
    """The RDF/XML parser's time grows with the square of the nesting depth: 50,000 levels take over a minute."""
    levels = 50_000
    deep = tmp_path / "deep.rdf"
    deep.write_text(
        RDF_XML_HEAD
        + "<rdf:Description><rdfs:seeAlso>" * levels
        + "</rdfs:seeAlso></rdf:Description>" * levels
        + "</rdf:RDF>\n",
        encoding="utf-8",
    )
    refused(validate_limited(project, published_dist, deep), "deep.rdf:", "nested more than")


def test_rdf_xml_without_a_doctype_still_reads(project: Project, published_dist: Path) -> None:
    """The entity check reads the prolog only; a plain RDF/XML file is validated as before."""
    good = CORPUS / "good-turtle" / "contribution.ttl"
    rdf_xml = Graph().parse(good, format="turtle").serialize(format="xml")
    path = project.root / "contribution.rdf"
    path.write_text(rdf_xml, encoding="utf-8")
    result = validate_limited(project, published_dist, path)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "declares the entity" not in result.stdout


# the validate cache ----------------------------------------------------------------------------------------------


class CreatesAFileWhenLoaded:
    """Pickles to a call of Path.touch: whoever unpickles it creates the file (any code would run the same way)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return Path.touch, (self.path,)


def test_a_pickle_put_in_the_validate_cache_is_never_loaded(
    project: Project, published_dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parsed shapes and ontology are cached as N-Triples read back as data: a pickle put in their place,
    even with a matching content hash, or under the pickle names of earlier releases, runs nothing."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))  # a cache of this test's own (the commands inherit it)
    contribution = CORPUS / "good-turtle" / "contribution.ttl"
    first = validate_limited(project, published_dist, contribution)
    marker = tmp_path / "created-by-the-pickle"
    payload = pickle.dumps(CreatesAFileWhenLoaded(marker))
    pickle.loads(payload)
    assert marker.exists()  # the payload does what it says
    marker.unlink()
    entries = list((cache / "validate").iterdir())
    assert entries
    for entry in entries:
        write_entry(entry, payload)  # a valid entry of the cache file format, holding a pickle
        entry.with_suffix(".pickle").write_bytes(payload)
    again = validate_limited(project, published_dist, contribution)
    assert not marker.exists()
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout), again.stderr


# size ------------------------------------------------------------------------------------------------------


def test_19000_one_triple_graphs_are_read_in_one_pass(project: Project, tmp_path: Path) -> None:
    """Finding where each of 19,000 subjects is written takes one pass over the file, not one per subject
    (which took minutes): reading finishes well within the time limit, with every subject located."""
    trig = tmp_path / "graphs.trig"
    with trig.open("w", encoding="utf-8") as out:
        out.write("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
        for n in range(19_000):
            out.write(
                f"<{project.base}graph/g{n}> {{ <{project.base}id/organisation/o{n}> "
                f'rdfs:label "Organisation {n}"@en . }}\n'
            )
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from ecograph.validate.contribution import read_contribution\nfrom ecograph.ontology import Vocabulary, "
        "load_ontology\nfrom ecograph.project import Project\nfrom ecograph.validate.published import Published\n"
        "project = Project.open(Path(sys.argv[1]))\n"
        "vocabulary = Vocabulary(load_ontology(project), project.vocab)\n"
        "read = read_contribution([Path(sys.argv[2])], project, vocabulary, Published.empty())\n"
        "print(len(read.graph), len(read.locations), read.locations[project.entity_iri('organisation/o18999')])"
    )
    result = run_limited(["-c", script, str(project.root), str(trig)], timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["19000", "19000", f"{trig}:19001"]
