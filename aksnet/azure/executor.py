"""Runs a plan's steps as a dependency graph: each step starts as soon as what it needs is done."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Protocol

from aksnet.arm import ARM_TYPES
from aksnet.azure.context import RunContext, decided
from aksnet.azure.steps import HANDLERS
from aksnet.clock import Clock
from aksnet.errors import AksnetError, AzureOperationError, Interrupted
from aksnet.plan import Plan, Step, StepList
from aksnet.progress import Progress
from aksnet.result import Action, ResourceResult, RunResult
from aksnet.stopping import interruption

MAX_PARALLEL_STEPS = 8
log = logging.getLogger(__name__)


def execute(ctx: RunContext) -> RunResult:
    """Run every step; on the first failure start nothing new, let running steps finish, report all."""
    result = RunResult(ctx.plan.spec.deployment)
    done = run_graph(ctx.plan.steps, lambda step: _run_step(ctx, step), stop=ctx.stop, result=result)
    result.resources = [done[s.id] if s.id in done else not_run(s, result) for s in ctx.plan.steps]
    result.step_seconds.update(ctx.step_seconds)
    result.grant_readable.update(ctx.grant_readable)
    result.waited_for_grant = ctx.waited_for_grant
    result.cluster = ctx.cluster
    result.notes.extend([*ctx.plan.notes, *ctx.notes])
    return result


def as_decided(plan: Plan, cluster: Mapping[str, Any] | None, progress: Progress) -> RunResult:
    """The result of a run with nothing to send (Preflight.nothing_to_do): each step as preflight decided it."""
    result = RunResult(plan.spec.deployment, cluster=dict(cluster) if cluster is not None else None)
    for step in plan.steps:
        outcome = decided(step, (plan.actions or {})[step.id])
        progress.started(result.deployment, step.id, f"{plan.action_of(step)} {step.name}")
        progress.finished(result.deployment, step.id, outcome.action, 0.0)
        result.resources.append(outcome)
        result.step_seconds[step.id] = 0.0
    result.notes.extend(plan.notes)
    return result


def _run_step(ctx: RunContext, step: Step) -> ResourceResult:
    return timed_step(ctx, step, lambda: HANDLERS[step.kind](ctx, step))


class StepRun(Protocol):
    """What a run reports a step's progress and time through."""

    @property
    def deployment(self) -> str: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def plan(self) -> StepList: ...

    @property
    def progress(self) -> Progress: ...

    @property
    def step_seconds(self) -> dict[str, float]: ...


def timed_step(ctx: StepRun, step: Step, handle: Callable[[], ResourceResult]) -> ResourceResult:
    """Run one step's handler, reporting its start, its end or failure, and its time."""
    started = ctx.clock.now()
    ctx.progress.started(ctx.deployment, step.id, f"{ctx.plan.action_of(step)} {step.name}")
    try:
        outcome = handle()
    except AksnetError as exc:
        ctx.progress.failed(ctx.deployment, step.id, exc.message)
        raise
    elapsed = ctx.clock.now() - started
    log.info("%s: %s %s: %s %s", ctx.deployment, step.id, step.name, outcome.action, outcome.reason)
    ctx.step_seconds[step.id] = elapsed
    ctx.progress.finished(ctx.deployment, step.id, outcome.action, elapsed)
    return outcome


def not_run(step: Step, result: RunResult) -> ResourceResult:
    """A step that never started, and why."""
    why = "not started: an earlier step failed" if result.error else "not started"
    if isinstance(result.error, Interrupted):
        why = "not started: interrupted"
    return ResourceResult(ARM_TYPES[step.kind], step.resource_id, "skipped", why)


def run_graph(
    steps: Sequence[Step],
    run: Callable[[Step], ResourceResult],
    *,
    stop: threading.Event,
    result: RunResult,
    workers: int = MAX_PARALLEL_STEPS,
) -> dict[str, ResourceResult]:
    done: dict[str, ResourceResult] = {}
    running: dict[Future[ResourceResult], Step] = {}
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aksnet-step")
    try:
        while True:
            if result.error is None and not stop.is_set():
                for step in _ready(steps, done, running.values()):
                    running[pool.submit(run, step)] = step
            if not running:
                break
            finished, _ = wait(running, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                _collect(running.pop(future), future, done, result)
    except KeyboardInterrupt:
        stop.set()  # running steps stop waiting within a tenth of a second
        result.error = interruption("interrupted; Azure keeps what was started, and a re-run resumes from it")
        for future, step in running.items():
            _collect(step, future, done, result)
    finally:
        pool.shutdown(wait=True)
    if stop.is_set() and result.error is None and len(done) < len(steps):
        result.error = interruption("stopped; Azure keeps what was started, and a re-run resumes from it")
    return done


def _ready(steps: Sequence[Step], done: dict[str, ResourceResult], running: Iterable[Step]) -> list[Step]:
    busy = {s.id for s in running}
    return [s for s in steps if s.id not in done and s.id not in busy and all(d in done for d in s.depends_on)]


def _collect(step: Step, future: Future[ResourceResult], done: dict[str, ResourceResult], result: RunResult) -> None:
    try:
        done[step.id] = future.result()
        return
    except AksnetError as exc:
        error = exc
    except Exception as exc:  # a bug in one step still reports what the others did
        error = AzureOperationError(f"{step.id}: {exc.__class__.__name__}: {exc}", code="UNEXPECTED")
    result.error = result.error or error
    action: Action = "skipped" if isinstance(error, Interrupted) else "failed"
    done[step.id] = ResourceResult(ARM_TYPES[step.kind], step.resource_id, action, error.message)
