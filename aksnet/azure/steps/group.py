"""The resource group: created if missing (and then owned), adopted untouched if it existed."""

from __future__ import annotations

from aksnet.arm import owned_by
from aksnet.azure.arm import get_or_none
from aksnet.azure.clients import Clients
from aksnet.azure.context import RunContext, outcome
from aksnet.azure.errors import azure_call
from aksnet.plan import Step
from aksnet.result import ResourceResult


def ensure_resource_group(ctx: RunContext, step: Step) -> ResourceResult:
    return converge_group(ctx.clients, ctx.deployment, step)


def converge_group(clients: Clients, deployment: str, step: Step) -> ResourceResult:
    """Create the group (then owned), or leave one that exists untouched."""
    groups = clients.resource.resource_groups
    doing = f"reading resource group {step.name}"
    current = get_or_none(lambda: groups.get(step.name), doing)
    if current is not None:
        if owned_by(current.tags, deployment):
            return outcome(step, "unchanged")
        return outcome(step, "adopted", "existed before this deployment; aksnet never changes or deletes it")
    with azure_call(f"creating resource group {step.name}"):
        groups.create_or_update(step.name, dict(step.body or {}))
    return outcome(step, "created")
