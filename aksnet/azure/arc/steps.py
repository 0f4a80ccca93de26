"""One function per Azure Local step: read first (waiting out an operation a stopped run left), skip what
matches, create or converge what this deployment owns, only read what it was given.

Bodies go to the SDKs exactly as planned: the typespec clients (logical networks, connected clusters)
send a dict as it is; hybridcontainerservice's serializer passes it through its models (their defaults
are in the plan already, so the wire body is the plan's: tests/test_arc_bodies.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aksnet.arc.facts import ArcFacts, InstanceFacts
from aksnet.arc.live import instance_changes
from aksnet.arc.plan import ArcPlan
from aksnet.arm import ResourceId, connected_cluster_of, owned_by, provisioning_state
from aksnet.azure.arc.clients import ArcClients
from aksnet.azure.arc.preflight import uri
from aksnet.azure.arm import arm_dict, get_or_none, read_arm
from aksnet.azure.context import Run, outcome
from aksnet.azure.errors import azure_call
from aksnet.azure.lro import wait_for, wait_until_settled
from aksnet.azure.retry import RetryBounds
from aksnet.azure.steps.group import converge_group
from aksnet.clock import Clock
from aksnet.errors import AzureOperationError, InvalidRequest
from aksnet.live.drift import Difference
from aksnet.plan import Step
from aksnet.progress import NullProgress, Progress
from aksnet.result import ResourceResult
from aksnet.stopping import watched

BROUGHT = "brought by you; aksnet reads it and never changes or deletes it"
CUSTOM_LOCATION = "the Azure Local deployment's; aksnet reads it and never changes or deletes it"


@dataclass
class ArcRunContext(Run):
    """One Azure Local deployment's run."""

    clients: ArcClients
    plan: ArcPlan
    clock: Clock
    progress: Progress = field(default_factory=NullProgress)
    stop: threading.Event = field(default_factory=watched)  # set by Ctrl-C or SIGTERM too
    bounds: RetryBounds = field(default_factory=RetryBounds)
    allow_cluster_update: bool = True
    cluster: dict[str, Any] | None = None
    step_seconds: dict[str, float] = field(default_factory=dict)

    def settled(self, step: Step, read: Callable[[], dict[str, Any] | None]) -> dict[str, Any] | None:
        """The resource once no operation runs on it (a re-run after Ctrl-C waits for the one it left)."""
        return wait_until_settled(
            read,
            what=f"{step.kind.replace('_', ' ')} {step.name}",
            clock=self.clock,
            poll_seconds=self.clients.base.cluster_polling_interval,
            bound_seconds=self.bounds.operation_seconds,
            report=self.reporter(step),
        ).body

    def run(self, step: Step, doing: str, start: Callable[[], Any]) -> Any:
        """Start a long-running operation and wait for its result, reporting progress, stoppable."""
        with azure_call(doing):  # the poller's wait re-raises what its thread met: translated here too
            return wait_for(
                start(), doing=doing, watch=self.watch, report=self.reporter(step), resource_id=step.resource_id
            )


def ensure_group(ctx: ArcRunContext, step: Step) -> ResourceResult:
    return converge_group(ctx.clients.base, ctx.deployment, step)


def use_custom_location(ctx: ArcRunContext, step: Step) -> ResourceResult:
    rid = ResourceId.parse(step.resource_id)
    locations = ctx.clients.custom_locations.custom_locations
    if get_or_none(lambda: locations.get(rid.resource_group, rid.name), f"reading custom location {rid.name}") is None:
        raise AzureOperationError(f"custom location {step.resource_id} does not exist", code="RESOURCE_NOT_FOUND")
    return outcome(step, "adopted", CUSTOM_LOCATION)


def ensure_lnet(ctx: ArcRunContext, step: Step) -> ResourceResult:
    rid = ResourceId.parse(step.resource_id)
    networks = ctx.clients.stack_hci.logical_networks
    body = dict(step.body or {})
    return _ensure(
        ctx,
        step,
        "logical network",
        lambda: networks.get(rid.resource_group, rid.name),
        lambda: networks.begin_create_or_update(rid.resource_group, rid.name, body),
    )


def ensure_connected(ctx: ArcRunContext, step: Step) -> ResourceResult:
    rid = ResourceId.parse(step.resource_id)
    clusters = ctx.clients.kubernetes.connected_cluster
    body = dict(step.body or {})
    return _ensure(
        ctx,
        step,
        "connected cluster",
        lambda: clusters.get(rid.resource_group, rid.name),
        lambda: clusters.begin_create_or_replace(rid.resource_group, rid.name, connected_model(body)),
    )


