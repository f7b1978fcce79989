"""Volcano keys the controller writes that ``basalt.api.labels`` does not name (yet).

Spelled exactly as volcano-sh/apis does; the lead may move them into ``basalt.api.labels``.
"""

# batch/v1alpha1/labels.go
JOB_RETRY_COUNT = "volcano.sh/job-retry-count"
TASK_PARTITION_ID = "volcano.sh/partition-id"
JOB_FORWARDING = "volcano.sh/job-forwarding"
DEFAULT_TASK_SPEC = "default"

# scheduling/v1beta1/labels.go
NUMA_POLICY = "volcano.sh/numa-topology-policy"
COOLDOWN_TIME = "volcano.sh/cooldown-time"
REVOCABLE_ZONE = "volcano.sh/revocable-zone"
JDB_MIN_AVAILABLE = "volcano.sh/jdb-min-available"
JDB_MAX_UNAVAILABLE = "volcano.sh/jdb-max-unavailable"

# pkg/controllers/job/helpers: a pod the controller is about to delete; its later events are
# treated as OutOfSync rather than as PodFailed/PodEvicted, so policies do not fire twice.
OUT_OF_SYNC = "volcano.sh/controller-out-of-sync"
