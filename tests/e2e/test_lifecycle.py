"""End to end: Volcano's job lifecycle through one `basalt up` (process runtime, real commands).

Policies (restart up to maxRetry, exit codes, task over job, TaskCompleted), minSuccess, bus
Commands (suspend/resume, queue close/open), dependsOn, scaling with the svc plugin's host files,
and ttlSecondsAfterFinished. Expected outcomes are Volcano's (pkg/controllers/job/state).
"""

from __future__ import annotations

import asyncio
import pathlib
import sys
from collections.abc import AsyncIterator, Callable, Iterator

import aiohttp
import pytest

from basalt.api import kinds
from tests import servers
from tests.e2e import jobs, podfs, rest
from tests.e2e.jobs import on, on_exit
from tests.e2e.stackproc import UpProcess, start_up

SLEEP = "exec sleep 300"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UpProcess]:
    up = start_up(tmp_path_factory.mktemp("lifecycle"), "--runtime", "process", "--nodes", "2",
                  "--node-resources", "cpu=8,memory=16Gi,pods=110", "--schedulers", "2")
    yield up
    up.stop()


@pytest.fixture
async def api(stack: UpProcess) -> AsyncIterator[rest.Client]:
    async with aiohttp.ClientSession() as session:
        yield rest.Client(session, stack.url)


def names(pods: list[rest.Obj]) -> list[str]:
    return [str(p["metadata"]["name"]) for p in pods]


def all_running(count: int) -> Callable[[list[rest.Obj]], bool]:
    return lambda pods: len(pods) == count and all(rest.pod_phase(p) == "Running" for p in pods)


async def processes_gone(pod_dirs: list[pathlib.Path], timeout: float = 15) -> None:
    async def none_left() -> bool:
        return not any(podfs.processes_in(d) for d in pod_dirs)

    await rest.until(none_left, lambda: f"still running: {[(d.name, podfs.processes_in(d)) for d in pod_dirs]}",
                     timeout)


def exit_code(pod: rest.Obj) -> int:
    return int(pod["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"])


async def test_pod_failure_restarts_the_job_until_max_retry_then_it_fails(api: rest.Client, stack: UpProcess) -> None:
    # running/pending: RestartJob -> Restarting, retryCount++; restarting: retryCount >= maxRetry -> Failed.
    # So with maxRetry 2 the job fails with retryCount 2. (Pod runs: at least two; syncJob in Restarting
    # may create the pod once more before the status turns Failed, as Volcano's does.)
    await api.create(kinds.JOB, jobs.job("lc-retry").task("main", "exit 3")
                     .policy(on("PodFailed", "RestartJob")).set(maxRetry=2).obj())
    job = await api.wait_phase("lc-retry", "Failed", timeout=60)
    assert job["status"].get("retryCount") == 2, job["status"]
    assert len(podfs.runs_of(stack.data_dir, "lc-retry-main-0")) >= 2


async def test_task_completed_completes_the_job_and_kills_the_workers(api: rest.Client, stack: UpProcess) -> None:
    await api.create(kinds.JOB, jobs.job("lc-complete")
                     .task("master", "exit 0", policies=[on("TaskCompleted", "CompleteJob")])
                     .task("worker", SLEEP, replicas=2).obj())
    await api.wait_phase("lc-complete", "Completed", timeout=60)
    # CompleteJob kills with PodRetainPhaseSoft: the finished master stays, the running workers go.
    pods = await api.wait_pods("lc-complete", lambda ps: names(ps) == ["lc-complete-master-0"], timeout=30)
    assert rest.pod_phase(pods[0]) == "Succeeded"
    worker_dirs = [d for i in range(2) for d in podfs.runs_of(stack.data_dir, f"lc-complete-worker-{i}")]
    assert len(worker_dirs) == 2, worker_dirs  # the workers did run here, once each
    await processes_gone(worker_dirs)


@pytest.mark.parametrize("action, final", [("AbortJob", "Aborted"), ("TerminateJob", "Terminated")])
async def test_exit_code_policy_ends_the_job(api: rest.Client, action: str, final: str) -> None:
    name = f"lc-exit-{action.lower()}"
    await api.create(kinds.JOB, jobs.job(name).task("main", "exit 3").policy(on_exit(3, action)).obj())
    job = await api.wait_phase(name, final, timeout=60)
    assert job["status"].get("retryCount", 0) == 0
    pods = await api.pods(name)  # PodRetainPhaseSoft: the failed pod is kept, with its exit code
    assert names(pods) == [f"{name}-main-0"] and rest.pod_phase(pods[0]) == "Failed" and exit_code(pods[0]) == 3


