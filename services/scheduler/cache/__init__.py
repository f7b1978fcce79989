"""The scheduler's in-memory view of the store: informers, per-object records, snapshot assembly."""
