"""Resource lists (``{"cpu": "2", "memory": "4Gi"}``): Kubernetes' ``ValidateResourceQuantityValue``.

A quantity that does not parse is refused here, at its field, so that no later stage (the
controller's or scheduler's ``pod_requests``) ever meets one.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from basalt.api import quantity
from services.admission.validators import causes

# Standard resources that only make sense as whole numbers (apimachinery's integer names).
_INTEGER_NAMES = frozenset(
    {"pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
     "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"}
)


def is_extended(name: str) -> bool:
    """Extended resources (``nvidia.com/gpu``): domain-prefixed, outside ``kubernetes.io``."""
    return "/" in name and "kubernetes.io/" not in name and not name.startswith("requests.")


def parse(value: Any) -> Fraction | None:
    try:
        return quantity.parse(value)
    except quantity.QuantityError:
        return None


def parse_list(resources: Any) -> dict[str, Fraction]:
    """The parseable entries of a resource list (validate it first to learn of the others)."""
    if not isinstance(resources, dict):
        return {}
    parsed = {str(name): parse(value) for name, value in resources.items()}
    return {name: value for name, value in parsed.items() if value is not None}


def check_list(resources: Any, path: str) -> causes.Causes:
    """Causes for each bad quantity; the field of each is ``path.<resource name>``."""
    if resources is None:
        return []
    if not isinstance(resources, dict):
        return [causes.invalid(path, "must be a map of resource name to quantity")]
    out: causes.Causes = []
    for name, value in resources.items():
        out += check_value(str(name), value, f"{path}.{name}")
    return out


def check_value(name: str, value: Any, field: str) -> causes.Causes:
    try:
        parsed = quantity.parse(value)
    except quantity.QuantityError as err:
        return [causes.invalid(field, str(err))]
    if parsed < 0:
        return [causes.invalid(field, "must be greater than or equal to 0")]
    if (name in _INTEGER_NAMES or is_extended(name)) and parsed.denominator != 1:
        return [causes.invalid(field, "must be an integer")]
    return []


def shown(value: Any) -> str:
    """A quantity as the user wrote it (Go would print its canonical form)."""
    return str(value)
