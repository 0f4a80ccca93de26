"""The `aksnet` command: a Typer app with one small module per command (imported lazily where heavy).

The app's callback holds the global options. Adding one: a parameter here, and a field of the same
name on `AppContext` (cli/common.py); it then works before or after the command name, shows in every
command's help, and reaches each command as `app_context(ctx).<name>`.
"""

import os
from enum import StrEnum
from typing import Annotated, Any

import typer

from aksnet.cli import capacity, credentials, down, emulator, migrate, plan, scenarios, status, up
from aksnet.cli.common import AppContext, Output, leave
from aksnet.cli.group import AksnetGroup
from aksnet.cli.signals import stopped_exit
from aksnet.clouds import ARM_ENDPOINT_ENV


class CloudName(StrEnum):
    """The clouds `--cloud` knows (aksnet.clouds.CLOUDS)."""

    AzureCloud = "AzureCloud"
    AzureChinaCloud = "AzureChinaCloud"
    AzureUSGovernment = "AzureUSGovernment"


app = typer.Typer(
    name="aksnet",
    cls=AksnetGroup,
    help="Plan, provision, tear down and migrate AKS clusters with the networking they need.",
    no_args_is_help=True,
    add_completion=False,  # see --install-completion below: the same, without loading it on every run
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from aksnet.cli.common import print_text
        from aksnet.cli.version import version_text

        print_text(version_text())
        raise typer.Exit(0)


def _completion(action: str, help_text: str) -> Any:
    """`--install-completion` or `--show-completion`: Typer's own, imported only when asked for."""

    def callback(ctx: typer.Context, param: Any, value: bool) -> None:
        if value and not ctx.resilient_parsing:
            from typer import completion

            getattr(completion, f"{action}_callback")(ctx, param, value)

    return typer.Option(f"--{action}-completion", expose_value=False, callback=callback, help=help_text)


@app.callback()
def main(
    ctx: typer.Context,
    emulator: Annotated[
        bool,
        typer.Option(
            "--emulator", envvar="AKSNET_EMULATOR", help="Talk to the built-in ARM emulator instead of Azure."
        ),
    ] = False,
    output: Annotated[
        Output,
        typer.Option(
            "--output",
            "-o",
            metavar="FORMAT",
            help="table (default), json, jsonc (coloured on a terminal), yaml, tsv or none: "
            "one document on stdout (progress goes to stderr).",
            show_default=False,
        ),
    ] = Output.table,
    query: Annotated[
        str | None,
        typer.Option("--query", metavar="JMESPATH", help="Print only what this JMESPath expression selects."),
    ] = None,
    subscription: Annotated[
        str | None,
        typer.Option(
            "--subscription", metavar="ID", help="Subscription id (default: the spec's, then AZURE_SUBSCRIPTION_ID)."
        ),
    ] = None,
    cloud: Annotated[
        CloudName, typer.Option("--cloud", help="The Azure cloud: its ARM endpoint, authority and token scope.")
    ] = CloudName.AzureCloud,
    arm_endpoint: Annotated[
        str | None,
        typer.Option(
            "--arm-endpoint",
            envvar=ARM_ENDPOINT_ENV,
            help="Any ARM endpoint instead (Azure Stack Hub, `aksnet emulator serve`); its /metadata/endpoints "
            "names the authority.",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Log what aksnet decides and why (stderr).")] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            envvar="AKSNET_DEBUG",
            help="--verbose, plus every HTTP request and response Azure's SDK logs (secrets redacted).",
        ),
    ] = False,
    _version_flag: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            expose_value=False,
            callback=_version,
            help="Show aksnet's version and the Azure SDK versions it runs, then exit.",
        ),
    ] = False,
    _install: Annotated[
        bool, _completion("install", "Install shell completion for the current shell (bash, zsh, fish, PowerShell).")
    ] = False,
    _show: Annotated[
        bool, _completion("show", "Print the completion script for the current shell, to install it yourself.")
    ] = False,
) -> None:
    """aksnet: one scenario file in, an AKS cluster in the network you need out."""
    from aksnet.cli.logs import configure

    configure(verbose=verbose, debug=debug)
    ctx.obj = AppContext.from_options(ctx.params, os.environ)


app.command("plan")(plan.command)
app.command("up")(up.command)
app.command("down")(down.command)
app.command("status")(status.command)
app.command("credentials")(credentials.command)
app.command("migrate-policy")(migrate.command)
app.command("capacity")(capacity.command)
app.add_typer(scenarios.app, name="scenarios")
app.add_typer(emulator.app, name="emulator")


def run() -> None:
    """The app, then an immediate exit (see `leave`); `aksnet.cli.entry` calls it once signals are handled."""
    try:
        app()
    except SystemExit as done:
        leave(stopped_exit(done.code))
    leave(0)
