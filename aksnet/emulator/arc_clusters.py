"""Connected clusters (Microsoft.Kubernetes/connectedClusters, api 2026-05-01 and 2024-01-01): LRO PUT,
GET, tag PATCH, LRO DELETE, lists.

Refusals: a name of 1-63 letters, digits, '-' and '_' [ARM-QS]; kind ProvisionedCluster needs a
system-assigned identity and an empty agent certificate (the AVM module's note), any other kind a
certificate (onboarding with `az connectedk8s connect`). Deleting one deletes the AKS Arc cluster
under it (assumption: ARM removes extension resources with their parent).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from aksnet.emulator import arc_common, ids, locks, lro
from aksnet.emulator.context import Ctx, new_guid
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row, Tx

NAME = re.compile(r"^[a-zA-Z0-9](?:[-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$")
PROVISIONED = "ProvisionedCluster"


def connected_id(params: dict[str, str]) -> str:
    return ids.provider_id(params["sub"], params["rg"], ids.CONNECTED_CLUSTER, params["name"])


def _validate(rid: str, body: dict[str, Any]) -> None:
    name = ids.name_of(rid)
    if not NAME.match(name):
        raise bad_request("InvalidResourceName", f"The resource name '{name}' is invalid.")
    if not body.get("location"):
        raise bad_request("LocationRequired", "The location property is required for this definition.")
    certificate = (body.get("properties") or {}).get("agentPublicKeyCertificate")
    if body.get("kind") == PROVISIONED:
        if (body.get("identity") or {}).get("type") != "SystemAssigned":
            raise bad_request(
                "InvalidIdentity", "A connected cluster of kind ProvisionedCluster needs a SystemAssigned identity."
            )
        if certificate:
            raise bad_request(
                "InvalidAgentPublicKeyCertificate",
                "agentPublicKeyCertificate must be empty for a connected cluster of kind ProvisionedCluster.",
            )
    elif not certificate:
        raise bad_request("InvalidAgentPublicKeyCertificate", "agentPublicKeyCertificate is required.")


def store_connected(tx: Tx, rid: str, request: dict[str, Any], existing: Row | None, *, now: float, state: str) -> Row:
    body = copy.deepcopy(request)
    old = existing.body if existing else {}
    body.update({"id": existing.id if existing else rid, "name": ids.name_of(rid), "type": ids.CONNECTED_CLUSTER})
    identity = body.setdefault("identity", {"type": "SystemAssigned"})
    identity["principalId"] = (old.get("identity") or {}).get("principalId") or new_guid()
    identity["tenantId"] = (old.get("identity") or {}).get("tenantId") or "00000000-0000-0000-0000-000000000000"
    properties = body.setdefault("properties", {})
    properties.update({"provisioningState": state, "connectivityStatus": "Connecting", "distribution": "AKS_Arc"})
    row = Row(body["id"], ids.CONNECTED_CLUSTER, body, copy.deepcopy(existing.meta) if existing else {})
    row.created = existing.created if existing else now
    tx.put(row)
    return row


def put_connected(ctx: Ctx, params: dict[str, str]) -> Response:
    rid = connected_id(params)
    ctx.require_rg(params["sub"], params["rg"], writing=True)
    locks.check_write(ctx, rid)
    existing = ctx.tx.get(rid)
    body = ctx.body()
    _validate(rid, body)
    if existing is not None and body.get("kind") != existing.body.get("kind"):
        raise bad_request("PropertyChangeNotAllowed", "Changing property 'kind' is not allowed.")
    row = store_connected(ctx.tx, rid, body, existing, now=ctx.now, state="Accepted")
    op = lro.start(ctx, row.id, "arc_provisioned", arc_common.CONNECTED_CREATE, payload={"location": body["location"]})
    row.meta["op"] = op["id"]
    ctx.tx.put(row)
    return Response(200 if existing else 201, row.body, lro.headers(op))


def get_connected(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(200, ctx.require(connected_id(params)).body)


def patch_connected(ctx: Ctx, params: dict[str, str]) -> Response:
    row = ctx.require(connected_id(params))
    locks.check_write(ctx, row.id)
    body = ctx.body()
    if "tags" in body:
        row.body["tags"] = body["tags"] or {}
    ctx.tx.put(row)
    return Response(200, row.body)


def delete_connected(ctx: Ctx, params: dict[str, str]) -> Response:
    ctx.require_rg(params["sub"], params["rg"])
    row = ctx.tx.get(connected_id(params))
    if row is None:
        return Response(204)
    locks.check_delete(ctx, row.id)
    running = lro.running(ctx.tx, row.id)
    if running is not None and running["completion"] != "arc_deleted":
        raise ArmError(
            409,
            "ConnectedClusterOperationInProgress",
            f"Another operation is in progress on connected cluster {row.body['name']}.",
        )
    running = arc_common.start_delete(ctx, row, "arc_deleted", arc_common.CONNECTED_DELETE)
    return Response(202, None, lro.headers(running, location=True))


_COLLECTION = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Kubernetes/connectedClusters"
CONNECTED = _COLLECTION + "/{name}"
ROUTES: list[Route] = [
    route("PUT", CONNECTED, put_connected, ids.CONNECTED_CLUSTER),
    route("GET", CONNECTED, get_connected, ids.CONNECTED_CLUSTER),
    route("PATCH", CONNECTED, patch_connected, ids.CONNECTED_CLUSTER),
    route("DELETE", CONNECTED, delete_connected, ids.CONNECTED_CLUSTER),
    *arc_common.list_routes(ids.CONNECTED_CLUSTER),
]
