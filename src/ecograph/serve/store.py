"""The on-disk query store: built once from dist/ecograph.trig and reused while the TriG is unchanged.

The store lives outside dist/ (in <dist>/../.ecograph-cache/store-<sha256>) so that dist/ stays byte-identical
to what `ecograph build` wrote. It is built in a temporary folder and renamed into place, so a half-built store
is never opened, and two servers starting at once do not corrupt each other's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from .model import DistError

TRIG = "ecograph.trig"


def prepare_store(dist: Path) -> Path:
    """The folder of a read-only-ready Oxigraph store holding dist/ecograph.trig (built if missing)."""
    trig = Path(dist) / TRIG
    if not trig.is_file():
        raise DistError(f"{trig} does not exist: run `ecograph build` first (or pass --dist DIR).")
    target = _cache_dir(Path(dist)) / f"store-{_sha256(trig)}"
    if not target.is_dir():
        _build(trig, target)
    return target


def _cache_dir(dist: Path) -> Path:
    """<dist>/../.ecograph-cache, or a folder in the system temp dir when dist's parent is read-only."""
    parent = dist.resolve().parent
    if os.access(parent, os.W_OK):
        cache = parent / ".ecograph-cache"
    else:
        cache = Path(tempfile.gettempdir()) / "ecograph-cache"
    cache.mkdir(parents=True, exist_ok=True)
    return cache


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _build(trig: Path, target: Path) -> None:
    scratch = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=target.parent))
    try:
        store = ox.Store(str(scratch))
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
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
