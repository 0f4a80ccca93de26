"""`migrate-policy` as text, from its JSON document so that both outputs say the same."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aksnet.render.text import DEFAULT_WIDTH, pairs, paragraph, resource_label, table


def render_migration(document: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> str:
    lines = [_verdict(document), "", render_migration_plan(document, width)]
    resources = document.get("resources") or []
    if resources:
        rows = ((r["action"], resource_label(r["type"], r["id"]), r["reason"]) for r in resources)
        lines += ["", table(("action", "resource", "reason"), rows, width=width)]
    timings = document.get("timings") or {}
    if timings:
        lines.append("  time: " + ", ".join(f"{key} {seconds:.1f}s" for key, seconds in timings.items()))
    return "\n".join(lines)


def render_migration_plan(document: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> str:
    updates = _updates(document)
    rows = [("cluster", _cluster(str(document.get("cluster") or ""))), ("from", _network(document.get("from")))]
    rows.append(("to", f"{document.get('to')} ({len(updates)} cluster update(s))"))
    sections = [pairs(rows, width=width)]
    if updates:
        sections += ["", "Steps (each one is a full cluster update, run in order)", _steps_table(updates, width)]
    sections += _warnings_section(document.get("warnings") or [], width)
    sections += _findings_section(document.get("policy_findings"), width)
    sections += [paragraph(f"note: {note}", "", width) for note in document.get("notes") or []]
    return "\n".join(sections)


def _cluster(cluster_id: str) -> str:
    """`aks (resource group rg)`: the id is in -o json."""
    parts = cluster_id.split("/")
    return f"{parts[-1]} (resource group {parts[4]})" if len(parts) > 4 else cluster_id


def _verdict(document: Mapping[str, Any]) -> str:
    error = document.get("error")
    head = f"aksnet migrate-policy --to {document.get('to')}:"
    if error:
        return f"{head} FAILED ({error.get('code')})"
    if document.get("dry_run"):
        return f"{head} DRY RUN, nothing changed"
    if not _updates(document):
        return f"{head} already there, nothing to do"
    return f"{head} done"


def _updates(document: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    reconcile = document.get("reconcile")
    steps = [(str(number), step) for number, step in enumerate(document.get("steps") or [], start=1)]
    return [("0 (reconcile)", reconcile), *steps] if reconcile else steps


def _network(source: Mapping[str, Any] | None) -> str:
    if not source:
        return "unknown (the cluster was not read)"
    plugin = str(source.get("networkPlugin"))
    if source.get("networkPluginMode"):
        plugin += f" {source['networkPluginMode']}"
    return f"{plugin}, dataplane {source.get('networkDataplane')}, policy {source.get('networkPolicy')}"


def _steps_table(updates: Sequence[tuple[str, Mapping[str, Any]]], width: int) -> str:
    rows = ((label, ", ".join(f"{k}={v}" for k, v in step["set"].items()), step["why"]) for label, step in updates)
    return table(("step", "set", "why"), rows, width=width)


def _warnings_section(warnings: Sequence[Mapping[str, str]], width: int) -> list[str]:
    if not warnings:
        return []
    return ["", "Warnings", table(("code", "message"), ((w["code"], w["message"]) for w in warnings), width=width)]


def _findings_section(findings: Sequence[Mapping[str, str]] | None, width: int) -> list[str]:
    if findings is None:
        return []
    if not findings:
        return ["", "NetworkPolicies Cilium treats differently: none"]
    rows = ((f["namespace"], f["name"], f["construct"], f["detail"]) for f in findings)
    listing = table(("namespace", "name", "construct", "detail"), rows, width=width)
    return ["", "NetworkPolicies Cilium treats differently", listing]
