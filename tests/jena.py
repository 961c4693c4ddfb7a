"""Apache Jena for the tests: Debian's libapache-jena-java, run through `java` with a clean classpath.

The classpath is built from the jars of libapache-jena-java and (recursively) the packages it depends on,
never from all of /usr/share/java (clashing logging jars). Debian's jena-core relocates its bundled xerces
classes to `xerces/...` but leaves their resource files under `org/apache/jena/ext/xerces/...`, so Jena dies at
start-up ("XSSimpleTypeDecl.applyFacets1 internal error"); `find_jena` copies those resources to `xerces/...`
in a cache directory that goes first on the classpath.

    jena = find_jena()                      # raises JenaMissing when java or the jars are absent
    jena.tdbloader(db_dir, [trig_file])
    answer = jena.sparql(config_ttl, query_rq)          # parsed SPARQL JSON results
    answers = jena.sparql_batch(config_ttl, [q1, q2])   # the same, in one JVM
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JENA_PACKAGE = "libapache-jena-java"
JAVA_DIR = "/usr/share/java/"
XERCES_RESOURCES = "org/apache/jena/ext/xerces/"
BATCH_SOURCE = Path(__file__).with_name("JenaQueries.java")
# Logging jars left out: every slf4j binding but slf4j-simple (several bindings clash), bridges that would
# loop back into slf4j or duplicate commons-logging's classes, and log4j itself.
LEFT_OUT = re.compile(r"^(slf4j-(?!api|simple)[\w.-]+|jcl-over-slf4j|log4j[\w.-]*|reload4j[\w.-]*)\.jar$")
TIMED_OUT = "Query timed out"  # what arq.sparql prints when the query timeout stops a query
JVM_OPTIONS = (
    "-XX:TieredStopAtLevel=1",  # start-up matters more than peak speed for these small runs
    "-XX:+UseSerialGC",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.logFile=System.err",
)


class JenaMissing(Exception):
    """Java or Debian's Jena jars are not installed."""


class JenaFailed(Exception):
    """A Jena command exited with an error; the message holds its stderr."""

    def __init__(self, command: str, stderr: str) -> None:
        self.stderr = stderr
        super().__init__(f"{command} failed:\n{stderr.strip()}")


