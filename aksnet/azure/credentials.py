"""A cluster's kubeconfig through the SDK, as `az aks get-credentials` fetches it."""

from __future__ import annotations

import base64

from aksnet.azure.clients import Clients
from aksnet.azure.errors import azure_call
from aksnet.errors import AzureOperationError


def fetch_kubeconfig(clients: Clients, resource_group: str, name: str, *, admin: bool) -> str:
    """The kubeconfig AKS returns for the cluster's user (or, with `admin`, its admin) credentials."""
    clusters = clients.containerservice.managed_clusters
    fetch = clusters.list_cluster_admin_credentials if admin else clusters.list_cluster_user_credentials
    with azure_call(f"fetching the {'admin' if admin else 'user'} credentials of cluster {name}"):
        results = fetch(resource_group, name)
    kubeconfigs = list(results.kubeconfigs or [])
    if not kubeconfigs or kubeconfigs[0].value is None:
        raise AzureOperationError(f"AKS returned no kubeconfig for cluster {name}", code="NO_KUBECONFIG")
    value = kubeconfigs[0].value
    raw = bytes(value) if isinstance(value, bytes | bytearray) else base64.b64decode(str(value))
    return raw.decode("utf-8")
