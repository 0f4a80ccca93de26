"""API server rules: private cluster and its DNS zone, public FQDN, authorized IP ranges, VNet
integration (breadth.md R7.1-R7.4, R7.7-R7.12, §8.1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from ipaddress import IPv4Network, ip_network

from aksnet.findings import Finding, error, listed
from aksnet.netcalc import usable_ips
from aksnet.rules.base import RuleContext
from aksnet.rules.pod_subnets import kubernetes_older_than
from aksnet.sizing import API_SERVER_ADDRESSES
from aksnet.spec import Spec
from aksnet.spec_network import ZONE_NONE, ZONE_SYSTEM, PrivateDnsZoneSpec

FIELD = "cluster.api_server"
SUBZONE = r"[a-zA-Z0-9-]{1,32}"  # the RP's pattern for `<subzone>` (InvalidPrivateDNSZoneResourceID)
ZONE_ID = re.compile(
    r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.network/privatednszones/([^/]+)$", re.IGNORECASE
)
MAX_RANGES = 200
MAX_RANGES_VNET_INTEGRATION = 2000
AGENT_NODES_ONLY = "0.0.0.0/32"  # only the cluster's own outbound IPs
VNET_INTEGRATION_REGIONS_WITHOUT = frozenset({"qatarcentral"})
SMALLEST_API_SERVER_SUBNET = 28  # "The minimum supported API server subnet size is /28"
DUAL_STACK_VNET_INTEGRATION_MIN_KUBERNETES = (1, 26, 3)


def zone_name(spec: Spec) -> str | None:
    """The custom zone's name: given, or the last segment of the zone id you bring."""
    zone = spec.cluster.api_server.private_dns_zone
    if isinstance(zone, PrivateDnsZoneSpec):
        return zone.name
    found = ZONE_ID.match(zone) if zone else None
    return found.group(1) if found else None


def allowed_zone_names(location: str, vnet_integration: bool) -> list[str]:
    """The zone names AKS accepts in `location` (R7.1)."""
    kinds = ["privatelink", *(["private"] if vnet_integration else [])]
    return [f"{form}{kind}.{location}.azmk8s.io" for kind in kinds for form in ("", "<subzone>.")]