async def test_task_policy_is_consulted_before_the_job_policy(api: rest.Client, stack: UpProcess) -> None:
    await api.create(kinds.JOB, jobs.job("lc-taskfirst")
                     .task("main", "exit 3", policies=[on("PodFailed", "AbortJob")])
                     .policy(on("PodFailed", "RestartJob")).obj())
    job = await api.wait_phase("lc-taskfirst", "Aborted", timeout=60)
    assert job["status"].get("retryCount", 0) == 0, job["status"]
    assert len(podfs.runs_of(stack.data_dir, "lc-taskfirst-main-0")) == 1  # never restarted


async def test_min_success_completes_the_job_while_a_worker_still_runs(api: rest.Client) -> None:
    # Worker 2 sleeps; workers 0 and 1 succeed, which meets minSuccess 2.
    script = f'[ "$VC_TASK_INDEX" = 2 ] && {SLEEP}; exit 0'
    await api.create(kinds.JOB, jobs.job("lc-minsuccess").plugin("env").task("worker", script, replicas=3)
                     .set(minSuccess=2).obj())
    await api.wait_phase("lc-minsuccess", "Completed", timeout=60)
    # A finished job kills what still runs (finishedState: KillJob with PodRetainPhaseSoft).
    finished = ["lc-minsuccess-worker-0", "lc-minsuccess-worker-1"]
    pods = await api.wait_pods("lc-minsuccess", lambda ps: names(ps) == finished, timeout=30)
    assert rest.summary(pods) == [("lc-minsuccess-worker-0", "Succeeded"), ("lc-minsuccess-worker-1", "Succeeded")]


async def basalt_cli(stack: UpProcess, *args: str) -> str:
    """Run the ``basalt`` command against the stack; its output (it must exit 0)."""
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "basalt.cli.main", *args, "--server", stack.url,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 0, (args, out.decode())
    return out.decode()


@pytest.mark.parametrize("via", ["command", "cli"])
async def test_suspend_aborts_the_job_and_resume_runs_it_again(api: rest.Client, stack: UpProcess, via: str) -> None:
    name = f"lc-suspend-{via}"

    async def operate(verb: str) -> None:
        if via == "cli":
            await basalt_cli(stack, "job", verb, "-N", name)
        else:  # the Command `vcctl job suspend|resume` creates
            await api.issue(await api.job(name), {"suspend": "AbortJob", "resume": "ResumeJob"}[verb])

    await api.create(kinds.JOB, jobs.job(name).task("main", SLEEP, replicas=2).obj())
    await api.wait_phase(name, "Running", timeout=60)
    before = await api.wait_pods(name, all_running(2), timeout=30)

    await operate("suspend")
    await api.wait_phase(name, "Aborted", timeout=60)
    await api.wait_pods(name, lambda ps: ps == [], timeout=30)
    await processes_gone([podfs.pod_dir(stack.data_dir, p) for p in before])

    await operate("resume")
    # Still Aborted until the controller takes the command in.
    job = await api.wait_phase(name, "Running", timeout=60, fail_on=rest.FINISHED - {"Aborted"})
    after = await api.wait_pods(name, all_running(2), timeout=30)
    assert names(after) == names(before)
    assert not {p["metadata"]["uid"] for p in after} & {p["metadata"]["uid"] for p in before}
    assert job["status"].get("retryCount") == 1, job["status"]  # abortedState: ResumeJob -> retryCount++
    await api.delete_job(name)


async def test_dependent_task_starts_only_once_its_dependency_runs(api: rest.Client) -> None:
    name = "lc-deps"
    await api.create(kinds.JOB, jobs.job(name).task("master", SLEEP)
                     .task("worker", SLEEP, replicas=2, depends_on=["master"], iteration="any")
                     .set(minAvailable=1).obj())
    master_states: list[str] = []
    seen: list[list[rest.Obj]] = []

    async def workers_running() -> list[rest.Obj] | None:
        pods = await api.pods(name)  # one list is one atomic read of the store
        seen[:] = [pods]
        masters = [p for p in pods if rest.task_of(p) == "master"]
        workers = [p for p in pods if rest.task_of(p) == "worker"]
        master_states.append(rest.pod_phase(masters[0]) if masters else "absent")
        if workers:
            assert masters and rest.pod_phase(masters[0]) == "Running", \
                f"workers {names(workers)} exist while the master is {master_states[-1]}"
        done = len(workers) == 2 and all(rest.pod_phase(w) == "Running" for w in workers)
        return pods if done else None

    pods = await rest.until(workers_running, lambda: f"pods: {rest.summary(seen[0]) if seen else None}", 30,
                            interval=0.02)
    # The window was seen: a Pending master and no worker yet.
    assert "Pending" in master_states, list(dict.fromkeys(master_states))
    master = next(p for p in pods if rest.task_of(p) == "master")
    for worker in (p for p in pods if rest.task_of(p) == "worker"):
        assert worker["metadata"]["creationTimestamp"] >= master["status"]["startTime"]
    await api.delete_job(name)


