"""What preflight read from Azure, as plain frozen data: built from ARM JSON (camelCase) dicts.

Pure: no azure.* import. `aksnet.azure.preflight` does the reads; `aksnet.live.rules` judges them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Any

from aksnet.arm import deployment_of, key, name_of

CONTAINER_SERVICE = "Microsoft.ContainerService"
NETWORK = "Microsoft.Network"
MANAGED_IDENTITY = "Microsoft.ManagedIdentity"
REQUIRED_PROVIDERS = (CONTAINER_SERVICE, NETWORK, MANAGED_IDENTITY)


Network = IPv4Network | IPv6Network
AKS_DELEGATION = "Microsoft.ContainerService/managedClusters"  # what AKS delegates a pod subnet to


def networks(texts: Sequence[Any]) -> tuple[Network, ...]:
    """The prefixes among `texts`, of both IP versions (dual-stack resources carry IPv6 ones too)."""
    found = []
    for text in texts:
        try:
            found.append(ip_network(str(text), strict=False))
        except ValueError:
            continue
    return tuple(found)


def ipv4_networks(texts: Sequence[Any]) -> tuple[IPv4Network, ...]:
    """The IPv4 prefixes among `texts`."""
    return tuple(n for n in networks(texts) if isinstance(n, IPv4Network))


def _props(arm: Mapping[str, Any]) -> Mapping[str, Any]:
    return arm.get("properties") or {}


def _ref(value: Any) -> str | None:
    return str(value["id"]) if isinstance(value, Mapping) and value.get("id") else None


def _ids(items: Any) -> tuple[str, ...]:
    return tuple(str(i["id"]) for i in items or () if isinstance(i, Mapping) and i.get("id"))


@dataclass(frozen=True)
class Found:
    """A resource that exists, and its tags (which say who created it); `body` is its ARM JSON as read."""

    id: str
    tags: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] = field(default_factory=dict, kw_only=True, compare=False, repr=False)

    @property
    def name(self) -> str:
        return name_of(self.id)

    @property
    def deployment(self) -> str | None:
        """The aksnet deployment that created it, if aksnet did."""
        return deployment_of(self.tags)

    @classmethod
    def from_arm(cls, arm: Mapping[str, Any]) -> Found:
        return cls(str(arm["id"]), dict(arm.get("tags") or {}), body=arm)


@dataclass(frozen=True)
class SubnetFacts:
    """A subnet and everything attached to it or living in it."""

    id: str
    prefixes: tuple[Network, ...] = ()
    ip_configurations: tuple[str, ...] = ()
    delegations: tuple[str, ...] = ()  # service names
    service_links: tuple[str, ...] = ()  # linked resource types of serviceAssociationLinks
    route_table: str | None = None
    network_security_group: str | None = None
    nat_gateway: str | None = None
    body: Mapping[str, Any] = field(default_factory=dict, kw_only=True, compare=False, repr=False)
    private_endpoints: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return name_of(self.id)

    @property
    def prefix(self) -> IPv4Network | None:
        """Its IPv4 prefix."""
        return next((p for p in self.prefixes if isinstance(p, IPv4Network)), None)

    @property
    def prefix_ipv6(self) -> IPv6Network | None:
        """Its IPv6 prefix (a dual-stack subnet)."""
        return next((p for p in self.prefixes if isinstance(p, IPv6Network)), None)

    @property
    def delegated_to_aks(self) -> bool:
        """Delegated by AKS for a pod subnet (to managedClusters), and to nothing else."""
        return bool(self.delegations) and all(d.lower() == AKS_DELEGATION.lower() for d in self.delegations)

    def foreign_delegations(self) -> list[str]:
        """Delegations to anything but AKS."""
        return [d for d in self.delegations if d.lower() != AKS_DELEGATION.lower()]

    def foreign_links(self) -> list[str]:
        """Service association links of anything but AKS (which links the pod subnets it uses)."""
        return [s for s in self.service_links if s.lower() != AKS_DELEGATION.lower()]

    @classmethod
    def from_arm(cls, arm: Mapping[str, Any]) -> SubnetFacts:
        props = _props(arm)
        texts = [props["addressPrefix"]] if props.get("addressPrefix") else list(props.get("addressPrefixes") or [])
        delegations = props.get("delegations") or ()
        links = props.get("serviceAssociationLinks") or ()
        return cls(
            id=str(arm["id"]),
            prefixes=networks(texts),
            ip_configurations=_ids(props.get("ipConfigurations")),
            delegations=tuple(str(_props(d).get("serviceName") or d.get("name")) for d in delegations),
            service_links=tuple(str(_props(s).get("linkedResourceType") or s.get("name")) for s in links),
            route_table=_ref(props.get("routeTable")),
            network_security_group=_ref(props.get("networkSecurityGroup")),
            nat_gateway=_ref(props.get("natGateway")),
            body=arm,
            private_endpoints=_ids(props.get("privateEndpoints")),
        )


@dataclass(frozen=True)
class PeeringFacts:
    """A peering of the cluster's VNet and the address space on its far side."""

    name: str
    remote_vnet: str
    remote_address_space: tuple[Network, ...] = ()

    @classmethod
    def from_arm(cls, arm: Mapping[str, Any]) -> PeeringFacts:
        props = _props(arm)
        space = props.get("remoteAddressSpace") or props.get("remoteVirtualNetworkAddressSpace") or {}
        return cls(
            name=str(arm.get("name") or name_of(str(arm.get("id", "")))),
            remote_vnet=_ref(props.get("remoteVirtualNetwork")) or "",
            remote_address_space=networks(space.get("addressPrefixes") or ()),
        )


