"""``basalt job run|list|view|delete``: vcctl's job verbs."""

from __future__ import annotations

import argparse
import pathlib
import sys
from typing import Any, TextIO

import yaml

from basalt.api import meta
from basalt.cli import client, commands, tables

JOB_NAME_LABEL = "volcano.sh/job-name"


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    job = subparsers.add_parser("job", help="operate on Volcano jobs")
    verbs = job.add_subparsers(dest="verb", required=True, metavar="{run,list,view,delete}")

    run = verbs.add_parser("run", parents=[common], help="run a job from a YAML or JSON file")
    run.add_argument("-f", "--filename", required=True, help="the job's YAML or JSON file ('-' for stdin)")
    commands.register(run, run_job, "run job")

    listing = verbs.add_parser("list", parents=[common], help="list jobs")
    listing.add_argument("--all-namespaces", action="store_true", help="list jobs in all namespaces")
    listing.add_argument("-q", "--queue", default="", help="only jobs in this queue")
    listing.add_argument("-S", "--scheduler", default="", help="only jobs for this scheduler")
    listing.add_argument("--selector", default="", help="only jobs whose name contains this")
    commands.register(listing, list_jobs, "list job")

    view = verbs.add_parser("view", parents=[common], help="show a job and its pods")
    view.add_argument("-N", "--name", required=True, help="the name of the job")
    commands.register(view, view_job, "view job")

    delete = verbs.add_parser("delete", parents=[common], help="delete a job")
    delete.add_argument("-N", "--name", required=True, help="the name of the job")
    commands.register(delete, delete_job, "delete job")


async def run_job(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    data = read_file(args.filename)
    # Like `kubectl create -f`: without -n the file's own namespace applies.
    namespace = args.namespace or file_namespace(data) or commands.DEFAULT_NAMESPACE
    content_type = "application/json" if args.filename.endswith(".json") else "application/yaml"
    job = await api.create_job(namespace, data, content_type)
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
    jobs = await api.list_jobs("" if args.all_namespaces else commands.namespace(args))
    jobs = [j for j in jobs if wanted(j, args)]
    if not jobs:
        print("No resources found", file=out)
        return
    out.write(tables.job_list(jobs, all_namespaces=args.all_namespaces))


def wanted(job: meta.Obj, args: argparse.Namespace) -> bool:
    """vcctl's client-side filters: queue, scheduler name, and a substring of the job name."""
    spec = job.get("spec") or {}
    return ((not args.queue or spec.get("queue") == args.queue)
            and (not args.scheduler or spec.get("schedulerName") == args.scheduler)
            and args.selector in meta.name(job))


async def view_job(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    namespace = commands.namespace(args)
    job = await api.get_job(namespace, args.name)
    pods = await api.list_pods(namespace, f"{JOB_NAME_LABEL}={args.name}")
    out.write(tables.job_view(job, pods))


async def delete_job(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    await api.delete_job(commands.namespace(args), args.name)
    print(f"delete job {args.name} successfully", file=out)
