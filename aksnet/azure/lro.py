"""Waiting for a long-running operation: prompt when it ends, a progress note while it runs, stoppable."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aksnet.arm import is_terminal, provisioning_state
from aksnet.azure.errors import translate
from aksnet.clock import Clock
from aksnet.errors import AzureOperationError, Interrupted

CHECK_SECONDS = 0.1
REPEAT_SECONDS = 30.0  # an unchanged status is reported again this often, so logs show the wait goes on


@dataclass(frozen=True)
class Settled:
    """A resource read once no operation runs on it; `waited_for` is the state of the operation waited out."""

    body: dict[str, Any] | None
    seconds: float
    waited_for: str | None = None


def wait_for(poller: Any, *, doing: str, stop: threading.Event, report: Callable[[str], None]) -> Any:
    """The poller's result; the SDK polls in its own thread (honouring Retry-After), we only watch."""
    from azure.core.exceptions import HttpResponseError

    last, said_at = "", 0.0
    # Stop is checked first: once the user pressed Ctrl-C the run stops, even if the operation just ended.
    while not stop.is_set() and not poller.done():
        poller.wait(CHECK_SECONDS)
        status = str(poller.status())
        if not is_terminal(status) and (status != last or time.monotonic() - said_at >= REPEAT_SECONDS):
            report(status)
            last, said_at = status, time.monotonic()
    if stop.is_set():
        raise Interrupted(f"stopped while {doing}; the operation continues in Azure and a re-run resumes")
    try:
        return poller.result()
    except HttpResponseError as exc:
        raise translate(exc, doing) from exc


def wait_until_settled(
    read: Callable[[], dict[str, Any] | None],
    *,
    what: str,
    clock: Clock,
    poll_seconds: float,
    bound_seconds: float,
    report: Callable[[str], None],
) -> Settled:
    """Read until no operation runs on the resource (or it does not exist), for at most `bound_seconds`.

    `clock` is the run's stoppable clock: Ctrl-C or SIGTERM ends the wait at the next slice.
    """
    started = clock.now()
    first: str | None = None
    while True:
        current = read()
        state = provisioning_state(current)
        first = first or (state if current is not None else None)
        if current is None or is_terminal(state):
            return Settled(current, clock.now() - started, first if first and not is_terminal(first) else None)
        waited = clock.now() - started
        if waited >= bound_seconds:
            raise AzureOperationError(
                f"{what} is still {state} after {waited:.0f}s; aksnet changed nothing on it",
                code="OPERATION_STILL_RUNNING",
                hint="wait for the running operation to end (az aks show, the activity log), then re-run",
            )
        report(f"an earlier operation is still {state}")
        clock.sleep(poll_seconds)
