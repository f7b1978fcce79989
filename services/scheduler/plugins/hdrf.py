"""Hierarchical DRF (Volcano's drf with ``enableHierarchy: true``): queues form a tree by their
``volcano.sh/hierarchy`` annotation ("root/eng/dev") with per-level weights from
``volcano.sh/hierarchy-weights`` ("1/2/8"); jobs are the leaves.

Bottom up, an inner node's allocation is the sum of its children's, each non-saturated child
rescaled to the smallest dominant share among them (so a child that uses little of one resource
does not earn its siblings room), and the node is saturated when every child is. A job is
saturated when it holds all it asks for on some resource, or asks for a resource the cluster
has run out of. Queues compare top down along their paths: unsaturated first, then lower
share/weight at the first level where they differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from services.scheduler.framework import quota

HIERARCHY = "volcano.sh/hierarchy"
WEIGHTS = "volcano.sh/hierarchy-weights"
SHARE_DELTA = 0.000001


@dataclass
class Node:
    name: str
    weight: float = 1.0
    allocated: quota.Res = field(default_factory=dict)
    share: float = 0.0
    request: quota.Res = field(default_factory=dict)  # a leaf's (job's) total request
    saturated: bool = False
    children: dict[str, Node] | None = None  # None for a leaf

    def clone(self) -> Node:
        children = None if self.children is None else {k: c.clone() for k, c in self.children.items()}
        return Node(self.name, self.weight, dict(self.allocated), self.share, dict(self.request), self.saturated, children)


def dominant_share(allocated: Mapping[str, float], total: Mapping[str, float]) -> float:
    return quota.share(allocated, total)


class Tree:
    def __init__(self, total: Mapping[str, float]) -> None:
        self.total = dict(total)
        self.root = Node("root", children={})
        self.total_allocated: quota.Res = {}

    def clone(self) -> Tree:
        out = Tree(self.total)
        out.root = self.root.clone()
        out.total_allocated = dict(self.total_allocated)
        return out

    def set_job(self, job: str, allocated: Mapping[str, float], request: Mapping[str, float], path: str, weights: str) -> None:
        """Place (or replace) the job's leaf under its queue's path and recompute the tree."""
        node = self.root
        names, levels = path.split("/"), weights.split("/")
        for i in range(1, len(names)):
            assert node.children is not None
            child = node.children.get(names[i])
            if child is None:
                child = Node(names[i], weight=max(_float(levels[i] if i < len(levels) else ""), 1.0), children={})
                node.children[names[i]] = child
            node = child
        assert node.children is not None
        node.children[job] = Node(job, 1.0, dict(allocated), dominant_share(allocated, self.total), dict(request))
        demanding = {name for name, value in self.total.items() if self.total_allocated.get(name, 0) < value}
        self._update(self.root, demanding)

    def _update(self, node: Node, demanding: set[str]) -> None:
        if node.children is None:
            node.saturated = _saturated(node.allocated, node.request, demanding)
            return
        smallest = 1.0
        for child in node.children.values():
            self._update(child, demanding)
            if child.share != 0 and not child.saturated:
                smallest = min(smallest, dominant_share(child.allocated, self.total))
        allocated: quota.Res = {}
        for child in node.children.values():
            if child.share == 0:
                continue
            part = child.allocated if child.saturated else quota.scale(child.allocated, smallest / child.share)
            allocated = quota.add(allocated, part)
        node.allocated = allocated
        node.share = dominant_share(allocated, self.total)
        node.saturated = all(c.saturated for c in node.children.values())

    def compare(self, left: str, right: str) -> float:
        """Negative when the queue at path ``left`` goes first."""
        lnode: Node | None = self.root
        rnode: Node | None = self.root
        lpath, rpath = left.split("/"), right.split("/")
        depth = min(len(lpath), len(rpath))
        for i in range(depth):
            lsat, rsat = lnode is not None and lnode.saturated, rnode is not None and rnode.saturated
            if lsat != rsat:
                return 1 if lsat else -1
            lvalue = lnode.share / lnode.weight if lnode is not None else 0.0
            rvalue = rnode.share / rnode.weight if rnode is not None else 0.0
            if lvalue != rvalue:
                return lvalue - rvalue
            if i < depth - 1:
                lnode = _child(lnode, lpath[i + 1])
                rnode = _child(rnode, rpath[i + 1])
        return 0.0


def _child(node: Node | None, name: str) -> Node | None:
    return None if node is None or node.children is None else node.children.get(name)


def _saturated(allocated: Mapping[str, float], request: Mapping[str, float], demanding: set[str]) -> bool:
    for name in set(allocated) | {"cpu", "memory"}:
        have, want = allocated.get(name, 0), request.get(name, 0)
        if have != 0 and want != 0 and have >= want:
            return True
        if name not in demanding and want != 0:
            return True
    return False


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0
