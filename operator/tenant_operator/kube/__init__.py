"""A small asyncio Kubernetes client for the objects the operator manages."""
