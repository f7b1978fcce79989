"""Bearer-token authentication and namespace/verb authorization.

Tokens come from a file (YAML or CSV) mapping each token to a subject, the namespaces it may
touch (a list, or ``*`` for all and for cluster-wide lists) and its verbs: ``read`` (get, list,
watch), ``write`` (everything else on namespaced objects; implies read) and ``admin`` (also writes
cluster-scoped objects such as queues; implies write). Tokens are kept only as SHA-256 digests and
never logged. Refusals use the API server's words: 401 ``Unauthorized``, 403 ``... is forbidden:
User "x" cannot <verb> resource "<r>" in API group "<g>" in the namespace "<ns>"``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from basalt import errors
from basalt.api import kinds
from services.gateway import requestinfo

ALL = "*"
READ, WRITE, ADMIN = "read", "write", "admin"
LEVELS = {READ: 1, WRITE: 2, ADMIN: 3}
ANONYMOUS = "system:anonymous"
CLUSTER_SCOPED = {k.plural for k in kinds.ALL if not k.namespaced}


@dataclass(frozen=True)
class Identity:
    subject: str
    namespaces: frozenset[str]
    level: int

    def may_use(self, namespace: str) -> bool:
        """``namespace`` "" stands for every namespace (a cluster-wide list)."""
        return ALL in self.namespaces or (bool(namespace) and namespace in self.namespaces)


EVERYTHING = Identity(ANONYMOUS, frozenset({ALL}), LEVELS[ADMIN])


@dataclass(frozen=True)
class Tokens:
    by_digest: Mapping[str, Identity]
    allow_anonymous: bool = False

    def authenticate(self, authorization: str | None) -> Identity:
        """The identity behind an ``Authorization`` header; Unauthorized when missing or wrong
        (a wrong token is refused even when anonymous access is allowed, as Kubernetes does)."""
        if authorization is None or not authorization.strip():
            if self.allow_anonymous:
                return EVERYTHING
            raise errors.Unauthorized("Unauthorized")
        scheme, _, token = authorization.strip().partition(" ")
        found = self.by_digest.get(digest(token.strip())) if scheme.lower() == "bearer" else None
        if found is None:
            raise errors.Unauthorized("Unauthorized")
        return found


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authorize(identity: Identity, info: requestinfo.RequestInfo) -> None:
    """Forbidden unless ``identity`` may do ``info``; non-resource paths (discovery) need only
    authentication."""
    if not info.is_resource:
        return
    cluster_scoped = info.resource in CLUSTER_SCOPED
    needed = READ if info.read_only else ADMIN if cluster_scoped else WRITE
    allowed = identity.level >= LEVELS[needed] and (cluster_scoped or identity.may_use(info.namespace))
    if not allowed:
        raise errors.Forbidden(forbidden_message(identity, info))


def forbidden_message(identity: Identity, info: requestinfo.RequestInfo) -> str:
    what = f'{info.qualified_resource} "{info.name}"' if info.name else info.qualified_resource
    where = f'in the namespace "{info.namespace}"' if info.namespace else "at the cluster scope"
    return (f'{what} is forbidden: User "{identity.subject}" cannot {info.verb} resource '
            f'"{info.resource_path}" in API group "{info.group}" {where}')


def load(path: str, allow_anonymous: bool) -> Tokens:
    """The tokens in ``path`` (none when empty); a malformed file is a SettingsError-like ValueError
    naming the file, raised at start-up rather than on the first request."""
    if not path:
        return Tokens({}, allow_anonymous)
    try:
        text = pathlib.Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"tokens file {path}: cannot read it: {exc.strerror or exc}") from None
    entries = _csv(text) if path.endswith(".csv") else _yaml(text)
    try:
        return Tokens({digest(token): _identity(token, entry) for token, entry in entries}, allow_anonymous)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"tokens file {path}: {exc}") from None


def _yaml(text: str) -> list[tuple[str, Mapping[str, Any]]]:
    """Either ``tokens: [{token, subject, namespaces, verbs}, ...]`` or ``{<token>: {...}}``."""
    data = yaml.safe_load(text) or {}
    if isinstance(data, dict) and isinstance(data.get("tokens"), list):
        return [(str(entry["token"]), entry) for entry in data["tokens"]]
    if isinstance(data, dict):
        return [(str(token), entry) for token, entry in data.items()]
    raise ValueError("expected a mapping of token to {subject, namespaces, verbs}")


def _csv(text: str) -> list[tuple[str, Mapping[str, Any]]]:
    """``token,subject,namespaces,verbs`` per line; several namespaces or verbs go quoted and
    comma-separated, as in Kubernetes' static token file (``"team-a,team-b"``)."""
    rows = [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]
    return [(row[0].strip(), {"subject": row[1].strip(), "namespaces": _split(row[2]), "verbs": _split(row[3])})
            for row in rows]


def _split(field: str) -> list[str]:
    return [part.strip() for part in field.split(",") if part.strip()]


def _identity(token: str, entry: Mapping[str, Any]) -> Identity:
    if not token:
        raise ValueError("empty token")
    namespaces = entry.get("namespaces", [])
    namespaces = [namespaces] if isinstance(namespaces, str) else list(namespaces)
    verbs = entry.get("verbs", [READ])
    verbs = [verbs] if isinstance(verbs, str) else list(verbs)
    unknown = [v for v in verbs if v not in LEVELS]
    if unknown:
        raise ValueError(f"unknown verbs {unknown} (known: {', '.join(LEVELS)})")
    return Identity(str(entry["subject"]), frozenset(str(n) for n in namespaces),
                    max((LEVELS[v] for v in verbs), default=0))
