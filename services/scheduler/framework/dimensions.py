"""The session's resource dimensions: which column of the node matrix holds which resource.

cpu and memory come first, then every other resource (extended resources such as
nvidia.com/gpu) sorted by name, so "the first insufficient resource" is reported in Volcano's
order (cpu, memory, scalars). The pod count is not a dimension; nodes track it separately.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from basalt.api import resources
from services.scheduler.framework import jobs

_FIRST = (resources.CPU, resources.MEMORY)


class Dimensions:
    def __init__(self, names: Iterable[str]) -> None:
        rest = sorted(set(names) - set(_FIRST) - {resources.PODS})
        self.names: tuple[str, ...] = _FIRST + tuple(rest)
        self.index: dict[str, int] = {name: i for i, name in enumerate(self.names)}

    def __len__(self) -> int:
        return len(self.names)

    def vector(self, res: Mapping[str, int]) -> jobs.Vector:
        out = np.zeros(len(self.names), dtype=np.int64)
        for name, value in res.items():
            i = self.index.get(name)
            if i is not None:
                out[i] = value
        return out

    def to_dict(self, vector: jobs.Vector) -> dict[str, int]:
        return {name: int(v) for name, v in zip(self.names, vector.tolist()) if v}
