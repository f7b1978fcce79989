"""Token files, 401 for missing or wrong tokens and 403 (in Kubernetes' words) for the rest."""

from __future__ import annotations

import pathlib

import pytest

from basalt import errors
from services.gateway import auth, requestinfo

YAML = """
tokens:
  - {token: t-read, subject: reader, namespaces: [a], verbs: [read]}
  - {token: t-write, subject: writer, namespaces: [a, b], verbs: [write]}
  - {token: t-admin, subject: root, namespaces: "*", verbs: [admin]}
"""
CSV = 't-read,reader,a,read\nt-write,writer,"a,b","read,write"\nt-admin,root,*,admin\n'
JOBS = "/apis/batch.volcano.sh/v1alpha1/namespaces/{ns}/jobs"
QUEUES = "/apis/scheduling.volcano.sh/v1beta1/queues"


@pytest.fixture(params=[("tokens.yaml", YAML), ("tokens.csv", CSV)], ids=["yaml", "csv"])
def tokens(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> auth.Tokens:
    name, text = request.param
    path = tmp_path / name
    path.write_text(text)
    return auth.load(str(path), allow_anonymous=False)


def allowed(tokens: auth.Tokens, token: str, method: str, path: str, query: dict[str, str] | None = None) -> bool:
    identity = tokens.authenticate(f"Bearer {token}")
    try:
        auth.authorize(identity, requestinfo.parse(method, path, query or {}))
    except errors.Forbidden:
        return False
    return True


@pytest.mark.parametrize(("token", "method", "path", "expected"), [
    ("t-read", "GET", JOBS.format(ns="a"), True),
    ("t-read", "GET", JOBS.format(ns="b"), False),
    ("t-read", "POST", JOBS.format(ns="a"), False),
    ("t-read", "GET", "/apis/batch.volcano.sh/v1alpha1/jobs", False),  # every namespace needs "*"
    ("t-read", "GET", QUEUES, True),
    ("t-write", "POST", JOBS.format(ns="b"), True),
    ("t-write", "DELETE", JOBS.format(ns="a") + "/x", True),
    ("t-write", "POST", JOBS.format(ns="c"), False),
    ("t-write", "POST", QUEUES, False),  # queues are written by admins only
    ("t-admin", "POST", QUEUES, True),
    ("t-admin", "GET", "/apis/batch.volcano.sh/v1alpha1/jobs", True),
    ("t-read", "GET", "/apis", True),  # discovery needs authentication only
])
def test_authorization(tokens: auth.Tokens, token: str, method: str, path: str, expected: bool) -> None:
    assert allowed(tokens, token, method, path) is expected


@pytest.mark.parametrize("header", [None, "", "Bearer nope", "Basic dC1yZWFk", "t-read"])
def test_missing_or_wrong_tokens_are_unauthorized(tokens: auth.Tokens, header: str | None) -> None:
    with pytest.raises(errors.Unauthorized, match="^Unauthorized$"):
        tokens.authenticate(header)


def test_anonymous_only_when_allowed_and_never_with_a_wrong_token() -> None:
    open_tokens = auth.load("", allow_anonymous=True)
    assert open_tokens.authenticate(None) == auth.EVERYTHING
    with pytest.raises(errors.Unauthorized):
        open_tokens.authenticate("Bearer wrong")
    with pytest.raises(errors.Unauthorized):
        auth.load("", allow_anonymous=False).authenticate(None)


def test_forbidden_message_is_kubernetes_wording(tokens: auth.Tokens) -> None:
    identity = tokens.authenticate("Bearer t-read")
    with pytest.raises(errors.Forbidden) as refused:
        auth.authorize(identity, requestinfo.parse("DELETE", JOBS.format(ns="b") + "/x", {}))
    assert refused.value.message == ('jobs.batch.volcano.sh "x" is forbidden: User "reader" cannot delete resource '
                                     '"jobs" in API group "batch.volcano.sh" in the namespace "b"')
    with pytest.raises(errors.Forbidden) as refused:
        auth.authorize(identity, requestinfo.parse("POST", QUEUES, {}))
    assert refused.value.message == ('queues.scheduling.volcano.sh is forbidden: User "reader" cannot create '
                                     'resource "queues" in API group "scheduling.volcano.sh" at the cluster scope')


def test_tokens_are_kept_only_as_digests(tokens: auth.Tokens) -> None:
    assert "t-read" not in repr(tokens) and auth.digest("t-read") in tokens.by_digest


def test_a_bad_tokens_file_names_the_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "tokens.yaml"
    path.write_text("x: {subject: s, verbs: [superuser]}\n")
    with pytest.raises(ValueError, match="tokens.yaml: unknown verbs"):
        auth.load(str(path), allow_anonymous=False)


def test_a_missing_tokens_file_names_the_file(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="missing.yaml: cannot read it"):
        auth.load(str(tmp_path / "missing.yaml"), allow_anonymous=False)
