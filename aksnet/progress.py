"""Where long runs report each step, its elapsed time and what it waits for: the protocol, and silence.

The renderings (plain lines, a live terminal view) are presentation and live in `aksnet.cli.progress`."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Where the executor reports; implementations must be thread-safe."""

    def started(self, deployment: str, step: str, what: str) -> None: ...

    def waiting(self, deployment: str, step: str, status: str) -> None: ...

    def finished(self, deployment: str, step: str, outcome: str, seconds: float) -> None: ...

    def failed(self, deployment: str, step: str, message: str) -> None: ...

    def close(self) -> None: ...


class NullProgress:
    """Reports nothing (tests, `-o json` with --quiet)."""

    def started(self, deployment: str, step: str, what: str) -> None:
        pass

    def waiting(self, deployment: str, step: str, status: str) -> None:
        pass

    def finished(self, deployment: str, step: str, outcome: str, seconds: float) -> None:
        pass

    def failed(self, deployment: str, step: str, message: str) -> None:
        pass

    def close(self) -> None:
        pass


class Confirm(Protocol):
    """Asks before a change: returns to go ahead, raises otherwise (InvalidRequest CONFIRMATION_REQUIRED
    without a terminal, Declined when the answer is no).

    `summary` is what will change; `question` the yes/no line; `refused` says what happens without a
    terminal and without --yes; `declined` what the run reports when the answer is no.
    """

    def __call__(self, summary: str, question: str, *, refused: str, declined: str) -> None: ...
