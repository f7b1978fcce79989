"""Defaulting, as Volcano's mutating webhooks (and its CRD schema defaults) apply it on CREATE."""
