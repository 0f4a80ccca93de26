"""`aksnet down SPEC`: delete what this deployment created, newest first; never anything it did not create."""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aksnet.cli.common import AppContext, SetOption, app_context, finish
from aksnet.errors import Declined, InvalidRequest

if TYPE_CHECKING:
    from aksnet.arc.spec import ArcSpec
    from aksnet.result import RunResult
    from aksnet.spec import Spec


def command(
    ctx: typer.Context,
    spec: Annotated[
        str, typer.Argument(metavar="SPEC", help="The scenario file (or bundled name) the deployment was made from.")
    ],
    set_: SetOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Delete without asking (required when stdin is not a terminal).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be deleted and kept; write nothing.")
    ] = False,
) -> None:
    """Delete what this deployment created, newest first; keep everything else and say why."""
    app = app_context(ctx)
    finish(app, lambda: down(app, spec, set_ or (), yes=yes, dry_run=dry_run))


def down(
    app: AppContext,
    path: str,
    overrides: Sequence[str],
    *,
    yes: bool,
    dry_run: bool,
) -> "RunResult":
    """Read, decide, then (confirmed, unless a dry run) delete; a refusal reports the preview with its error."""
    from aksnet.azure.teardown import DownOptions
    from aksnet.cli.confirm import TerminalConfirm
    from aksnet.render.teardown import deletions, render_pending
    from aksnet.spec import load_spec

    loaded = load_spec(path, overrides)
    read, preview, tear_down = _teardown_of(loaded)
    session = app.session()
    progress = app.progress()
    try:
        teardown = read(loaded, session, app.env, app.subscription)
        if dry_run:
            return preview(teardown)
        if teardown.plan.writes:
            pending = preview(teardown)  # the very table --dry-run prints, so the counts agree
            try:
                TerminalConfirm(yes=yes, progress=progress)(
                    render_pending(pending, app.width()),
                    f"Delete the {deletions(pending)} resource(s) marked 'would delete'?",
                    refused="stdin is not a terminal, so aksnet cannot ask: re-run with --yes to delete (or "
                    "--dry-run to list); nothing was deleted",
                    declined="",
                )
            except (InvalidRequest, Declined) as refused:
                result = preview(teardown)
                result.error = refused
                return result
        return tear_down(teardown, DownOptions(progress=progress))
    finally:
        progress.close()
        session.close()


def _teardown_of(
    spec: "Spec | ArcSpec",
) -> "tuple[Callable[..., Any], Callable[[Any], RunResult], Callable[..., RunResult]]":
    """The platform's read, preview and run of a teardown."""
    from aksnet.spec import Spec

    if not isinstance(spec, Spec):
        from aksnet.azure.arc import teardown as arc

        return arc.read_arc_teardown, arc.preview_arc, arc.tear_down_arc
    from aksnet.azure import teardown as cloud

    return cloud.read_teardown, cloud.preview, cloud.tear_down
