"""The scenario file: YAML into a typed, frozen model, with `--set` overrides and az's defaults."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Network
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from aksnet.arc import PLATFORM as ARC_PLATFORM  # the Azure Local model (arc.spec) loads only for such a file
from aksnet.convert import FieldError, convert
from aksnet.errors import SpecInvalid
from aksnet.findings import Finding, error
from aksnet.netcalc import CapacityModel
from aksnet.spec_network import ApiServerSpec, IngressSpec, LoadBalancerSpec, NatGatewaySpec

if TYPE_CHECKING:
    from aksnet.arc.spec import ArcSpec


Plugin = Literal["kubenet", "azure", "none"]
PluginMode = Literal["overlay"]
Dataplane = Literal["azure", "cilium"]
Policy = Literal["none", "azure", "calico", "cilium"]
OutboundType = Literal["loadBalancer", "userDefinedRouting", "managedNATGateway", "userAssignedNATGateway", "none"]
NextHopType = Literal["VirtualAppliance", "VirtualNetworkGateway", "Internet", "VnetLocal", "None"]
PoolMode = Literal["System", "User"]
OsType = Literal["Linux", "Windows"]
IpFamily = Literal["IPv4", "IPv6"]
PodIpAllocationMode = Literal["DynamicIndividual", "StaticBlock"]
IPNetwork = IPv4Network | IPv6Network

WINDOWS_PASSWORD_ENV = "AKSNET_WINDOWS_ADMIN_PASSWORD"

# AKS/az defaults (arm-facts.md §3.1, §4.3).
DEFAULT_POD_CIDR = IPv4Network("10.244.0.0/16")
DEFAULT_SERVICE_CIDR = IPv4Network("10.0.0.0/16")
DEFAULT_DNS_SERVICE_IP = IPv4Address("10.0.0.10")
# Dual-stack IPv6 defaults (configure-dual-stack.md, azure-cni-overlay.md).
DEFAULT_POD_CIDR_V6 = IPv6Network("fd12:3456:789a::/64")
DEFAULT_SERVICE_CIDR_V6 = IPv6Network("fd12:3456:789a:1::/108")
DEFAULT_POD_IP_ALLOCATION_MODE: PodIpAllocationMode = "DynamicIndividual"
DEFAULT_MAX_SURGE = "10%"
DEFAULT_NODE_COUNT = 3


@dataclass(frozen=True)
class RouteSpec:
    """One user-defined route of the custom route table."""

    name: str
    address_prefix: IPv4Network
    next_hop_type: NextHopType
    next_hop_ip_address: IPv4Address | None = None


@dataclass(frozen=True)
class RouteTableSpec:
    """The optional custom route table associated with the cluster subnet."""

    name: str
    existing: bool = False
    resource_group: str | None = None
    routes: tuple[RouteSpec, ...] = ()


@dataclass(frozen=True)
class SubnetSpec:
    """A subnet of the VNet the deployment uses (for nodes or pods); `existing` defaults to the VNet's."""

    name: str
    address_prefix: IPv4Network | None = None
    address_prefix_ipv6: IPv6Network | None = None
    existing: bool | None = None

    @property
    def prefixes(self) -> tuple[IPNetwork, ...]:
        """Its IPv4 prefix, then its IPv6 one (dual-stack), as far as they are known."""
        return tuple(p for p in (self.address_prefix, self.address_prefix_ipv6) if p is not None)


@dataclass(frozen=True)
class VNetSpec:
    """The virtual network the cluster joins, created by aksnet or brought by the user.

    `subnet` is the default node subnet; `subnets` are more subnets of the same VNet (per-pool node
    subnets, pod subnets), each created or brought like it. Pools refer to them by name.
    """

    name: str
    subnet: SubnetSpec
    existing: bool = False
    resource_group: str | None = None
    address_prefixes: tuple[IPv4Network | IPv6Network, ...] = ()
    subnets: tuple[SubnetSpec, ...] = ()

    @property
    def all_subnets(self) -> tuple[SubnetSpec, ...]:
        """The default subnet first, then the others, in the order the spec lists them."""
        return (self.subnet, *self.subnets)

    def find_subnet(self, name: str | None) -> SubnetSpec | None:
        """The declared subnet called `name` (subnet names compare case-insensitively, as in ARM)."""
        if name is None:
            return None
        return next((s for s in self.all_subnets if s.name.lower() == name.lower()), None)

    def subnet_field(self, subnet: SubnetSpec) -> str:
        """Where `subnet` is declared: `vnet.subnet` or `vnet.subnets.<i>`."""
        if subnet is self.subnet:
            return "vnet.subnet"
        index = next(i for i, s in enumerate(self.subnets) if s is subnet)
        return f"vnet.subnets.{index}"

    def prefixes_of(self, version: int) -> tuple[IPNetwork, ...]:
        """The VNet's address prefixes of one IP version (4 or 6)."""
        return tuple(p for p in self.address_prefixes if p.version == version)


