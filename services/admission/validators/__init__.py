"""Validation rules, one module per kind or concept, each returning field causes (never raising)."""
