"""The README and examples tell the truth: generated tables are current, examples are accepted."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import yaml

from services.admission import review
from services.admission.context import SnapshotContext
from services.controller.reconcilers import queues
from services.scheduler import conf

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_readme_configuration_tables_match_the_settings() -> None:
    generated = subprocess.run([sys.executable, str(ROOT / "scripts" / "settings_doc.py")],
                               capture_output=True, text=True, check=True).stdout.strip()
    readme = (ROOT / "README.md").read_text()
    start, end = readme.index(generated.splitlines()[0]), readme.index("<!-- settings:end -->")
    assert readme[start:end + len("<!-- settings:end -->")] == generated, "run scripts/settings_doc.py"


def context() -> SnapshotContext:
    return SnapshotContext(queues={name: queues.built_in_queue(name) for name in queues.BUILT_IN})


def test_example_jobs_and_queue_pass_admission() -> None:
    for name in ("gang-job.yaml", "pytorch-job.yaml", "queue.yaml"):
        obj = yaml.safe_load((ROOT / "examples" / name).read_text())
        if obj["kind"] == "Job":
            obj["metadata"].setdefault("namespace", "default")  # the gateway fills it from the path
        result = review.review("CREATE", obj, None, context())
        assert result.allowed, (name, result.causes)


def test_example_scheduler_policy_parses() -> None:
    policy = conf.parse_conf((ROOT / "examples" / "scheduler-conf.yaml").read_text())
    assert "reservation" in policy.actions
