"""`aksnet up SPEC...`: plan, check live, then create or converge everything; several SPECs run as a fleet."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from aksnet.cli.common import AppContext, SetOption, app_context, finish
from aksnet.errors import AksnetError, InvalidRequest

if TYPE_CHECKING:
    from aksnet.arc.spec import ArcSpec
    from aksnet.result import FleetResult, RunResult
    from aksnet.spec import Spec


def command(
    ctx: typer.Context,
    specs: Annotated[
        list[str],
        typer.Argument(
            metavar="SPEC", help="Scenario YAML file(s) or bundled scenario names; several run concurrently."
        ),
    ],
    set_: SetOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Apply changes to an existing cluster without asking.")
    ] = False,
    parallel: Annotated[int, typer.Option("--parallel", min=1, help="Deployments provisioned at once.")] = 8,
) -> None:
    """Provision the scenario(s): resource group, network, identity, grants, then the AKS cluster."""
    app = app_context(ctx)
    finish(app, lambda: up(app, load_fleet(specs, set_ or ()), yes=yes, parallel=parallel))


def up(
    app: AppContext, loaded: "Sequence[Spec | ArcSpec | RunResult]", *, yes: bool, parallel: int
) -> "RunResult | FleetResult":
    """Provision every loaded spec (a file that failed to load keeps its failed result)."""
    from aksnet.azure.fleet import run_fleet
    from aksnet.azure.up_options import UpOptions
    from aksnet.cli.confirm import TerminalConfirm, stdin_is_terminal
    from aksnet.result import FleetResult, RunResult

    failed = [item for item in loaded if isinstance(item, RunResult)]
    results: list[RunResult] = list(failed)
    if len(failed) < len(loaded):
        progress = app.progress(fleet=len(loaded) - len(failed) > 1)
        confirm = TerminalConfirm(yes=False, progress=progress) if stdin_is_terminal() else None
        session = app.session()
        try:
            results = run_fleet(
                loaded,
                session,
                lambda: UpOptions(
                    allow_cluster_update=yes, subscription=app.subscription, progress=progress, confirm=confirm
                ),
                parallel=parallel,
                env=app.env,
            )
        finally:
            progress.close()
            session.close()
    return results[0] if len(results) == 1 else FleetResult(results)


def load_fleet(paths: Sequence[str], overrides: Sequence[str]) -> "list[Spec | ArcSpec | RunResult]":
    """Each spec, or a failed result naming the file; a bad file never stops the good ones."""
    from aksnet.result import RunResult
    from aksnet.spec import load_spec

    loaded: list[Spec | ArcSpec | RunResult] = []
    seen: dict[tuple[str, ...], str] = {}
    for path in paths:
        try:
            spec = load_spec(path, overrides)
            _refuse_overlap(spec, path, seen)
        except AksnetError as exc:
            findings = exc.findings if isinstance(exc, InvalidRequest) and exc.findings else None
            loaded.append(RunResult(path, error=exc, findings=findings))
        else:
            loaded.append(spec)
    return loaded


def _refuse_overlap(spec: "Spec | ArcSpec", path: str, seen: dict[tuple[str, ...], str]) -> None:
    """Deployments run independently only if no two claim the same name or the same cluster."""
    claims = {
        ("deployment", spec.deployment): f"deployment {spec.deployment}",
        ("cluster", spec.subscription_id or "", spec.resource_group.lower(), spec.cluster.name.lower()): (
            f"cluster {spec.resource_group}/{spec.cluster.name}"
        ),
    }
    for key, what in claims.items():
        if key in seen:
            raise InvalidRequest(
                f"{path}: {what} is also in {seen[key]}; two deployments of one run would race on the same "
                "resources. Nothing was written for this file",
                code="DUPLICATE_DEPLOYMENT",
            )
    seen.update(dict.fromkeys(claims, path))
