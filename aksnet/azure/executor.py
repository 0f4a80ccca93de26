"""Runs a plan's steps as a dependency graph: each step starts as soon as what it needs is done."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from aksnet.arm import ARM_TYPES
from aksnet.azure.context import RunContext, decided
from aksnet.azure.parallel import run_graph
from aksnet.azure.steps import HANDLERS
from aksnet.clock import Clock
from aksnet.errors import AksnetError, Interrupted
from aksnet.plan import Plan, Step, StepList
from aksnet.progress import Progress
from aksnet.result import ResourceResult, RunResult

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
