"""Pure builders of the desired Kubernetes objects of a tenant (no I/O)."""