def _ensure(
    ctx: ArcRunContext, step: Step, label: str, read: Callable[[], Any], create: Callable[[], Any]
) -> ResourceResult:
    """A brought one is read; a missing one created; this deployment's Failed one created again."""
    current = ctx.settled(step, lambda: read_arm(read, f"reading {label} {step.name}"))
    if step.action == "use":
        if current is None:
            raise AzureOperationError(f"{label} {step.resource_id} does not exist", code="RESOURCE_NOT_FOUND")
        return outcome(step, "adopted", BROUGHT)
    _refuse_not_owned(ctx, step, current)
    if current is not None and provisioning_state(current) == "succeeded":
        return outcome(step, "unchanged")
    ctx.run(step, f"creating {label} {step.name}", create)
    return outcome(
        step, "created" if current is None else "updated", "" if current is None else "was Failed; created again"
    )


def _refuse_not_owned(ctx: ArcRunContext, step: Step, current: dict[str, Any] | None) -> None:
    if current is not None and not owned_by(current.get("tags"), ctx.deployment):
        kind = step.kind.replace("_", " ")
        raise InvalidRequest(
            f"{kind} {step.name} exists and was not created by deployment {ctx.deployment}; "
            "aksnet will not take it over",
            code="CLUSTER_NOT_OWNED" if step.kind == "connected_cluster" else "RESOURCE_NOT_OWNED",
        )


def ensure_instance(ctx: ArcRunContext, step: Step) -> ResourceResult:
    connected = connected_cluster_of(step.resource_id)
    instances = ctx.clients.hybrid.provisioned_cluster_instances
    current = ctx.settled(step, lambda: read_arm(lambda: instances.get(uri(connected)), f"reading cluster {step.name}"))
    reason = ""
    if current is not None:
        changes = list(instance_changes(ctx.plan.spec, _facts(ctx, current)))
        failed = provisioning_state(current) == "failed"
        if not changes and not failed:
            ctx.cluster = current
            return outcome(step, "unchanged")
        _refuse_changes(ctx, step, changes)
        reason = "was Failed; its operation runs again" if failed else "; ".join(d.describe() for d in changes)
    body = dict(step.body or {})
    doing = f"creating or updating cluster {step.name}"
    ctx.cluster = arm_dict(
        ctx.run(step, doing, lambda: instances.begin_create_or_update(uri(connected), instance_model(body)))
    )
    return outcome(step, "created" if current is None else "updated", reason)


def _facts(ctx: ArcRunContext, current: dict[str, Any]) -> ArcFacts:
    return ArcFacts(ctx.clients.subscription_id, instance=InstanceFacts(str(current.get("id", "")), current))


def _refuse_changes(ctx: ArcRunContext, step: Step, changes: list[Difference]) -> None:
    fixed = [d for d in changes if not d.mutable]
    if fixed:
        raise InvalidRequest(
            "the existing cluster differs in settings that cannot change: "
            + "; ".join(f"{d.describe()} ({d.hint})" for d in fixed),
            code="IMMUTABLE_CHANGE",
        )
    if changes and not ctx.allow_cluster_update:
        raise InvalidRequest(
            f"cluster {step.name} would change ({'; '.join(d.describe() for d in changes)}); "
            "re-run with --yes to apply",
            code="CONFIRMATION_REQUIRED",
        )


def connected_model(body: dict[str, Any]) -> Any:
    """The plan's body as hybridkubernetes' model, which sends the dict as it is."""
    from azure.mgmt.hybridkubernetes.models import ConnectedCluster

    return ConnectedCluster(body)  # a typespec model wraps the dict as it is


def instance_model(body: dict[str, Any]) -> Any:
    """The plan's body as hybridcontainerservice's model; its serializer sends the model's fields."""
    from azure.mgmt.hybridcontainerservice.models import ProvisionedCluster

    return ProvisionedCluster.from_dict(body)


HANDLERS: dict[str, Callable[[ArcRunContext, Step], ResourceResult]] = {
    "resource_group": ensure_group,
    "custom_location": use_custom_location,
    "logical_network": ensure_lnet,
    "connected_cluster": ensure_connected,
    "provisioned_cluster": ensure_instance,
}
