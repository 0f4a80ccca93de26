"""The scenario file: YAML into a typed, frozen model, with `--set` overrides and az's defaults."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any, Literal

from aksnet.convert import FieldError, convert
from aksnet.errors import SpecInvalid
from aksnet.findings import Finding, error
from aksnet.netcalc import CapacityModel

Plugin = Literal["kubenet", "azure", "none"]
PluginMode = Literal["overlay"]
Dataplane = Literal["azure", "cilium"]
Policy = Literal["none", "azure", "calico", "cilium"]
OutboundType = Literal["loadBalancer", "userDefinedRouting", "managedNATGateway", "userAssignedNATGateway", "none"]
NextHopType = Literal["VirtualAppliance", "VirtualNetworkGateway", "Internet", "VnetLocal", "None"]
PoolMode = Literal["System", "User"]
OsType = Literal["Linux", "Windows"]

WINDOWS_PASSWORD_ENV = "AKSNET_WINDOWS_ADMIN_PASSWORD"

# AKS/az defaults (arm-facts.md §3.1, §4.3).
DEFAULT_POD_CIDR = IPv4Network("10.244.0.0/16")
DEFAULT_SERVICE_CIDR = IPv4Network("10.0.0.0/16")
DEFAULT_DNS_SERVICE_IP = IPv4Address("10.0.0.10")
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
    """The node subnet; `existing` defaults to the VNet's."""

    name: str
    address_prefix: IPv4Network | None = None
    existing: bool | None = None


@dataclass(frozen=True)
class VNetSpec:
    """The virtual network the cluster joins, created by aksnet or brought by the user."""

    name: str
    subnet: SubnetSpec
    existing: bool = False
    resource_group: str | None = None
    address_prefixes: tuple[IPv4Network, ...] = ()


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
        return self.vnet.existing if self.vnet.subnet.existing is None else self.vnet.subnet.existing


def load_spec(path: str | Path, overrides: Sequence[str] = ()) -> Spec:
    """Read, override and type a scenario file; raise SpecInvalid with every problem found."""
    from aksnet.scenarios import resolve

    data = read_yaml(resolve(path))
    return parse_spec(data, overrides, source=str(path))


def parse_spec(data: Any, overrides: Sequence[str] = (), *, source: str = "spec") -> Spec:
    errors: list[FieldError] = []
    for override in overrides:
        data = apply_override(data, override, errors)
    spec = convert(Spec, data, errors) if not errors else None
    if spec is None or errors:
        raise SpecInvalid(f"{source} is not a valid scenario", findings=[_finding(e) for e in errors])
    return resolve_defaults(spec)


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
    pod_cidr = cluster.pod_cidr or (DEFAULT_POD_CIDR if uses_pod_cidr else None)
    service_cidr = cluster.service_cidr or DEFAULT_SERVICE_CIDR
    dns = cluster.dns_service_ip or _default_dns_ip(service_cidr)
    resolved = dataclasses.replace(
        cluster,
        network_plugin=plugin,
        network_plugin_mode=mode,
        pod_cidr=pod_cidr,
        service_cidr=service_cidr,
        dns_service_ip=dns,
    )
    pools = tuple(_resolve_pool(p, i, resolved) for i, p in enumerate(cluster.node_pools))
    identity = (
        spec.identity if (spec.identity.name or spec.identity.id) else IdentitySpec(name=f"{cluster.name}-identity")
    )
    return dataclasses.replace(spec, cluster=dataclasses.replace(resolved, node_pools=pools), identity=identity)


def _default_dns_ip(service_cidr: IPv4Network) -> IPv4Address:
    if service_cidr == DEFAULT_SERVICE_CIDR or service_cidr.num_addresses <= 10:
        return DEFAULT_DNS_SERVICE_IP
    return service_cidr.network_address + 10  # the docs' convention: the .10 address of the range


DEFAULT_MAX_PODS = {"overlay": 250, "azure": 30, "kubenet": 110, "none": 110}


def default_max_pods(cluster: ClusterSpec) -> int:
    """AKS's default maxPods per network model (arm-facts.md §4.3)."""
    return default_max_pods_for(cluster.plugin_label)


def default_max_pods_for(model: str) -> int:
    """AKS's default maxPods for a capacity model: overlay 250, flat Azure CNI 30, kubenet (and BYO) 110."""
    return DEFAULT_MAX_PODS.get(model, 110)


def _resolve_pool(pool: NodePoolSpec, index: int, cluster: ClusterSpec) -> NodePoolSpec:
    mode: PoolMode = pool.mode or ("System" if index == 0 else "User")
    return dataclasses.replace(pool, mode=mode, max_pods=pool.max_pods or default_max_pods(cluster))


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
