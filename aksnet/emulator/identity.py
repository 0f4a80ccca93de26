"""User-assigned managed identities (MSI, api 2024-11-30): synchronous PUT, GET, DELETE, tag PATCH."""

from __future__ import annotations

from typing import Any

from aksnet.emulator import ids, latency, locks
from aksnet.emulator.context import Ctx, new_guid
from aksnet.emulator.errors import bad_request
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row, Tx


def _identity_id(params: dict[str, str]) -> str:
    return ids.provider_id(params["sub"], params["rg"], ids.IDENTITY, params["name"])


def identity_body(rid: str, location: str, tags: Any, tenant_id: str, existing: Row | None) -> dict[str, Any]:
    """principalId and clientId are minted once and kept across updates."""
    old = existing.body["properties"] if existing else {}
    body: dict[str, Any] = {
        "id": rid,
        "name": ids.name_of(rid),
        "type": ids.IDENTITY,
        "location": location,
        "properties": {
            "tenantId": tenant_id,
            "principalId": old.get("principalId") or new_guid(),
            "clientId": old.get("clientId") or new_guid(),
            "isolationScope": old.get("isolationScope", "None"),
        },
    }
    if tags is not None:
        body["tags"] = tags
    return body


def ensure_identity(tx: Tx, rid: str, location: str, *, tags: Any, tenant_id: str, now: float) -> Row:
    """Create or update an identity in place (PUT, and AKS for its kubelet identity)."""
    existing = tx.get(rid)
    row = Row(existing.id if existing else rid, ids.IDENTITY, {})
    row.body = identity_body(row.id, location, tags, tenant_id, existing)
    row.created = existing.created if existing else now
    tx.put(row)
    return row


def put_identity(ctx: Ctx, params: dict[str, str]) -> Response:
    rid = _identity_id(params)
    ctx.require_rg(params["sub"], params["rg"], writing=True)
    locks.check_write(ctx, rid)
    body = ctx.body()
    existing = ctx.tx.get(rid)
    location = body.get("location") or (existing.body["location"] if existing else None)
    if not location:
        raise bad_request("LocationRequired", "The location property is required for this definition.")
    row = ensure_identity(ctx.tx, rid, location, tags=body.get("tags"), tenant_id=ctx.settings.tenant_id, now=ctx.now)
    delay = ctx.scaled(latency.write_seconds("userAssignedIdentities"))
    return Response(200 if existing else 201, row.body, delay=delay)


def get_identity(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(200, ctx.require(_identity_id(params)).body)


def delete_identity(ctx: Ctx, params: dict[str, str]) -> Response:
    ctx.require_rg(params["sub"], params["rg"])
    row = ctx.tx.get(_identity_id(params))
    if row is None:
        return Response(204)
    locks.check_delete(ctx, row.id)
    ctx.tx.delete(row.id)
    return Response(200)


def patch_identity(ctx: Ctx, params: dict[str, str]) -> Response:
    row = ctx.require(_identity_id(params))
    locks.check_write(ctx, row.id)
    if "tags" in ctx.body():
        row.body["tags"] = ctx.body()["tags"]
    ctx.tx.put(row)
    return Response(200, row.body)


def list_identities(ctx: Ctx, params: dict[str, str]) -> Response:
    scope = ids.rg_id(params["sub"], params["rg"])
    ctx.require_rg(params["sub"], params["rg"])
    rows = [r.body for r in ctx.tx.of_type(ids.IDENTITY) if ids.is_within(r.id, scope)]
    return Response(200, {"value": rows})


def find_by_principal(tx: Tx, principal_id: str) -> Row | None:
    for row in tx.of_type(ids.IDENTITY):
        if row.body["properties"]["principalId"].lower() == principal_id.lower():
            return row
    return None


_COLLECTION = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities"
_IDENTITY = _COLLECTION + "/{name}"
ROUTES: list[Route] = [
    route("PUT", _IDENTITY, put_identity, ids.IDENTITY),
    route("GET", _IDENTITY, get_identity, ids.IDENTITY),
    route("DELETE", _IDENTITY, delete_identity, ids.IDENTITY),
    route("PATCH", _IDENTITY, patch_identity, ids.IDENTITY),
    route("GET", _COLLECTION, list_identities, ids.IDENTITY),
]
