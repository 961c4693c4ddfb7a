"""The query store: dist/ecograph.trig in memory (fast), or in an on-disk store built once and reused.

`ecograph serve`, `ecograph query` and `ecograph validate` (a large published graph) share it: one cache folder,
one store per TriG (named by the TriG's sha256, which is remembered by the file's size, times and inode so that an
unchanged TriG is not read again), one way to open it read-only.

Either way the store holds each article's named graph and, as its default graph, the RDF merge of all of them. That is
the "union default graph" with set semantics: a fact stated by two articles is one triple, as in Jena's
unionDefaultGraph. (pyoxigraph's use_default_graph_as_union would count it twice.)

In memory, most stored queries ran 2-25x faster than on disk (none was slower beyond noise), so a TriG up to
MEMORY_LIMIT bytes is loaded into memory, once, in the process that forks the query workers (engine.py), which
share it copy-on-write. Larger data uses the on-disk store, which each worker opens read-only: loading into
memory costs about 15 s per million triples at every start (and about 1 GB per million triples), while the
on-disk store, built once, opens in a fraction of a second and leaves the data in the OS page cache.

The on-disk store lives outside dist/ (in ECOGRAPH_CACHE_DIR, else <dist>/../.ecograph-cache, as store-<sha256>) so
that dist/ stays byte-identical to what `ecograph build` wrote. It is built in a temporary folder and renamed into
place, so a half-built store is never opened, and two servers starting at once do not corrupt each other's.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .cachefile import write_atomically
from .errors import DistError
from .project import CACHE_FOLDER, environment_cache_dir

TRIG = "ecograph.trig"
# bump when the store's layout changes, so that old stores are not reused; a store written by another pyoxigraph
# may not open (or open differently) in this one
LAYOUT = f"v2-oxigraph{ox.__version__}"
# bytes of TriG served from memory by default: about 280k triples (5,000 articles give 1.1M triples in 58 MB),
# loaded in about 4 s; larger data is served from the on-disk store, so that `serve` starts in seconds.
MEMORY_LIMIT = 16 << 20
DIGESTS = "trig-sha256.json"  # the TriG's sha256, by its path, size, times and inode


@dataclass(frozen=True)
class StoreSource:
    """Where the query workers get their data: `path` is the TriG (in_memory) or an on-disk store folder."""

    path: Path
    in_memory: bool

    def open(self) -> ox.Store:
        if not self.in_memory:
            return ox.Store.read_only(str(self.path))
        store = ox.Store()
        store.extend(_with_merge(ox.parse(path=str(self.path), format=ox.RdfFormat.TRIG)))
        return store


def store_source(dist: Path, mode: str = "auto") -> StoreSource:
    """The store for `dist`: "memory", "disk" (built now if missing), or "auto" (memory unless the TriG is
    larger than MEMORY_LIMIT). Raises DistError when dist/ecograph.trig is missing or not valid TriG."""
    trig = Path(dist) / TRIG
    if not trig.is_file():
        raise DistError(f"{trig} does not exist: run `ecograph build` first (or pass --dist DIR).")
    if mode == "memory" or (mode == "auto" and trig.stat().st_size <= MEMORY_LIMIT):
        return StoreSource(trig.resolve(), in_memory=True)
    return StoreSource(prepare_store(dist), in_memory=False)


def prepare_store(dist: Path) -> Path:
    """The folder of a read-only-ready Oxigraph store holding dist/ecograph.trig (built if missing)."""
    target = store_folder(dist)
    if not target.is_dir():
        _build(Path(dist) / TRIG, target)
    return target


def open_store(dist: Path) -> ox.Store:
    """The on-disk store of dist/ecograph.trig, opened read-only (built first if missing)."""
    return ox.Store.read_only(str(prepare_store(dist)))


def store_folder(dist: Path) -> Path:
    """Where the on-disk store of dist/ecograph.trig is (or will be) kept; it may not exist yet.

    Raises DistError when dist/ecograph.trig is missing or the cache folder cannot be made."""
    trig = Path(dist) / TRIG
    if not trig.is_file():
        raise DistError(f"{trig} does not exist: run `ecograph build` first (or pass --dist DIR).")
    cache = cache_dir(Path(dist))
    return cache / f"store-{LAYOUT}-{trig_sha256(cache, trig)}"


def cache_dir(dist: Path) -> Path:
    """ECOGRAPH_CACHE_DIR when set; else <dist>/../.ecograph-cache, or a folder in the system temp dir when
    dist's parent is read-only.

    Raises DistError, naming the folder, when it cannot be made (e.g. a file holds its name)."""
    parent = dist.resolve().parent
    writable = os.access(parent, os.W_OK)
    fallback = parent / CACHE_FOLDER if writable else Path(tempfile.gettempdir()) / "ecograph-cache"
    cache = environment_cache_dir() or fallback
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DistError(
            f"cannot use {cache} for the on-disk query store ({error.strerror or error}): it must be "
            "a folder ecograph may write; remove or rename what is there and try again"
        ) from error
    return cache


def trig_sha256(cache: Path, trig: Path) -> str:
    """The TriG's sha256, remembered in `cache` by its path, size, modification and change times and inode."""
    record = cache / DIGESTS
    stat = trig.stat()
    key = str(trig.resolve())
    fingerprint = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
    known = _read_digests(record)
    entry = known.get(key)
    remembered = entry.get("sha256") if isinstance(entry, dict) and entry.get("stat") == fingerprint else None
    if isinstance(remembered, str):
        return remembered
    digest = _sha256(trig)
    known = {path: entry for path, entry in known.items() if Path(path).is_file()}  # builds since removed
    known[key] = {"stat": fingerprint, "sha256": digest}
    with contextlib.suppress(OSError):  # not remembered: the next run hashes the TriG again
        write_atomically(record, json.dumps(known, indent=1, sort_keys=True).encode("utf-8"))
    return digest


def _read_digests(record: Path) -> dict[str, Any]:
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _with_merge(quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
    """Each quad, and its triple in the default graph (one parse, so blank nodes stay the same)."""
    for quad in quads:
        yield quad
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            yield ox.Quad(quad.subject, quad.predicate, quad.object)


def _build(trig: Path, target: Path) -> None:
    scratch = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=target.parent))
    try:
        store = ox.Store(str(scratch))
        store.bulk_extend(_with_merge(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)))
        store.optimize()
        store.flush()
        del store
        scratch.rename(target)
    except SyntaxError as error:
        raise DistError(f"{trig} is not valid TriG ({error}): rebuild it with `ecograph build`.") from error
    except OSError as error:
        if target.is_dir():  # another server built the same store meanwhile
            return
        raise DistError(f"cannot build the query store in {target.parent}: {error}") from error
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
