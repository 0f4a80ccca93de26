"""`aksnet up SPEC...`: plan, check live, then create or converge everything; several SPECs run as a fleet."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from aksnet.cli.common import Output, OutputOption, SetOption, edge, print_json, print_text, stderr


def command(
    ctx: typer.Context,
    specs: Annotated[list[str], typer.Argument(help="Scenario YAML file(s); several run concurrently.")],
    set_: SetOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Apply changes to an existing cluster without asking.")
    ] = False,
    parallel: Annotated[int, typer.Option("--parallel", min=1, help="Deployments provisioned at once.")] = 8,
    subscription: Annotated[str | None, typer.Option("--subscription", help="Subscription id.")] = None,
    output: OutputOption = Output.table,
) -> None:
    """Provision the scenario(s): resource group, network, identity, grants, then the AKS cluster."""
    from aksnet.azure.clients import warm_up

    warm_up()  # the SDK imports overlap reading the specs, the credential and the first reads
    from aksnet.azure.fleet import run_fleet
    from aksnet.render import render_fleet, render_result

    with edge(output):
        results = run_fleet(
            specs,
            overrides=set_ or (),
            emulator=bool(ctx.obj and ctx.obj.get("emulator")),
            yes=yes,
            parallel=parallel,
            subscription=subscription,
            json_output=output is Output.json,
            env=os.environ,
            confirm=ask_on_terminal if sys.stdin.isatty() else None,
        )
    if output is Output.json:
        print_json(results[0].as_dict() if len(results) == 1 else fleet_document(results))
    else:
        print_text(render_result(results[0]) if len(results) == 1 else render_fleet(results))
    for result in results:
        if result.error is not None and output is Output.table:
            stderr(f"Error ({result.deployment}): {result.error}")
    raise typer.Exit(max(r.exit_code for r in results))


def ask_on_terminal(question: str) -> bool:
    """An `up` that would change an existing cluster asks first (on stderr: stdout stays for -o json)."""
    return typer.confirm(question, default=False, err=True)


def fleet_document(results: list) -> dict:  # type: ignore[type-arg]
    return {"ok": all(r.ok for r in results), "deployments": [r.as_dict() for r in results]}
