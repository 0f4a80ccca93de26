"""Help in the user's words: every value has a metavar, and no Python type shows.

Typer 0.29 prints an option's Python type when it has no metavar (`--subscription <str>`,
`specs... <list[str]>`) and a required argument in braces (`aksnet plan [OPTIONS] {spec}`). Each
parameter without a metavar gets one here (`SPEC`, `N`, `[table|json]`), and arguments show in the
usage line as click shows them (`SPEC`, `[SPEC]`, `SPEC...`). tests/test_cli_help.py reads every
command's help for Python types.
"""

from __future__ import annotations

from enum import Enum
from typing import Any


def plain_help(command: Any, epilog: str | None = None) -> None:
    """Give every parameter of `command` a metavar; `epilog` (e.g. the global options) when it has none."""
    for param in command.params:
        if getattr(param, "param_type_name", "") == "argument":
            _argument(param)
        elif not (param.is_flag or param.count) and param.metavar is None:
            param.metavar = _option_metavar(param)
    if epilog and not command.epilog:
        command.epilog = epilog


def _argument(param: Any) -> None:
    if param.metavar is None:
        param.metavar = str(param.name).upper()
    many = "..." if param.nargs != 1 else ""
    shown = f"{param.metavar}{many}" if param.required else f"[{param.metavar}]{many}"
    if hasattr(param, "_usage_display_name"):  # typer's usage piece; another typer keeps its own
        param._usage_display_name = lambda: shown
    if hasattr(param, "display_type_rich"):  # typer would add the Python type after the name
        param.display_type_rich = lambda ctx: None


def _option_metavar(param: Any) -> str:
    choices = _choices(param)
    if choices:
        return "[" + "|".join(choices) + "]"
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and descriptor.annotation is int:
        return "N"
    return str(param.name).upper()


def _choices(param: Any) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    values = getattr(descriptor, "choices", None) if descriptor is not None else None
    if values is None:
        values = getattr(getattr(param, "type", None), "choices", None)
    return [str(v.value if isinstance(v, Enum) else v) for v in values or ()]


def global_options_line(params: Any) -> str:
    """One line naming the global options, for every command's help."""
    names = []
    for param in params:
        if getattr(param, "param_type_name", "") != "option" or param.hidden or not param.expose_value:
            continue  # --version and the completion options act at once; they are not settings
        spelled = "/".join(sorted(param.opts, key=len))
        names.append(spelled + ("" if param.is_flag else f" {param.metavar or str(param.name).upper()}"))
    return "Global options (before or after the command): " + ", ".join(names) + "."
