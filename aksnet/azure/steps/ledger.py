"""The deployment's ledger: where `up` records each subnet it creates in a VNet it does not own.

Subnets carry no tags, so the record is a tag (aksnet.arm.ledger_entry) on a resource this deployment
owns: its identity, or, when the identity is brought, its resource group. `down` deletes both after the
subnets. The record is written before the subnet's PUT, so a run stopped while the subnet is being
created leaves it recorded; it is cleared only when Azure refuses the PUT (nothing was created).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aksnet.arm import ResourceId, records_subnet, with_entry, without_entry
from aksnet.azure.clients import Clients
from aksnet.azure.context import RunContext
from aksnet.azure.errors import azure_call, status_of
from aksnet.errors import AksnetError, InvalidRequest

_READ: dict[str, Callable[[Clients, ResourceId], Any]] = {
    "identity": lambda c, r: c.msi.user_assigned_identities.get(r.resource_group, r.name).tags,
    "resource_group": lambda c, r: c.resource.resource_groups.get(r.resource_group).tags,
}
_WRITE: dict[str, Callable[[Clients, ResourceId, dict[str, str]], Any]] = {
    "identity": lambda c, r, tags: c.msi.user_assigned_identities.update(r.resource_group, r.name, {"tags": tags}),
    "resource_group": lambda c, r, tags: c.resource.resource_groups.update(r.resource_group, {"tags": tags}),
}


@dataclass(frozen=True)
class Ledger:
    """The resource of this deployment whose tags record its subnets."""

    kind: str  # "identity" or "resource_group"
    resource_id: str

    def tags(self, ctx: RunContext) -> dict[str, str]:
        rid = ResourceId.parse(self.resource_id)
        with azure_call(f"reading the subnet records on {self.kind.replace('_', ' ')} {rid.name}"):
            return dict(_READ[self.kind](ctx.clients, rid) or {})

    def write(self, ctx: RunContext, change: Callable[[Mapping[str, str]], dict[str, str]], doing: str) -> None:
        """Read, change and write the tags; one writer at a time, as several subnets may be recorded at once."""
        rid = ResourceId.parse(self.resource_id)
        with ctx.ledger_lock, azure_call(f"{doing} on {self.kind.replace('_', ' ')} {rid.name}"):
            _WRITE[self.kind](ctx.clients, rid, change(self.tags(ctx)))


def ledger_of(ctx: RunContext) -> Ledger | None:
    """This deployment's identity if it owns it, else its resource group if it owns that; None otherwise."""
    if ctx.identity_owned:
        return Ledger("identity", ctx.plan.step("identity").resource_id)
    if ctx.group_owned:
        return Ledger("resource_group", ctx.plan.step("resource_group").resource_id)
    return None


def recorded(ctx: RunContext, subnet_id: str) -> bool:
    """Whether this deployment's ledger records the subnet as created by it."""
    ledger = ledger_of(ctx)
    return ledger is not None and records_subnet(ledger.tags(ctx), subnet_id)


def record_intent(ctx: RunContext, subnet_id: str) -> Ledger:
    """Record the subnet as this deployment's before it is created; the ledger written to."""
    ledger = ledger_of(ctx)
    if ledger is None:  # preflight refuses this (SUBNET_NOT_RECORDABLE); the resources changed since
        raise InvalidRequest(
            f"subnet {ResourceId.parse(subnet_id).name} cannot be recorded as this deployment's: it owns neither "
            "its identity nor its resource group",
            code="SUBNET_NOT_RECORDABLE",
        )
    ledger.write(ctx, lambda tags: with_entry(tags, subnet_id), "recording the subnet to create")
    return ledger


def clear_intent(ctx: RunContext, ledger: Ledger, subnet_id: str) -> None:
    """Remove the subnet's record: Azure refused to create it."""
    ledger.write(ctx, lambda tags: without_entry(tags, subnet_id), "clearing the record of a subnet not created")


@contextmanager
def intent_recorded(ctx: RunContext, subnet_id: str) -> Iterator[None]:
    """Around the start of a subnet's creation in a VNet this deployment does not own: recorded first,
    cleared if Azure refuses the PUT. A stop, or an operation accepted that then fails, keeps the record."""
    ledger = record_intent(ctx, subnet_id)
    try:
        yield
    except AksnetError as error:
        if refused(error):
            clear_intent(ctx, ledger, subnet_id)
        raise


def refused(error: AksnetError) -> bool:
    """Azure answered with a 4xx: nothing was created (after a 5xx or a lost answer, it may have been)."""
    status = status_of(error.__cause__) if error.__cause__ is not None else None
    return status is not None and 400 <= status < 500
