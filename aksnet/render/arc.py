"""AKS on Azure Local as text: the plan (with its prerequisites), the IP plan and a cluster's status."""

from __future__ import annotations

from typing import Any

from aksnet.arc.capacity import ArcCapacity
from aksnet.arc.plan import ArcPlan
from aksnet.render.plan import render_steps, render_verdict
from aksnet.render.text import DEFAULT_WIDTH, pairs, table


def render_arc_plan(plan: ArcPlan, width: int = DEFAULT_WIDTH) -> str:
    prerequisites = [f"  - {p.what}\n      why: {p.why}\n      check: {p.check}" for p in plan.prerequisites]
    parts = [
        render_verdict(f"{plan.spec.deployment} (AKS on Azure Local)", plan, width),
        "",
        "IP plan",
        render_arc_capacity(plan.capacity) if plan.capacity else "  unknown until the network you bring is read",
        "",
        "Prerequisites (only a machine on the on-premises network can check these; aksnet cannot)",
        *prerequisites,
        "",
        render_steps(plan, width),
    ]
    return "\n".join(parts)


def render_arc_capacity(cap: ArcCapacity) -> str:
    rows = [
        ("logical network prefix", cap.subnet_prefix or "unknown"),
        ("IP pools", f"{cap.pool_size} addresses"),
        ("needed in the pools", f"{cap.pool_needed} ({cap.pool_free} free)"),
        ("needed in the prefix", f"{cap.subnet_needed} (pools + load-balancer and explicit control-plane IPs)"),
    ]
    if cap.outside_pool_free is not None:
        rows.append(("free outside the pools", str(cap.outside_pool_free)))
    if cap.pool_available is not None:
        rows.append(("available now (Azure's count)", str(cap.pool_available)))
    clusters = table(
        ("cluster", "control plane", "workers", "upgrade", "cp ip", "lb vms", "pool ips", "lb ips"),
        (
            (
                c.name,
                c.control_plane_nodes,
                c.worker_nodes,
                1,
                "explicit" if c.explicit_control_plane_ip else "pool",
                c.lb_vms,
                c.pool_ips,
                c.lb_ips,
            )
            for c in cap.by_cluster
        ),
    )
    return pairs(rows) + "\n" + clusters


def render_arc_status(status: dict[str, Any]) -> str:
    owner = status["ownership"]
    rows = [
        ("cluster", f"{status['name']} ({status['provisioning_state']}, Kubernetes {status['kubernetes_version']})"),
        ("platform", "AKS on Azure Local"),
        (
            "control plane",
            f"{status['control_plane']['count']} x {status['control_plane']['vmSize']}, "
            f"API server {status['control_plane'].get('hostIP') or 'unknown'}",
        ),
        ("policy engine", status["policy_engine"]),
        ("pod range", f"{status['network_profile'].get('podCidr')} (services 10.96.0.0/12)"),
        (
            "owner",
            f"aksnet deployment {owner['deployment']}" if owner["managed_by_aksnet"] else "not created by aksnet",
        ),
    ]
    pools = table(
        ("pool", "os", "nodes", "vm size", "autoscaler"),
        (
            (p["name"], p.get("osType"), p.get("count"), p.get("vmSize"), p.get("enableAutoScaling"))
            for p in status["node_pools"]
        ),
    )
    networks = table(
        ("logical network", "prefix", "pool", "used", "available"),
        (
            (n["name"], n.get("address_prefix"), pool["range"], pool["used"], pool["available"])
            for n in status["logical_networks"]
            for pool in n.get("ip_pools", [])
        ),
    )
    return "\n".join([pairs(rows), "", "Node pools", pools, "", "IP pools (Azure's counters)", networks])
