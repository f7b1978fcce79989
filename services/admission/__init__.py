"""Admission: Volcano's defaulting and validation of Jobs, Queues and PodGroups, as pure functions.

``review.review(operation, obj, old, ctx)`` is the entry point; the gRPC service around it lives
beside this package and supplies the context (queues, priority classes) from the store.
"""
