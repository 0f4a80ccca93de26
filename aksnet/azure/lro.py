"""Waiting for a long-running operation: prompt when it ends, a progress note while it runs, stoppable."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from aksnet.azure.errors import translate
from aksnet.errors import Interrupted

CHECK_SECONDS = 0.1


def wait_for(poller: Any, *, doing: str, stop: threading.Event, report: Callable[[str], None]) -> Any:
    """The poller's result; the SDK polls in its own thread (honouring Retry-After), we only watch."""
    from azure.core.exceptions import HttpResponseError

    last = ""
    while not poller.done():
        if stop.is_set():
            raise Interrupted(f"stopped while {doing}; the operation continues in Azure and a re-run resumes")
        poller.wait(CHECK_SECONDS)
        status = str(poller.status())
        if status != last:
            report(status)
            last = status
    try:
        return poller.result()
    except HttpResponseError as exc:
        raise translate(exc, doing) from exc
