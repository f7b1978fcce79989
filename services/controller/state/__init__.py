"""Volcano's job phase machine, pure: status counts, the state/*.go rules, lifecycle policies.

``machine.apply_action`` is the entry point: job + its pods + its PodGroup + an action in, a
``Transition`` out (new status, pods to create and delete, PodGroup deletion). ``policy`` turns
a pod event into an action; ``events`` turns a pod change into an event. Time is passed in.
"""
