"""binpack: prefer nodes that are already full, to keep whole nodes free (Volcano's plugins/binpack).

Arguments: ``binpack.weight`` (scales the 0..100 score; 0 disables), ``binpack.cpu``,
``binpack.memory``, ``binpack.resources`` (comma-separated extra resources) and
``binpack.resources.<name>`` (their weights; default 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from services.scheduler.framework import arguments, jobs, nodes, session
from services.scheduler.plugins import scoring

NAME = "binpack"
WEIGHT = "binpack.weight"
CPU = "binpack.cpu"
MEMORY = "binpack.memory"
RESOURCES = "binpack.resources"
RESOURCES_PREFIX = RESOURCES + "."
ARGUMENTS = frozenset({WEIGHT, CPU, MEMORY, RESOURCES})
ARGUMENT_PREFIXES = (RESOURCES_PREFIX,)


def resource_weights(args: Mapping[str, Any]) -> dict[str, int]:
    def non_negative(key: str) -> int:
        value = arguments.get_int(args, key, 1)
        return value if value >= 0 else 1

    weights: dict[str, int] = {}
    for name in arguments.get_str(args, RESOURCES, "").split(","):
        if name.strip():
            weights[name.strip()] = non_negative(RESOURCES_PREFIX + name.strip())
    weights["cpu"] = non_negative(CPU)
    weights["memory"] = non_negative(MEMORY)
    return weights


class Binpack:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        self.weight = arguments.get_int(args, WEIGHT, 1)
        self.resources = resource_weights(args)
        self.columns: dict[int, int] = {}

    def on_session_open(self, ssn: session.Session) -> None:
        self.columns = {ssn.dims.index[n]: w for n, w in self.resources.items() if n in ssn.dims.index}
        if self.weight:
            ssn.hooks.add("node_order", NAME, self._score)

    def _score(self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix, rows: nodes.Indices) -> nodes.Scores:
        columns = [c for c in self.columns if task.vector[c] > 0]
        if not columns:
            return np.zeros(len(rows), dtype=np.float64)
        weights = np.array([self.columns[c] for c in columns], dtype=np.float64)
        score = scoring.bin_packing(scoring.Load.of(task, matrix, rows, columns), weights)
        result: nodes.Scores = score * (scoring.MAX_NODE_SCORE * self.weight)
        return result

    def on_session_close(self, ssn: session.Session) -> None:
        pass
