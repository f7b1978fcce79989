"""``basalt job run|list|view|suspend|resume|restart|delete``: vcctl's job verbs."""

from __future__ import annotations

import argparse
import pathlib
import sys
from typing import Any, TextIO

import yaml

from basalt.api import kinds, labels, meta
from basalt.cli import client, commands, tables

ACTIONS = ("suspend", "resume", "restart")


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    job = subparsers.add_parser("job", help="operate on Volcano jobs")
    verbs = job.add_subparsers(dest="verb", required=True,
                               metavar="{run,list,view,suspend,resume,restart,delete}")

    run = verbs.add_parser("run", parents=[common], help="run a job from a YAML or JSON file")
    run.add_argument("-f", "--filename", required=True, help="the job's YAML or JSON file ('-' for stdin)")
    commands.register(run, run_job, "run job")

    listing = verbs.add_parser("list", parents=[common], help="list jobs")
    listing.add_argument("--all-namespaces", action="store_true", help="list jobs in all namespaces")
    listing.add_argument("-q", "--queue", default="", help="only jobs in this queue")
    listing.add_argument("-S", "--scheduler", default="", help="only jobs for this scheduler")
    listing.add_argument("--selector", default="", help="only jobs whose name contains this")
    listing.add_argument("-l", "--labels", default="", help="a label selector, as kubectl -l")
    commands.add_output(listing)
    commands.register(listing, list_jobs, "list job")

    view = verbs.add_parser("view", parents=[common], help="show a job and its pods")
    view.add_argument("-N", "--name", required=True, help="the name of the job")
    commands.add_output(view)
    commands.register(view, view_job, "view job")

    for action in ACTIONS:
        verb = verbs.add_parser(action, parents=[common], help=f"{action} a job")
        verb.add_argument("-N", "--name", required=True, help="the name of the job")
        commands.register(verb, act_on_job, f"{action} job")

    delete = verbs.add_parser("delete", parents=[common], help="delete a job")
    delete.add_argument("-N", "--name", required=True, help="the name of the job")
    commands.register(delete, delete_job, "delete job")


async def run_job(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    data = read_file(args.filename)
    # Like `kubectl create -f`: without -n the file's own namespace applies.
    namespace = args.namespace or file_namespace(data) or commands.DEFAULT_NAMESPACE
    content_type = "application/json" if args.filename.endswith(".json") else "application/yaml"
    job = await api.create(kinds.JOB, namespace, data, content_type)
    print(f"run job {meta.name(job)} successfully", file=out)


def read_file(filename: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if filename == "-" else pathlib.Path(filename).read_bytes()
    except OSError as exc:
        raise client.ApiError(f"failed to read file, err: {exc}") from None


def file_namespace(data: bytes) -> str:
    """metadata.namespace of the file, if it parses; otherwise the server reports what is wrong."""
    try:
        obj = yaml.safe_load(data)
    except yaml.YAMLError:
        return ""
    metadata = obj.get("metadata") if isinstance(obj, dict) else None
    found = metadata.get("namespace") if isinstance(metadata, dict) else None
    return found if isinstance(found, str) else ""


async def list_jobs(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    namespace = "" if args.all_namespaces else commands.namespace(args)
    jobs = [j for j in await api.list_all(kinds.JOB, namespace, args.labels) if wanted(j, args)]
    if args.output:
        commands.print_as(out, commands.as_list(jobs), args.output)
    elif not jobs:
        print("No resources found", file=out)
    else:
        out.write(tables.job_list(jobs, all_namespaces=args.all_namespaces))


def wanted(job: meta.Obj, args: argparse.Namespace) -> bool:
    """vcctl's client-side filters: queue, scheduler name, and a substring of the job name."""
    spec = job.get("spec") or {}
    return ((not args.queue or spec.get("queue") == args.queue)
            and (not args.scheduler or spec.get("schedulerName") == args.scheduler)
            and args.selector in meta.name(job))


async def view_job(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    namespace = commands.namespace(args)
    job = await api.get(kinds.JOB, namespace, args.name)
    if args.output:
        commands.print_as(out, job, args.output)
        return
    pods = await api.list_all(kinds.POD, namespace, f"{labels.JOB_NAME}={args.name}")
    out.write(tables.job_view(job, pods))


async def act_on_job(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    """suspend, resume or restart: the gateway issues the Command vcctl would create."""
    verb = args.action.split()[0]
    await api.action(kinds.JOB, commands.namespace(args), args.name, verb)
    print(f"{verb} job {args.name} successfully", file=out)


async def delete_job(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    await api.delete(kinds.JOB, commands.namespace(args), args.name)
    print(f"delete job {args.name} successfully", file=out)
