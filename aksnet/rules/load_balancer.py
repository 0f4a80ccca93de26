"""Load balancer outbound rules: the profile's settings and whether every node gets its SNAT ports
(breadth.md §4: R4.1, R4.2, R4.4, R4.6-R4.10)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from aksnet import sizing, snat
from aksnet.findings import Finding, error, warning
from aksnet.rules.base import RuleContext
from aksnet.spec import Spec

FIELD = "cluster.load_balancer"
MANAGED_IPS = (1, 100)
IDLE_TIMEOUT = (4, 100)  # the CLI's and Terraform's range; the API takes up to 120 (R4.10)


def profile_applies(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    outbound = spec.cluster.outbound_type
    if spec.cluster.load_balancer is not None and outbound != "loadBalancer":
        yield error(
            "LOAD_BALANCER_PROFILE_UNSUPPORTED",
            FIELD,
            f"cluster.load_balancer sets the load balancer's outbound IPs and ports, but outbound type {outbound} "
            "does not send egress through the load balancer (az: the type doesn't support customizing the "
            "standard load balancer)",
            "drop cluster.load_balancer, or use outbound_type: loadBalancer",
        )


def outbound_ip_options(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    lb = spec.cluster.load_balancer
    if lb is not None and len(lb.ip_options) > 1:
        yield error(
            "OUTBOUND_IPS_EXCLUSIVE",
            FIELD,
            f"cluster.load_balancer sets {' and '.join(lb.ip_options)}; the load balancer takes one outbound IP "
            "option at a time (managed IPs, your IPs, or your prefixes)",
            f"keep one of {', '.join(lb.ip_options)}",
        )


def outbound_ip_counts(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    lb = spec.cluster.load_balancer
    if lb is None:
        return
    low, high = MANAGED_IPS
    for name, count in (
        ("managed_outbound_ips", lb.managed_outbound_ips),
        ("managed_outbound_ipv6", lb.managed_outbound_ipv6),
    ):
        if count is not None and not low <= count <= high:
            yield error(
                "OUTBOUND_IP_COUNT_OUT_OF_RANGE",
                f"{FIELD}.{name}",
                f"{name} is {count}; AKS manages {low} to {high} outbound IPs",
                f"set {FIELD}.{name} between {low} and {high}",
            )
    if lb.managed_outbound_ipv6 is not None and not spec.cluster.dual_stack:
        yield error(
            "IPV6_REQUIRES_DUAL_STACK",
            f"{FIELD}.managed_outbound_ipv6",
            f"managed_outbound_ipv6 is {lb.managed_outbound_ipv6}, but the cluster is IPv4 only",
            f"drop {FIELD}.managed_outbound_ipv6, or make the cluster dual-stack",
        )


def outbound_ports(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    lb = spec.cluster.load_balancer
    ports = lb.allocated_outbound_ports if lb else None
    if ports is None or (ports % snat.PORT_STEP == 0 and 0 <= ports <= snat.MAX_ALLOCATED_PORTS):
        return
    near = min(max(ports, 0), snat.MAX_ALLOCATED_PORTS) // snat.PORT_STEP * snat.PORT_STEP
    yield error(
        "OUTBOUND_PORTS_INVALID",
        f"{FIELD}.allocated_outbound_ports",
        f"allocated_outbound_ports is {ports}; it must be a multiple of 8 from 0 to 64,000 (0: Azure's default "
        "share by backend pool size)",
        f"use {near}, or another multiple of 8 in that range",
    )


def idle_timeout_finding(field: str, what: str, minutes: int | None, span: tuple[int, int]) -> Iterator[Finding]:
    """IDLE_TIMEOUT_OUT_OF_RANGE for `what` when `minutes` is set outside `span`."""
    low, high = span
    if minutes is not None and not low <= minutes <= high:
        yield error(
            "IDLE_TIMEOUT_OUT_OF_RANGE",
            field,
            f"the {what}'s idle timeout is {minutes} minutes; it takes {low} to {high}",
            f"set {field} between {low} and {high}",
        )


def idle_timeout(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    lb = spec.cluster.load_balancer
    minutes = lb.idle_timeout_minutes if lb else None
    yield from idle_timeout_finding(f"{FIELD}.idle_timeout_minutes", "load balancer", minutes, IDLE_TIMEOUT)


def snat_ports_fit(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    budget = sizing.snat_budget(spec)
    if budget is None or budget.fits or budget.ports_per_node is None:
        return
    ports, nodes, ips = budget.ports_per_node, budget.nodes_counted, budget.outbound_ips
    most_ports = snat.PORTS_PER_IP * ips // nodes // snat.PORT_STEP * snat.PORT_STEP
    fixes = [f"{math.ceil(ports * nodes / snat.PORTS_PER_IP)} outbound IPs", f"at most {most_ports} ports per node"]
    yield error(
        "SNAT_PORTS_EXHAUSTED",
        f"{FIELD}.allocated_outbound_ports",
        f"{snat.refusal(ports, nodes, ips)} ({sizing.planned_nodes(spec)} nodes at their maximum + "
        f"{sizing.total_surge(spec)} upgrade surge)",
        f"use {' or '.join(fixes)}, or at most {budget.max_nodes} nodes including surge "
        "(lower counts, autoscaler max counts or max_surge)",
    )


def default_ports_shrink(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    budget = sizing.snat_budget(spec)
    if budget is None or not budget.default_allocation:
        return
    low = sum(p.node_floor for p in spec.cluster.node_pools)
    crossing = snat.shrinks(low, budget.nodes_counted)
    if crossing is None:
        return
    boundary, before, after = crossing
    steady = snat.PORTS_PER_IP * budget.outbound_ips // budget.nodes_counted // snat.PORT_STEP * snat.PORT_STEP
    yield warning(
        "SNAT_PORTS_SHRINK",
        f"{FIELD}.allocated_outbound_ports",
        f"with allocated_outbound_ports 0 Azure gives each node ports by backend pool size; this cluster runs "
        f"{low} to {budget.nodes_counted} nodes (autoscaler and upgrade surge), and past {boundary} nodes every "
        f"node's share drops from {before} to {after} ports, the running nodes' too (connections may fail)",
        f"set {FIELD}.allocated_outbound_ports to a fixed multiple of 8, e.g. {min(steady, snat.MAX_ALLOCATED_PORTS)}",
    )


RULES = (
    profile_applies,
    outbound_ip_options,
    outbound_ip_counts,
    outbound_ports,
    idle_timeout,
    snat_ports_fit,
    default_ports_shrink,
)
