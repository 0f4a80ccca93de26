"""aksnet's command groups: plain option conversion, global options anywhere, help in the user's words."""

from __future__ import annotations

from typing import Any

from aksnet.cli.fast_options import FastGroup
from aksnet.cli.global_options import command_option_names, hoist, option_names
from aksnet.cli.help_text import global_options_line, plain_help


class AksnetGroup(FastGroup):
    """A group of aksnet commands; the root's options are the global ones (see `global_options`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_help(self)
        for command in self.commands.values():
            plain_help(command)
        if option_names(self.params):  # the root: every command's help names its options
            line = global_options_line(self.params)
            for command in self.commands.values():
                _epilog(command, line)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if ctx.parent is None:
            names = option_names(self.params)
            args = hoist(args, names, lambda name: command_option_names(self.commands.get(name)))
        return list(super().parse_args(ctx, args))


def _epilog(command: Any, line: str) -> None:
    if not command.epilog:
        command.epilog = line
    for sub in getattr(command, "commands", {}).values():
        _epilog(sub, line)
