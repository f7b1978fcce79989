"""Basalt's scheduler: a port of Volcano's pkg/scheduler (pure core) plus its Redis I/O."""
