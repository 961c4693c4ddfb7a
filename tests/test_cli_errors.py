"""Bad input to the command line: a clear message naming the file, line and field (or the argument), no traceback,
a non-zero exit code, and never a half-written output. One behaviour per test."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import free_port, wait_until_serving
from test_mapping_errors import ARTICLE, GOOD_MAPPING, fingerprint, write_one_article_project

from ecograph import scaffold
from ecograph.build import dumps
from ecograph.cli import main
from ecograph.errors import BuildError, ProjectError
from ecograph.project import CACHE_ENV, Project

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A one-article project with the real ontology, shapes and queries."""
    return write_one_article_project(tmp_path / "project")


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(root), *args])


def leftovers(root: Path) -> list[str]:
    """What builds left beside dist besides the build it links to and the lock file."""
    kept = {(root / "dist").resolve().name, ".dist.lock"}
    return [p.name for p in root.iterdir() if p.name.startswith(".dist") and p.name not in kept]


def refused(result: Result, code: int, *phrases: str) -> None:
    assert result.exit_code == code, result.output
    assert result.exc_info is None or isinstance(result.exc_info[1], SystemExit), result.exc_info
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output


# build: where it writes ---------------------------------------------------------------------------------


def test_out_at_the_project_root_is_refused_and_nothing_moves(root: Path) -> None:
    before = sorted(p.name for p in root.iterdir())
    refused(run(root, "build", "--out", str(root)), 2, "is the project folder", "--out")
    assert sorted(p.name for p in root.iterdir()) == before


def test_out_above_the_project_is_refused(root: Path) -> None:
    refused(run(root, "build", "--out", str(root.parent)), 2, "is the project folder or holds it")


def test_out_inside_seeds_is_refused(root: Path) -> None:
    refused(run(root, "build", "--out", str(root / "seeds" / "dist")), 2, "input folders")
    assert sorted(p.name for p in (root / "seeds").iterdir()) == ["100_test.txt", "100_test.yaml"]


