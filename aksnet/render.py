"""Plain-text rendering of findings, capacity, plans and results (JSON is the data's own as_dict)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from aksnet.findings import Finding
from aksnet.netcalc import Capacity
from aksnet.plan import Plan
from aksnet.result import RunResult


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "  ") -> str:
    """Left-aligned columns; the last column runs free."""
    cells = [[str(c) for c in headers], *[[("" if c is None else str(c)) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers) - 1)]
    lines = []
    for row in cells:
        head = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        lines.append(f"{indent}{head}  {row[-1]}".rstrip())
    return "\n".join(lines)


def pairs(rows: Sequence[tuple[str, str]], indent: str = "  ") -> str:
    """Aligned `key  value` lines."""
    width = max((len(k) for k, _ in rows), default=0)
    return "\n".join(f"{indent}{k:<{width}}  {v}" for k, v in rows)


def render_findings(findings: Sequence[Finding]) -> str:
    if not findings:
        return "  none"
    blocks = []
    for f in findings:
        where = f" [{f.field}]" if f.field else ""
        blocks.append(f"  {f.severity:<7} {f.code}{where}\n          {f.message}\n          fix: {f.hint}")
    return "\n".join(blocks)


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
    return pairs(rows)


def render_plan(plan: Plan) -> str:
    errors = sum(f.severity == "error" for f in plan.findings)
    warnings = len(plan.findings) - errors
    verdict = "OK" if plan.ok else "INVALID: Azure would reject this; nothing will be created"
    parts = [
        f"aksnet plan: {plan.spec.deployment} (subscription {plan.subscription_id})",
        f"{verdict} - {errors} error(s), {warnings} warning(s)",
        *(f"note: {note}" for note in plan.notes),
        "",
        "Findings",
        render_findings(plan.findings),
        "",
        "Capacity",
        render_capacity(plan.capacity) if plan.capacity else "  unknown until the subnet you bring is read",
        "",
        "Steps (each wave runs in parallel; every wave waits for the one before)",
        table(
            ("wave", "step", "action", "resource"),
            ((n + 1, s.id, s.action, s.resource_id) for n, wave in enumerate(plan.waves()) for s in wave),
        ),
        "",
        "Requests (the exact ARM bodies; -o json for scripts)",
        render_requests(plan),
    ]
    return "\n".join(parts)


def render_requests(plan: Plan) -> str:
    blocks = []
    for step in plan.steps:
        if step.body is None:
            continue
        body = json.dumps(step.body, indent=2)
        blocks.append(f"  PUT {step.resource_id}\n" + "\n".join(f"    {line}" for line in body.splitlines()))
    return "\n".join(blocks)


def short_type(arm_type: str) -> str:
    return arm_type.rsplit("/", 1)[-1]


def render_result(result: RunResult) -> str:
    total = sum(v for k, v in result.timings.items() if "." not in k)
    verdict = "done" if result.ok else f"FAILED ({result.error.code if result.error else ''})"
    lines = [f"aksnet: {result.deployment}: {verdict}; step time {total:.1f}s", ""]
    if result.resources:
        lines.append(
            table(
                ("action", "type", "resource", "reason"),
                ((r.action, short_type(r.type), r.id, r.reason) for r in result.resources),
            )
        )
    if result.cluster:
        lines += ["", render_cluster_line(result.cluster)]
    propagation = render_propagation(result.timings)
    if propagation:
        lines += ["", propagation]
    lines += [f"note: {note}" for note in result.notes]
    findings = [Finding(**f) for f in result.extra.get("findings", ())]
    if findings:
        lines += [*([""] if lines[-1] else []), "Findings", render_findings(findings)]
    return "\n".join(lines)


def render_propagation(timings: dict[str, float]) -> str | None:
    """How long each new grant took to be readable, and how long the cluster PUT waited for them to work."""
    readable = [
        f"{k.removeprefix('role_assignment.').removesuffix('.propagation')} {v:.1f}s"
        for k, v in timings.items()
        if k.startswith("role_assignment.") and k.endswith(".propagation")
    ]
    waited = timings.get("managed_cluster.waited_for_grant")
    if not readable and waited is None:
        return None
    text = f"grants readable after: {', '.join(readable)}" if readable else "grants: none new"
    return text + (f"; cluster PUT waited {waited:.1f}s for them to take effect" if waited is not None else "")


def render_cluster_line(cluster: dict[str, Any]) -> str:
    properties = cluster.get("properties", {})
    network = properties.get("networkProfile", {})
    model = network.get("networkPlugin", "?") + ("/overlay" if network.get("networkPluginMode") else "")
    return (
        f"cluster {cluster.get('name')}: {properties.get('provisioningState')}, {model}, "
        f"policy {network.get('networkPolicy') or 'none'}, pods {network.get('podCidr') or 'from the subnet'}, "
        f"services {network.get('serviceCidr')}"
    )


def render_fleet(results: Sequence[RunResult]) -> str:
    rows = [
        (
            r.deployment,
            "ok" if r.ok else "FAILED",
            f"{sum(v for k, v in r.timings.items() if '.' not in k):.1f}s",
            r.error.message if r.error else "",
        )
        for r in results
    ]
    ok = sum(r.ok for r in results)
    return f"aksnet: {ok} of {len(results)} deployments done\n" + table(
        ("deployment", "result", "step time", "error"), rows
    )


def render_status(status: dict[str, Any]) -> str:
    network = status["network_profile"]
    owner = status["ownership"]
    rows = [
        ("cluster", f"{status['name']} ({status['provisioning_state']}, Kubernetes {status['kubernetes_version']})"),
        (
            "network plugin",
            f"{network['networkPlugin']}"
            + (f" ({network['networkPluginMode']})" if network["networkPluginMode"] else ""),
        ),
        ("dataplane", network["networkDataplane"] or "azure"),
        ("policy engine", status["policy_engine"]),
        ("pod range", network["podCidr"] or "pods take subnet addresses"),
        ("service range", f"{network['serviceCidr']} (DNS {network['dnsServiceIP']})"),
        ("outbound", network["outboundType"]),
        ("node resource group", status["node_resource_group"]),
        (
            "owner",
            f"aksnet deployment {owner['deployment']}" if owner["managed_by_aksnet"] else "not created by aksnet",
        ),
    ]
    pools = table(
        ("pool", "mode", "os", "nodes", "vm size", "max pods", "state"),
        (
            (p["name"], p["mode"], p["osType"], p["count"], p["vmSize"], p["maxPods"], p["provisioningState"])
            for p in status["node_pools"]
        ),
    )
    subnets = table(
        ("subnet", "prefix", "used", "free", "route table"),
        (
            (
                s["id"].rsplit("/", 1)[-1],
                s.get("address_prefix"),
                s.get("used"),
                s.get("free"),
                (s.get("route_table") or "-").rsplit("/", 1)[-1],
            )
            for s in status["subnets"]
        ),
    )
    return "\n".join(
        [
            pairs(rows),
            "",
            "Node pools",
            pools,
            "",
            "Subnets (used = NIC ip configurations; Azure keeps 5 more)",
            subnets,
        ]
    )
