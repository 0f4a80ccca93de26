"""Progress on stderr, never on stdout: one timestamped line per event, or a live view on a terminal."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from aksnet.progress import NullProgress, Progress


class LineProgress:
    """One line per event for CI logs and pipes, stamped with the run's total time so far (`[total 12.3s]`);
    a finished step's own time is said once, at its end."""

    def __init__(self, stream: TextIO | None = None, *, prefix_deployment: bool = False) -> None:
        self._stream = stream or sys.stderr
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._prefix = prefix_deployment
        self._began: dict[tuple[str, str], float] = {}

    def _line(self, deployment: str, text: str) -> None:
        who = f"{deployment}: " if self._prefix else ""
        with self._lock:
            self._stream.write(f"[total {time.monotonic() - self._start:6.1f}s] {who}{text}\n")
            self._stream.flush()

    def started(self, deployment: str, step: str, what: str) -> None:
        self._began[(deployment, step)] = time.monotonic()
        self._line(deployment, f"{step}: {what}")

    def waiting(self, deployment: str, step: str, status: str) -> None:
        began = self._began.get((deployment, step), time.monotonic())
        self._line(deployment, f"{step}: waiting for Azure ({status}, {time.monotonic() - began:.0f}s so far)")

    def finished(self, deployment: str, step: str, outcome: str, seconds: float) -> None:
        self._line(deployment, f"{step}: {outcome}, took {seconds:.1f}s")

    def failed(self, deployment: str, step: str, message: str) -> None:
        self._line(deployment, f"{step}: FAILED: {message}")

    def close(self) -> None:
        pass


class LiveProgress:
    """A rich live view on a terminal: a row for the run's total time, then a spinner row per step (or per
    deployment in a fleet), each with its own timer; a finished step's timer stops, so its time shows once."""

    def __init__(self, *, fleet: bool = False) -> None:
        from rich.console import Console
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self._fleet = fleet
        self._lock = threading.Lock()
        self._console = Console(stderr=True)
        self._progress = RichProgress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=self._console
        )
        self._tasks: dict[str, Any] = {"": self._progress.add_task("total", total=None)}
        self._progress.start()

    def _key(self, deployment: str, step: str) -> str:
        return deployment if self._fleet else f"{deployment}/{step}"

    def _show(self, deployment: str, step: str, text: str, *, done: bool = False) -> None:
        key = self._key(deployment, step)
        label = f"{deployment}: {step} {text}" if self._fleet else f"{step} {text}"
        with self._lock:
            if key not in self._tasks:
                self._tasks[key] = self._progress.add_task(label, total=1)
            self._progress.update(self._tasks[key], description=label, completed=1 if done else 0)

    def started(self, deployment: str, step: str, what: str) -> None:
        self._show(deployment, step, what)

    def waiting(self, deployment: str, step: str, status: str) -> None:
        self._show(deployment, step, f"[dim]waiting for Azure: {status}[/dim]")

    def finished(self, deployment: str, step: str, outcome: str, seconds: float) -> None:
        self._show(deployment, step, f"[green]{outcome}[/green]", done=not self._fleet)

    def failed(self, deployment: str, step: str, message: str) -> None:
        self._show(deployment, step, f"[red]failed[/red]: {message}", done=True)

    def close(self) -> None:
        self._progress.stop()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No redrawing while a question is asked on the terminal; updates wait until it is answered."""
        with self._lock:
            self._progress.stop()
            try:
                yield
            finally:
                self._progress.start()


def for_terminal(*, fleet: bool = False, quiet: bool = False) -> Progress:
    """Live view on an interactive stderr, plain lines otherwise."""
    if quiet:
        return NullProgress()
    if sys.stderr.isatty():
        return LiveProgress(fleet=fleet)
    return LineProgress(prefix_deployment=fleet)


class TerminalProgress:
    """The progress a command shows: made on first use (a command that fails early draws nothing), and
    held still while the person at the terminal answers a question."""

    def __init__(self, *, fleet: bool = False, quiet: bool = False) -> None:
        self._fleet, self._quiet = fleet, quiet
        self._current: Progress | None = None
        self._lock = threading.Lock()

    def _progress(self) -> Progress:
        with self._lock:
            if self._current is None:
                self._current = for_terminal(fleet=self._fleet, quiet=self._quiet)
            return self._current

    def started(self, deployment: str, step: str, what: str) -> None:
        self._progress().started(deployment, step, what)

    def waiting(self, deployment: str, step: str, status: str) -> None:
        self._progress().waiting(deployment, step, status)

    def finished(self, deployment: str, step: str, outcome: str, seconds: float) -> None:
        self._progress().finished(deployment, step, outcome, seconds)

    def failed(self, deployment: str, step: str, message: str) -> None:
        self._progress().failed(deployment, step, message)

    @contextmanager
    def paused(self) -> Iterator[None]:
        current = self._current
        if isinstance(current, LiveProgress):
            with current.paused():
                yield
        else:
            yield

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.close()
                self._current = None
