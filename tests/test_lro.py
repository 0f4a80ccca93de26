"""Waiting for Azure operations: every wait bounded on the run's clock, saying what it waits for; stoppable.

The operation is azure-core's own LROPoller with a polling method the test controls (the emulator's
operations end too fast on a fake clock to be caught in flight); the emulator tests cover real operations.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from azure.core.polling import LROPoller, PollingMethod

from aksnet.azure.lro import Watch, wait_for, wait_until_settled
from aksnet.clock import FakeClock
from aksnet.errors import AzureOperationError, Interrupted


class Endless(PollingMethod[Any]):  # type: ignore[misc]
    """An operation that stays InProgress, its polls moving the fake clock, until `end` is set."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock, self.end = clock, threading.Event()

    def initialize(self, client: Any, initial_response: Any, deserialization_callback: Any) -> None:
        pass

    def run(self) -> None:
        while not self.end.wait(0.001):
            self.clock.sleep(5)

    def status(self) -> str:
        return "Succeeded" if self.end.is_set() else "InProgress"

    def finished(self) -> bool:
        return self.end.is_set()

    def resource(self) -> str:
        return "done"


def operation(clock: FakeClock) -> tuple[LROPoller[Any], Endless]:
    method = Endless(clock)
    return LROPoller(None, None, lambda response: response, method), method


def test_an_operation_longer_than_the_bound_ends_the_wait_with_exit_3_and_the_fix() -> None:
    clock = FakeClock()
    poller, method = operation(clock)
    reported: list[str] = []
    try:
        with pytest.raises(AzureOperationError) as caught:
            wait_for(
                poller, doing="creating cluster aks", watch=Watch(threading.Event(), clock, 60), report=reported.append
            )
    finally:
        method.end.set()
    error = caught.value
    assert error.exit_code == 3 and error.code == "OPERATION_STILL_RUNNING"
    assert error.message.startswith("creating cluster aks: still InProgress after")
    assert "re-run" in (error.hint or "")
    assert reported == ["InProgress"]  # said once what it waits for, at once


def test_a_stop_ends_the_wait_at_once_and_says_the_operation_goes_on() -> None:
    clock, stop = FakeClock(), threading.Event()
    poller, method = operation(clock)
    try:
        with pytest.raises(Interrupted) as caught:
            wait_for(poller, doing="creating cluster aks", watch=Watch(stop, clock, 1e9), report=lambda s: stop.set())
    finally:
        method.end.set()
    assert "the operation continues in Azure" in caught.value.message


def test_the_settle_wait_is_bounded_on_the_runs_clock_and_says_what_it_waits_for() -> None:
    clock = FakeClock()
    reported: list[str] = []
    started = clock.now()
    with pytest.raises(AzureOperationError) as caught:
        wait_until_settled(
            lambda: {"properties": {"provisioningState": "Updating"}},
            what="cluster aks",
            clock=clock,
            poll_seconds=5,
            bound_seconds=30,
            report=reported.append,
        )
    assert caught.value.code == "OPERATION_STILL_RUNNING" and 30 <= clock.now() - started < 40
    assert "the operation already running on cluster aks" in caught.value.message
    assert reported[0] == "an operation already running on cluster aks is still updating; waiting for it to end"


def test_the_settle_wait_reports_the_operation_it_waited_out() -> None:
    states = iter(["Creating", "Creating", "Succeeded"])
    clock = FakeClock()
    settled = wait_until_settled(
        lambda: {"properties": {"provisioningState": next(states)}},
        what="cluster aks",
        clock=clock,
        poll_seconds=5,
        bound_seconds=60,
        report=lambda status: None,
    )
    assert settled.waited_for == "creating" and settled.seconds == 10
