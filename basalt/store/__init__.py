"""The Redis object store: Kubernetes-shaped objects, CAS writes, change streams, accounting."""
