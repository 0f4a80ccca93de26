"""A stop asked of the whole process by a signal (Ctrl-C's SIGINT, or SIGTERM), recorded once.

The CLI's signal handler records the signal (`aksnet.cli.signals`). Every run's stop event is watched
here, so a run stops at its next wait even where the signal's KeyboardInterrupt cannot reach (another
thread, or an exception Python had to swallow); and an interruption reports the signal it came from:
exit 143 for SIGTERM, 130 for Ctrl-C. Nothing here runs unless a signal was received.
"""

from __future__ import annotations

import signal
import threading
import weakref

from aksnet.errors import Interrupted, Terminated

_received: list[int] = []  # the first stop signal; appended without a lock, so a signal handler may do it
_watched: weakref.WeakSet[threading.Event] = weakref.WeakSet()
_lock = threading.Lock()


def record(signum: int) -> bool:
    """Note a stop signal; True if it is the first. Safe inside a signal handler (no lock is taken)."""
    if _received:
        return False
    _received.append(signum)
    return True


def received() -> int | None:
    """The signal that asked the process to stop, if one did."""
    return _received[0] if _received else None


def watched(event: threading.Event | None = None) -> threading.Event:
    """`event` (or a new one), set when the process is asked to stop; set already if it was."""
    event = event if event is not None else threading.Event()
    with _lock:
        _watched.add(event)
    if _received:
        event.set()
    return event


def stop_watched() -> None:
    """Set every watched stop event. Not from a signal handler: Event.set takes a lock the main thread may hold."""
    with _lock:
        events = list(_watched)
    for event in events:
        event.set()


def interruption(message: str) -> Interrupted:
    """The error a stopped run reports: Terminated (143) after SIGTERM, else Interrupted (130)."""
    return Terminated(message) if received() == signal.SIGTERM else Interrupted(message)


def check(doing: str) -> None:
    """Raise the interruption if the process was asked to stop (for waits outside any run)."""
    if _received:
        raise interruption(f"stopped while {doing}; nothing was changed by this step, and a re-run resumes")


def forget() -> None:
    """Clear the record (tests that simulate a signal in-process)."""
    _received.clear()
