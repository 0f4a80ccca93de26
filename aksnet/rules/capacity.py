"""Capacity rules: the subnet and pod range must hold every node, surge node and pod (domain.md)."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet import sizing
from aksnet.findings import Finding, error, warning
from aksnet.netcalc import node_limit, smallest_pod_range_for, smallest_subnet_for
from aksnet.rules.base import RuleContext
from aksnet.spec import Spec

NPM_MAX_NODES = 250
NPM_MAX_PODS = 20_000


def subnet_size(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    cap = sizing.cluster_capacity(spec)
    if cap is None or cap.required_subnet_ips <= cap.subnet_usable_ips:
        return
    per_node = "1 address each" if cap.ips_per_node == 1 else f"{cap.ips_per_node} addresses each (maxPods + 1)"
    yield error(
        "SUBNET_TOO_SMALL",
        "vnet.subnet.address_prefix",
        f"subnet {cap.subnet_prefix} has {cap.subnet_usable_ips} usable addresses (5 are Azure's); "
        f"{cap.planned_nodes} nodes + {cap.surge_nodes} surge with {cap.plugin} need {per_node}: "
        f"{cap.required_subnet_ips:,}",
        f"use a /{smallest_subnet_for(cap.required_subnet_ips)} or larger, or fewer/smaller pools",
    )


def pod_range_size(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    cap = sizing.cluster_capacity(spec)
    if cap is None or cap.pod_cidr_blocks is None or cap.required_pod_blocks is None:
        return
    if cap.required_pod_blocks <= cap.pod_cidr_blocks:
        return
    yield error(
        "POD_CIDR_TOO_SMALL",
        "cluster.pod_cidr",
        f"pod range {cap.pod_cidr} holds {cap.pod_cidr_blocks} /24 blocks; {cap.planned_nodes} nodes + "
        f"{cap.surge_nodes} surge need one /24 each: {cap.required_pod_blocks}",
        f"use a /{smallest_pod_range_for(cap.required_pod_blocks)} or larger pod range",
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
