"""Waiting for a long-running operation: prompt when it ends, a progress note while it runs, stoppable."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from aksnet.azure.errors import translate
from aksnet.errors import Interrupted

CHECK_SECONDS = 0.1
REPEAT_SECONDS = 30.0  # an unchanged status is reported again this often, so logs show the wait goes on
TERMINAL = {"succeeded", "failed", "canceled"}


def wait_for(poller: Any, *, doing: str, stop: threading.Event, report: Callable[[str], None]) -> Any:
    """The poller's result; the SDK polls in its own thread (honouring Retry-After), we only watch."""
    from azure.core.exceptions import HttpResponseError

    last, said_at = "", 0.0
    # Stop is checked first: once the user pressed Ctrl-C the run stops, even if the operation just ended.
    while not stop.is_set() and not poller.done():
        poller.wait(CHECK_SECONDS)
        status = str(poller.status())
        if status.lower() not in TERMINAL and (status != last or time.monotonic() - said_at >= REPEAT_SECONDS):
            report(status)
            last, said_at = status, time.monotonic()
    if stop.is_set():
        raise Interrupted(f"stopped while {doing}; the operation continues in Azure and a re-run resumes")
    try:
        return poller.result()
    except HttpResponseError as exc:
        raise translate(exc, doing) from exc
