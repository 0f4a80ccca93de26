"""`aksnet migrate-policy -g RG -n CLUSTER --to ENGINE`: move a cluster to another network policy engine."""

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aksnet.cli.common import ClusterNameOption, ResourceGroupOption, app_context, finish

if TYPE_CHECKING:
    from aksnet.cli.progress import TerminalProgress
    from aksnet.policy_migration.result import MigrationRun


class Engine(StrEnum):
    """The network policy engines AKS manages."""

    none = "none"
    azure = "azure"
    calico = "calico"
    cilium = "cilium"


def command(
    ctx: typer.Context,
    resource_group: ResourceGroupOption,
    name: ClusterNameOption,
    to: Annotated[Engine, typer.Option("--to", help="The policy engine to move to.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the path and its warnings; change nothing, ask nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Run the cluster updates without asking.")] = False,
    spec: Annotated[
        str | None,
        typer.Option(
            "--spec",
            metavar="FILE",
            help="The cluster's scenario file: after the move, its network settings are rewritten to match "
            "(comments kept). Without it, the exact edit is printed.",
        ),
    ] = None,
    policies: Annotated[
        Path | None,
        typer.Option(
            "--policies",
            metavar="PATH",
            help="NetworkPolicy YAML (file or folder, e.g. kubectl get networkpolicy -A -o yaml) to check "
            "before a move to Cilium.",
        ),
    ] = None,
) -> None:
    """Move a cluster to another network policy engine by the supported path, one cluster update at a time."""
    app = app_context(ctx)

    def migrate() -> "MigrationRun":
        from aksnet.azure.migrate import MigrateOptions, migrate_policy
        from aksnet.cli.spec_file import checked_spec_file, keep_in_step

        spec_file = checked_spec_file(spec, resource_group, name) if spec else None
        session = app.session()
        progress = app.progress()
        options = MigrateOptions(
            target=to.value,
            dry_run=dry_run,
            policies=policies,
            subscription=app.subscription,
            confirm=confirmation(yes=yes, progress=progress),
            progress=progress,
        )
        try:
            return keep_in_step(migrate_policy(session, resource_group, name, options, app.env), spec_file)
        finally:
            progress.close()
            session.close()

    finish(app, migrate)


def confirmation(*, yes: bool, progress: "TerminalProgress") -> "Callable[[MigrationRun], None]":
    """Ask on a terminal; without one, only --yes lets the updates run (cli-contract: confirmation)."""
    from aksnet.cli.confirm import TerminalConfirm

    def confirm(run: "MigrationRun") -> None:
        from aksnet.cli.common import terminal_width
        from aksnet.render.migration import render_migration_plan

        count = len(run.updates)
        TerminalConfirm(yes=yes, progress=progress)(
            render_migration_plan(run.as_dict(), terminal_width()),
            f"Run these {count} cluster update(s) now?",
            refused=f"migrate-policy would make {count} cluster update(s), each reimaging every node pool; stdin is "
            "not a terminal, so re-run with --yes to apply them (nothing was changed)",
            declined="",
        )

    return confirm
