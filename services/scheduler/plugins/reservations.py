"""What admitted jobs reserve of the cluster or a queue before all their pods are placed.

Shared by overcommit and proportion (Volcano's util.GetInqueueResource): the part of a job's
minResources it does not hold yet, never negative.
"""

from __future__ import annotations

from services.scheduler.framework import dimensions, jobs, quota


def held(job: jobs.JobInfo, dims: dimensions.Dimensions) -> quota.Res:
    return {k: float(v) for k, v in dims.to_dict(job.allocated_vector(len(dims))).items()}


def unheld(job: jobs.JobInfo, dims: dimensions.Dimensions) -> quota.Res:
    if job.min_resources is None:
        return {}
    return quota.exceeded_part(job.min_resources, held(job, dims))


def running_reservation(job: jobs.JobInfo, dims: dimensions.Dimensions) -> quota.Res:
    """A Running gang whose pods are all placed still reserves its unheld minResources."""
    if job.phase == "Running" and job.min_resources is not None and job.count(jobs.ALLOCATED) >= job.min_member:
        return unheld(job, dims)
    return {}