@dataclass(frozen=True)
class IdentitySpec:
    """The user-assigned control-plane identity: a `name` aksnet creates, or the `id` of one you bring."""

    name: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class NodePoolSpec:
    """An agent pool. `max_pods`, `mode` and surge take AKS's defaults when omitted."""

    name: str
    mode: PoolMode | None = None
    os_type: OsType = "Linux"
    count: int = DEFAULT_NODE_COUNT
    vm_size: str | None = None
    max_pods: int | None = None
    max_surge: str | None = None
    enable_auto_scaling: bool = False
    min_count: int | None = None
    max_count: int | None = None
    subnet: str | None = None
    pod_subnet: str | None = None
    pod_ip_allocation_mode: PodIpAllocationMode | None = None

    @property
    def allocation_mode(self) -> PodIpAllocationMode | None:
        """How pod IPs come from the pod subnet (AKS's default DynamicIndividual); None without one."""
        if self.pod_subnet is None:
            return None
        return self.pod_ip_allocation_mode or DEFAULT_POD_IP_ALLOCATION_MODE

    @property
    def node_ceiling(self) -> int:
        """The most nodes this pool may run: the autoscaler's max count when it is on."""
        if self.enable_auto_scaling and self.max_count is not None:
            return max(self.max_count, self.count)
        return self.count

    @property
    def node_floor(self) -> int:
        if self.enable_auto_scaling and self.min_count is not None:
            return self.min_count
        return self.count


@dataclass(frozen=True)
class ClusterSpec:
    """The managed cluster and its network profile."""

    name: str
    node_pools: tuple[NodePoolSpec, ...] = (NodePoolSpec(name="nodepool1"),)
    kubernetes_version: str | None = None
    dns_prefix: str | None = None
    network_plugin: Plugin | None = None
    network_plugin_mode: PluginMode | None = None
    network_dataplane: Dataplane | None = None
    network_policy: Policy | None = None
    pod_cidr: IPv4Network | None = None
    service_cidr: IPv4Network | None = None
    dns_service_ip: IPv4Address | None = None
    outbound_type: OutboundType = "loadBalancer"
    windows_admin_username: str | None = None
    ip_families: tuple[IpFamily, ...] | None = None
    pod_cidrs: tuple[IPv4Network | IPv6Network, ...] | None = None
    service_cidrs: tuple[IPv4Network | IPv6Network, ...] | None = None
    api_server: ApiServerSpec = field(default_factory=ApiServerSpec)
    load_balancer: LoadBalancerSpec | None = None

    @property
    def dual_stack(self) -> bool:
        """IPv4 and IPv6 (ip_families lists IPv6)."""
        return "IPv6" in (self.ip_families or ())

    @property
    def pod_cidr_ipv6(self) -> IPv6Network | None:
        """The IPv6 pod range of a dual-stack cluster."""
        return _ipv6_of(self.pod_cidrs)

    @property
    def service_cidr_ipv6(self) -> IPv6Network | None:
        """The IPv6 service range of a dual-stack cluster."""
        return _ipv6_of(self.service_cidrs)

    @property
    def plugin(self) -> Plugin:
        return self.network_plugin or "azure"

    @property
    def overlay(self) -> bool:
        return self.plugin == "azure" and self.network_plugin_mode == "overlay"

    @property
    def flat_azure_cni(self) -> bool:
        return self.plugin == "azure" and self.network_plugin_mode is None

    @property
    def policy(self) -> Policy:
        if self.network_policy is None and self.network_dataplane == "cilium":
            return "cilium"  # AKS (and the docs' az command) pair the Cilium dataplane with Cilium policy
        return self.network_policy or "none"

    @property
    def dataplane(self) -> Dataplane:
        return self.network_dataplane or "azure"

    @property
    def plugin_label(self) -> CapacityModel:
        """kubenet | azure | overlay | none: the capacity model in use."""
        return "overlay" if self.overlay else self.plugin

    @property
    def has_windows_pool(self) -> bool:
        return any(p.os_type == "Windows" for p in self.node_pools)


