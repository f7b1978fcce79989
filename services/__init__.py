"""Basalt services: each runs with `python -m services.<name>`."""