@dataclass(frozen=True)
class VNetFacts(Found):
    """A virtual network with its address space, subnets and peerings."""

    address_space: tuple[Network, ...] = ()
    subnets: tuple[SubnetFacts, ...] = ()
    peerings: tuple[PeeringFacts, ...] = ()

    def subnet(self, name: str) -> SubnetFacts | None:
        return next((s for s in self.subnets if s.name.lower() == name.lower()), None)

    @classmethod
    def from_arm(cls, arm: Mapping[str, Any]) -> VNetFacts:
        props = _props(arm)
        return cls(
            id=str(arm["id"]),
            tags=dict(arm.get("tags") or {}),
            address_space=networks((props.get("addressSpace") or {}).get("addressPrefixes") or ()),
            subnets=tuple(SubnetFacts.from_arm(s) for s in props.get("subnets") or ()),
            peerings=tuple(PeeringFacts.from_arm(p) for p in props.get("virtualNetworkPeerings") or ()),
            body=arm,
        )


@dataclass(frozen=True)
class RouteFacts:
    """One route of a route table."""

    name: str
    address_prefix: str
    next_hop_type: str
    next_hop_ip_address: str | None = None


@dataclass(frozen=True)
class RouteTableFacts(Found):
    """A route table, its routes and the subnets it is associated with."""

    routes: tuple[RouteFacts, ...] = ()
    subnets: tuple[str, ...] = ()

    @classmethod
    def from_arm(cls, arm: Mapping[str, Any]) -> RouteTableFacts:
        props = _props(arm)
        routes = tuple(
            RouteFacts(
                name=str(r.get("name")),
                address_prefix=str(_props(r).get("addressPrefix")),
                next_hop_type=str(_props(r).get("nextHopType")),
                next_hop_ip_address=_props(r).get("nextHopIpAddress"),
            )
            for r in props.get("routes") or ()
        )
        return cls(str(arm["id"]), dict(arm.get("tags") or {}), routes, _ids(props.get("subnets")), body=arm)


@dataclass(frozen=True)
class SecurityRuleFacts:
    """One rule of a network security group, as ARM holds it (prefixes and ports as the texts it was given)."""

    name: str
    priority: int
    direction: str  # Inbound | Outbound
    access: str  # Allow | Deny
    protocol: str  # Tcp | Udp | Icmp | Esp | Ah | *
    source_prefixes: tuple[str, ...] = ("*",)
    destination_prefixes: tuple[str, ...] = ("*",)
    source_ports: tuple[str, ...] = ("*",)
    destination_ports: tuple[str, ...] = ("*",)
    uses_application_security_groups: bool = False

    @classmethod
    def from_arm(cls, arm: Mapping[str, Any]) -> SecurityRuleFacts:
        props = _props(arm)
        groups = props.get("sourceApplicationSecurityGroups") or props.get("destinationApplicationSecurityGroups")
        return cls(
            name=str(arm.get("name") or name_of(str(arm.get("id", "")))),
            priority=int(props.get("priority") or 0),
            direction=str(props.get("direction") or ""),
            access=str(props.get("access") or ""),
            protocol=str(props.get("protocol") or "*"),
            source_prefixes=_one_or_many(props, "sourceAddressPrefix", "sourceAddressPrefixes"),
            destination_prefixes=_one_or_many(props, "destinationAddressPrefix", "destinationAddressPrefixes"),
            source_ports=_one_or_many(props, "sourcePortRange", "sourcePortRanges"),
            destination_ports=_one_or_many(props, "destinationPortRange", "destinationPortRanges"),
            uses_application_security_groups=bool(groups),
        )


def _one_or_many(props: Mapping[str, Any], one: str, many: str) -> tuple[str, ...]:
    """`sourcePortRange` or `sourcePortRanges`: a rule fills one of the two (an ASG rule, neither prefix)."""
    return (str(props[one]),) if props.get(one) else tuple(str(v) for v in props.get(many) or ())


