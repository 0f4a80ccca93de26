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
from aksnet.errors import AzureOperationError
from aksnet.stopping import interruption

CHECK_SECONDS = 0.1
REPEAT_SECONDS = 30.0  # an unchanged status is reported again this often, so logs show the wait goes on


@dataclass(frozen=True)
class Settled:
    """A resource read once no operation runs on it; `waited_for` is the state of the operation waited out."""

    body: dict[str, Any] | None
    seconds: float
    waited_for: str | None = None


@dataclass(frozen=True)
class Watch:
    """What every wait of a run shares: its stop event (Ctrl-C, SIGTERM), its clock, and the bound of one wait."""

    stop: threading.Event
    clock: Clock
    bound_seconds: float


def wait_for(
    poller: Any, *, doing: str, watch: Watch, report: Callable[[str], None], resource_id: str | None = None
) -> Any:
    """The poller's result; the SDK polls in its own thread (honouring Retry-After), we only watch.

    An operation that ends Failed raises like any other ARM error (its code and message, the resource, exit 3).
    """
    from azure.core.exceptions import AzureError

    try:
        _watch(poller, doing, watch, report)
        return poller.result()
    except AzureError as exc:  # poller.wait raises the operation's error as soon as it has one
        error = translate(exc, doing)
        error.resource_id = error.resource_id or resource_id
        raise error from exc


def _watch(poller: Any, doing: str, watch: Watch, report: Callable[[str], None]) -> None:
    started, last, said_at = watch.clock.now(), "", 0.0
    while True:
        # Stop is checked first: once the user pressed Ctrl-C the run stops, even if the operation just ended.
        if watch.stop.is_set():
            raise interruption(f"stopped while {doing}; the operation continues in Azure and a re-run resumes")
        if poller.done():
            return
        status = str(poller.status())
        if not is_terminal(status) and (status != last or time.monotonic() - said_at >= REPEAT_SECONDS):
            report(status)
            last, said_at = status, time.monotonic()
        if watch.clock.now() - started >= watch.bound_seconds:
            raise still_running(doing, status, watch.clock.now() - started)
        if not watch.stop.is_set():  # the report may have been the moment the run was stopped
            poller.wait(CHECK_SECONDS)


def still_running(what: str, state: str, waited: float) -> AzureOperationError:
    """The bound of one wait passed: exit 3, saying what was waited for and what to do."""
    return AzureOperationError(
        f"{what}: still {state} after {waited:.0f}s, the longest aksnet waits for one operation; the operation "
        "continues in Azure, and nothing that depends on it was started",
        code="OPERATION_STILL_RUNNING",
        hint="wait for the running operation to end (the activity log; az aks show for a cluster), then re-run: "
        "aksnet waits for it and resumes",
    )


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
            raise still_running(f"waiting for the operation already running on {what} to end", state, waited)
        report(f"an operation already running on {what} is still {state}; waiting for it to end")
        clock.sleep(poll_seconds)
