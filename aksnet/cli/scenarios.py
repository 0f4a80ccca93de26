"""`aksnet scenarios`: the bundled scenario files, one line each; `aksnet scenarios show NAME` prints one."""

from typing import TYPE_CHECKING, Annotated

import typer

from aksnet.cli.common import app_context, finish
from aksnet.cli.group import AksnetGroup

if TYPE_CHECKING:
    from aksnet.result import ScenarioFile

app = typer.Typer(
    cls=AksnetGroup,
    help="List the bundled scenario files, or print one to start from.",
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback(invoke_without_command=True)
def command(ctx: typer.Context) -> None:
    """List the bundled scenario files with what each sets up (`aksnet scenarios show NAME` prints one)."""
    if ctx.invoked_subcommand is None:
        listing(ctx)


@app.command("list")
def listing(ctx: typer.Context) -> None:
    """List the bundled scenario files with what each sets up."""
    from aksnet.result import ScenarioInfo, ScenarioList
    from aksnet.scenarios import bundled

    finish(
        app_context(ctx),
        lambda: ScenarioList([ScenarioInfo(s.name, str(s.path), s.description) for s in bundled()]),
    )


@app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="A bundled scenario's name, e.g. overlay-cilium.")],
) -> None:
    """Print a bundled scenario file, to start your own from (`aksnet scenarios show overlay-cilium > my.yaml`)."""
    finish(app_context(ctx), lambda: scenario_file(name))


def scenario_file(name: str) -> "ScenarioFile":
    from aksnet.errors import InvalidRequest
    from aksnet.result import ScenarioFile
    from aksnet.scenarios import find, similar

    found = find(name)
    if found is None:
        close = similar(name)
        raise InvalidRequest(
            f"there is no bundled scenario called {name!r}",
            code="SCENARIO_NOT_FOUND",
            hint=(f"did you mean {' or '.join(close)}? " if close else "") + "`aksnet scenarios` lists them",
        )
    return ScenarioFile(found.name, str(found.path), found.description, found.path.read_text(encoding="utf-8"))
