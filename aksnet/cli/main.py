"""The `aksnet` command: a Typer app with one small module per command (imported lazily where heavy)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from aksnet.cli import capacity, down, migrate, plan, scenarios, status, up
from aksnet.cli.common import AppContext, leave
from aksnet.cli.fast_options import FastGroup
from aksnet.cli.signals import stopped_exit

app = typer.Typer(
    name="aksnet",
    cls=FastGroup,
    help="Plan, provision, tear down and migrate AKS clusters with the networking they need.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


@app.callback()
def main(
    ctx: typer.Context,
    emulator: Annotated[
        bool,
        typer.Option(
            "--emulator", envvar="AKSNET_EMULATOR", help="Talk to the built-in ARM emulator instead of Azure."
        ),
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", help="Log what aksnet decides and why (stderr).")] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            envvar="AKSNET_DEBUG",
            help="--verbose, plus every HTTP request and response Azure's SDK logs (secrets redacted).",
        ),
    ] = False,
) -> None:
    """aksnet: one scenario file in, an AKS cluster in the network you need out."""
    from aksnet.cli.logs import configure

    configure(verbose=verbose, debug=debug)
    ctx.obj = AppContext(emulator=emulator, env=os.environ)


app.command("plan")(plan.command)
app.command("up")(up.command)
app.command("down")(down.command)
app.command("status")(status.command)
app.command("migrate-policy")(migrate.command)
app.command("capacity")(capacity.command)
app.command("scenarios")(scenarios.command)


def run() -> None:
    """The app, then an immediate exit (see `leave`); `aksnet.cli.entry` calls it once signals are handled."""
    try:
        app()
    except SystemExit as done:
        leave(stopped_exit(done.code))
    leave(0)