async def test_scaling_adds_and_removes_pods_and_rewrites_host_files(api: rest.Client, stack: UpProcess) -> None:
    name = "lc-scale"
    # Volcano refuses a task with minAvailable above its replicas, and it defaults to the replicas.
    await api.create(kinds.JOB, jobs.job(name).plugin("svc").task("worker", SLEEP, replicas=2, min_available=1)
                     .set(minAvailable=1).obj())
    first = (await api.wait_pods(name, all_running(2), timeout=60))[0]

    async def scale(replicas: int) -> None:
        tasks = (await api.job(name))["spec"]["tasks"]
        tasks[0]["replicas"] = replicas
        await api.patch_job(name, {"spec": {"tasks": tasks}})  # merge patch: lists are replaced whole

    async def hosts_are(pod: rest.Obj, count: int) -> None:
        wanted = [f"{name}-worker-{i}.{name}" for i in range(count)]

        async def listed() -> bool:
            return podfs.host_lines(stack.data_dir, pod, "worker") == wanted

        try:
            await servers.eventually(listed, timeout=15)
        except AssertionError:
            found = podfs.host_lines(stack.data_dir, pod, "worker")
            raise AssertionError(f"{podfs.host_file(stack.data_dir, pod, 'worker')}: {found!r} != {wanted!r}") from None

    await hosts_are(first, 2)
    await scale(3)
    pods = await api.wait_pods(name, all_running(3), timeout=60)
    assert names(pods) == [f"{name}-worker-{i}" for i in range(3)]
    assert pods[0]["metadata"]["uid"] == first["metadata"]["uid"], "scaling up must not restart running pods"
    await hosts_are(first, 3)
    await hosts_are(pods[2], 3)

    await scale(1)
    pods = await api.wait_pods(name, lambda ps: names(ps) == [f"{name}-worker-0"], timeout=60)
    assert pods[0]["metadata"]["uid"] == first["metadata"]["uid"]
    await hosts_are(first, 1)
    await api.delete_job(name)


async def test_finished_job_is_deleted_after_its_ttl(api: rest.Client) -> None:
    name = "lc-ttl"
    await api.create(kinds.JOB, jobs.job(name).task("main", "exit 0").set(ttlSecondsAfterFinished=2).obj())
    await api.wait_phase(name, "Completed", timeout=60)

    async def gone() -> bool:
        return await api.get(kinds.JOB, name) is None

    await servers.eventually(gone, timeout=20, interval=0.2)
    await api.wait_pods(name, lambda ps: ps == [], timeout=20)


@pytest.mark.parametrize("via", ["command", "cli"])
async def test_closed_queue_refuses_jobs_until_it_is_opened(api: rest.Client, stack: UpProcess, via: str) -> None:
    name, job_name = f"lc-q-{via}", f"lc-queued-{via}"
    queue = await api.create(kinds.QUEUE, {"apiVersion": kinds.QUEUE.api_version, "kind": kinds.QUEUE.kind,
                                           "metadata": {"name": name}, "spec": {"weight": 1}})

    async def operate(verb: str) -> None:
        if via == "cli":
            await basalt_cli(stack, "queue", "operate", "-n", name, "-a", verb)
        else:  # the Command `vcctl queue operate` creates, in namespace default
            await api.issue(queue, {"close": "CloseQueue", "open": "OpenQueue"}[verb], namespace="default")

    async def state_is(wanted: str) -> bool:
        found = await api.get(kinds.QUEUE, name)
        return found is not None and (found.get("status") or {}).get("state") == wanted

    await servers.eventually(lambda: state_is("Open"), timeout=20)
    await operate("close")
    await servers.eventually(lambda: state_is("Closed"), timeout=20)  # it holds no pod group: Closed at once

    doc = jobs.job(job_name).task("main", "exit 0").set(queue=name).obj()
    refused = await api.call("POST", rest.collection(kinds.JOB), doc)
    assert refused.status == 422, refused
    assert (f"can only submit job to queue with state `Open`, queue `{name}` status is `Closed`"
            in refused.body["message"]), refused.body
    assert await api.get(kinds.JOB, job_name) is None

    await operate("open")
    await servers.eventually(lambda: state_is("Open"), timeout=20)
    await api.create(kinds.JOB, doc)
    await api.wait_phase(job_name, "Completed", timeout=60)
