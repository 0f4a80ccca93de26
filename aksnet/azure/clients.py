"""The one I/O seam: every Azure SDK client is built here from a credential and a transport."""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.core.pipeline.transport import HttpTransport
    from azure.mgmt.authorization import AuthorizationManagementClient
    from azure.mgmt.containerservice import ContainerServiceClient
    from azure.mgmt.msi import ManagedServiceIdentityClient
    from azure.mgmt.network import NetworkManagementClient
    from azure.mgmt.resource.resources import ResourceManagementClient

ARM_ENDPOINT = "https://management.azure.com"
USER_AGENT = "aksnet/0.1.0"
# Cluster operations take minutes; a 5 s poll notices the end promptly without crowding the
# AKS operation-status throttle (200 tokens, 2/s per subscription). Azure's Retry-After wins.
CLUSTER_POLL_SECONDS = 5.0
NETWORK_POLL_SECONDS = 2.0


def shared_transport(pool_size: int = 64) -> HttpTransport[Any, Any]:
    """One requests session (one connection pool) shared by every client of a run."""
    import requests
    from azure.core.pipeline.transport import RequestsTransport

    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
    session.mount("https://", adapter)
    transport: HttpTransport[Any, Any] = RequestsTransport(session=session, session_owner=False)
    return transport


class Clients:
    """The five management clients, each built on first use from one credential and one transport."""

    def __init__(
        self,
        credential: TokenCredential,
        subscription_id: str,
        *,
        transport: HttpTransport[Any, Any] | None = None,
        base_url: str = ARM_ENDPOINT,
        polling_interval: float = NETWORK_POLL_SECONDS,
        cluster_polling_interval: float = CLUSTER_POLL_SECONDS,
    ) -> None:
        self.credential = credential
        self.subscription_id = subscription_id
        self.base_url = base_url
        self.polling_interval = polling_interval
        self.cluster_polling_interval = cluster_polling_interval
        self._transport = transport
        self._lock = threading.Lock()

    @property
    def transport(self) -> HttpTransport[Any, Any]:
        with self._lock:
            if self._transport is None:
                self._transport = shared_transport()
            return self._transport

    def _kwargs(self, polling_interval: float) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "transport": self.transport,
            "polling_interval": polling_interval,
            "user_agent": USER_AGENT,
        }

    @cached_property
    def resource(self) -> ResourceManagementClient:
        from azure.mgmt.resource.resources import ResourceManagementClient

        return ResourceManagementClient(
            self.credential, self.subscription_id, **self._kwargs(self.polling_interval)
        )

    @cached_property
    def network(self) -> NetworkManagementClient:
        from azure.mgmt.network import NetworkManagementClient

        return NetworkManagementClient(
            self.credential, self.subscription_id, **self._kwargs(self.polling_interval)
        )

    @cached_property
    def msi(self) -> ManagedServiceIdentityClient:
        from azure.mgmt.msi import ManagedServiceIdentityClient

        return ManagedServiceIdentityClient(
            self.credential, self.subscription_id, **self._kwargs(self.polling_interval)
        )

    @cached_property
    def authorization(self) -> AuthorizationManagementClient:
        from azure.mgmt.authorization import AuthorizationManagementClient

        return AuthorizationManagementClient(
            self.credential, self.subscription_id, **self._kwargs(self.polling_interval)
        )

    @cached_property
    def containerservice(self) -> ContainerServiceClient:
        from azure.mgmt.containerservice import ContainerServiceClient

        return ContainerServiceClient(
            self.credential, self.subscription_id, **self._kwargs(self.cluster_polling_interval)
        )
