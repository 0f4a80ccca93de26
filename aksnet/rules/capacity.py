"""Capacity rules: the subnet and pod range must hold every node, surge node and pod (domain.md)."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet import sizing
from aksnet.findings import Finding, error, warning
from aksnet.netcalc import (
    POD_BLOCK_PREFIX,
    POD_BLOCK_PREFIX_IPV6,
    node_limit,
    smallest_pod_range_for,
    smallest_subnet_for,
    too_small,
)
from aksnet.rules.base import RuleContext
from aksnet.spec import Spec, SubnetSpec

NPM_MAX_NODES = 250
NPM_MAX_PODS = 20_000


def subnet_size(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """Every node subnet must hold its pools' nodes and surge (and, with flat Azure CNI, their pods)."""
    model = sizing.capacity_model(spec)
    for subnet in spec.node_subnets():
        cap = sizing.subnet_capacity(spec, subnet)
        if cap.free is None or cap.free >= 0 or cap.usable is None or _refused_outright(subnet):
            continue
        pools = [p for p in spec.cluster.node_pools if p.name in cap.pools and not p.pod_subnet]
        flat = model == "azure" and bool(pools)
        per_node = "maxPods + 1 addresses each" if flat else "1 address each"
        yield error(
            "SUBNET_TOO_SMALL",
            f"{spec.vnet.subnet_field(subnet)}.address_prefix",
            f"subnet {cap.prefix} has {cap.usable:,} usable addresses (5 are Azure's); the nodes and surge of "
            f"pool(s) {', '.join(cap.pools)} on subnet {subnet.name} with {model} need {per_node}: {cap.needed:,}",
            f"use a /{smallest_subnet_for(cap.needed)} or larger, or fewer/smaller pools",
        )


def _refused_outright(subnet: SubnetSpec) -> bool:
    """Below a /29 Azure refuses the subnet itself (rules.subnets says so): its size is beside the point."""
    return subnet.address_prefix is not None and too_small(subnet.address_prefix) is not None


def pod_range_size(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """Each pod range gives every node a block: a /24 of the IPv4 one, a /80 of a dual-stack IPv6 one."""
    cap = sizing.cluster_capacity(spec)
    if cap is None or cap.required_pod_blocks is None:
        return
    ranges = (
        ("cluster.pod_cidr", "pod range", cap.pod_cidr, cap.pod_cidr_blocks, POD_BLOCK_PREFIX),
        ("cluster.pod_cidrs.1", "IPv6 pod range", cap.pod_cidr_ipv6, cap.pod_cidr_ipv6_blocks, POD_BLOCK_PREFIX_IPV6),
    )
    needed = cap.required_pod_blocks
    for field, label, cidr, blocks, per_node in ranges:
        if blocks is not None and needed > blocks:
            yield error(
                "POD_CIDR_TOO_SMALL",
                field,
                f"{label} {cidr} holds {blocks} /{per_node} blocks; {cap.planned_nodes} nodes + "
                f"{cap.surge_nodes} surge need one /{per_node} each: {needed}",
                f"use a /{smallest_pod_range_for(needed, per_node)} or larger {label}",
            )


def node_count(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    model = sizing.capacity_model(spec)
    limit = node_limit(model)
    nodes, surge = sizing.planned_nodes(spec), sizing.total_surge(spec)
    if nodes + surge > limit:
        why = " (its route table holds at most 400 routes)" if model == "kubenet" else ""
        yield error(
            "NODE_LIMIT_EXCEEDED",
            "cluster.node_pools",
            f"{nodes} nodes + {surge} surge exceed the {limit}-node limit of {model}{why}",
            "reduce node counts or autoscaler max counts"
            + (", or move to Azure CNI Overlay" if model == "kubenet" else ""),
        )


def npm_scale(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    if spec.cluster.policy != "azure":
        return
    nodes = sizing.planned_nodes(spec)
    pods = sum(p.node_ceiling * sizing.pool_max_pods(p) for p in spec.cluster.node_pools)
    if nodes > NPM_MAX_NODES or pods > NPM_MAX_PODS:
        yield warning(
            "NPM_SCALE_LIMIT",
            "cluster.network_policy",
            f"Azure NPM is supported up to "
            f"{NPM_MAX_NODES} nodes and {NPM_MAX_PODS:,} pods; this cluster may reach {nodes} nodes and "
            f"{pods:,} pods and NPM may run out of memory",
            "use Cilium (network_dataplane: cilium)",
        )


RULES = (subnet_size, pod_range_size, node_count, npm_scale)