@dataclass(frozen=True)
class Jena:
    java: str
    classpath: str

    def run(self, main_class: str, *args: str, timeout: float = 300) -> str:
        """Run a Jena command-line class (e.g. `tdb2.tdbloader`); returns stdout, raises JenaFailed."""
        done = self.start(main_class, *args, timeout=timeout)
        if done.returncode != 0:
            raise JenaFailed(main_class, done.stderr or done.stdout)
        return done.stdout

    def start(self, main_class: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run a Jena command-line class and return the finished process, whatever its exit code."""
        command = [self.java, *JVM_OPTIONS, "-cp", self.classpath, main_class, *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)

    def tdbloader(self, location: Path, files: Iterable[Path]) -> None:
        """Load RDF files (TriG keeps the named graphs) into a TDB2 database at `location`."""
        self.run("tdb2.tdbloader", "--loc", str(location), *map(str, files))

    def sparql(self, config: Path, query: Path, *, timeout: float = 300) -> dict[str, Any]:
        """Run a SELECT or ASK query file on the dataset an assembler file (a Fuseki config) describes;
        returns the SPARQL JSON results."""
        arguments = ("--desc", str(config), "--query", str(query), "--results", "json")
        done = self.start("arq.sparql", *arguments, timeout=timeout)
        if done.returncode != 0 or TIMED_OUT in done.stderr:  # arq.sparql exits 0 after a time-out
            raise JenaFailed("arq.sparql", done.stderr or done.stdout)
        return json.loads(done.stdout)

    def sparql_batch(self, config: Path, queries: Sequence[Path]) -> list[BatchAnswer]:
        """Run many query files on the config's dataset in one JVM (JenaQueries.java), as arq.sparql does."""
        with tempfile.TemporaryDirectory(prefix="jena-answers-") as out:
            self.run(str(BATCH_SOURCE), str(config), out, *map(str, queries))
            return [_read_answer(Path(out), index) for index in range(len(queries))]


@dataclass(frozen=True)
class BatchAnswer:
    """One query's answer: `results` (SPARQL JSON) for SELECT/ASK, `ntriples` for CONSTRUCT/DESCRIBE,
    or `error` (Jena's message) when the query failed."""

    results: dict[str, Any] | None = None
    ntriples: str | None = None
    error: str | None = None


def _read_answer(out: Path, index: int) -> BatchAnswer:
    for suffix, field in ((".error", "error"), (".json", "results"), (".nt", "ntriples")):
        path = out / f"{index}{suffix}"
        if path.exists():
            text = path.read_text(encoding="utf-8")
            return BatchAnswer(**{field: json.loads(text) if field == "results" else text})
    raise JenaFailed("JenaQueries.java", f"no answer was written for query {index}")


def find_jena(cache_root: Path | None = None) -> Jena:
    """Find java and Debian's Jena and prepare the classpath (cached, keyed by the jar list)."""
    java = shutil.which("java")
    if java is None:
        raise JenaMissing("no `java` on PATH (apt-get install default-jre-headless)")
    jars = jena_jars()
    fix = _xerces_fix(jars, cache_root or Path(tempfile.gettempdir()))
    return Jena(java=java, classpath=os.pathsep.join([str(fix), *map(str, jars)]))


def jena_jars() -> list[Path]:
    """The jars of libapache-jena-java and of every package it depends on, recursively."""
    packages = _installed_packages()
    if JENA_PACKAGE not in packages:
        raise JenaMissing(f"Debian package {JENA_PACKAGE} is not installed (run `make test`)")
    wanted = _dependency_closure(JENA_PACKAGE, packages)
    listed = _dpkg(["dpkg", "-L", *sorted(wanted)]).split("\n")
    jars = {os.path.realpath(line) for line in listed if _is_java_jar(line)}
    return sorted(Path(jar) for jar in jars if not LEFT_OUT.match(Path(jar).name))


def _is_java_jar(path: str) -> bool:
    return path.startswith(JAVA_DIR) and path.endswith(".jar") and "/" not in path[len(JAVA_DIR) :]


def _installed_packages() -> dict[str, list[str]]:
    """Installed package name -> names in its Depends and Pre-Depends (every alternative)."""
    fmt = "${Package}\t${db:Status-Abbrev}\t${Depends}, ${Pre-Depends}\n"
    packages: dict[str, list[str]] = {}
    for line in _dpkg(["dpkg-query", "-W", f"-f={fmt}"]).splitlines():
        name, status, depends = line.split("\t")
        if status.startswith("ii"):
            packages[name] = re.findall(r"(?:^|[,|])\s*([a-z0-9][a-z0-9+.-]+)", depends)
    return packages


def _dependency_closure(root: str, packages: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if name in packages and name not in seen:
            seen.add(name)
            todo.extend(packages[name])
    return seen


def _dpkg(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise JenaMissing(f"cannot ask dpkg which jars Jena needs ({error})") from error


def _xerces_fix(jars: list[Path], cache_root: Path) -> Path:
    """A directory holding jena-core's xerces resource files at xerces/..., built once per jar list."""
    key = hashlib.sha256("\n".join(_fingerprint(jar) for jar in jars).encode()).hexdigest()[:16]
    target = cache_root / f"ecograph-jena-{key}"
    if target.is_dir():
        return target
    core = next((jar for jar in jars if jar.name.startswith("jena-core")), None)
    if core is None:
        raise JenaMissing(f"{JENA_PACKAGE} has no jena-core jar")
    staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=cache_root))
    _extract_resources(core, staging)
    try:
        staging.rename(target)
    except OSError:  # another process made it first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _fingerprint(jar: Path) -> str:
    stat = jar.stat()
    return f"{jar}:{stat.st_size}:{stat.st_mtime_ns}"


def _extract_resources(core: Path, into: Path) -> None:
    with zipfile.ZipFile(core) as archive:
        for name in archive.namelist():
            if name.startswith(XERCES_RESOURCES) and not name.endswith(("/", ".class")):
                path = into / "xerces" / name[len(XERCES_RESOURCES) :]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(archive.read(name))
