"""Capacity as text: what the subnet and pod range hold against what is planned."""

from __future__ import annotations

from aksnet.netcalc import Capacity, fit_verdict
from aksnet.render.text import DEFAULT_WIDTH, pairs, paragraph


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
    if cap.planned_nodes:
        rows.append(
            (
                "planned",
                f"{cap.planned_nodes} nodes + {cap.surge_nodes} surge: "
                f"{cap.required_subnet_ips:,} addresses, {cap.free_subnet_ips:,} free"
                + (f"; {cap.required_pod_blocks} pod blocks" if cap.required_pod_blocks is not None else ""),
            )
        )
    return pairs(rows, width=width)


def render_capacity_verdict(cap: Capacity, width: int = DEFAULT_WIDTH) -> str:
    """The capacity, then one line that says whether the plan fits and what would."""
    return f"{render_capacity(cap, width)}\n\n{paragraph(fit_verdict(cap), '', width)}"
