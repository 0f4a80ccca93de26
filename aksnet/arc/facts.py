"""What Azure Local preflight read, as plain frozen data built from ARM JSON. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Any

from aksnet.arc.addresses import AddressRange
from aksnet.arc.capacity import ClusterDemand
from aksnet.arm import connected_cluster_of, deployment_of, key, name_of
from aksnet.live.facts import ipv4_networks

EXTENDED_LOCATION = "Microsoft.ExtendedLocation"
AZURE_STACK_HCI = "Microsoft.AzureStackHCI"
KUBERNETES = "Microsoft.Kubernetes"
HYBRID_CONTAINER_SERVICE = "Microsoft.HybridContainerService"
ARC_PROVIDERS = (EXTENDED_LOCATION, AZURE_STACK_HCI, KUBERNETES, HYBRID_CONTAINER_SERVICE)


def _props(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return body.get("properties") or {}


def _address(text: Any) -> IPv4Address | None:
    try:
        return IPv4Address(str(text)) if text else None
    except ValueError:
        return None


def _count(text: Any) -> int | None:
    return int(text) if str(text or "").isdigit() else None


@dataclass(frozen=True)
class PoolFacts:
    """An IP pool and Azure's counters (strings in the API, numbers here; None when absent)."""

    range: AddressRange
    used: int | None = None
    available: int | None = None


@dataclass(frozen=True)
class LnetFacts:
    """A logical network as Azure holds it."""

    id: str
    custom_location: str
    prefixes: tuple[IPv4Network, ...]
    allocation: str
    gateway: IPv4Address | None
    dns_servers: tuple[IPv4Address, ...]
    vlan: int | None
    switch: str | None
    pools: tuple[PoolFacts, ...]
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return name_of(self.id)

    @property
    def available(self) -> int | None:
        counts = [p.available for p in self.pools]
        return None if any(c is None for c in counts) else sum(c for c in counts if c is not None)

    @classmethod
    def from_arm(cls, body: Mapping[str, Any]) -> LnetFacts:
        subnets = _props(body).get("subnets") or [{}]
        subnet = _props(subnets[0])
        prefixes = ipv4_networks([subnet.get("addressPrefix"), *(subnet.get("addressPrefixes") or [])])
        routes = (_props(subnet.get("routeTable") or {})).get("routes") or []
        hops = [_props(r).get("nextHopIpAddress") for r in routes if _props(r).get("addressPrefix") == "0.0.0.0/0"]
        return cls(
            id=str(body["id"]),
            custom_location=str((body.get("extendedLocation") or {}).get("name") or ""),
            prefixes=tuple(dict.fromkeys(prefixes)),
            allocation=str(subnet.get("ipAllocationMethod") or "Dynamic"),
            gateway=_address(hops[0]) if hops else None,
            dns_servers=tuple(
                a for a in map(_address, (_props(body).get("dhcpOptions") or {}).get("dnsServers") or []) if a
            ),
            vlan=subnet.get("vlan"),
            switch=_props(body).get("vmSwitchName"),
            pools=tuple(_pool(p) for p in subnet.get("ipPools") or []),
            tags=dict(body.get("tags") or {}),
        )


def _pool(body: Mapping[str, Any]) -> PoolFacts:
    info = body.get("info") or {}
    span = AddressRange(IPv4Address(str(body["start"])), IPv4Address(str(body["end"])))
    return PoolFacts(span, _count(info.get("used")), _count(info.get("available")))


@dataclass(frozen=True)
class InstanceFacts:
    """A provisioned cluster instance (an AKS Arc cluster) as Azure holds it."""

    id: str
    body: Mapping[str, Any]

    @property
    def name(self) -> str:
        """The cluster's name: its connected cluster's."""
        return name_of(self.connected_cluster)

    @property
    def connected_cluster(self) -> str:
        return connected_cluster_of(self.id)

    def value(self, *path: str) -> Any:
        found: Any = _props(self.body)
        for part in path:
            found = (found or {}).get(part)
        return found

    @property
    def host_ip(self) -> IPv4Address | None:
        return _address(self.value("controlPlane", "controlPlaneEndpoint", "hostIP"))

    @property
    def networks(self) -> tuple[str, ...]:
        return tuple(self.value("cloudProviderProfile", "infraNetworkProfile", "vnetSubnetIds") or ())

    @property
    def state(self) -> str:
        return str(self.value("provisioningState") or "Succeeded")

    def on(self, lnet_id: str) -> bool:
        return any(key(n) == key(lnet_id) for n in self.networks)

    def demand(self, explicit_ip: bool) -> ClusterDemand:
        """What it takes from the network (`explicit_ip`: its control-plane IP lies outside the pools)."""
        pools = self.value("agentPoolProfiles") or []
        return ClusterDemand(
            name=self.name,
            control_plane_nodes=int(self.value("controlPlane", "count") or 1),
            worker_nodes=sum(int(p.get("maxCount") or p.get("count") or 1) for p in pools),
            explicit_control_plane_ip=explicit_ip,
            lb_vms=int(self.value("networkProfile", "loadBalancerProfile", "count") or 0),
        )


@dataclass(frozen=True)
class ArcFacts:
    """Everything an Azure Local preflight read; None where a resource does not exist."""

    subscription_id: str
    providers: Mapping[str, str] = field(default_factory=dict)
    custom_location_region: str | None = None  # None: the custom location does not exist
    lnet: LnetFacts | None = None
    connected: Mapping[str, Any] | None = None
    instance: InstanceFacts | None = None
    others: tuple[InstanceFacts, ...] = ()  # other clusters on the same logical network
    versions: tuple[Mapping[str, Any], ...] | None = None  # None: not listed yet on the custom location
    vm_sizes: tuple[str, ...] | None = None
    unread: frozenset[str] = frozenset()

    @property
    def connected_owner(self) -> str | None:
        return deployment_of((self.connected or {}).get("tags"))