@dataclass(frozen=True)
class Spec:
    """A whole scenario: one deployment of one cluster and the network it needs."""

    deployment: str
    location: str
    resource_group: str
    vnet: VNetSpec
    cluster: ClusterSpec
    identity: IdentitySpec = IdentitySpec()
    route_table: RouteTableSpec | None = None
    nat_gateway: NatGatewaySpec | None = None
    ingress: IngressSpec = field(default_factory=IngressSpec)
    subscription_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def vnet_resource_group(self) -> str:
        return self.vnet.resource_group or self.resource_group

    @property
    def route_table_resource_group(self) -> str:
        rt = self.route_table
        return (rt.resource_group if rt else None) or self.resource_group

    @property
    def subnet_existing(self) -> bool:
        return self.is_existing(self.vnet.subnet)

    def is_existing(self, subnet: SubnetSpec) -> bool:
        """Whether the user brings `subnet` (it defaults to whether the VNet is brought)."""
        return self.vnet.existing if subnet.existing is None else subnet.existing

    def node_subnet_of(self, pool: NodePoolSpec) -> SubnetSpec | None:
        """The subnet `pool`'s nodes join: the one it names, else the default; None for an undeclared name."""
        return self.vnet.find_subnet(pool.subnet) if pool.subnet else self.vnet.subnet

    def pod_subnet_of(self, pool: NodePoolSpec) -> SubnetSpec | None:
        """The subnet `pool` takes pod addresses from, if it names a declared one."""
        return self.vnet.find_subnet(pool.pod_subnet)

    def cluster_subnets(self) -> tuple[SubnetSpec, ...]:
        """Every declared subnet the cluster joins (node and pod subnets), in declaration order, once each."""
        return self._declared({*self._names(self.node_subnet_of), *self._names(self.pod_subnet_of)})

    def node_subnets(self) -> tuple[SubnetSpec, ...]:
        """The declared subnets some pool's nodes join."""
        return self._declared(self._names(self.node_subnet_of))

    def pod_subnets(self) -> tuple[SubnetSpec, ...]:
        """The declared subnets some pool takes its pod addresses from."""
        return self._declared(self._names(self.pod_subnet_of))

    def api_server_subnet(self) -> SubnetSpec | None:
        """The declared subnet the API server is projected into (VNet integration), if it names one."""
        api = self.cluster.api_server
        return self.vnet.find_subnet(api.subnet) if api.vnet_integration else None

    def ingress_subnet(self) -> SubnetSpec | None:
        """The declared subnet internal load balancers take their frontend addresses from, if it names one."""
        return self.vnet.find_subnet(self.ingress.internal_subnet)

    def granted_subnets(self) -> tuple[SubnetSpec, ...]:
        """Every declared subnet the cluster identity gets Network Contributor on: node and pod subnets, the API
        server subnet and the internal load balancers' subnet."""
        more = (self.api_server_subnet(), self.ingress_subnet())
        return self._declared({s.name.lower() for s in (*self.cluster_subnets(), *more) if s is not None})

    def _names(self, of: Callable[[NodePoolSpec], SubnetSpec | None]) -> set[str]:
        return {s.name.lower() for s in (of(p) for p in self.cluster.node_pools) if s is not None}

    def _declared(self, names: set[str]) -> tuple[SubnetSpec, ...]:
        return tuple(s for s in self.vnet.all_subnets if s.name.lower() in names)


def load_spec(path: str | Path, overrides: Sequence[str] = ()) -> Spec | ArcSpec:
    """Read, override and type a scenario file; raise SpecInvalid with every problem found."""
    from aksnet.scenarios import resolve

    data = read_yaml(resolve(path))
    return parse_spec(data, overrides, source=str(path))


def parse_spec(data: Any, overrides: Sequence[str] = (), *, source: str = "spec") -> Spec | ArcSpec:
    """The model of the scenario's `platform`: `Spec` for azure (the default), `ArcSpec` for azure-local."""
    errors: list[FieldError] = []
    for override in overrides:
        data = apply_override(data, override, errors)
    platform, data = _platform(data, errors)
    spec: Spec | ArcSpec | None = None
    if not errors and platform == ARC_PLATFORM:
        from aksnet.arc.spec import convert_arc

        spec = convert_arc(data, errors)
    elif not errors:
        spec = convert(Spec, data, errors)
    if spec is None or errors:
        raise SpecInvalid(f"{source} is not a valid scenario", findings=[_finding(e) for e in errors])
    return resolve_defaults(spec) if isinstance(spec, Spec) else spec


