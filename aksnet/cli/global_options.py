"""Global options before or after the command name, as in az: `aksnet plan x.yaml -o json` is
`aksnet -o json plan x.yaml`.

The app's callback declares the global options; `hoist` moves those that follow the command name to
before it, so the callback (and so `AppContext`) sees them wherever they were typed. An option of
the command with the same name stays the command's, and values of the command's own options are
never mistaken for options (`--set x=--debug` keeps its value). Everything after `--` stays put.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

# Option names -> whether the option takes a value (a flag does not).
Names = Mapping[str, bool]


def option_names(params: Iterable[Any]) -> dict[str, bool]:
    """Every spelling of the options among `params` (click parameters), and whether it takes a value."""
    names: dict[str, bool] = {}
    for param in params:
        if getattr(param, "param_type_name", "") != "option":
            continue
        takes_value = not (param.is_flag or param.count)
        names.update(dict.fromkeys((*param.opts, *param.secondary_opts), takes_value))
    return names


def command_option_names(command: Any) -> dict[str, bool]:
    """The options of `command` and, for a group, of every command under it."""
    if command is None:
        return {}
    names = option_names(command.params)
    for sub in getattr(command, "commands", {}).values():
        names.update(command_option_names(sub))
    return names


def hoist(args: Sequence[str], global_names: Names, command_names: Callable[[str], Names]) -> list[str]:
    """`args` with every global option (and its value) that follows the command name moved before it."""
    head, at = _up_to_command(args, global_names)
    if at is None:
        return list(args)
    command = args[at]
    moved, kept = _split(args[at + 1 :], global_names, command_names(command))
    return [*head, *moved, command, *kept]


def _option(token: str, names: Names) -> tuple[str, bool] | None:
    """(name, whether the next token is its value) when `token` is one of `names`."""
    if token.startswith("--"):
        name, inline, _ = token.partition("=")
        return (name, names[name] and not inline) if name in names else None
    if token.startswith("-") and len(token) >= 2 and token[:2] in names:
        return token[:2], names[token[:2]] and len(token) == 2
    return None


def _up_to_command(args: Sequence[str], global_names: Names) -> tuple[list[str], int | None]:
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--":
            return [], None
        if not token.startswith("-") or token == "-":
            return list(args[:index]), index
        found = _option(token, global_names)
        index += 2 if found is not None and found[1] else 1
    return [], None


def _split(rest: Sequence[str], global_names: Names, own: Names) -> tuple[list[str], list[str]]:
    moved: list[str] = []
    kept: list[str] = []
    index = 0
    while index < len(rest):
        token = rest[index]
        if token == "--":
            kept.extend(rest[index:])
            break
        mine = _option(token, own)
        found = mine or _option(token, global_names)
        target = kept if mine is not None or found is None else moved
        width = 2 if found is not None and found[1] else 1
        target.extend(rest[index : index + width])
        index += width
    return moved, kept
