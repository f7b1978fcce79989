"""The ``basalt`` command: vcctl's verbs over the gateway's REST API, plus ``up`` and ``logs``."""