def _platform(data: Any, errors: list[FieldError]) -> tuple[str, Any]:
    """The scenario's platform (default azure), the data without the key, and keys of the other platform."""
    if not isinstance(data, dict):
        return "azure", data
    platform = data.get("platform", "azure")
    if platform not in ("azure", ARC_PLATFORM):
        errors.append(FieldError("platform", f"{platform!r} is not one of: azure, {ARC_PLATFORM}", "e.g. azure"))
        return "azure", data
    if platform == ARC_PLATFORM:
        from aksnet.arc.spec import cloud_keys

        errors.extend(cloud_keys(data))
    elif "arc" in data:
        errors.append(FieldError("arc", "'arc' is only for platform: azure-local", "add platform: azure-local"))
    return platform, {k: v for k, v in data.items() if k != "platform"}


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, refusing duplicate keys; problems become SPEC_INVALID findings."""
    import yaml

    def fail(message: str, hint: str) -> SpecInvalid:
        return SpecInvalid(message, findings=[error("SPEC_INVALID", "", message, hint)])

    if not path.exists():
        raise fail(f"{path}: no such file, nor a bundled scenario of that name", _missing_hint(path))
    if path.is_dir():
        raise fail(f"{path} is a folder, not a scenario file", "pass one YAML file inside it")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{path} cannot be read: {exc.__class__.__name__}", "pass a UTF-8 YAML file") from None
    try:
        return yaml.load(text, Loader=_unique_key_loader())
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise fail(f"{path} is not valid YAML{at}: {problem}", "fix the YAML syntax at that position") from None


def _missing_hint(path: Path) -> str:
    from aksnet.scenarios import similar

    close = similar(str(path))
    guess = f"did you mean {' or '.join(close)}? " if close else ""
    return f"{guess}pass the path of a scenario YAML file, or a bundled scenario's name (`aksnet scenarios`)"


def _unique_key_loader() -> Any:
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep)

    return UniqueKeyLoader


def apply_override(data: Any, override: str, errors: list[FieldError]) -> Any:
    """Apply one `PATH=VALUE` (dotted path, list indexes, VALUE as YAML) to plain data."""
    import yaml

    path, sep, raw = override.partition("=")
    path = path.strip()
    if not sep or not path:
        errors.append(
            FieldError(path, f"--set {override!r} is not PATH=VALUE", "e.g. --set cluster.node_pools.0.count=5")
        )
        return data
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    root = data if isinstance(data, dict) else {}
    _set_path(root, path.split("."), value, errors, path)
    return root


def _set_path(node: Any, keys: list[str], value: Any, errors: list[FieldError], full: str) -> None:
    key, rest = keys[0], keys[1:]
    if isinstance(node, list):
        if not key.isdigit() or int(key) >= len(node):
            errors.append(FieldError(full, f"{key!r} is not an index of a list of {len(node)}", "use 0-based indexes"))
            return
        slot: Any = int(key)
    elif isinstance(node, dict):
        slot = key
    else:
        errors.append(FieldError(full, f"cannot descend into {key!r}: its parent is not a map or a list", ""))
        return
    if not rest:
        node[slot] = value
        return
    child = node[slot] if (isinstance(node, list) or slot in node) else None
    if child is None:
        child = {}
        node[slot] = child
    _set_path(child, rest, value, errors, full)


def resolve_defaults(spec: Spec) -> Spec:
    """Fill what `az aks create` and AKS would default, so rules and plan see final values."""
    cluster = spec.cluster
    plugin: Plugin = cluster.network_plugin or "azure"
    mode = cluster.network_plugin_mode
    if cluster.network_plugin is None and mode is None:
        mode = "overlay"  # az and AKS (k8s >= 1.30) default to Azure CNI Overlay
    uses_pod_cidr = plugin in ("kubenet", "none") or mode == "overlay"
    pod_cidr = cluster.pod_cidr or _ipv4_of(cluster.pod_cidrs) or (DEFAULT_POD_CIDR if uses_pod_cidr else None)
    service_cidr = cluster.service_cidr or _ipv4_of(cluster.service_cidrs) or DEFAULT_SERVICE_CIDR
    dns = cluster.dns_service_ip or _default_dns_ip(service_cidr)
    resolved = dataclasses.replace(
        cluster,
        network_plugin=plugin,
        network_plugin_mode=mode,
        pod_cidr=pod_cidr,
        service_cidr=service_cidr,
        dns_service_ip=dns,
        **_dual_stack_ranges(cluster, pod_cidr, service_cidr),
    )
    pools = tuple(_resolve_pool(p, i, resolved, spec.vnet.subnet.name) for i, p in enumerate(cluster.node_pools))
    identity = (
        spec.identity if (spec.identity.name or spec.identity.id) else IdentitySpec(name=f"{cluster.name}-identity")
    )
    return dataclasses.replace(spec, cluster=dataclasses.replace(resolved, node_pools=pools), identity=identity)


def _ipv4_of(ranges: tuple[IPNetwork, ...] | None) -> IPv4Network | None:
    first = ranges[0] if ranges else None
    return first if isinstance(first, IPv4Network) else None


def _ipv6_of(ranges: tuple[IPNetwork, ...] | None) -> IPv6Network | None:
    return next((r for r in ranges or () if isinstance(r, IPv6Network)), None)


def _dual_stack_ranges(cluster: ClusterSpec, pod_cidr: IPv4Network | None, service: IPv4Network) -> dict[str, Any]:
    """A dual-stack cluster's range lists, with AKS's IPv6 defaults for the lists the spec leaves out."""
    if not cluster.dual_stack:
        return {}
    pods = cluster.pod_cidrs or ((pod_cidr, DEFAULT_POD_CIDR_V6) if pod_cidr is not None else None)
    return {"pod_cidrs": pods, "service_cidrs": cluster.service_cidrs or (service, DEFAULT_SERVICE_CIDR_V6)}


def _default_dns_ip(service_cidr: IPv4Network) -> IPv4Address:
    if service_cidr == DEFAULT_SERVICE_CIDR or service_cidr.num_addresses <= 10:
        return DEFAULT_DNS_SERVICE_IP
    return service_cidr.network_address + 10  # the docs' convention: the .10 address of the range


DEFAULT_MAX_PODS = {"overlay": 250, "azure": 30, "kubenet": 110, "none": 110}
# Azure CNI with a pod subnet: 110 (concepts-network-ip-address-planning, arm-facts §4.3; the dynamic
# allocation page says 250, breadth §0.2.5). aksnet always sends maxPods, so the choice is explicit.
POD_SUBNET_DEFAULT_MAX_PODS = 110


def default_max_pods(cluster: ClusterSpec) -> int:
    """AKS's default maxPods per network model (arm-facts.md §4.3)."""
    return default_max_pods_for(cluster.plugin_label)


