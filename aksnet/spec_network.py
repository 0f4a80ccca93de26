"""The scenario's API server, egress and ingress settings (cli-contract "API server, egress and ingress").

Every field left out takes `az aks create`'s default: the plan then sends nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BackendPoolType = Literal["NodeIPConfiguration", "NodeIP"]
ZONE_SYSTEM = "system"
ZONE_NONE = "none"


@dataclass(frozen=True)
class PrivateDnsZoneSpec:
    """A custom private DNS zone for the API server: one aksnet creates, or one you bring by name."""

    name: str
    existing: bool = False
    resource_group: str | None = None


@dataclass(frozen=True)
class ApiServerSpec:
    """How the API server is reached: private endpoint, VNet integration, authorized ranges."""

    private: bool = False
    private_dns_zone: str | PrivateDnsZoneSpec | None = None  # system | none | a zone id | {name, existing}
    public_fqdn: bool | None = None
    vnet_integration: bool = False
    subnet: str | None = None  # a subnet of the VNet, delegated to Microsoft.ContainerService/managedClusters
    authorized_ip_ranges: tuple[str, ...] = ()

    @property
    def custom_zone(self) -> bool:
        """Whether the zone is one of yours (created by aksnet or brought), not AKS's `system` or `none`."""
        zone = self.private_dns_zone
        return zone is not None and (not isinstance(zone, str) or zone.lower() not in (ZONE_SYSTEM, ZONE_NONE))


@dataclass(frozen=True)
class LoadBalancerSpec:
    """The Standard load balancer's outbound settings (networkProfile.loadBalancerProfile)."""

    managed_outbound_ips: int | None = None
    managed_outbound_ipv6: int | None = None
    outbound_ips: tuple[str, ...] = ()  # ids of public IPs you bring
    outbound_ip_prefixes: tuple[str, ...] = ()  # ids of public IP prefixes you bring
    allocated_outbound_ports: int | None = None
    idle_timeout_minutes: int | None = None
    backend_pool_type: BackendPoolType | None = None

    @property
    def ip_options(self) -> list[str]:
        """Which of the three mutually exclusive outbound IP options are set."""
        # az sends managedOutboundIPs (count 1) for an IPv6 count alone: that is the managed option too
        managed = self.managed_outbound_ips is not None or self.managed_outbound_ipv6 is not None
        chosen = [
            ("managed_outbound_ips" if self.managed_outbound_ips is not None else "managed_outbound_ipv6", managed)
        ]
        chosen += [("outbound_ips", bool(self.outbound_ips)), ("outbound_ip_prefixes", bool(self.outbound_ip_prefixes))]
        return [name for name, given in chosen if given]


@dataclass(frozen=True)
class PublicIpPrefixSpec:
    """A public IP prefix aksnet creates for a NAT gateway."""

    name: str
    length: int = 31


@dataclass(frozen=True)
class NatGatewaySpec:
    """The NAT gateway on the node subnets (outbound type userAssignedNATGateway): created or brought."""

    name: str
    existing: bool = False
    resource_group: str | None = None
    public_ips: int | None = None
    public_ip_prefix: PublicIpPrefixSpec | None = None
    idle_timeout_minutes: int | None = None


@dataclass(frozen=True)
class StaticIpSpec:
    """A static public IP for a LoadBalancer Service or an ingress controller: created or brought."""

    name: str
    resource_group: str | None = None
    existing: bool = False


@dataclass(frozen=True)
class IngressSpec:
    """Inbound: static public IPs, the subnet of internal load balancers, the application routing add-on."""

    static_ips: tuple[StaticIpSpec, ...] = ()
    internal_subnet: str | None = None
    app_routing: bool = False
