"""Basalt: a batch and AI-training job scheduler with Volcano semantics."""
