"""`aksnet plan SPEC`: every offline rule, the IP capacity, the ordered steps and their exact bodies."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from aksnet.cli.common import Output, OutputOption, SetOption, edge, print_json, print_text
from aksnet.errors import AksnetError, InvalidRequest


def command(
    ctx: typer.Context,
    spec: Annotated[str, typer.Argument(help="The scenario YAML file.", show_default=False)],
    set_: SetOption = None,
    live: Annotated[
        bool,
        typer.Option("--live", help="Also read what exists in Azure and check the spec against it; writes nothing."),
    ] = False,
    subscription: Annotated[str | None, typer.Option("--subscription", help="Subscription id (with --live).")] = None,
    output: OutputOption = Output.table,
) -> None:
    """Validate a scenario offline and print what `up` would create, with the exact ARM bodies."""
    from aksnet.live_rules import only_permission_errors
    from aksnet.plan import build_plan
    from aksnet.render import render_plan
    from aksnet.rules import check
    from aksnet.spec import load_spec

    with edge(output, plan_error_document):
        loaded = load_spec(spec, set_ or ())
        if live:
            from aksnet.azure.preflight import live_plan

            emulator = bool(ctx.obj and ctx.obj.get("emulator"))
            plan = live_plan(loaded, check(loaded), emulator=emulator, subscription=subscription, env=os.environ)
        else:
            plan = build_plan(loaded, check(loaded))
        if output is Output.json:
            print_json(plan.as_dict())
        else:
            print_text(render_plan(plan))
    if not plan.ok:
        raise typer.Exit(4 if only_permission_errors(plan.findings) else 2)


def plan_error_document(exc: AksnetError) -> dict[str, Any]:
    """A spec that cannot be read still answers in the plan's shape."""
    findings = exc.findings if isinstance(exc, InvalidRequest) else []
    return {
        "deployment": None,
        "ok": False,
        "findings": [f.as_dict() for f in findings],
        "capacity": None,
        "steps": [],
        "requests": {},
        "error": exc.as_dict(),
    }
