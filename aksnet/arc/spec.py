"""The `platform: azure-local` scenario: the `arc:` section as a typed, frozen model with az aksarc's defaults.

Defaults follow `az aksarc create` where documented: one node per pool, pod CIDR 10.244.0.0/16,
Standard_A4_v2 for the control plane and Linux workers, Standard_K8S3_v1 for Windows workers,
Calico (azure-local.md §3.5, §5.2).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Any, Literal

from aksnet.arc import PLATFORM
from aksnet.arc.addresses import AddressRange
from aksnet.convert import FieldError, convert

# 23h2: the ARM generation (Azure Local 23H2 and later), the only one aksnet provisions.
# 22h2 / windows-server: the PowerShell generation (AKS on Azure Local 22H2, AKS on Windows Server).
Generation = Literal["23h2", "22h2", "windows-server"]
OsType = Literal["Linux", "Windows"]
AllocationMethod = Literal["Static", "Dynamic"]

SERVICE_CIDR = IPv4Network("10.96.0.0/12")  # fixed by AKS Arc (azure-local.md §3.3)
DEFAULT_POD_CIDR = IPv4Network("10.244.0.0/16")
DEFAULT_CONTROL_PLANE_SIZE = "Standard_A4_v2"
DEFAULT_WORKER_SIZE = {"Linux": "Standard_A4_v2", "Windows": "Standard_K8S3_v1"}
DEFAULT_OS_SKU = {"Linux": "CBLMariner", "Windows": "Windows2022"}


@dataclass(frozen=True)
class IpPoolSpec:
    """A static IP pool of the logical network: node VMs and (auto-assigned) control-plane IPs come from it."""

    start: IPv4Address
    end: IPv4Address
    name: str | None = None

    @property
    def range(self) -> AddressRange:
        return AddressRange(self.start, self.end)


@dataclass(frozen=True)
class LogicalNetworkSpec:
    """The Azure Local logical network: created by this deployment, or brought (`existing: true`)."""

    name: str
    existing: bool = False
    resource_group: str | None = None
    vm_switch_name: str | None = None
    address_prefix: IPv4Network | None = None
    address_prefixes: tuple[IPv4Network, ...] = ()  # the API's list form; AKS needs exactly one
    ip_allocation_method: AllocationMethod = "Static"
    gateway: IPv4Address | None = None
    dns_servers: tuple[IPv4Address, ...] = ()
    vlan: int | None = None
    ip_pools: tuple[IpPoolSpec, ...] = ()

    @property
    def prefixes(self) -> tuple[IPv4Network, ...]:
        """Every address prefix the spec gives, in order, without repeats."""
        given = ((self.address_prefix,) if self.address_prefix else ()) + self.address_prefixes
        return tuple(dict.fromkeys(given))

    @property
    def prefix(self) -> IPv4Network | None:
        """The one prefix AKS can use (the first, when several were given: a rule says so)."""
        return self.prefixes[0] if self.prefixes else None

    @property
    def pools(self) -> tuple[AddressRange, ...]:
        return tuple(p.range for p in self.ip_pools if p.start <= p.end)


@dataclass(frozen=True)
class ControlPlaneSpec:
    """Control-plane VMs and the API server's IP (`ip: null`: AKS Arc picks one from the pool, since 2411)."""

    count: int = 1
    vm_size: str = DEFAULT_CONTROL_PLANE_SIZE
    ip: IPv4Address | None = None


@dataclass(frozen=True)
class ArcNodePoolSpec:
    """A node pool; `os_sku` and `vm_size` default per OS type."""

    name: str
    count: int = 1
    vm_size: str | None = None
    os_type: OsType = "Linux"
    os_sku: str | None = None
    max_pods: int | None = None
    enable_auto_scaling: bool = False
    min_count: int | None = None
    max_count: int | None = None

    @property
    def node_ceiling(self) -> int:
        """The most nodes this pool may run: the autoscaler's max count when it is on."""
        if self.enable_auto_scaling and self.max_count is not None:
            return max(self.max_count, self.count)
        return self.count


