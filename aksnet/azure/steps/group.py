"""The resource group: created if missing (and then owned), adopted untouched if it existed."""

from __future__ import annotations

from aksnet.arm import owned_by
from aksnet.azure.arm import get_or_none
from aksnet.azure.context import RunContext, outcome
from aksnet.azure.errors import azure_call
from aksnet.plan import Step
from aksnet.result import ResourceResult


def ensure_resource_group(ctx: RunContext, step: Step) -> ResourceResult:
    groups = ctx.clients.resource.resource_groups
    doing = f"reading resource group {step.name}"
    current = get_or_none(lambda: groups.get(step.name), doing)
    ctx.group_owned = current is None or owned_by(current.tags, ctx.deployment)
    if current is not None:
        if ctx.group_owned:
            return outcome(step, "unchanged")
        return outcome(step, "adopted", "existed before this deployment; aksnet never changes or deletes it")
    with azure_call(f"creating resource group {step.name}"):
        groups.create_or_update(step.name, dict(step.body or {}))
    return outcome(step, "created")