def default_max_pods_for(model: str) -> int:
    """AKS's default maxPods for a capacity model: overlay 250, flat Azure CNI 30, kubenet (and BYO) 110."""
    return DEFAULT_MAX_PODS.get(model, 110)


def _resolve_pool(pool: NodePoolSpec, index: int, cluster: ClusterSpec, default_subnet: str) -> NodePoolSpec:
    mode: PoolMode = pool.mode or ("System" if index == 0 else "User")
    pod_subnet_default = POD_SUBNET_DEFAULT_MAX_PODS if pool.pod_subnet and cluster.flat_azure_cni else None
    max_pods = pool.max_pods or pod_subnet_default or default_max_pods(cluster)
    return dataclasses.replace(pool, mode=mode, max_pods=max_pods, subnet=pool.subnet or default_subnet)


def windows_admin_password(env: Mapping[str, str] | None = None) -> str | None:
    """The Windows admin password, only ever from the environment, never from the file."""
    value = (os.environ if env is None else env).get(WINDOWS_PASSWORD_ENV)
    return value or None


def default_dns_prefix(cluster_name: str, resource_group: str, subscription_id: str) -> str:
    """The DNS prefix az derives: name[:10]-rg[:16]-sub[:6] (acs `_get_default_dns_prefix`)."""
    name_part = re.sub("[^A-Za-z0-9-]", "", cluster_name)[:10]
    if not name_part or not name_part[0].isalpha():
        name_part = ("a" + name_part)[:10]
    rg_part = re.sub("[^A-Za-z0-9-]", "", resource_group)[:16]
    return f"{name_part}-{rg_part}-{subscription_id[:6]}"


def _finding(e: FieldError) -> Finding:
    message = f"{e.field}: {e.message}" if e.field else e.message
    return error("SPEC_INVALID", e.field, message, e.hint or "see 'The scenario file' in the README")
