"""`migrate-policy` as text, from its JSON document so that both outputs say the same."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aksnet.render.text import pairs, short_type, table


def render_migration(document: Mapping[str, Any]) -> str:
    lines = [_verdict(document), "", render_migration_plan(document)]
    resources = document.get("resources") or []
    if resources:
        rows = ((r["action"], short_type(r["type"]), r["id"], r["reason"]) for r in resources)
        lines += ["", table(("action", "type", "resource", "reason"), rows)]
    timings = document.get("timings") or {}
    if timings:
        lines.append("  time: " + ", ".join(f"{key} {seconds:.1f}s" for key, seconds in timings.items()))
    return "\n".join(lines)


def render_migration_plan(document: Mapping[str, Any]) -> str:
    updates = _updates(document)
    rows = [("cluster", str(document.get("cluster"))), ("from", _network(document.get("from")))]
    rows.append(("to", f"{document.get('to')} ({len(updates)} cluster update(s))"))
    sections = [pairs(rows)]
    if updates:
        sections += ["", "Steps (each one is a full cluster update, run in order)", _steps_table(updates)]
    sections += _warnings_section(document.get("warnings") or [])
    sections += _findings_section(document.get("policy_findings"))
    sections += [f"note: {note}" for note in document.get("notes") or []]
    return "\n".join(sections)


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


def _steps_table(updates: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    rows = ((label, ", ".join(f"{k}={v}" for k, v in step["set"].items()), step["why"]) for label, step in updates)
    return table(("step", "set", "why"), rows)


def _warnings_section(warnings: Sequence[Mapping[str, str]]) -> list[str]:
    if not warnings:
        return []
    return ["", "Warnings", table(("code", "message"), ((w["code"], w["message"]) for w in warnings))]


def _findings_section(findings: Sequence[Mapping[str, str]] | None) -> list[str]:
    if findings is None:
        return []
    if not findings:
        return ["", "NetworkPolicies Cilium treats differently: none"]
    rows = ((f["namespace"], f["name"], f["construct"], f["detail"]) for f in findings)
    return ["", "NetworkPolicies Cilium treats differently", table(("namespace", "name", "construct", "detail"), rows)]
