"""Run one `build` in this (child) process and write its stage timings and peak memory as JSON.

Usage: python -m ecograph.bench.buildchild PROJECT OUT RESULT.json
The benchmark runs each build in a fresh child process so that its wall time and peak RSS are the build's own.
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from ..build.dumps import build_dist
from ..project import Project


class RecordingProgress:
    """The build's progress protocol, recording how long each step took."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - started


def main(argv: list[str]) -> int:
    project_dir, out, result_path = (Path(a) for a in argv[:3])
    started = time.perf_counter()
    progress = RecordingProgress()
    result = build_dist(Project.open(project_dir), out, progress=progress)
    wall = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result_path.write_text(
        json.dumps(
            {
                "wall": wall,
                "steps": progress.steps,
                "triples": result.triples,
                "articles": result.articles,
                "peak_rss_main_mb": own,
                "peak_rss_worker_mb": children,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
