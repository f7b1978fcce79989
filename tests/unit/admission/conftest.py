"""Fixtures for the admission tests."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
import yaml


@pytest.fixture
def mpi_job() -> dict[str, Any]:
    """Volcano's MPI example: one master and three workers (batch.volcano.sh/v1alpha1)."""
    job: dict[str, Any] = yaml.safe_load(pathlib.Path(__file__).with_name("mpi-job.yaml").read_text())
    return job
