"""Capacity as text: what the subnet and pod range hold against what is planned."""

from __future__ import annotations

from aksnet.netcalc import Capacity
from aksnet.render.text import pairs
from aksnet.snat import SnatBudget


def render_capacity(cap: Capacity) -> str:
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
    return pairs(rows)


def _snat(snat: SnatBudget) -> str:
    if snat.default_allocation:
        share = f"{snat.ports_per_node:,} ports per node" if snat.ports_per_node else "no documented share"
        return f"Azure's default share for {snat.nodes_counted} nodes (with surge): {share}"
    verdict = "fits" if snat.fits else "does NOT fit"
    return (
        f"{snat.ports_per_node:,} ports x {snat.nodes_counted} nodes (with surge) = {snat.ports_needed:,} of "
        f"{snat.ports_available:,} on {snat.outbound_ips} IP(s): {verdict}; at most {snat.max_nodes:,} nodes"
    )
