"""What every command shares: the output switch, the JSON writer, and the one error edge."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum
from typing import Annotated, Any, NoReturn

import typer

from aksnet.errors import AksnetError, InvalidRequest


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


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")


def print_text(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def stderr(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")


def error_document(exc: AksnetError) -> dict[str, Any]:
    document: dict[str, Any] = {"ok": False, "error": exc.as_dict()}
    if isinstance(exc, InvalidRequest) and exc.findings:
        document["findings"] = [f.as_dict() for f in exc.findings]
    return document


@contextmanager
def edge(output: Output, document: Callable[[AksnetError], dict[str, Any]] = error_document) -> Iterator[None]:
    """Turn aksnet's errors into a message (or one JSON document) and the error's exit code."""
    try:
        yield
    except AksnetError as exc:
        report(exc, output, document)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        stderr("Interrupted. Nothing is lost: Azure holds the state; run the same command again to resume.")
        raise typer.Exit(130) from None


def report(exc: AksnetError, output: Output, document: Callable[[AksnetError], dict[str, Any]]) -> None:
    from aksnet.render import render_findings

    if output is Output.json:
        print_json(document(exc))
        return
    stderr(f"Error: {exc.message}")
    if isinstance(exc.details, str):
        stderr(f"  fix: {exc.details}")
    if isinstance(exc, InvalidRequest) and exc.findings:
        stderr(render_findings(exc.findings))


def leave(code: object) -> NoReturn:
    """End the process now, with `code` as sys.exit would take it, once our output is flushed.

    A run that loaded the Azure SDK holds about a million objects, and the interpreter's own
    teardown of them takes 0.3-0.4 s after the work is done. Nothing needs that teardown: the
    output is flushed here, the emulator's writes are durable at each COMMIT, and the executor
    has joined its worker threads (only daemon threads, such as SDK pollers, may remain).
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
