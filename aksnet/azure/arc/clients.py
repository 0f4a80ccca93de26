"""The Azure Local SDK clients, built on first use from a run's `Clients` (its credential and transport).

Pinned api-versions: logical networks at their stable 2024-01-01 (azure-mgmt-azurestackhcivm 1.0.0b1
defaults to a preview); the other three at their package defaults (hybridkubernetes 2026-05-01,
hybridcontainerservice 2024-01-01, extendedlocation 2021-08-15). Imported only here, on first use.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any

from aksnet.azure.clients import USER_AGENT, Clients

if TYPE_CHECKING:
    from azure.mgmt.azurestackhcivm import AzureStackHCIVmClient
    from azure.mgmt.extendedlocation import CustomLocations
    from azure.mgmt.hybridcontainerservice import HybridContainerServiceMgmtClient
    from azure.mgmt.hybridkubernetes import ConnectedKubernetesClient

LOGICAL_NETWORKS_API = "2024-01-01"
_IMPORTING = threading.Lock()  # one thread at a time through a package's first import


class ArcClients:
    """The four Azure Local clients next to the run's `Clients` (resource groups and the rest)."""

    def __init__(self, clients: Clients) -> None:
        self.base = clients

    @property
    def subscription_id(self) -> str:
        return self.base.subscription_id

    def _kwargs(self, polling_interval: float) -> dict[str, Any]:
        return {
            "base_url": self.base.base_url,
            "transport": self.base.transport,
            "polling_interval": polling_interval,
            "user_agent": USER_AGENT,
        }

    @cached_property
    def custom_locations(self) -> CustomLocations:
        with _IMPORTING:
            from azure.mgmt.extendedlocation import CustomLocations

        return CustomLocations(self.base.credential, self.subscription_id, **self._kwargs(self.base.polling_interval))

    @cached_property
    def stack_hci(self) -> AzureStackHCIVmClient:
        with _IMPORTING:
            from azure.mgmt.azurestackhcivm import AzureStackHCIVmClient

        kwargs = self._kwargs(self.base.polling_interval)
        return AzureStackHCIVmClient(
            self.base.credential, self.subscription_id, api_version=LOGICAL_NETWORKS_API, **kwargs
        )

    @cached_property
    def kubernetes(self) -> ConnectedKubernetesClient:
        with _IMPORTING:
            from azure.mgmt.hybridkubernetes import ConnectedKubernetesClient

        return ConnectedKubernetesClient(
            self.base.credential, self.subscription_id, **self._kwargs(self.base.polling_interval)
        )

    @cached_property
    def hybrid(self) -> HybridContainerServiceMgmtClient:
        with _IMPORTING:
            from azure.mgmt.hybridcontainerservice import HybridContainerServiceMgmtClient

        kwargs = self._kwargs(self.base.cluster_polling_interval)
        return HybridContainerServiceMgmtClient(self.base.credential, self.subscription_id, **kwargs)
