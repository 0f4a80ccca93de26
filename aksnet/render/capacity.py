"""Capacity as text: what the subnets and pod ranges hold against what is planned."""

from __future__ import annotations

from aksnet.netcalc import Capacity, SubnetCapacity, fit_verdict
from aksnet.render.text import DEFAULT_WIDTH, pairs, paragraph, table
from aksnet.snat import SnatBudget


def render_capacity(cap: Capacity, width: int = DEFAULT_WIDTH) -> str:
    rows: list[tuple[str, str]] = [
        ("network model", cap.plugin),
        ("subnet", f"{cap.subnet_prefix}: {cap.subnet_usable_ips:,} usable (Azure keeps 5)"),
        ("addresses per node", f"{cap.ips_per_node}" + (" (maxPods + 1)" if cap.ips_per_node > 1 else "")),
        ("max nodes", f"{cap.max_nodes:,} (limited by {cap.limited_by})"),
        ("max pods", f"{cap.max_pods:,} ({cap.max_pods_per_node} per node)"),
        ("max nodes leaving surge room", f"{cap.max_nodes_with_surge:,}"),
    ]
    if cap.pod_cidr is not None:
        rows.append(("pod range", f"{cap.pod_cidr}: {cap.pod_cidr_blocks:,} /24 blocks, one per node"))
    if cap.pod_cidr_ipv6 is not None:
        rows.append(("IPv6 pod range", f"{cap.pod_cidr_ipv6}: {cap.pod_cidr_ipv6_blocks:,} /80 blocks, one per node"))
    rows += _pod_subnet_rows(cap)
    if cap.planned_nodes:
        rows.append(
            (
                "planned",
                f"{cap.planned_nodes} nodes + {cap.surge_nodes} surge: "
                f"{cap.required_subnet_ips:,} addresses, {cap.free_subnet_ips:,} free"
                + (f"; {cap.required_pod_blocks} pod blocks" if cap.required_pod_blocks is not None else ""),
            )
        )
    if cap.snat is not None:
        rows.append(("outbound SNAT", _snat(cap.snat)))
    text = pairs(rows, width=width)
    if len(cap.subnets) > 1 or any(s.role != "nodes" for s in cap.subnets):
        text += "\n\n  Per subnet (nodes + surge at the autoscaler's max)\n" + render_subnets(
            cap.subnets, "    ", width
        )
    return text


def _pod_subnet_rows(cap: Capacity) -> list[tuple[str, str]]:
    if cap.pod_subnet_prefix is None:
        return []
    how = f"{cap.pod_subnet_ips_per_node} addresses per node"
    if cap.blocks_per_node is not None:
        how = (
            f"{cap.blocks_per_node} /28 blocks per node (ceil((maxPods + 1) / 16)), "
            f"{cap.block_waste_per_node} addresses of them unused"
        )
    else:
        how += " at start (batches of 16, another when fewer than 8 are free)"
    return [
        ("pod subnet", f"{cap.pod_subnet_prefix}: {cap.pod_subnet_usable_ips:,} usable ({cap.pod_ip_allocation_mode})"),
        ("pod subnet per node", how),
        ("pod subnet max nodes", f"{cap.pod_subnet_max_nodes:,}"),
    ]


def render_subnets(subnets: tuple[SubnetCapacity, ...], indent: str = "  ", width: int = DEFAULT_WIDTH) -> str:
    """One line per subnet: its role, size, demand and headroom, and what a static block wastes."""
    return table(
        ("subnet", "for", "prefix", "usable", "needed", "free", "pools"),
        (
            (
                s.name,
                s.role + (f" ({s.allocation})" if s.allocation else ""),
                s.prefix or "unknown until read",
                s.usable,
                f"{s.needed:,}"
                + (f" ({s.needed_at_max_pods:,} at maxPods)" if s.needed_at_max_pods is not None else "")
                + (f" ({s.waste:,} in blocks unused)" if s.waste else ""),
                s.free,
                ", ".join(s.pools),
            )
            for s in subnets
        ),
        indent,
        width=width,
    )


def _snat(snat: SnatBudget) -> str:
    if snat.default_allocation:
        share = f"{snat.ports_per_node:,} ports per node" if snat.ports_per_node else "no documented share"
        text = f"Azure's default share for {snat.nodes_counted} nodes (with surge): {share}"
    else:
        verdict = "fits" if snat.fits else "does NOT fit"
        text = (
            f"{snat.ports_per_node:,} ports x {snat.nodes_counted} nodes (with surge) = {snat.ports_needed:,} of "
            f"{snat.ports_available:,} on {snat.outbound_ips} IPv4 IP(s): {verdict}; at most {snat.max_nodes:,} nodes"
        )
    if snat.outbound_ipv6 is None:
        return text + "; IPv6 egress on the IPv6 addresses among your outbound IPs"
    return text + (f"; IPv6 egress on {snat.outbound_ipv6} managed IPv6 IP(s)" if snat.outbound_ipv6 else "")


def render_capacity_verdict(cap: Capacity, width: int = DEFAULT_WIDTH) -> str:
    """The capacity, then one line that says whether the plan fits and what would."""
    return f"{render_capacity(cap, width)}\n\n{paragraph(fit_verdict(cap), '', width)}"
