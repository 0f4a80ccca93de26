"""Option values converted without pydantic: Typer 0.29 imports it (~0.15 s) for every command run.

Why this exists: `aksnet plan` is a command people run in a loop while they edit a scenario, and
pydantic's import was a third of its start-up (`make bench` measured 524 -> 337 ms when this landed).
`FastGroup` gives each option of a plain type (str, int with bounds, bool, str enums, lists of
them, and --help) a conversion that returns exactly what Typer's own does; anything else, an
invalid value included, still goes through Typer, so its messages and exit codes are unchanged.
The cost: it reaches into Typer's private `_coercion` and `_param_types` modules, so Typer is pinned
below the next minor version, and tests/test_startup.py fails when the installed Typer no longer
matches (its internals moved, or its conversion of any option differs from this one's).
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from typer.core import TyperGroup


class FastGroup(TyperGroup):
    """aksnet's command group: options of plain types are converted without pydantic.

    Typer 0.29 builds a pydantic TypeAdapter for every parameter of the command being run, which
    imports pydantic: about 0.15 s of each `aksnet plan` or `up` (a third of `plan`). Values of the
    types aksnet's options use (str, int, bool, str enums, lists of them) are converted here to
    what typer's own conversion gives; anything else, an invalid value included, still goes
    through typer, so its error messages stay exactly typer's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for command in (self, *self.commands.values()):
            for param in command.params:
                plain_coercion(param)
            _plain_help_option(command)


def _plain_help_option(command: Any) -> None:
    """`--help` is a typer option too, made when a command is first parsed: convert it plainly as well."""
    made = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = made(ctx)
        if option is not None:
            plain_coercion(option)
        return option

    setattr(command, "get_help_option", get_help_option)  # noqa: B010 - an instance attribute, not a method


def plain_coercion(param: Any) -> None:
    """Give `param` a pydantic-free conversion when its type is a plain one (typer internals, guarded)."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", False) is not None or descriptor.file_annotation:
        return
    try:
        from typer._coercion import build_runtime_param
        from typer._param_types import coerce_cli_choice
    except ImportError:  # another typer: its own conversion it is
        return
    convert = _converter(descriptor.annotation, descriptor.parameter_info, coerce_cli_choice)
    if convert is not None:
        param._runtime_param = _PlainParam(convert, lambda: build_runtime_param(descriptor))


def _converter(annotation: Any, info: Any, choice: Callable[..., Any]) -> Callable[[Any], Any] | None:
    if getattr(info, "parser", None) is not None or getattr(info, "clamp", False):
        return None
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation) or (None,)
        each = _converter(item, info, choice)
        return None if each is None else lambda values: [each(v) for v in _as_list(values)]
    if annotation is str:
        return lambda value: _exactly(value, str)
    if annotation is bool:
        return _boolean
    if annotation is int:
        return lambda value: _integer(value, info.min, info.max)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        choices, sensitive = list(annotation), info.case_sensitive
        return lambda value: choice(value, choices=choices, case_sensitive=sensitive)
    return None


def _as_list(values: Any) -> list[Any] | tuple[Any, ...]:
    if not isinstance(values, list | tuple):
        raise ValueError("not a list")  # typer decides what a single value means
    return values


def _exactly(value: Any, kind: type) -> Any:
    if type(value) is not kind:
        raise ValueError(f"not a {kind.__name__}")
    return value


# The strings pydantic reads as booleans (case-insensitive), as typer's flags from an environment variable.
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _boolean(value: Any) -> bool:
    if type(value) is bool:
        return value
    if isinstance(value, str):  # e.g. AKSNET_EMULATOR=1
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE or not word:
            return False
    raise ValueError("not a plain boolean")


def _integer(value: Any, low: float | None, high: float | None) -> int:
    if type(value) is int:
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    else:
        raise ValueError("not a plain integer")
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError("out of range")
    return number


@dataclass(frozen=True)
class _PlainParam:
    """Typer's runtime-parameter interface: `convert`, and typer's own conversion for what it refuses."""

    convert: Callable[[Any], Any]
    typer_own: Callable[[], Any]

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:  # as typer's RuntimeParam.coerce
            return () if param.multiple or param.nargs == -1 else None
        try:
            return self.convert(value)
        except (TypeError, ValueError):
            return self.typer_own().coerce(value, param=param, ctx=ctx)
