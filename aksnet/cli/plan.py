"""`aksnet plan SPEC`: every offline rule, the IP capacity, the ordered steps and their exact bodies."""

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aksnet.cli.common import SetOption, app_context, finish
from aksnet.errors import InvalidRequest

if TYPE_CHECKING:
    from aksnet.arc.plan import ArcPlan
    from aksnet.arc.spec import ArcSpec
    from aksnet.cli.common import AppContext
    from aksnet.plan import Plan

# A spec that cannot be read still answers in the plan's shape.
FAILED_PLAN: dict[str, Any] = {"deployment": None, "findings": [], "capacity": None, "steps": [], "requests": {}}


def command(
    ctx: typer.Context,
    spec: Annotated[
        str,
        typer.Argument(metavar="SPEC", help="A scenario YAML file, or a bundled scenario's name.", show_default=False),
    ],
    set_: SetOption = None,
    live: Annotated[
        bool,
        typer.Option("--live", help="Also read what exists in Azure and check the spec against it; writes nothing."),
    ] = False,
    map_file: Annotated[
        str | None,
        typer.Option("--map", metavar="FILE.svg", help="Also draw the address map as an SVG picture into this file."),
    ] = None,
) -> None:
    """Validate a scenario offline and print what `up` would create, with the exact ARM bodies."""
    app = app_context(ctx)

    def planned() -> "Plan | ArcPlan":
        from aksnet.plan import Plan

        result = plan(app, spec, set_ or (), live=live)
        if not map_file:
            return result
        if not isinstance(result, Plan):
            raise InvalidRequest(
                "--map draws a cloud VNet's address map; an Azure Local scenario has none", code="BAD_ARGUMENT"
            )
        return draw_map(result, map_file)

    finish(app, planned, shape=FAILED_PLAN)


def draw_map(planned: "Plan", path: str) -> "Plan":
    """Write the plan's address map as SVG to `path`; the plan, with a note saying where."""
    import dataclasses

    from aksnet.render.address_map import svg_address_map

    title = f"{planned.spec.deployment}: address map (needed at maximum scale with surge / holds)"
    try:
        Path(path).write_text(svg_address_map(planned.address_map, title), encoding="utf-8")
    except OSError as exc:
        raise InvalidRequest(f"--map {path}: cannot write it ({exc.strerror})", code="BAD_ARGUMENT") from None
    return dataclasses.replace(planned, notes=(*planned.notes, f"address map drawn in {path}"))


def plan(app: "AppContext", path: str, overrides: Sequence[str], *, live: bool) -> "Plan | ArcPlan":
    from aksnet.plan import build_plan
    from aksnet.rules import check
    from aksnet.spec import Spec, load_spec

    loaded = load_spec(path, overrides)
    if not isinstance(loaded, Spec):
        return arc_plan(app, loaded, live=live)
    if not live:
        return build_plan(loaded, check(loaded))
    from aksnet.azure.preflight import live_plan

    session = app.session()
    try:
        return live_plan(loaded, check(loaded), session, subscription=app.subscription, env=app.env)
    finally:
        session.close()


def arc_plan(app: "AppContext", spec: "ArcSpec", *, live: bool) -> "ArcPlan":
    """An Azure Local plan: offline, or checked against what exists (`--live`)."""
    from aksnet.arc.plan import offline_plan

    if not live:
        return offline_plan(spec)
    from aksnet.azure.arc.preflight import live_arc_plan

    session = app.session()
    try:
        return live_arc_plan(spec, session, subscription=app.subscription, env=app.env)
    finally:
        session.close()
