"""A run's result as text: one row per resource (with what an update changed), the cluster, grant
propagation, notes, findings, and what to run next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aksnet.arm import resource_group_of
from aksnet.errors import Interrupted
from aksnet.render.findings import render_findings
from aksnet.render.text import DEFAULT_WIDTH, paragraph, resource_label, table
from aksnet.result import Change, CredentialsResult, ResourceResult, RunResult


def render_result(result: RunResult, width: int = DEFAULT_WIDTH) -> str:
    total = result.total_seconds
    verdict = "done" if result.ok else f"{_failed_or_stopped(result)} ({result.error.code if result.error else ''})"
    lines = [f"aksnet: {result.deployment}: {verdict}; step time {total:.1f}s", ""]
    if result.resources:
        lines.append(render_resources(result.resources, width))
    if result.cluster:
        lines += ["", paragraph(render_cluster_line(result.cluster), "", width)]
        if result.ok:
            lines += [paragraph(line, "", width) for line in next_steps(result.cluster)]
    propagation = render_propagation(result)
    if propagation:
        lines += ["", paragraph(propagation, "", width)]
    lines += [paragraph(f"note: {note}", "", width) for note in result.notes]
    findings = result.findings or ()
    if findings:
        lines += [*([""] if lines[-1] else []), "Findings", render_findings(findings, width)]
    return "\n".join(lines)


def render_resources(resources: Sequence[ResourceResult], width: int = DEFAULT_WIDTH) -> str:
    """action | resource (type and name) | reason, and under it every field an update changed."""
    rows = ((r.action, resource_label(r.type, r.id), with_changes(r.reason, r.changes)) for r in resources)
    return table(("action", "resource", "reason"), rows, width=width)


def with_changes(reason: str, changes: Sequence[Change]) -> str:
    """The reason, then one `path: from -> to` line per changed field."""
    lines = [reason] if reason or not changes else []
    return "\n".join([*lines, *(c.describe() for c in changes)])


def render_credentials(result: CredentialsResult, width: int = DEFAULT_WIDTH) -> str:
    which = "admin" if result.admin else "user"
    lines = [
        f"merged the {which} credentials of cluster {result.cluster} into {result.file}",
        f"current context: {result.context} (API server {result.server})",
        "next: kubectl get nodes",
    ]
    return "\n".join(paragraph(line, "", width) for line in lines)


def next_steps(cluster: dict[str, Any]) -> list[str]:
    """The API server and the command that fetches the kubeconfig for it."""
    fqdn = (cluster.get("properties") or {}).get("fqdn")
    group = resource_group_of(str(cluster.get("id", "")))
    lines = [f"API server: https://{fqdn}:443"] if fqdn else []
    return [*lines, f"next: aksnet credentials -g {group} -n {cluster.get('name')}, then kubectl get nodes"]


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
    if "controlPlane" in properties:  # AKS on Azure Local
        plane, network = properties["controlPlane"], properties.get("networkProfile", {})
        return (
            f"cluster: {properties.get('provisioningState')}, API server "
            f"{(plane.get('controlPlaneEndpoint') or {}).get('hostIP')}, policy {network.get('networkPolicy')}, "
            f"pods {network.get('podCidr')}, services 10.96.0.0/12"
        )
    network = properties.get("networkProfile", {})
    model = network.get("networkPlugin", "?") + ("/overlay" if network.get("networkPluginMode") else "")
    return (
        f"cluster {cluster.get('name')}: {properties.get('provisioningState')}, {model}, "
        f"policy {network.get('networkPolicy') or 'none'}, pods {network.get('podCidr') or 'from the subnet'}, "
        f"services {network.get('serviceCidr')}"
    )


def render_fleet(results: Sequence[RunResult], width: int = DEFAULT_WIDTH) -> str:
    rows = [
        (r.deployment, "ok" if r.ok else _failed_or_stopped(r), f"{r.total_seconds:.1f}s", fleet_error(r))
        for r in results
    ]
    ok = sum(r.ok for r in results)
    return f"aksnet: {ok} of {len(results)} deployments done\n" + table(
        ("deployment", "result", "step time", "error"), rows, width=width
    )


def fleet_error(result: RunResult) -> str:
    """Why a deployment failed: its first finding when it has one (the spec's own words), else the error."""
    error = result.error
    if error is None:
        return ""
    findings = [f for f in (getattr(error, "findings", None) or result.findings or ()) if f.severity == "error"]
    if findings:
        first = findings[0]
        more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
        return f"{first.code} [{first.field}]: {first.message}{more}"
    return f"{error.code}: {error.message}"
