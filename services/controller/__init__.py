"""Basalt's job controller: a port of Volcano's ``pkg/controllers/job``.

``state`` is the pure job phase machine (status counts, Volcano's state/*.go rules, lifecycle
policies); ``materialize`` builds the PodGroup and Pods a Job owns. Both are pure: objects in,
objects or decisions out, time passed in. ``reconcilers`` is the I/O side that calls them.
"""
