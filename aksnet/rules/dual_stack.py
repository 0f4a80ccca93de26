"""Dual-stack IPv4/IPv6 rules: the families and range lists, the network model, engines, subnets (breadth.md §3b)."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet.findings import Finding, error
from aksnet.rules.base import RuleContext
from aksnet.rules.pod_subnets import kubernetes_older_than
from aksnet.spec import IPNetwork, Spec

FAMILIES = (("IPv4",), ("IPv4", "IPv6"))
DUAL_STACK_CILIUM_MIN_KUBERNETES = (1, 29)


def ip_families(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """Only [IPv4] or [IPv4, IPv6]."""
    families = spec.cluster.ip_families
    if families is not None and families not in FAMILIES:
        yield error(
            "IP_FAMILIES_INVALID",
            "cluster.ip_families",
            f"ip_families {list(families)} is not supported: AKS takes [IPv4] or [IPv4, IPv6] (IPv6-only clusters "
            "are not supported)",
            "set cluster.ip_families: [IPv4, IPv6] for dual-stack, or [IPv4] (or omit it)",
        )


def range_lists(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """The count and order of pod_cidrs and service_cidrs must match ip_families (and the single ranges)."""
    cluster = spec.cluster
    families = cluster.ip_families or ("IPv4",)
    if families not in FAMILIES:
        return
    yield from _range_list("pod_cidrs", cluster.pod_cidrs, ("pod_cidr", cluster.pod_cidr), families)
    yield from _range_list("service_cidrs", cluster.service_cidrs, ("service_cidr", cluster.service_cidr), families)


def _range_list(
    name: str, ranges: tuple[IPNetwork, ...] | None, single: tuple[str, IPNetwork | None], families: tuple[str, ...]
) -> Iterator[Finding]:
    if ranges is None:
        return
    got = [f"IPv{r.version}" for r in ranges]
    if tuple(got) != families:
        yield error(
            "IP_FAMILIES_MISMATCH",
            f"cluster.{name}",
            f"cluster.{name} {[str(r) for r in ranges]} is {got}, but ip_families is {list(families)}; the count "
            "and order of the ranges must match it",
            f"give one range per family, in the order of ip_families: {_example(name, families)}",
        )
    elif single[1] is not None and ranges[0] != single[1]:
        yield error(
            "IP_FAMILIES_MISMATCH",
            f"cluster.{name}",
            f"cluster.{name} starts with {ranges[0]}, but cluster.{single[0]} is {single[1]}",
            f"drop cluster.{single[0]}, or make it {ranges[0]}",
        )


def _example(name: str, families: tuple[str, ...]) -> str:
    v4, v6 = (
        ("10.244.0.0/16", "fd12:3456:789a::/64") if name == "pod_cidrs" else ("10.0.0.0/16", "fd12:3456:789a:1::/108")
    )
    return f"[{v4}, {v6}]" if len(families) == 2 else f"[{v4}]"


def dual_stack_network_model(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """Dual-stack: Azure CNI Overlay, neither NPM nor Calico, Kubernetes 1.29+ with Cilium."""
    cluster = spec.cluster
    if not cluster.dual_stack:
        return
    if not cluster.overlay:
        yield error(
            "DUAL_STACK_REQUIRES_OVERLAY",
            "cluster.ip_families",
            f"dual-stack needs Azure CNI Overlay; the cluster uses {cluster.plugin_label}",
            "set cluster.network_plugin: azure and cluster.network_plugin_mode: overlay",
        )
    if cluster.policy in ("azure", "calico"):
        engine = "Azure Network Policy Manager" if cluster.policy == "azure" else "Calico"
        yield error(
            "DUAL_STACK_UNSUPPORTED_BY_POLICY",
            "cluster.network_policy",
            f"{engine} network policies are not supported on dual-stack clusters",
            "use Cilium (network_dataplane: cilium, network_policy: cilium), which enforces IPv4 and IPv6 policy",
        )
    version = cluster.kubernetes_version
    if cluster.dataplane == "cilium" and kubernetes_older_than(version, DUAL_STACK_CILIUM_MIN_KUBERNETES):
        yield error(
            "KUBERNETES_VERSION_UNSUPPORTED",
            "cluster.kubernetes_version",
            "dual-stack with Azure CNI Powered by Cilium needs Kubernetes 1.29 or later; the cluster asks for "
            f"{version}",
            "use Kubernetes 1.29 or later, or omit kubernetes_version for AKS's default",
        )


def dual_stack_network(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """A dual-stack cluster needs a dual-stack VNet and node subnets (what aksnet creates; live checks the rest)."""
    if not spec.cluster.dual_stack:
        return
    vnet = spec.vnet
    if not vnet.existing and not vnet.prefixes_of(6):
        yield error(
            "DUAL_STACK_REQUIRES_IPV6_SUBNET",
            "vnet.address_prefixes",
            f"the cluster is dual-stack, but VNet {vnet.name} has no IPv6 address prefix",
            'add an IPv6 prefix to vnet.address_prefixes, e.g. "fd00:db8:1::/48"',
        )
    for subnet in spec.node_subnets():
        if not spec.is_existing(subnet) and subnet.address_prefix_ipv6 is None:
            yield error(
                "DUAL_STACK_REQUIRES_IPV6_SUBNET",
                f"{vnet.subnet_field(subnet)}.address_prefix_ipv6",
                f"the cluster is dual-stack, but node subnet {subnet.name} has no IPv6 prefix",
                f"add {vnet.subnet_field(subnet)}.address_prefix_ipv6, a /64 of the VNet's IPv6 space",
            )


RULES = (ip_families, range_lists, dual_stack_network_model, dual_stack_network)
