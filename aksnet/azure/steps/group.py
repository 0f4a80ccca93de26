"""The resource group: created if missing (and then owned), adopted untouched if it existed."""

from __future__ import annotations

from aksnet.azure.arm import read_arm
from aksnet.azure.clients import Clients
from aksnet.azure.context import RunContext, decided
from aksnet.azure.errors import azure_call
from aksnet.live.actions import decide_group
from aksnet.plan import Step
from aksnet.result import ResourceResult


def ensure_resource_group(ctx: RunContext, step: Step) -> ResourceResult:
    result = converge_group(ctx.clients, ctx.deployment, step)
    ctx.group_owned = result.action in ("created", "unchanged")  # it can hold the ledger
    return result


def converge_group(clients: Clients, deployment: str, step: Step) -> ResourceResult:
    """Create the group (then owned), or leave one that exists untouched (both platforms' first step)."""
    groups = clients.resource.resource_groups
    current = read_arm(lambda: groups.get(step.name), f"reading resource group {step.name}")
    decision = decide_group(step, current, deployment)
    if decision.writes:
        with azure_call(f"creating resource group {step.name}"):
            groups.create_or_update(step.name, dict(step.body or {}))
    return decided(step, decision)
