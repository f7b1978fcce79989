"""Unit tests of the controller's pure core: builders, phase machine, policies."""
