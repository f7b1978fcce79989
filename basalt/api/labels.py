"""Volcano's label and annotation keys, spelled exactly as volcano-sh/apis does.

Objects carry these so a Volcano user's selectors, scripts and dashboards work unchanged.
"""

JOB_NAME = "volcano.sh/job-name"
JOB_NAMESPACE = "volcano.sh/job-namespace"
QUEUE_NAME = "volcano.sh/queue-name"
TASK_SPEC = "volcano.sh/task-spec"
TASK_INDEX = "volcano.sh/task-index"
JOB_VERSION = "volcano.sh/job-version"
JOB_TYPE = "volcano.sh/job-type"
POD_TEMPLATE_KEY = "volcano.sh/template-uid"
GROUP_NAME = "scheduling.k8s.io/group-name"
PREEMPTABLE = "volcano.sh/preemptable"

# Basalt's own annotations (the fake runtime's simulated duration and exit code).
FAKE_DURATION = "basalt.io/fake-duration"
FAKE_EXIT_CODE = "basalt.io/fake-exit-code"
