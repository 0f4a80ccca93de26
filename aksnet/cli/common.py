"""What every command shares: the options, the app context, and the one output path.

A command parses its options, builds a result (or lets an `AksnetError` escape) and hands it to
`finish`: `emit` prints the table or the JSON document, and the process leaves with the result's
exit code, which only the error classes decide. Progress and questions go to stderr, never stdout.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Protocol

import typer

from aksnet.errors import AksnetError, InvalidRequest

if TYPE_CHECKING:
    from aksnet.azure.session import Session
    from aksnet.render.progress import TerminalProgress


class Output(StrEnum):
    """How results are printed: a table for people, one JSON document for scripts."""

    table = "table"
    json = "json"


OutputOption = Annotated[
    Output, typer.Option("--output", "-o", help="table (default) or json: one JSON document on stdout.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="PATH=VALUE", help="Override a spec field, e.g. cluster.node_pools.0.count=5."),
]
SubscriptionOption = Annotated[str | None, typer.Option("--subscription", help="Subscription id.")]
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
    """What the app's callback decides once for every command: where to connect, and the environment."""

    emulator: bool = False
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)

    def session(self) -> Session:
        from aksnet.cli.connect import connect

        return connect(emulator=self.emulator, env=self.env)

    @staticmethod
    def progress(*, fleet: bool = False) -> TerminalProgress:
        from aksnet.render.progress import TerminalProgress

        return TerminalProgress(fleet=fleet)


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, AppContext) else AppContext()


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")


def print_text(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def stderr(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")


def emit(result: Result, output: Output) -> int:
    """Print `result` (the JSON document, or its table with any error on stderr); its exit code."""
    if output is Output.json:
        print_json(result.as_dict())
        return result.exit_code
    from aksnet.render import text_of

    text = text_of(result)
    if text:
        print_text(text)
    for label, error in _errors(result):
        report(error, label=label, findings=not text or not getattr(result, "findings", None))
    return result.exit_code


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
        stderr(render_findings(error.findings))


def finish(output: Output, make: Callable[[], Result], *, shape: Mapping[str, Any] | None = None) -> NoReturn:
    """Run a command body and leave with its result; an error it raises becomes the result (`shape` is
    the command's JSON document to keep, e.g. `plan`'s keys, when it fails before having one)."""
    from aksnet.result import Failure

    try:
        result = make()
    except AksnetError as exc:
        result = Failure(exc, dict(shape or {}))
    except KeyboardInterrupt:
        from aksnet.stopping import interruption

        result = Failure(
            interruption("interrupted. Nothing is lost: Azure holds the state; run the same command again to resume"),
            dict(shape or {}),
        )
    raise typer.Exit(emit(result, output))


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
