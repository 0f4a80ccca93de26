"""What every step of one deployment's run shares: clients, plan, clock, progress, and facts learned."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aksnet.arc.plan import ArcPlan
from aksnet.arm import ARM_TYPES
from aksnet.azure.clients import Clients
from aksnet.azure.lro import Settled, Watch, wait_until_settled
from aksnet.azure.retry import RetryBounds
from aksnet.clock import Clock
from aksnet.live.actions import Decision
from aksnet.plan import Plan, Step
from aksnet.progress import NullProgress, Progress
from aksnet.result import Action, ResourceResult
from aksnet.stopping import interruption, watched


class StoppableClock:
    """Sleeps in short slices and raises Interrupted once the run is told to stop (Ctrl-C)."""

    SLICE = 0.2

    def __init__(self, clock: Clock, stop: threading.Event) -> None:
        self._clock, self._stop = clock, stop

    def now(self) -> float:
        return self._clock.now()

    def sleep(self, seconds: float) -> None:
        remaining = seconds
        while True:
            if self._stop.is_set():
                raise interruption("stopped while waiting; a re-run resumes")
            if remaining <= 0:
                return
            chunk = min(self.SLICE, remaining)
            self._clock.sleep(chunk)
            remaining -= chunk


class Run:
    """What a run on either platform shares: its clock stops with its stop event (Ctrl-C, SIGTERM), its
    waits for Azure are bounded, and its progress is reported by step."""

    plan: Plan | ArcPlan
    clock: Clock
    progress: Progress
    stop: threading.Event
    bounds: RetryBounds

    def __post_init__(self) -> None:
        if not isinstance(self.clock, StoppableClock):
            self.clock = StoppableClock(self.clock, self.stop)

    @property
    def deployment(self) -> str:
        return self.plan.spec.deployment

    @property
    def watch(self) -> Watch:
        """How this run's waits for Azure operations end: stopped, or bounded."""
        return Watch(self.stop, self.clock, self.bounds.operation_seconds)

    def reporter(self, step: Step) -> Callable[[str], None]:
        return lambda status: self.progress.waiting(self.deployment, step.id, status)


@dataclass
class RunContext(Run):
    """One deployment's run. Facts are written by one step and read by the steps that depend on it."""

    clients: Clients
    plan: Plan
    clock: Clock
    progress: Progress = field(default_factory=NullProgress)
    stop: threading.Event = field(default_factory=watched)
    bounds: RetryBounds = field(default_factory=RetryBounds)
    windows_password: str | None = field(default=None, repr=False)
    allow_cluster_update: bool = True
    principal_id: str | None = None
    group_owned: bool = False
    identity_owned: bool = False
    vnet_created: bool = False
    vnet_owned: bool = False
    ledger_lock: threading.Lock = field(default_factory=threading.Lock)  # one writer of the subnet records
    cluster: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)
    grant_readable: dict[str, float] = field(default_factory=dict)  # by grant label
    waited_for_grant: float | None = None

    def settled(self, step: Step, what: str, read: Callable[[], dict[str, Any] | None], poll_seconds: float) -> Settled:
        """A resource as `read` returns it (ARM JSON, None if missing) once no operation runs on it; a re-run
        after a stop waits here for the operation the stopped run left."""
        return wait_until_settled(
            read,
            what=what,
            clock=self.clock,
            poll_seconds=poll_seconds,
            bound_seconds=self.bounds.operation_seconds,
            report=self.reporter(step),
        )

    def note(self, text: str) -> None:
        self.notes.append(text)


def outcome(step: Step, action: Action, reason: str = "") -> ResourceResult:
    return ResourceResult(ARM_TYPES[step.kind], step.resource_id, action, reason)


def decided(step: Step, decision: Decision) -> ResourceResult:
    """The step's result once `decision` is carried out; a `refuse` stops the run with its error."""
    if decision.action == "refuse":
        raise decision.refusal()
    return ResourceResult(
        ARM_TYPES[step.kind], step.resource_id, decision.result_action, decision.reason, decision.changes
    )
