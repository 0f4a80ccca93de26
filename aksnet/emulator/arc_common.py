"""What the Azure Local resource providers share: their api-versions, service times, faults' flags.

The api-versions these types are served at are in `api_versions.py`, with every other type's. Service times are
ASSUMPTIONS: no document gives them ("a few minutes" for a cluster [CLI]; see the README).
"""

from __future__ import annotations

from typing import Any

from aksnet.emulator import cascade, ids, lro
from aksnet.emulator.context import Ctx
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row, Tx

# Seconds at AKSNET_EMULATOR_LATENCY=1. ASSUMPTIONS (no documented service times).
LNET_CREATE = 20.0
LNET_DELETE = 10.0
CONNECTED_CREATE = 10.0
CONNECTED_DELETE = 30.0
CLUSTER_CREATE = 480.0
CLUSTER_UPDATE = 300.0
CLUSTER_DELETE = 240.0
LISTS_CREATE = 60.0  # the one-time PUT of kubernetesVersions/default or skus/default
RETRY_AFTER = 5.0


def fault_once(ctx: Ctx, name: str) -> bool:
    """Whether a one-shot fault (`name=1`) fires now; it fires once per database."""
    if not ctx.settings.faults.arc(name) or ctx.tx.kv_get(f"fault:{name}"):
        return False
    ctx.tx.kv_set(f"fault:{name}", "consumed")
    return True


def list_routes(arm_type: str) -> list[Route]:
    """GET of a tracked type's collection, in a resource group and in the subscription."""

    def in_group(ctx: Ctx, params: dict[str, str]) -> Response:
        return _listing(ctx, arm_type, ctx.require_rg(params["sub"], params["rg"]).id)

    def in_subscription(ctx: Ctx, params: dict[str, str]) -> Response:
        return _listing(ctx, arm_type, ids.subscription_id(params["sub"]))

    return [
        route("GET", f"/subscriptions/{{sub}}/resourceGroups/{{rg}}/providers/{arm_type}", in_group, arm_type),
        route("GET", f"/subscriptions/{{sub}}/providers/{arm_type}", in_subscription, arm_type),
    ]


def _listing(ctx: Ctx, arm_type: str, scope: str) -> Response:
    return Response(200, {"value": [r.body for r in ctx.tx.of_type(arm_type) if ids.is_within(r.id, scope)]})


def start_delete(ctx: Ctx, row: Row, completion: str, seconds: float) -> dict[str, Any]:
    """The delete running on `row`, or a new one (the resource shows Deleting until it ends)."""
    running = lro.running(ctx.tx, row.id)
    if running is not None and running["completion"] == completion:
        return running
    running = lro.start(ctx, row.id, completion, seconds, payload={"location": row.body["location"]})
    row.body["properties"]["provisioningState"] = "Deleting"
    row.meta["op"] = running["id"]
    ctx.tx.put(row)
    return running


@lro.completion("arc_deleted")
def _deleted(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    cascade.settle_delete(tx, lro.current(tx, op), ok, back_in_service)


def back_in_service(row: Row) -> None:
    set_state(row, "Succeeded")


def set_state(row: Row, state: str) -> None:
    """provisioningState (and the logical network's status) after an operation."""
    properties = row.body["properties"]
    properties["provisioningState"] = state
    if "status" in properties and "provisioningStatus" in properties["status"]:
        properties["status"] = {"provisioningStatus": {"status": state}}


@lro.completion("arc_provisioned")
def _provisioned(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    row = lro.current(tx, op)
    if row is not None:
        set_state(row, "Succeeded" if ok else "Failed")
        tx.put(row)
