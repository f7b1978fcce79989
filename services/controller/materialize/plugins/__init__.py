"""Job plugins that edit a pod as it is built (Volcano's ``OnPodCreate`` hooks), by name.

A plugin is a pure function ``(pod, job, args) -> None`` that edits the freshly built pod in
place; ``job.spec.plugins`` names the ones a job uses, with their arguments. ``env`` and ``svc``
are registered here; ``ssh``, ``pytorch``, ``tensorflow``, ``mpi`` plug in the same way with
``registry.register``.
"""
