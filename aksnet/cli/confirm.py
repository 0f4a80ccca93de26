"""The one way every command asks the person at the terminal before it changes something."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from aksnet.errors import Declined, InvalidRequest

if TYPE_CHECKING:
    from aksnet.cli.progress import TerminalProgress


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


@dataclass
class TerminalConfirm:
    """--yes goes ahead; without a terminal the run refuses; on one, the progress view holds still while the
    summary and the question are shown on stderr (stdout stays the result's)."""

    yes: bool
    progress: TerminalProgress | None = None

    def __call__(self, summary: str, question: str, *, refused: str, declined: str) -> None:
        if self.yes:
            return
        if not stdin_is_terminal():
            raise InvalidRequest(refused, code="CONFIRMATION_REQUIRED")
        if self.progress is not None:
            with self.progress.paused():
                agreed = _ask(summary, question)
        else:
            agreed = _ask(summary, question)
        if not agreed:
            raise Declined(declined)


def _ask(summary: str, question: str) -> bool:
    sys.stderr.write(summary if summary.endswith("\n") else summary + "\n")
    return typer.confirm(question, default=False, err=True)
