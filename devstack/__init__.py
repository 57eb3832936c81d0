"""The local stack: real PostgreSQL, Redis, Kubernetes control plane and Vault on loopback."""