def private_dns_zone(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    api, field = spec.cluster.api_server, f"{FIELD}.private_dns_zone"
    zone = api.private_dns_zone
    if zone is None:
        return
    if not api.private:
        yield error(
            "PRIVATE_DNS_ZONE_NOT_APPLICABLE",
            field,
            "a private DNS zone is set, but the cluster is public (cluster.api_server.private is false); az: "
            '"Invalid private dns zone for public cluster"',
            f"set {FIELD}.private: true, or drop {field}",
        )
    if isinstance(zone, str) and zone.lower() in (ZONE_SYSTEM, ZONE_NONE):
        return
    yield from _zone_name(spec, field)


def _zone_name(spec: Spec, field: str) -> Iterator[Finding]:
    name, integrated = zone_name(spec), spec.cluster.api_server.vnet_integration
    if name is None:
        yield error(
            "PRIVATE_DNS_ZONE_INVALID",
            field,
            f"{spec.cluster.api_server.private_dns_zone!r} is neither system, none, a private DNS zone id nor "
            "{name, existing}",
            "use system, none, /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/"
            f"privatelink.{spec.location}.azmk8s.io, or {{name: privatelink.{spec.location}.azmk8s.io}}",
        )
        return
    kinds = "privatelink|private" if integrated else "privatelink"
    pattern = rf"^({SUBZONE}\.)?({kinds})\.{re.escape(spec.location)}\.azmk8s\.io$"
    if not re.match(pattern, name, re.IGNORECASE):
        yield error(
            "PRIVATE_DNS_ZONE_INVALID",
            field,
            f"zone {name} is not a name AKS accepts for a private cluster in {spec.location}: it takes "
            f"{' or '.join(allowed_zone_names(spec.location, integrated))} (a subzone of 1-32 letters, digits or "
            "'-'; the region's full name)",
            f"use privatelink.{spec.location}.azmk8s.io"
            + (f" (or private.{spec.location}.azmk8s.io)" if integrated else ""),
        )


def public_fqdn(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    api, field = spec.cluster.api_server, f"{FIELD}.public_fqdn"
    if api.public_fqdn is not None and not api.private:
        yield error(
            "PUBLIC_FQDN_NOT_APPLICABLE",
            field,
            "public_fqdn is set, but the cluster is public: it has a public FQDN anyway",
            f"drop {field}, or set {FIELD}.private: true",
        )
    zone = api.private_dns_zone
    if api.private and api.public_fqdn is False and isinstance(zone, str) and zone.lower() == ZONE_NONE:
        yield error(
            "PUBLIC_FQDN_REQUIRED",
            field,
            "private_dns_zone none with public_fqdn false is not supported: without a private zone the nodes "
            "and you reach the API server only through its public FQDN",
            f"drop {field} (the public FQDN stays on), or use private_dns_zone: system or a custom zone",
        )


def authorized_ranges(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    api, field = spec.cluster.api_server, f"{FIELD}.authorized_ip_ranges"
    ranges = api.authorized_ip_ranges
    if not ranges:
        return
    if api.private:
        yield error(
            "AUTHORIZED_RANGES_NOT_APPLICABLE",
            field,
            f"authorized IP ranges ({listed(list(ranges))}) do not apply to a private cluster's private endpoint "
            "(az: not supported for private cluster)",
            f"drop {field}, or make the cluster public",
        )
    most = MAX_RANGES_VNET_INTEGRATION if api.vnet_integration else MAX_RANGES
    if len(ranges) > most:
        yield error(
            "AUTHORIZED_RANGES_TOO_MANY",
            field,
            f"{len(ranges)} authorized IP ranges; AKS takes up to {most}"
            + ("" if api.vnet_integration else f" ({MAX_RANGES_VNET_INTEGRATION:,} with API server VNet integration)"),
            "merge neighbouring ranges into larger CIDRs",
        )
    for i, text in enumerate(ranges):
        problem = _range_problem(text, ranges)
        if problem:
            yield error("AUTHORIZED_RANGE_INVALID", f"{field}.{i}", f"{text!r} {problem}", _range_hint(text))


def _range_problem(text: str, ranges: tuple[str, ...]) -> str | None:
    if text == AGENT_NODES_ONLY:
        return "(only the cluster's outbound IPs) cannot be combined with other ranges" if len(ranges) > 1 else None
    try:
        net = ip_network(text.strip())
    except ValueError:
        return "is not an IPv4 address or CIDR with its network address"
    if not isinstance(net, IPv4Network):
        return "is IPv6; authorized IP ranges are IPv4 only"
    if not net.is_global:
        return "is a private or reserved range; authorized IP ranges must be public (global) addresses"
    return None


def _range_hint(text: str) -> str:
    try:
        return f"use {ip_network(text.strip(), strict=False)}" if "/" in text else "use a public IPv4 address or CIDR"
    except ValueError:
        return "use a public IPv4 address or CIDR such as 203.0.113.0/24"


def vnet_integration(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    api = spec.cluster.api_server
    if api.subnet is not None and not api.vnet_integration:
        yield error(
            "API_SERVER_SUBNET_NOT_APPLICABLE",
            f"{FIELD}.subnet",
            f"an API server subnet ({api.subnet}) is set without vnet_integration (az: --apiserver-subnet-id needs "
            "--enable-apiserver-vnet-integration)",
            f"set {FIELD}.vnet_integration: true, or drop {FIELD}.subnet",
        )
    if not api.vnet_integration:
        return
    if api.subnet is None:
        yield error(
            "API_SERVER_SUBNET_REQUIRED",
            f"{FIELD}.subnet",
            "API server VNet integration in your own VNet needs a delegated API server subnet (subnetId is required "
            "when creating a cluster with BYO VNet)",
            f"add a /28 or larger subnet to vnet.subnets and name it in {FIELD}.subnet",
        )
    if spec.location.lower() in VNET_INTEGRATION_REGIONS_WITHOUT:
        yield error(
            "VNET_INTEGRATION_UNSUPPORTED",
            f"{FIELD}.vnet_integration",
            f"API server VNet integration is not available in {spec.location}",
            "use a private cluster without VNet integration, or another region",
        )


def api_server_subnet(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """The API server subnet is declared, a /28 or larger, and no pool's node or pod subnet (R7.7)."""
    api, field = spec.cluster.api_server, f"{FIELD}.subnet"
    if not api.vnet_integration or api.subnet is None:
        return
    subnet = spec.api_server_subnet()
    if subnet is None:
        yield error(
            "SUBNET_NOT_DECLARED",
            field,
            f"the API server subnet {api.subnet!r} is not a subnet VNet {spec.vnet.name} declares (declared: "
            f"{', '.join(s.name for s in spec.vnet.all_subnets)})",
            "add it to vnet.subnets ({name: ..., address_prefix: <a /28 or larger>}, or existing: true for a "
            "delegated subnet you bring), or name a declared one",
        )
        return
    prefix = subnet.address_prefix
    if prefix is not None and prefix.prefixlen > SMALLEST_API_SERVER_SUBNET:
        yield error(
            "API_SERVER_SUBNET_TOO_SMALL",
            f"{spec.vnet.subnet_field(subnet)}.address_prefix",
            f"API server subnet {subnet.name} {prefix} is smaller than /{SMALLEST_API_SERVER_SUBNET}, the smallest "
            f"AKS supports: it has {usable_ips(prefix)} usable addresses and each cluster's API server reserves "
            f"at least {API_SERVER_ADDRESSES}",
            f"use a /{SMALLEST_API_SERVER_SUBNET} (one cluster) or larger (a /27 holds two clusters' API servers)",
        )
    pools = [p.name for p in spec.cluster.node_pools if subnet in (spec.node_subnet_of(p), spec.pod_subnet_of(p))]
    if pools:
        yield error(
            "API_SERVER_SUBNET_SHARED",
            field,
            f"API server subnet {subnet.name} is also a node or pod subnet of pool(s) {', '.join(pools)}; it is "
            "delegated to AKS for API servers and holds nothing else",
            "declare a subnet of its own for the API server in vnet.subnets and name it here",
        )


def vnet_integration_dual_stack(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """With dual-stack, VNet integration needs Kubernetes 1.26.3 or later (the overlay is the dual-stack rule's)."""
    cluster = spec.cluster
    floor = DUAL_STACK_VNET_INTEGRATION_MIN_KUBERNETES
    version = cluster.kubernetes_version
    if cluster.api_server.vnet_integration and cluster.dual_stack and kubernetes_older_than(version, floor):
        yield error(
            "KUBERNETES_VERSION_UNSUPPORTED",
            "cluster.kubernetes_version",
            f"API server VNet integration on a dual-stack cluster needs Kubernetes 1.26.3 or later (network "
            f"plugin azure, mode overlay); the cluster asks for {version}",
            "use Kubernetes 1.26.3 or later, or omit kubernetes_version for AKS's default",
        )


RULES = (
    private_dns_zone,
    public_fqdn,
    authorized_ranges,
    vnet_integration,
    api_server_subnet,
    vnet_integration_dual_stack,
)
