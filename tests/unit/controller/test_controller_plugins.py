"""The distributed-framework and ssh plugins, as Volcano's OnPodCreate hooks edit pods."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.controller.materialize import pod
from services.controller.materialize.plugins import flags, ssh, svc, tensorflow
from tests.unit.controller.controller_support import JobBuilder

Obj = dict[str, Any]


def env_of(built: Obj) -> dict[str, str]:
    return {e["name"]: e["value"] for e in built["spec"]["containers"][0].get("env") or []}


@pytest.mark.parametrize(("args", "name", "expected"), [
    (["--port=2000"], "port", "2000"),
    (["--port", "2001"], "port", "2001"),
    (["-port=2002", "--port=2003"], "port", "2003"),
    (["--master=boss"], "port", "default"),
    (["--portal=1"], "port", "default"),
])
def test_flags_read_go_style_arguments(args: list[str], name: str, expected: str) -> None:
    assert flags.string(args, name, "default") == expected


def test_flags_integers_fall_back_and_booleans_take_a_bare_flag() -> None:
    assert flags.integer(["--port=x"], "port", 22) == 22
    assert flags.boolean(["--on"], "on", default=False) is True
    assert flags.boolean(["--on=false"], "on", default=True) is False


def pytorch_job(*args: str, workers: int = 3) -> Obj:
    return JobBuilder("pt").task("master", 1).task("worker", workers).spec(plugins={"pytorch": list(args)}).obj()


def test_pytorch_gives_every_pod_the_same_world_and_a_distinct_rank() -> None:
    job = pytorch_job()
    envs = [env_of(pod.build_pod(job, "master", 0))] + [env_of(pod.build_pod(job, "worker", i)) for i in range(3)]

    assert [e["RANK"] for e in envs] == ["0", "1", "2", "3"]
    assert {e["WORLD_SIZE"] for e in envs} == {"4"}
    assert {e["MASTER_ADDR"] for e in envs} == {"pt-master-0.pt"}
    assert {e["MASTER_PORT"] for e in envs} == {"23456"}


def test_pytorch_arguments_rename_roles_and_port_and_open_the_port() -> None:
    job = JobBuilder("pt").task("lead", 1).task("rest", 1).spec(
        plugins={"pytorch": ["--master=lead", "--worker=rest", "--port=1234"]}).obj()
    built = pod.build_pod(job, "rest", 0)

    assert env_of(built)["RANK"] == "1" and env_of(built)["MASTER_PORT"] == "1234"
    assert built["spec"]["containers"][0]["ports"] == [{"name": "pytorchjob-port", "containerPort": 1234}]


def test_pytorch_without_a_master_task_leaves_pods_alone() -> None:
    job = JobBuilder("pt").task("worker", 2).spec(plugins={"pytorch": []}).obj()
    assert "RANK" not in env_of(pod.build_pod(job, "worker", 0))


def test_tensorflow_describes_the_cluster_and_the_pods_task() -> None:
    job = JobBuilder("tf").task("ps", 1).task("worker", 2).spec(plugins={"tensorflow": ["--port=3333"]}).obj()
    config = json.loads(env_of(pod.build_pod(job, "worker", 1))["TF_CONFIG"])

    assert config == {"cluster": {"ps": ["tf-ps-0.tf:3333"], "worker": ["tf-worker-0.tf:3333", "tf-worker-1.tf:3333"]},
                      "task": {"type": "worker", "index": 1}}


def test_tensorflow_skips_a_single_pod_job() -> None:
    job = JobBuilder("tf").task("worker", 1).spec(plugins={"tensorflow": []}).obj()
    assert "TF_CONFIG" not in env_of(pod.build_pod(job, "worker", 0))
    assert tensorflow.DEFAULT_PORT == 2222


def test_mpi_tells_the_master_its_workers_and_opens_ports_everywhere() -> None:
    job = JobBuilder("m").task("master", 1).task("worker", 2).spec(plugins={"mpi": []}).obj()
    master, worker = pod.build_pod(job, "master", 0), pod.build_pod(job, "worker", 0)

    assert env_of(master)["MPI_HOST"] == "m-worker-0.m,m-worker-1.m"
    assert "MPI_HOST" not in env_of(worker)
    assert worker["spec"]["containers"][0]["ports"] == [{"name": "mpijob-port", "containerPort": 22}]


def ssh_job(*args: str) -> Obj:
    job = JobBuilder("s").task("w", 2).spec(plugins={"ssh": list(args)}).obj()
    job["metadata"]["annotations"] = {ssh.KEYPAIR_ANNOTATION: ssh.keypair_annotation("PRIVATE", "ssh-rsa PUB\n")}
    return job


def test_ssh_mounts_the_jobs_key_pair_and_config_into_every_pod() -> None:
    built = pod.build_pod(ssh_job("--ssh-port=2222"), "w", 1)
    files = json.loads(built["metadata"]["annotations"][ssh.FILES_ANNOTATION])

    assert files["id_rsa"] == "PRIVATE" and files["authorized_keys"] == files["id_rsa.pub"] == "ssh-rsa PUB\n"
    assert files["config"] == ("StrictHostKeyChecking no\nUserKnownHostsFile /dev/null\n"
                               "Host s-w-0\n  HostName s-w-0.s\n  Port 2222\nHost s-w-1\n  HostName s-w-1.s\n  Port 2222\n")
    assert built["spec"]["volumes"][0]["secret"]["secretName"] == "s-ssh"
    assert built["spec"]["containers"][0]["volumeMounts"] == [{"mountPath": "/root/.ssh", "subPath": ".ssh",
                                                               "name": "s-ssh"}]


def test_ssh_needs_a_generated_pair_unless_the_user_gave_one() -> None:
    bare = JobBuilder("s").task("w", 1).spec(plugins={"ssh": []}).obj()
    given = JobBuilder("s").task("w", 1).spec(plugins={"ssh": ["--ssh-private-key=K", "--ssh-public-key=P"]}).obj()

    assert ssh.needs_keypair(bare) and not ssh.needs_keypair(ssh_job()) and not ssh.needs_keypair(given)
    assert not ssh.needs_keypair(JobBuilder("s").task("w", 1).obj())
    with pytest.raises(ssh.MissingKeypair):
        pod.build_pod(bare, "w", 0)


def test_svc_host_files_follow_the_replicas() -> None:
    job = JobBuilder("h").task("w", 2).spec(plugins={"svc": []}).obj()
    built = pod.build_pod(job, "w", 0)
    assert json.loads(built["metadata"]["annotations"][svc.HOSTS_ANNOTATION]) == {"w.host": "h-w-0.h\nh-w-1.h"}
    assert svc.refreshed_hosts(built, job) is None

    job["spec"]["tasks"][0]["replicas"] = 3
    refreshed = svc.refreshed_hosts(built, job)

    assert refreshed is not None
    assert json.loads(refreshed["metadata"]["annotations"][svc.HOSTS_ANNOTATION])["w.host"].count("\n") == 2
    assert svc.HOSTS_ANNOTATION in built["metadata"]["annotations"]  # the input is left alone
