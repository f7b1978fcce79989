"""Unit tests of admission: Volcano's defaulting and validation of Jobs, Queues and PodGroups."""
