"""The whole stack as users run it: `basalt up` in a subprocess, driven over REST."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.stackproc import UpProcess, start_up


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UpProcess]:
    up = start_up(tmp_path_factory.mktemp("stack"), "--nodes", "2", "--node-resources",
                  "cpu=4,memory=8Gi,pods=110", "--schedulers", "2")
    yield up
    up.stop()
