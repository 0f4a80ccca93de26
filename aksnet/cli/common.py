"""What every command shares: the options, the app context, and the one output path.

A command parses its options, builds a result (or lets an `AksnetError` escape) and hands it to
`finish`: `emit` prints the table or the JSON document, and the process leaves with the result's
exit code, which only the error classes decide. Progress and questions go to stderr, never stdout.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Protocol

import typer

from aksnet.errors import AksnetError, InvalidRequest

if TYPE_CHECKING:
    from aksnet.azure.session import Session
    from aksnet.cli.progress import TerminalProgress


class Output(StrEnum):
    """How results are printed (az's formats): a table for people, one document for scripts, or nothing."""

    table = "table"
    json = "json"
    jsonc = "jsonc"
    yaml = "yaml"
    tsv = "tsv"
    none = "none"


# Formats whose one document carries an error in full: nothing more is said on stderr.
DOCUMENT_FORMATS = frozenset({Output.json, Output.jsonc, Output.yaml})

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="PATH=VALUE", help="Override a spec field, e.g. cluster.node_pools.0.count=5."),
]
ResourceGroupOption = Annotated[
    str, typer.Option("--resource-group", "-g", metavar="RG", help="The cluster's resource group.")
]
ClusterNameOption = Annotated[str, typer.Option("--name", "-n", metavar="CLUSTER", help="The cluster's name.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Go ahead without asking (needed without a terminal).")]


class Result(Protocol):
    """What `emit` prints: an outcome with a JSON document."""

    @property
    def ok(self) -> bool: ...

    @property
    def exit_code(self) -> int: ...

    @property
    def error(self) -> AksnetError | None: ...

    def as_dict(self) -> Any: ...


@dataclass
class AppContext:
    """The global options, decided once for every command (the app's callback), and the environment.

    A global option is a parameter of the app's callback (cli/main.py) and a field of the same name
    here: `from_options` picks it up, and `global_options` lets it stand before or after the command.
    """

    emulator: bool = False
    output: Output = Output.table
    query: str | None = None
    subscription: str | None = None
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    cloud: str = "AzureCloud"
    arm_endpoint: str | None = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any], env: Mapping[str, str]) -> AppContext:
        """The context from the callback's options: each one named like a field."""
        names = {f.name for f in fields(cls)} - {"env"}
        return cls(env=env, **{name: value for name, value in options.items() if name in names})

    def session(self) -> Session:
        from aksnet.cli.connect import connect

        return connect(
            emulator=self.emulator,
            env=self.env,
            cloud=self.cloud,
            arm_endpoint=self.arm_endpoint or None,
            announce=stderr,
        )

    @staticmethod
    def progress(*, fleet: bool = False) -> TerminalProgress:
        from aksnet.cli.progress import TerminalProgress

        return TerminalProgress(fleet=fleet)

    @staticmethod
    def width() -> int:
        return terminal_width()

    def compiled_query(self) -> Any:
        """The --query expression compiled (None without one); QUERY_INVALID before anything runs."""
        if self.query is None:
            return None
        from aksnet.cli.query import compile_query

        return compile_query(self.query)


def terminal_width() -> int:
    """The terminal's width for tables: COLUMNS when set, else the terminal's, else the renderers' default."""
    import shutil

    from aksnet.render.text import DEFAULT_WIDTH

    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, AppContext) else AppContext()


def print_text(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def stderr(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")


def emit(result: Result, app: AppContext, query: Any = None) -> int:
    """Print `result` as `app` asks (its table, or its document in a format, after --query); its exit code.

    An error is reported on stderr too, unless the whole document (which carries it) is printed."""
    code = result.exit_code
    if app.output is Output.table and query is None:
        text = _table_text(result, app.width())
        shown_whole = False
    else:
        document = result.as_dict()
        shown_whole = query is None and app.output in DOCUMENT_FORMATS
        if query is not None:
            document, code = _queried(result, app, query, document)
        text = formatted(document, _format_for_stdout(app))
    if text:
        print_text(text)
    if not shown_whole:
        for label, error in _errors(result):
            report(error, label=label, findings=not text or not getattr(result, "findings", None))
    return code


def _table_text(result: Result, width: int) -> str:
    from aksnet.render import text_of

    return text_of(result, width)


def _queried(result: Result, app: AppContext, query: Any, document: Any) -> tuple[Any, int]:
    """The selected part of the document; when the expression cannot apply, the whole one and the reason."""
    from aksnet.cli.query import search

    try:
        return search(query, app.query or "", document), result.exit_code
    except InvalidRequest as exc:
        report(exc)
        return document, result.exit_code or exc.exit_code


def _format_for_stdout(app: AppContext) -> str:
    """jsonc is coloured only on a terminal (and without NO_COLOR), as az does; plain json otherwise."""
    if app.output is Output.jsonc and (not sys.stdout.isatty() or app.env.get("NO_COLOR")):
        return Output.json.value
    return app.output.value


def formatted(document: Any, output: str) -> str:
    from aksnet.render.formats import formatted as in_format

    return in_format(document, output)


def _errors(result: Result) -> list[tuple[str, AksnetError]]:
    from aksnet.result import FleetResult

    if isinstance(result, FleetResult):
        return [(r.deployment, r.error) for r in result.results if r.error is not None]
    return [("", result.error)] if result.error is not None else []


def report(error: AksnetError, *, label: str = "", findings: bool = True) -> None:
    """An error on stderr: what went wrong, the fix, and (unless shown already) its findings."""
    from aksnet.render.findings import render_findings

    stderr(f"Error{f' ({label})' if label else ''}: {error.message}")
    if error.hint:
        stderr(f"  fix: {error.hint}")
    if findings and isinstance(error, InvalidRequest) and error.findings:
        stderr(render_findings(error.findings, terminal_width()))


def finish(app: AppContext, make: Callable[[], Result], *, shape: Mapping[str, Any] | None = None) -> NoReturn:
    """Run a command body and leave with its result; an error it raises becomes the result (`shape` is
    the command's JSON document to keep, e.g. `plan`'s keys, when it fails before having one). A --query
    that does not parse stops the command before it starts."""
    from aksnet.result import Failure

    query = None
    try:
        query = app.compiled_query()
        result = make()
    except AksnetError as exc:
        result = Failure(exc, dict(shape or {}))
    except KeyboardInterrupt:
        from aksnet.stopping import interruption

        result = Failure(
            interruption("interrupted. Nothing is lost: Azure holds the state; run the same command again to resume"),
            dict(shape or {}),
        )
    raise typer.Exit(emit(result, app, query))


def leave(code: object) -> NoReturn:
    """End the process now, with `code` as sys.exit would take it, once our output is flushed.

    Why: a run that loaded the Azure SDK holds about a million objects, and the interpreter's own
    teardown of them takes 0.3-0.4 s after the work is done (measured by `make bench`). Nothing needs
    that teardown: the output is flushed here, the emulator's writes are durable at each COMMIT, and
    the executor has joined its worker threads (only daemon threads, such as SDK pollers, may remain).
    The cost: `atexit` hooks do not run, so every resource a command opens is closed by the command.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        stderr(str(code))
        status = 1
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe (`| head`) or stream: nothing left to deliver
            stream.flush()
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()
    os._exit(status)
