"""A run's result as text: one row per resource, the cluster, grant propagation, notes and findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aksnet.errors import Interrupted
from aksnet.render.findings import render_findings
from aksnet.render.text import short_type, table
from aksnet.result import RunResult


def render_result(result: RunResult) -> str:
    total = result.total_seconds
    verdict = "done" if result.ok else f"{_failed_or_stopped(result)} ({result.error.code if result.error else ''})"
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
    propagation = render_propagation(result)
    if propagation:
        lines += ["", propagation]
    lines += [f"note: {note}" for note in result.notes]
    findings = result.findings or ()
    if findings:
        lines += [*([""] if lines[-1] else []), "Findings", render_findings(findings)]
    return "\n".join(lines)


def _failed_or_stopped(result: RunResult) -> str:
    """STOPPED after Ctrl-C or SIGTERM: nothing failed, the rows say what was done and what still runs."""
    return "STOPPED" if isinstance(result.error, Interrupted) else "FAILED"


def render_propagation(result: RunResult) -> str | None:
    """How long each new grant took to be readable, and how long the cluster PUT waited for them to work."""
    readable = [f"{label} {seconds:.1f}s" for label, seconds in result.grant_readable.items()]
    waited = result.waited_for_grant
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
            f"{r.total_seconds:.1f}s",
            r.error.message if r.error else "",
        )
        for r in results
    ]
    ok = sum(r.ok for r in results)
    return f"aksnet: {ok} of {len(results)} deployments done\n" + table(
        ("deployment", "result", "step time", "error"), rows
    )
