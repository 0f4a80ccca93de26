"""The managed cluster: resume an operation in flight, skip a cluster that matches, else PUT and wait.

The PUT retries two named conditions: LinkedAuthorizationFailed (a fresh grant not yet in effect)
and OperationNotAllowed (another operation on the cluster), each with its own bound.
"""

from __future__ import annotations

import copy
from functools import partial
from typing import Any

from aksnet.arm import ResourceId
from aksnet.azure import by_id
from aksnet.azure.arm import arm_dict
from aksnet.azure.context import RunContext, decided, outcome
from aksnet.azure.errors import translate
from aksnet.azure.lro import Settled, wait_for
from aksnet.azure.retry import grant_not_yet_effective, operation_in_progress, retrying
from aksnet.errors import AzureOperationError, InvalidRequest
from aksnet.live.actions import decide_cluster
from aksnet.plan import PASSWORD_PLACEHOLDER, Step
from aksnet.result import ResourceResult
from aksnet.spec import WINDOWS_PASSWORD_ENV

FINISHED_EARLIER = "finished the operation started earlier"


def ensure_cluster(ctx: RunContext, step: Step) -> ResourceResult:
    rid = ResourceId.parse(step.resource_id)
    settled = _settled(ctx, step, rid)
    current = settled.body
    decision = decide_cluster(step, current, ctx.deployment)
    if not decision.writes:
        ctx.cluster = current
        return _finished_earlier(step, settled.waited_for) if settled.waited_for else decided(step, decision)
    if decision.changes and not ctx.allow_cluster_update:
        changes = "; ".join(c.describe() for c in decision.changes)
        raise InvalidRequest(
            f"cluster {rid.name} would change ({changes}); re-run with --yes to apply", code="CONFIRMATION_REQUIRED"
        )
    # The operation's result is the cluster as ARM's final GET read it: no extra request.
    ctx.cluster = arm_dict(_put(ctx, step, rid, _with_secrets(ctx, dict(step.body or {}))))
    if current is not None and settled.waited_for == "creating":  # the create started earlier ended Failed
        return outcome(step, "created", decision.reason)
    return decided(step, decision)


def _finished_earlier(step: Step, waited_for: str) -> ResourceResult:
    """A cluster that matches once the operation an earlier (stopped) run started has ended."""
    return outcome(step, "created" if waited_for == "creating" else "updated", FINISHED_EARLIER)


def _settled(ctx: RunContext, step: Step, rid: ResourceId) -> Settled:
    """The cluster once no operation runs on it; a re-run after Ctrl-C waits here for the one it left."""
    read = partial(by_id.read, ctx.clients, step.resource_id, f"reading cluster {rid.name}")
    return ctx.settled(step, f"cluster {rid.name}", read, ctx.clients.cluster_polling_interval)


def _with_secrets(ctx: RunContext, body: dict[str, Any]) -> dict[str, Any]:
    profile = body.get("properties", {}).get("windowsProfile")
    if not profile:
        return body
    if not ctx.windows_password:
        raise InvalidRequest(f"a Windows node pool needs {WINDOWS_PASSWORD_ENV}", code="WINDOWS_PASSWORD_MISSING")
    filled = copy.deepcopy(body)
    assert filled["properties"]["windowsProfile"]["adminPassword"] == PASSWORD_PLACEHOLDER
    filled["properties"]["windowsProfile"]["adminPassword"] = ctx.windows_password
    return filled


def _put(ctx: RunContext, step: Step, rid: ResourceId, body: dict[str, Any]) -> Any:
    from azure.core.exceptions import HttpResponseError

    clusters = ctx.clients.containerservice.managed_clusters
    doing = f"creating or updating cluster {rid.name}"

    def waiting_for(what: str) -> Any:
        return lambda attempt, error: ctx.progress.waiting(ctx.deployment, step.id, f"{what} (attempt {attempt})")

    grant_refusals: list[int] = []

    def grant_refused(attempt: int, error: BaseException) -> None:
        grant_refusals.append(attempt)
        waiting_for("role assignment not yet in effect")(attempt, error)

    grant = retrying(
        grant_not_yet_effective, clock=ctx.clock, max_seconds=ctx.bounds.grant_seconds, on_retry=grant_refused
    )
    busy = retrying(
        operation_in_progress,
        clock=ctx.clock,
        max_seconds=ctx.bounds.operation_seconds,
        on_retry=waiting_for("another operation is running on the cluster"),
    )
    started = ctx.clock.now()
    try:
        poller = busy(grant, clusters.begin_create_or_update, rid.resource_group, rid.name, body)
    except HttpResponseError as exc:
        raise _put_error(exc, ctx, doing) from exc
    # Always reported (0 when the first PUT was accepted): how long the grants took to take effect.
    ctx.waited_for_grant = ctx.clock.now() - started if grant_refusals else 0.0
    return wait_for(poller, doing=doing, watch=ctx.watch, report=ctx.reporter(step), resource_id=step.resource_id)


def _put_error(exc: BaseException, ctx: RunContext, doing: str) -> Exception:
    if grant_not_yet_effective(exc):
        subnet = ctx.plan.step("subnet").resource_id
        return AzureOperationError(
            f"{doing}: the cluster identity's Network Contributor grant on {subnet} did not take effect within "
            f"{ctx.bounds.grant_seconds:.0f}s (grants can take up to 60 minutes). Check the role assignments "
            "aksnet reported as created, then re-run: aksnet resumes where it stopped",
            code="LinkedAuthorizationFailed",
        )
    return translate(exc, doing)
