"""Pure builders of the objects a Volcano Job owns: its PodGroup and its Pods.

Each builder reproduces what Volcano's job controller writes (names, labels, annotations, owner
references, the env/svc plugins' edits), so a Volcano user's selectors keep working.
"""
