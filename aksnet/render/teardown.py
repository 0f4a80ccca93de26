"""`down` as text: what it will do (the same table for --dry-run and for the question it asks), and what
it deleted, kept and skipped, with the reasons."""

from __future__ import annotations

from collections import Counter

from aksnet.render.text import DEFAULT_WIDTH, resource_label, table
from aksnet.result import ResourceResult, RunResult

DRY_RUN_LABELS = {"deleted": "would delete", "kept": "would keep"}


def render_teardown(result: RunResult, width: int = DEFAULT_WIDTH) -> str:
    """A verdict, one row per resource (action, type and name, reason), and the counts."""
    dry_run = bool(result.dry_run)
    verdict = "dry run, nothing was deleted" if dry_run else "done" if result.ok else "STOPPED"
    if result.error is not None:
        verdict += f" ({result.error.code})"
    return f"aksnet down: {result.deployment}: {verdict}\n\n" + _rows(result, width)


def render_pending(preview: RunResult, width: int = DEFAULT_WIDTH) -> str:
    """What `down` is about to do: the --dry-run table and counts, under the question's heading."""
    return f"aksnet down {preview.deployment} will:\n\n" + _rows(preview, width)


def deletions(preview: RunResult) -> int:
    """How many resources a teardown deletes: the `would delete` count of its --dry-run."""
    return sum(r.action == "deleted" for r in preview.resources)


def _rows(result: RunResult, width: int) -> str:
    dry_run = bool(result.dry_run)
    rows = [(_action(r, dry_run), resource_label(r.type, r.id), r.reason) for r in result.resources]
    counts = Counter(_action(r, dry_run) for r in result.resources)
    summary = ", ".join(f"{n} {action}" for action, n in counts.items())
    return table(("action", "resource", "reason"), rows, width=width) + "\n\n" + summary


def _action(resource: ResourceResult, dry_run: bool) -> str:
    return DRY_RUN_LABELS.get(resource.action, resource.action) if dry_run else resource.action
