"""How `ecograph validate` scales with the number of named graphs in a TriG: a table of seconds and peak RSS.

    python -m ecograph.bench.many_graphs --against dist --sizes 1000,4000,19000
    python -m ecograph.bench.many_graphs --against dist --source /tmp/old/src   # another version of ecograph

Each size is a generated TriG of that many named graphs holding one triple each (an entity's label, with no
type and no claim, so every entity has findings). Each validation runs `ecograph validate --no-reasoner` in a
child process after an untimed warm-up (which fills the per-dist caches); peak RSS is the child's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_trig(path: Path, graphs: int, base: str = "https://w3id.org/ecograph/") -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
        for n in range(graphs):
            out.write(f'<{base}graph/g{n}> {{ <{base}id/organisation/o{n}> rdfs:label "Organisation {n}"@en . }}\n')
    return path


def measure(trig: Path, project: Path, against: Path, source: Path | None) -> tuple[float, float, int]:
    """Seconds, peak RSS in MB, and exit code of one `ecograph validate` of `trig` in a child process."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    command = [
        sys.executable,
        "-m",
        "ecograph.cli",
        "--project",
        str(project),
        "validate",
        "--no-reasoner",
        "--against",
        str(against),
        str(trig),
    ]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, child.returncode


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, default=Path("dist"), help="the published dist/ (default dist)")
    parser.add_argument("--project", type=Path, default=Path("."), help="the data project (default .)")
    parser.add_argument("--sizes", default="1000,4000,19000", help="numbers of graphs, comma-separated")
    parser.add_argument("--source", type=Path, help="a src/ folder of another ecograph version to run instead")
    options = parser.parse_args(argv)
    print("| graphs | TriG size | seconds | peak RSS | exit code |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as scratch:
        warm = write_trig(Path(scratch) / "warm-up.trig", 10)
        measure(warm, options.project, options.against, options.source)
        for size in (int(s) for s in options.sizes.split(",")):
            trig = write_trig(Path(scratch) / f"graphs-{size}.trig", size)
            seconds, peak, code = measure(trig, options.project, options.against, options.source)
            print(
                f"| {size:,} | {trig.stat().st_size / 1e6:.2f} MB | {seconds:.1f} | {peak:.0f} MB | {code} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