@dataclass(frozen=True)
class ArcClusterSpec:
    """The connected cluster and its provisioned cluster instance (the AKS Arc cluster)."""

    name: str
    kubernetes_version: str | None = None
    control_plane: ControlPlaneSpec = ControlPlaneSpec()
    pod_cidr: IPv4Network = DEFAULT_POD_CIDR
    service_cidr: IPv4Network | None = None  # fixed at 10.96.0.0/12: only there to be refused if different
    network_policy: str = "calico"
    load_balancer_count: int = 0  # HAProxy VMs (the API's loadBalancerProfile.count)
    load_balancer_ips: tuple[AddressRange, ...] = ()  # addresses for services (MetalLB), outside the pools
    admin_group_object_ids: tuple[str, ...] = ()
    enable_azure_rbac: bool = False
    ssh_public_key: str | None = None
    node_pools: tuple[ArcNodePoolSpec, ...] = (ArcNodePoolSpec(name="nodepool1"),)

    @property
    def worker_ceiling(self) -> int:
        return sum(p.node_ceiling for p in self.node_pools)


@dataclass(frozen=True)
class ArcSection:
    """Everything under `arc:`."""

    custom_location_id: str
    logical_network: LogicalNetworkSpec
    cluster: ArcClusterSpec
    location: str | None = None  # default: the custom location's region (read live)
    generation: Generation = "23h2"
    reserved: tuple[AddressRange, ...] = ()  # addresses others use in the prefix
    other_clusters: int = 0  # clusters already on this logical network (offline capacity)


@dataclass(frozen=True)
class ArcSpec:
    """A whole `platform: azure-local` scenario: one AKS Arc cluster on one logical network."""

    deployment: str
    resource_group: str
    arc: ArcSection
    subscription_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def platform(self) -> str:
        return PLATFORM

    @property
    def cluster(self) -> ArcClusterSpec:
        return self.arc.cluster

    @property
    def network(self) -> LogicalNetworkSpec:
        return self.arc.logical_network

    @property
    def network_resource_group(self) -> str:
        return self.network.resource_group or self.resource_group

    @property
    def provisions(self) -> bool:
        """Whether `up` can provision this generation (only the ARM one, 23H2 and later)."""
        return self.arc.generation == "23h2"


# Top-level keys of the cloud platform, with where their meaning lives on Azure Local.
CLOUD_KEYS = {
    "location": "arc.location (or leave it out: the custom location's region)",
    "vnet": "arc.logical_network",
    "route_table": "arc.logical_network.gateway (the logical network's default route)",
    "identity": "nothing: the connected cluster has a system-assigned identity",
    "cluster": "arc.cluster",
}


def cloud_keys(data: Mapping[str, Any]) -> list[FieldError]:
    """Keys of platform: azure in an azure-local file, each with where its meaning lives here."""
    return [
        FieldError(k, f"{k!r} is a key of platform: azure, not of platform: azure-local", f"use {where}")
        for k, where in CLOUD_KEYS.items()
        if k in data
    ]


def convert_arc(data: dict[str, Any], errors: list[FieldError]) -> ArcSpec | None:
    """The typed model, defaults filled; problems go to `errors` with their `--set` paths."""
    spec = convert(ArcSpec, data, errors)
    return resolve_defaults(spec) if spec is not None else None


def resolve_defaults(spec: ArcSpec) -> ArcSpec:
    """Fill what `az aksarc create` would default, so rules and plan see final values."""
    cluster = spec.cluster
    pools = tuple(_resolve_pool(p) for p in cluster.node_pools)
    arc = dataclasses.replace(spec.arc, cluster=dataclasses.replace(cluster, node_pools=pools))
    return dataclasses.replace(spec, arc=arc)


def _resolve_pool(pool: ArcNodePoolSpec) -> ArcNodePoolSpec:
    return dataclasses.replace(
        pool,
        vm_size=pool.vm_size or DEFAULT_WORKER_SIZE[pool.os_type],
        os_sku=pool.os_sku or DEFAULT_OS_SKU[pool.os_type],
    )


def with_location(spec: ArcSpec, location: str) -> ArcSpec:
    """The spec with the region read from its custom location, when it gave none."""
    if spec.arc.location:
        return spec
    return dataclasses.replace(spec, arc=dataclasses.replace(spec.arc, location=location))


def pool_names(spec: ArcSpec) -> Sequence[str]:
    return [p.name for p in spec.cluster.node_pools]
