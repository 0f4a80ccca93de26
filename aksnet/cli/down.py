"""`aksnet down SPEC`: delete what this deployment created, newest first; never anything it did not create."""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import TYPE_CHECKING, Annotated

import typer

from aksnet.cli.common import Output, OutputOption, SetOption, edge, print_json, print_text, report, stderr
from aksnet.errors import InvalidRequest
from aksnet.result import ResourceResult, RunResult

if TYPE_CHECKING:
    from aksnet.azure.teardown import Teardown
    from aksnet.teardown_plan import TeardownPlan

DRY_RUN_LABELS = {"deleted": "would delete", "kept": "would keep"}


def command(
    ctx: typer.Context,
    spec: Annotated[str, typer.Argument(help="The scenario YAML file the deployment was made from.")],
    set_: SetOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Delete without asking (required when stdin is not a terminal).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be deleted and kept; write nothing.")
    ] = False,
    subscription: Annotated[str | None, typer.Option("--subscription", help="Subscription id.")] = None,
    output: OutputOption = Output.table,
) -> None:
    """Delete what this deployment created, newest first; keep everything else and say why."""
    from aksnet.azure.session import open_session
    from aksnet.azure.teardown import preview, read_teardown
    from aksnet.spec import load_spec

    with edge(output):
        session = open_session(emulator=bool(ctx.obj and ctx.obj.get("emulator")), env=os.environ)
        teardown = read_teardown(load_spec(spec, set_ or ()), session, os.environ, subscription)
        refused = None if dry_run else refusal(teardown.plan, yes=yes)
        result = preview(teardown) if dry_run or refused else run(teardown)
        result.error = result.error or refused
    show(result, output)
    raise typer.Exit(result.exit_code)


def refusal(plan: TeardownPlan, *, yes: bool) -> InvalidRequest | None:
    """Why not to go ahead: no terminal to ask on and no --yes, or the user said no. None: go ahead."""
    if yes or not plan.writes:
        return None
    if not sys.stdin.isatty():
        return InvalidRequest(
            "stdin is not a terminal, so aksnet cannot ask: re-run with --yes to delete (or --dry-run to list); "
            "nothing was deleted",
            code="CONFIRMATION_REQUIRED",
        )
    stderr(render_pending(plan))
    if typer.confirm(f"Delete or change these {len(plan.writes)} resources?", default=False, err=True):
        return None
    return InvalidRequest("not confirmed; nothing was deleted", code="CONFIRMATION_DECLINED")


def run(teardown: Teardown) -> RunResult:
    from aksnet.azure.teardown import DownOptions, tear_down
    from aksnet.progress import for_terminal

    progress = for_terminal()
    try:
        return tear_down(teardown, DownOptions(progress=progress))
    finally:
        progress.close()


def show(result: RunResult, output: Output) -> None:
    if output is Output.json:
        print_json(result.as_dict())
        return
    print_text(render_teardown(result))
    if result.error is not None:
        report(result.error, output, lambda exc: {})


def render_pending(plan: TeardownPlan) -> str:
    lines = [f"aksnet down {plan.deployment} will:"]
    lines += [f"  {'delete' if t.decision == 'delete' else 'change'} {t.resource_id}" for t in plan.writes]
    return "\n".join(lines)


def render_teardown(result: RunResult) -> str:
    """A verdict, one row per resource (action, type, name, reason), and the counts."""
    from aksnet.render import short_type, table

    dry_run = bool(result.extra.get("dry_run"))
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
    return parts[-1]
