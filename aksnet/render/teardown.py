"""`down` as text: what it will change, and what it deleted, kept and skipped, with the reasons."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from aksnet.render.text import short_type, table
from aksnet.result import ResourceResult, RunResult

if TYPE_CHECKING:
    from aksnet.teardown_plan import TeardownPlan

DRY_RUN_LABELS = {"deleted": "would delete", "kept": "would keep"}


def render_pending(plan: TeardownPlan) -> str:
    lines = [f"aksnet down {plan.deployment} will:"]
    lines += [f"  {'delete' if t.decision == 'delete' else 'change'} {t.resource_id}" for t in plan.writes]
    return "\n".join(lines)


def render_teardown(result: RunResult) -> str:
    """A verdict, one row per resource (action, type, name, reason), and the counts."""
    dry_run = bool(result.dry_run)
    verdict = "dry run, nothing was deleted" if dry_run else "done" if result.ok else "STOPPED"
    if result.error is not None:
        verdict += f" ({result.error.code})"
    rows = [(_action(r, dry_run), short_type(r.type), display_name(r), r.reason) for r in result.resources]
    counts = Counter(_action(r, dry_run) for r in result.resources)
    summary = ", ".join(f"{n} {action}" for action, n in counts.items())
    return "\n".join(
        [
            f"aksnet down: {result.deployment}: {verdict}",
            "",
            table(("action", "type", "name", "reason"), rows),
            "",
            summary,
        ]
    )


def _action(resource: ResourceResult, dry_run: bool) -> str:
    return DRY_RUN_LABELS.get(resource.action, resource.action) if dry_run else resource.action


def display_name(resource: ResourceResult) -> str:
    """The resource's name; a role assignment by its scope and the start of its GUID."""
    parts = resource.id.rstrip("/").split("/")
    if resource.type.endswith("/roleAssignments"):
        return f"on {parts[-5]} ({parts[-1][:8]})"
    if resource.type.endswith("/provisionedClusterInstances"):
        return f"{parts[-5]}/{parts[-1]}"  # the AKS Arc cluster: its connected cluster's name
    return parts[-1]
