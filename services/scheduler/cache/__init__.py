"""The scheduler's in-memory view of the store: paged list + watch, compact objects, records, snapshots."""