@dataclass(frozen=True)
class SecurityGroupFacts(Found):
    """A network security group and its own rules (Azure's default rules, the same in every NSG, are not kept)."""

    rules: tuple[SecurityRuleFacts, ...] = ()

    @classmethod
    def from_arm(cls, arm: Mapping[str, Any]) -> SecurityGroupFacts:
        rules = tuple(SecurityRuleFacts.from_arm(r) for r in _props(arm).get("securityRules") or ())
        return cls(str(arm["id"]), dict(arm.get("tags") or {}), rules, body=arm)


@dataclass(frozen=True)
class ClusterFacts(Found):
    """A managed cluster in the subscription: its plugin, the subnets its pools use (and how each pod
    subnet hands out addresses), and its node resource group."""

    node_resource_group: str | None = None
    subnets: tuple[str, ...] = ()
    plugin: str | None = None
    pod_subnet_modes: tuple[tuple[str, str], ...] = ()  # (pod subnet id, podIPAllocationMode)
    api_server_subnet: str | None = None  # the subnet its API server is projected into (VNet integration)

    def uses_subnet(self, subnet_id: str) -> bool:
        return key(subnet_id) in {key(s) for s in self.subnets}

    def pod_subnet_mode(self, subnet_id: str) -> str | None:
        """The allocation mode of this cluster's pools on pod subnet `subnet_id`, if any uses it."""
        return next((mode for sid, mode in self.pod_subnet_modes if key(sid) == key(subnet_id)), None)

    @classmethod
    def from_arm(cls, arm: Mapping[str, Any]) -> ClusterFacts:
        props = _props(arm)
        pools = props.get("agentPoolProfiles") or ()
        subnets = {str(p[k]) for p in pools for k in ("vnetSubnetID", "podSubnetID") if p.get(k)}
        modes = {
            (str(p["podSubnetID"]), str(p.get("podIPAllocationMode") or "DynamicIndividual"))
            for p in pools
            if p.get("podSubnetID")
        }
        api = props.get("apiServerAccessProfile") or {}
        return cls(
            id=str(arm["id"]),
            tags=dict(arm.get("tags") or {}),
            node_resource_group=props.get("nodeResourceGroup"),
            subnets=tuple(sorted(subnets)),
            plugin=(props.get("networkProfile") or {}).get("networkPlugin"),
            pod_subnet_modes=tuple(sorted(modes)),
            body=arm,
            api_server_subnet=str(api["subnetId"])
            if api.get("enableVnetIntegration") and api.get("subnetId")
            else None,
        )


@dataclass(frozen=True)
class Permission:
    """One block of the caller's effective permissions at a scope (one per role it holds there)."""

    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()

    @classmethod
    def from_arm(cls, arm: Mapping[str, Any]) -> Permission:
        return cls(tuple(arm.get("actions") or ()), tuple(arm.get("notActions") or ()))


@dataclass(frozen=True)
class GrantAccess:
    """Whether the caller may create the cluster identity's grant on `scope`.

    `checked_at` is the scope the permissions were read at: the grant's own scope when it exists,
    else its nearest existing parent (role assignments inherit downwards).
    """

    label: str
    scope: str
    checked_at: str
    permissions: tuple[Permission, ...] = ()
    already_granted: bool = False
    assignment: Mapping[str, Any] | None = field(default=None, kw_only=True, compare=False, repr=False)


@dataclass(frozen=True)
class LiveFacts:
    """Everything preflight read. A name in `unread` was not read (its provider is not registered,
    or the caller may not list it); rules about it stay silent rather than guess."""

    subscription_id: str
    providers: Mapping[str, str] = field(default_factory=dict)
    resource_groups: Mapping[str, Found | None] = field(default_factory=dict)  # by lower-case name
    vnet: VNetFacts | None = None
    route_table: RouteTableFacts | None = None  # the spec's route table
    subnet_route_table: RouteTableFacts | None = None  # the subnet's, when the spec names none or another
    identity: Found | None = None
    cluster: Mapping[str, Any] | None = None  # the spec's cluster, as read (ARM JSON)
    clusters: tuple[ClusterFacts, ...] = ()
    access: tuple[GrantAccess, ...] = ()
    nat_gateways: Mapping[str, str] = field(default_factory=dict)  # SKU name by lower-case id (dual-stack)
    security_groups: Mapping[str, SecurityGroupFacts] = field(default_factory=dict)  # by key(id), those read
    network: Mapping[str, Found | None] = field(default_factory=dict)  # zone, NAT gateway, public IPs, by key(id)
    unread: frozenset[str] = frozenset()
    locations: tuple[str, ...] | None = None  # the regions the subscription offers; None when not read

    def knows(self, what: str) -> bool:
        return what not in self.unread

    def subnet(self, name: str) -> SubnetFacts | None:
        """The VNet's subnet called `name`, when both were found."""
        return self.vnet.subnet(name) if self.vnet else None

    def cluster_facts(self) -> ClusterFacts | None:
        return ClusterFacts.from_arm(self.cluster) if self.cluster else None
