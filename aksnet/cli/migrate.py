"""`aksnet migrate-policy -g RG -n CLUSTER --to ENGINE`: move a cluster to another network policy engine."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aksnet.cli.common import Output, OutputOption, edge, print_json, print_text, stderr
from aksnet.errors import InvalidRequest

if TYPE_CHECKING:
    from aksnet.azure.migrate import MigrationRun
    from aksnet.progress import Progress


class Engine(StrEnum):
    """The network policy engines AKS manages."""

    none = "none"
    azure = "azure"
    calico = "calico"
    cilium = "cilium"


def command(
    ctx: typer.Context,
    resource_group: Annotated[str, typer.Option("--resource-group", "-g", help="The cluster's resource group.")],
    name: Annotated[str, typer.Option("--name", "-n", help="The cluster's name.")],
    to: Annotated[Engine, typer.Option("--to", help="The policy engine to move to.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the path and its warnings; change nothing, ask nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Run the cluster updates without asking.")] = False,
    policies: Annotated[
        Path | None,
        typer.Option(
            "--policies",
            metavar="PATH",
            help="NetworkPolicy YAML (file or folder, e.g. kubectl get networkpolicy -A -o yaml) to check "
            "before a move to Cilium.",
        ),
    ] = None,
    subscription: Annotated[str | None, typer.Option("--subscription", help="Subscription id.")] = None,
    output: OutputOption = Output.table,
) -> None:
    """Move a cluster to another network policy engine by the supported path, one cluster update at a time."""
    from aksnet.azure.migrate import MigrateOptions, migrate_policy
    from aksnet.azure.session import open_session

    progress = PausableProgress()
    with edge(output):
        session = open_session(emulator=bool(ctx.obj and ctx.obj.get("emulator")), env=os.environ)
        options = MigrateOptions(
            target=to.value,
            dry_run=dry_run,
            policies=policies,
            subscription=subscription,
            confirm=confirmation(yes=yes, progress=progress),
            progress=progress,
        )
        try:
            run = migrate_policy(session, resource_group, name, options, os.environ)
        finally:
            progress.close()
            session.close()
    document = run.as_dict()
    if output is Output.json:
        print_json(document)
    else:
        print_text(render_migration(document))
        if run.error is not None:
            stderr(f"Error: {run.error.message}")
    raise typer.Exit(run.exit_code)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def confirmation(*, yes: bool, progress: PausableProgress) -> Callable[[MigrationRun], bool]:
    """Ask on a terminal; without one, only --yes lets the updates run (cli-contract: confirmation)."""

    def confirm(run: MigrationRun) -> bool:
        count = len(run.updates)
        if yes:
            return True
        if not stdin_is_terminal():
            raise InvalidRequest(
                f"migrate-policy would make {count} cluster update(s), each reimaging every node pool; stdin is "
                "not a terminal, so re-run with --yes to apply them (nothing was changed)",
                code="CONFIRMATION_REQUIRED",
            )
        progress.pause()
        stderr(render_plan(run.as_dict()))
        return typer.confirm(f"Run these {count} cluster update(s) now?", default=False, err=True)

    return confirm


class PausableProgress:
    """Progress on stderr, built on first use and closed while the user answers the confirmation."""

    def __init__(self, make: Callable[[], Progress] | None = None) -> None:
        from aksnet.progress import for_terminal

        self._make = make or for_terminal
        self._current: Progress | None = None

    def _progress(self) -> Progress:
        if self._current is None:
            self._current = self._make()
        return self._current

    def started(self, deployment: str, step: str, what: str) -> None:
        self._progress().started(deployment, step, what)

    def waiting(self, deployment: str, step: str, status: str) -> None:
        self._progress().waiting(deployment, step, status)

    def finished(self, deployment: str, step: str, outcome: str, seconds: float) -> None:
        self._progress().finished(deployment, step, outcome, seconds)

    def failed(self, deployment: str, step: str, message: str) -> None:
        self._progress().failed(deployment, step, message)

    def pause(self) -> None:
        self.close()

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None


# --- table rendering (from the JSON document, so both outputs say the same) -------------------------------


def render_migration(document: Mapping[str, Any]) -> str:
    lines = [_verdict(document), "", render_plan(document)]
    resources = document.get("resources") or []
    if resources:
        from aksnet.render import short_type, table

        rows = ((r["action"], short_type(r["type"]), r["id"], r["reason"]) for r in resources)
        lines += ["", table(("action", "type", "resource", "reason"), rows)]
    timings = document.get("timings") or {}
    if timings:
        lines.append("  time: " + ", ".join(f"{key} {seconds:.1f}s" for key, seconds in timings.items()))
    return "\n".join(lines)


def render_plan(document: Mapping[str, Any]) -> str:
    from aksnet.render import pairs

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
    from aksnet.render import table

    rows = ((label, ", ".join(f"{k}={v}" for k, v in step["set"].items()), step["why"]) for label, step in updates)
    return table(("step", "set", "why"), rows)


def _warnings_section(warnings: Sequence[Mapping[str, str]]) -> list[str]:
    if not warnings:
        return []
    from aksnet.render import table

    return ["", "Warnings", table(("code", "message"), ((w["code"], w["message"]) for w in warnings))]


def _findings_section(findings: Sequence[Mapping[str, str]] | None) -> list[str]:
    if findings is None:
        return []
    if not findings:
        return ["", "NetworkPolicies Cilium treats differently: none"]
    from aksnet.render import table

    rows = ((f["namespace"], f["name"], f["construct"], f["detail"]) for f in findings)
    return ["", "NetworkPolicies Cilium treats differently", table(("namespace", "name", "construct", "detail"), rows)]
