"""The published graph for the contribution tests (validate, reasoning, new), as a fixture plugin.

`published_dist` is the `built_dist` session fixture (the build of the repository's seeds). While the seeds do
not build, ECOGRAPH_TEST_PUBLISHED=DIST points the contribution tests at an existing dist/ instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def published_dist(request: pytest.FixtureRequest) -> Path:
    prebuilt = os.environ.get("ECOGRAPH_TEST_PUBLISHED")
    return Path(prebuilt) if prebuilt else request.getfixturevalue("built_dist")
