"""Job plugins that edit a pod as it is built (Volcano's ``OnPodCreate`` hooks), by name.

A plugin is a pure function ``(pod, job, args) -> None`` that edits the freshly built pod in
place; ``job.spec.plugins`` names the ones a job uses, with their arguments. Registered here:
``env``, ``svc``, ``ssh``, ``pytorch``, ``tensorflow`` and ``mpi`` (``registry.register`` adds
more). Their ``OnJobAdd`` side effects that need I/O (the ssh key pair) live in the reconciler.
"""
