"""Kubernetes API client construction (kubeconfig or in-cluster)."""

from __future__ import annotations

from kubernetes import client, config

from control_plane.settings import KubernetesSettings


def make_api_client(settings: KubernetesSettings) -> client.ApiClient:
    """A client for the configured cluster; in-cluster config when no kubeconfig is set."""
    if settings.kubeconfig:
        return config.new_client_from_config(config_file=settings.kubeconfig)
    configuration = client.Configuration()
    config.load_incluster_config(client_configuration=configuration)
    return client.ApiClient(configuration)