def test_out_at_a_folder_of_other_files_is_refused(root: Path, tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("keep me")
    refused(run(root, "build", "--out", str(tmp_path / "mine")), 2, "no earlier build")
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "keep me"


def test_out_at_an_earlier_build_is_replaced(root: Path) -> None:
    assert run(root, "build").exit_code == 0
    assert run(root, "build", "--out", str(root / "dist")).exit_code == 0


def test_out_at_a_file_is_a_usage_error(root: Path) -> None:
    (root / "afile").write_text("x")
    refused(run(root, "build", "--out", str(root / "afile")), 2, "--out")


def test_unwritable_output_folder_is_a_clear_error(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(dumps.tempfile, "mkdtemp", denied)
    refused(run(root, "build"), 2, "could not write", "Permission denied", "previous build is unchanged")


def test_disk_full_mid_write_keeps_the_previous_build(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project.open(root)
    dumps.build_dist(project, project.default_dist)
    before = fingerprint(project.default_dist)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dumps, "write_void", full)
    refused(run(root, "build"), 2, "No space left on device")
    assert fingerprint(project.default_dist) == before
    assert leftovers(root) == []


def test_ctrl_c_keeps_the_previous_build_and_removes_staging(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project.open(root)
    dumps.build_dist(project, project.default_dist)
    before = fingerprint(project.default_dist)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(dumps, "write_void", interrupted)
    with pytest.raises(KeyboardInterrupt):
        dumps.build_dist(project, project.default_dist)
    assert fingerprint(project.default_dist) == before
    assert leftovers(root) == []


def test_library_refuses_out_with_a_typed_error(root: Path) -> None:
    with pytest.raises(BuildError, match="input folders"):
        dumps.build_dist(Project.open(root), root / "mappings")


# build: bad inputs --------------------------------------------------------------------------------------


def test_query_file_that_is_not_utf8_names_file_and_line(root: Path) -> None:
    with (root / "queries" / "articles.rq").open("ab") as out:
        out.write(b"\n# caf\xe9\n")
    refused(run(root, "build"), 2, "queries/articles.rq:", "not UTF-8", "save it as UTF-8")


def test_ontology_syntax_error_names_the_line_briefly(root: Path) -> None:
    ontology = root / "ontology" / "ecograph.ttl"
    lines = ontology.read_text(encoding="utf-8").count("\n")
    ontology.write_text(ontology.read_text(encoding="utf-8") + "eco:Broken a owl:Class\n", encoding="utf-8")
    result = run(root, "build")
    refused(result, 2, f"ontology/ecograph.ttl:{lines + 2}", "Turtle syntax error in the ontology")
    assert len(result.output) < 600  # not the whole file quoted back


def test_shapes_syntax_error_names_file_and_line(root: Path) -> None:
    shapes = next((root / "shapes").glob("*.ttl"))
    shapes.write_text(shapes.read_text(encoding="utf-8") + "nope:X a sh:NodeShape .\n", encoding="utf-8")
    refused(run(root, "build"), 2, f"shapes/{shapes.name}:", "nope: has not been declared")


def test_empty_seed_says_the_article_is_empty(root: Path) -> None:
    (root / "seeds" / "100_test.txt").write_text("\n", encoding="utf-8")
    refused(run(root, "build"), 1, "seeds/100_test.txt: the article is empty")


def test_latin1_seed_names_the_line(root: Path) -> None:
    (root / "seeds" / "100_test.txt").write_bytes(ARTICLE.encode("utf-8") + "Café\n".encode("latin-1"))
    refused(run(root, "build"), 1, "seeds/100_test.txt:6: the article is not UTF-8 text (byte 0xe9)")


def test_two_articles_with_one_slug_name_both_metadata_files(root: Path) -> None:
    shutil.copy(root / "seeds" / "100_test.txt", root / "seeds" / "101_test.txt")
    shutil.copy(root / "seeds" / "100_test.yaml", root / "seeds" / "101_test.yaml")
    (root / "mappings" / "101_test.yaml").write_text(GOOD_MAPPING.replace("100_test", "101_test"))
    refused(run(root, "build"), 2, "seeds/100_test.yaml: slug", "seeds/101_test.yaml: slug", "own slug")


# base IRI and configuration -----------------------------------------------------------------------------


def test_base_with_a_space_is_refused(root: Path) -> None:
    refused(run(root, "--base", "https://example.org/my graph/", "build"), 2, "--base", "white space")


def test_base_that_is_not_an_iri_is_refused(root: Path) -> None:
    refused(run(root, "--base", "example", "build"), 2, "not an absolute http(s) IRI")


def test_base_with_a_fragment_is_refused(root: Path) -> None:
    with pytest.raises(ProjectError, match="'#'"):
        Project.open(root, "https://example.org/kg#")


def test_base_without_trailing_slash_gets_one(root: Path) -> None:
    assert Project.open(root, "https://example.org/kg").base == "https://example.org/kg/"


def test_pyproject_base_that_is_not_text_is_refused(root: Path) -> None:
    (root / "pyproject.toml").write_text("[tool.ecograph]\nbase = 5\n")
    refused(run(root, "build"), 2, "pyproject.toml: [tool.ecograph] base = 5 is not text")


def test_pyproject_tool_section_that_is_not_a_table_is_refused(root: Path) -> None:
    (root / "pyproject.toml").write_text("[tool]\necograph = 3\n")
    refused(run(root, "build"), 2, "[tool.ecograph] is not a table")


def test_pyproject_base_with_a_space_names_the_file(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.ecograph]\nbase = "https://example.org/a b/"\n')
    refused(run(root, "build"), 2, "pyproject.toml: [tool.ecograph] base", "white space")


def test_source_date_epoch_that_is_not_a_number(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    refused(run(root, "build"), 2, "SOURCE_DATE_EPOCH is 'yesterday'")


# validate ---------------------------------------------------------------------------------------------------


def test_validate_a_folder_says_to_give_its_files(root: Path) -> None:
    assert run(root, "build").exit_code == 0
    refused(run(root, "validate", str(root / "mappings"), "--no-reasoner"), 2, "this is a folder", "*.yaml")


def test_validate_stdin_is_refused_with_what_to_do(root: Path) -> None:
    assert run(root, "build").exit_code == 0
    refused(run(root, "validate", "-", "--no-reasoner"), 2, "standard input is not supported", "save it")


# new ----------------------------------------------------------------------------------------------------


def test_new_refuses_a_huge_text(root: Path, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text("Micronit in Enschede. " * 100_000, encoding="utf-8")
    refused(run(root, "new", str(huge)), 2, "huge.txt: the article is 2,200,000 bytes")


def test_new_with_a_wrong_against_says_no_entities_were_looked_up(root: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Micronit in Enschede.\n", encoding="utf-8")
    result = run(root, "new", str(article), "--id", "200_a", "--against", str(tmp_path / "nodist"))
    assert result.exit_code == 0
    assert "note: no published graph at" in result.output and "nodist" in result.output


def test_new_without_a_build_looks_in_the_mappings(root: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Micronit in Enschede.\n", encoding="utf-8")
    result = run(root, "new", str(article), "--id", "200_a")
    assert result.exit_code == 0 and "note:" not in result.output
    assert "2 known entities" in result.output


def test_new_writes_all_three_files_or_none(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Micronit in Enschede.\n", encoding="utf-8")

    def broken(*args: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scaffold, "mapping_yaml", broken)
    with pytest.raises(OSError):
        scaffold.scaffold(Project.open(root), article, stem="200_a")
    assert not (root / "seeds" / "200_a.txt").exists()
    assert not (root / "seeds" / "200_a.yaml").exists()


# query and help -----------------------------------------------------------------------------------------


def test_query_endpoint_that_is_not_http_is_a_usage_error(root: Path) -> None:
    refused(run(root, "query", "articles", "--endpoint", "localhost:3030"), 2, "--endpoint", "http://")


@pytest.mark.parametrize("command", ["build", "new", "query", "serve", "validate"])
def test_every_command_help_has_examples(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert f"ecograph {command}" in result.output


@pytest.mark.parametrize("command", ["", "build", "new", "query", "serve", "validate", "bench"])
def test_every_command_help_states_the_exit_codes(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0
    assert "Exit codes" in result.output
    codes = ("2", "3  internal error", "130  ") if command == "serve" else ("0", "2", "3  internal error", "130  ")
    for code in codes:  # serve runs until it is stopped: it has no 0
        assert re.search(rf"^ +{code}", result.output, re.MULTILINE), code


# the exit-code contract: 0 fine, 1 violations, 2 bad input or environment, 3 internal error, 130 Ctrl-C ------


@pytest.fixture
def crash_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder crash logs go to (the system temp dir, redirected for the test)."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_file_where_the_cache_folder_should_be_only_costs_time(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_ENV)  # the default cache folder, in the project
    (root / ".ecograph-cache").write_text("not a folder", encoding="utf-8")
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert (root / "dist" / "void.ttl").is_file()
    assert (root / ".ecograph-cache").read_text(encoding="utf-8") == "not a folder"


def test_a_shapes_cache_entry_that_cannot_be_read_or_replaced_only_costs_time(root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(root, "--cache-dir", str(cache), "build").exit_code == 0
    for entry in (cache / "shacl").iterdir():
        entry.unlink()
        (entry / "unreadable").mkdir(parents=True)  # a folder where the entry should be
    result = run(root, "--cache-dir", str(cache), "build")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_a_file_where_the_store_cache_should_be_names_it(
    built_dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecograph.errors import DistError
    from ecograph.store import prepare_store

    dist = tmp_path / "dist"
    shutil.copytree(built_dist, dist)
    monkeypatch.delenv(CACHE_ENV)  # the default cache folder, beside dist/
    (tmp_path / ".ecograph-cache").write_text("not a folder", encoding="utf-8")
    with pytest.raises(DistError, match=r"\.ecograph-cache.*remove or rename"):
        prepare_store(dist)


def test_an_internal_error_exits_3_with_one_line_and_a_log(
    root: Path, crash_logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(dumps, "write_void", bug)
    result = run(root, "build")
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    [line] = [line for line in result.output.splitlines() if "error" in line]
    assert "`ecograph build` failed with ZeroDivisionError: division by zero" in line
    [log] = crash_logs.glob("ecograph-crash-*.log")
    assert str(log) in line
    assert "Traceback" in log.read_text(encoding="utf-8")
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")


def test_running_out_of_memory_exits_3_not_1(root: Path, crash_logs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(dumps, "write_void", exhausted)
    result = run(root, "build")
    assert result.exit_code == 3
    assert "ran out of memory" in result.output
    assert "Traceback" not in result.output


def test_a_file_the_library_cannot_read_exits_2_naming_it(
    root: Path, crash_logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(root / "queries" / "articles.rq"))

    monkeypatch.setattr(dumps, "load_queries", denied)
    refused(run(root, "build"), 2, "Permission denied", "queries/articles.rq", "check that the path exists")


def test_ctrl_c_exits_130_not_1_which_means_violations(pages_dist: Path, tmp_path: Path) -> None:
    """SIGINT (what Ctrl-C sends) to a running `ecograph serve`: it stops, says so in one line, exits 130."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "ecograph.cli",
        "--project",
        str(REPO),
        "serve",
        "--dist",
        str(pages_dist),
        "--port",
        str(port),
    ]
    with (tmp_path / "stderr").open("w+b") as stderr:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            wait_until_serving(f"http://127.0.0.1:{port}", server, tmp_path / "stderr")
            server.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 30
            while server.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            if server.poll() is None:
                server.kill()
            server.wait()
        stderr.seek(0)
        said = stderr.read().decode()
    assert server.returncode == 130, said
    assert "interrupted: `ecograph serve` stopped" in said
    assert "Aborted!" not in said and "Traceback" not in said
