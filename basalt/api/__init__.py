"""Object model: Kubernetes-shaped objects, quantities and resource vectors."""
