"""What a handler sees: the request, one store transaction, the time, and the switches."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aksnet.emulator import ids
from aksnet.emulator.errors import ArmError, invalid_body, resource_group_not_found, resource_not_found
from aksnet.emulator.faults import Faults
from aksnet.emulator.router import Request
from aksnet.emulator.store import Row, Tx


@dataclass(frozen=True)
class Settings:
    """Fixed for one Emulator object."""

    latency: float
    faults: Faults
    tenant_id: str
    caller_object_id: str


@dataclass
class Ctx:
    """The request being answered and the state it may read and write."""

    tx: Tx
    now: float
    settings: Settings
    req: Request

    def scaled(self, base_seconds: float) -> float:
        return base_seconds * self.settings.latency

    def body(self) -> dict[str, Any]:
        if not isinstance(self.req.body, dict):
            raise invalid_body("the body must be a JSON object")
        return self.req.body

    def timestamp(self, at: float | None = None) -> str:
        return iso(self.now if at is None else at)

    def require_rg(self, sub: str, rg: str, *, writing: bool = False) -> Row:
        row = self.tx.get(ids.rg_id(sub, rg))
        if row is None:
            raise resource_group_not_found(rg)
        if writing and row.body["properties"]["provisioningState"] == "Deleting":
            raise ArmError(
                409,
                "ResourceGroupBeingDeleted",
                f"The resource group '{rg}' is in deprovisioning state and cannot perform this operation.",
            )
        return row

    def require_scope(self, scope: str) -> None:
        """A subscription, resource group or resource that role assignments and locks may sit on."""
        parts = ids.segments(scope)
        if len(parts) < 2 or parts[0].lower() != "subscriptions":
            raise ArmError(400, "InvalidScope", f"The scope '{scope}' is not valid.")
        if len(parts) > 2:
            self.require(scope)

    def require(self, resource_id: str) -> Row:
        """The stored resource, or ARM's 404 (ResourceGroupNotFound first, as ARM checks the RG)."""
        rg = ids.rg_of(resource_id)
        if rg:
            rg_row = self.require_rg(ids.subscription_of(resource_id), rg)
            if ids.same(rg_row.id, resource_id):
                return rg_row
        row = self.tx.get(resource_id)
        if row is None:
            raise resource_not_found(_relative(resource_id), rg)
        return row


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def new_guid() -> str:
    return str(uuid.uuid4())


def _relative(resource_id: str) -> str:
    """The part after the last `/providers/`, as ARM's not-found message shows it."""
    _, sep, tail = resource_id.rpartition("/providers/")
    return tail if sep else resource_id
