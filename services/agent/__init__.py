"""Basalt's node agent: presents N nodes to the controller, runs the pods bound to them through a
runtime (local processes, or simulated for scale tests) and reports what became of each pod."""
