"""The process runtime's side of the svc and ssh plugins: files under the pod directory, and job
DNS names resolved to this machine."""

from __future__ import annotations

import json
import pathlib
import stat

from services.agent.runtimes import podfiles


def pod(**annotations: str) -> dict[str, object]:
    return {"metadata": {"name": "j-w-0", "labels": {"volcano.sh/job-name": "j"}, "annotations": annotations},
            "spec": {"subdomain": "j"}}


def test_host_and_key_files_are_written_under_the_pod_directory(tmp_path: pathlib.Path) -> None:
    spec = pod(**{podfiles.SVC_HOSTS: json.dumps({"w.host": "j-w-0.j\nj-w-1.j"}),
                  podfiles.SSH_FILES: json.dumps({"id_rsa": "KEY", "../evil": "x"})})

    podfiles.write(spec, tmp_path)

    assert (tmp_path / "etc/volcano/w.host").read_text() == "j-w-0.j\nj-w-1.j\n"
    key = tmp_path / "root/.ssh/id_rsa"
    assert key.read_text() == "KEY\n" and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "root/.ssh/evil").exists() and not (tmp_path / "root/evil").exists()


def test_rewriting_replaces_the_files(tmp_path: pathlib.Path) -> None:
    podfiles.write(pod(**{podfiles.SVC_HOSTS: json.dumps({"w.host": "a"})}), tmp_path)
    podfiles.write(pod(**{podfiles.SVC_HOSTS: json.dumps({"w.host": "a\nb"})}), tmp_path)
    assert (tmp_path / "etc/volcano/w.host").read_text() == "a\nb\n"
    assert sorted(p.name for p in (tmp_path / "etc/volcano").iterdir()) == ["w.host"]


def test_job_dns_names_resolve_to_this_machine() -> None:
    env = {"MASTER_ADDR": "j-master-0.j", "TF_CONFIG": '{"worker":["j-w-0.j:2222","j-w-1.j:2222"]}',
           "OTHER": "example.jobs.org", "PATH": "/usr/bin"}

    local = podfiles.local_names(pod(), env)

    assert local["MASTER_ADDR"] == "127.0.0.1"
    assert local["TF_CONFIG"] == '{"worker":["127.0.0.1:2222","127.0.0.1:2222"]}'
    assert local["OTHER"] == "example.jobs.org" and local["PATH"] == "/usr/bin"


async def test_the_process_runtime_writes_files_at_start_and_on_refresh(tmp_path: pathlib.Path) -> None:
    from services.agent.runtimes import process

    runtime = process.ProcessRuntime(str(tmp_path), host={})
    spec = pod(**{podfiles.SVC_HOSTS: json.dumps({"w.host": "j-w-0.j"})})
    spec["metadata"]["uid"] = "u-1"  # type: ignore[index]
    spec["metadata"]["namespace"] = "ns"  # type: ignore[index]
    spec["spec"]["containers"] = [{"name": "c", "command": ["sleep", "30"]}]  # type: ignore[index]
    handle = await runtime.start(spec, "n1", lambda data: None)
    host_file = runtime.pod_dir(spec) / "etc/volcano/w.host"
    try:
        assert host_file.read_text() == "j-w-0.j\n"
        spec["metadata"]["annotations"][podfiles.SVC_HOSTS] = json.dumps({"w.host": "j-w-0.j\nj-w-1.j"})  # type: ignore[index]
        runtime.refresh(spec)
        assert host_file.read_text() == "j-w-0.j\nj-w-1.j\n"
    finally:
        await runtime.kill("u-1")
    assert (await handle.wait()).reason == "Killed"
