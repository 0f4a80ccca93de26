"""What every Network RP resource shares: LRO PUT and DELETE, GET, list and tag PATCH handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aksnet.emulator import cascade, etags, ids, latency, locks, lro
from aksnet.emulator.context import Ctx, new_guid
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.router import Handler, Response, Route, route
from aksnet.emulator.store import Row, Tx

Build = Callable[[Ctx, str, Row | None, dict[str, Any]], Row]
Render = Callable[[Tx, Row], dict[str, Any]]
InUse = Callable[[Tx, Row], ArmError | None]


def _never(tx: Tx, row: Row) -> ArmError | None:
    return None


@dataclass(frozen=True)
class Kind:
    """One Network RP resource type: how to build it from a PUT body, render it, and guard its delete."""

    arm_type: str
    build: Build
    render: Render
    in_use: InUse = _never

    @property
    def segment(self) -> str:
        return self.arm_type.rsplit("/", 1)[-1]

    @property
    def tracked(self) -> bool:
        return self.arm_type.count("/") == 1


def resource_id(kind: Kind, params: dict[str, str]) -> str:
    names = [v for k, v in params.items() if k not in ("sub", "rg")]
    return ids.provider_id(params["sub"], params["rg"], kind.arm_type, *names)


def base_body(rid: str, arm_type: str, body: dict[str, Any], existing: Row | None) -> dict[str, Any]:
    """The envelope of a Network resource; tracked ones carry location and tags."""
    out: dict[str, Any] = {"id": rid, "name": ids.name_of(rid), "type": arm_type, "etag": f'W/"{new_guid()}"'}
    if arm_type.count("/") == 1:
        location = body.get("location") or (existing.body.get("location") if existing else None)
        if not location:
            raise bad_request("LocationRequired", "The location property is required for this definition.")
        out["location"] = location
        if body.get("tags") is not None:
            out["tags"] = body["tags"]
    return out


def properties(body: dict[str, Any]) -> dict[str, Any]:
    props = body.get("properties")
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise bad_request("InvalidRequestFormat", "The 'properties' member must be an object.")
    return props


def require_reference(ctx: Ctx, ref: Any, arm_type: str, referrer: str) -> str | None:
    """The id in a `{"id": ...}` reference, checked to exist and to be of `arm_type`."""
    if not ref:
        return None
    ref_id = ref.get("id") if isinstance(ref, dict) else None
    row = ctx.tx.get(ref_id) if isinstance(ref_id, str) else None
    if row is None or row.type.lower() != arm_type.lower():
        raise bad_request(
            "InvalidResourceReference",
            f"Resource {ref_id} referenced by resource {referrer} was not found. Please make sure that the "
            "referenced resource exists, and that both resources are in the same region.",
        )
    return row.id


def location_of(tx: Tx, row: Row) -> str:
    current: Row | None = row
    while current is not None and "location" not in current.body:
        current = tx.get(ids.parent_of(current.id))
    return str(current.body["location"]) if current is not None else "eastus"


def set_state(row: Row, state: str) -> None:
    row.body.setdefault("properties", {})["provisioningState"] = state


def provision(ctx: Ctx, kind: Kind, row: Row, existed: bool) -> Response:
    """Store `row` as Updating and answer 200/201 with Azure-AsyncOperation."""
    location = location_of(ctx.tx, row)
    op = lro.start(
        ctx,
        row.id,
        "network_provisioned",
        latency.write_seconds(kind.segment),
        payload={"location": location},
    )
    set_state(row, "Updating")
    row.meta["op"] = op["id"]
    ctx.tx.put(row)
    return Response(200 if existed else 201, kind.render(ctx.tx, row), lro.headers(op))


@lro.completion("network_provisioned")
def _provisioned(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    row = lro.current(tx, op)
    if row is not None:
        set_state(row, "Succeeded" if ok else "Failed")
        tx.put(row)


@lro.completion("network_deleted")
def _deleted(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    cascade.settle_delete(tx, lro.current(tx, op), ok, lambda row: set_state(row, "Succeeded"))


def put_handler(kind: Kind) -> Handler:
    def put(ctx: Ctx, params: dict[str, str]) -> Response:
        rid = resource_id(kind, params)
        ctx.require_rg(params["sub"], params["rg"], writing=True)
        locks.check_write(ctx, rid)
        existing = ctx.tx.get(rid)
        etags.check_network(ctx, rid, existing.body.get("etag") if existing else None)
        row = kind.build(ctx, existing.id if existing else rid, existing, ctx.body())
        row.created = existing.created if existing else ctx.now
        return provision(ctx, kind, row, existing is not None)

    return put


def get_handler(kind: Kind) -> Handler:
    def get(ctx: Ctx, params: dict[str, str]) -> Response:
        return Response(200, kind.render(ctx.tx, ctx.require(resource_id(kind, params))))

    return get


def delete_handler(kind: Kind) -> Handler:
    """202 with Location and Azure-AsyncOperation; 204 when there is nothing to delete."""

    def delete(ctx: Ctx, params: dict[str, str]) -> Response:
        ctx.require_rg(params["sub"], params["rg"])
        row = ctx.tx.get(resource_id(kind, params))
        etags.check_network(ctx, resource_id(kind, params), row.body.get("etag") if row else None)
        if row is None:
            return Response(204)
        locks.check_delete(ctx, row.id)
        problem = kind.in_use(ctx.tx, row)
        if problem is not None:
            raise problem
        return start_delete(ctx, row)

    return delete


def start_delete(ctx: Ctx, row: Row) -> Response:
    op = lro.start(ctx, row.id, "network_deleted", latency.DELETE, payload={"location": location_of(ctx.tx, row)})
    set_state(row, "Deleting")
    row.meta["op"] = op["id"]
    ctx.tx.put(row)
    return Response(202, None, lro.headers(op, location=True))


def list_handler(kind: Kind) -> Handler:
    """Children of the parent in the path, or every resource of the type in a group/subscription."""

    def list_all(ctx: Ctx, params: dict[str, str]) -> Response:
        if "rg" in params:
            ctx.require_rg(params["sub"], params["rg"])
        names = [v for k, v in params.items() if k not in ("sub", "rg")]
        if names:
            parent_type = kind.arm_type.rsplit("/", 1)[0]
            parent = ctx.require(ids.provider_id(params["sub"], params["rg"], parent_type, *names))
            rows = ctx.tx.children(parent.id, kind.arm_type)
        else:
            scope = ids.rg_id(params["sub"], params["rg"]) if "rg" in params else f"/subscriptions/{params['sub']}"
            rows = [r for r in ctx.tx.of_type(kind.arm_type) if ids.is_within(r.id, scope)]
        return Response(200, {"value": [kind.render(ctx.tx, r) for r in rows]})

    return list_all


def patch_tags_handler(kind: Kind) -> Handler:
    def patch(ctx: Ctx, params: dict[str, str]) -> Response:
        row = ctx.require(resource_id(kind, params))
        locks.check_write(ctx, row.id)
        row.body["tags"] = ctx.body().get("tags") or {}
        ctx.tx.put(row)
        return Response(200, kind.render(ctx.tx, row))

    return patch


def crud_routes(kind: Kind, template: str) -> list[Route]:
    """PUT/GET/DELETE on `template`, list on its collection, tag PATCH for tracked types."""
    collection = template.rsplit("/", 1)[0]
    routes = [
        route("PUT", template, put_handler(kind), kind.arm_type),
        route("GET", template, get_handler(kind), kind.arm_type),
        route("DELETE", template, delete_handler(kind), kind.arm_type),
        route("GET", collection, list_handler(kind), kind.arm_type),
    ]
    if kind.tracked:
        routes.append(route("PATCH", template, patch_tags_handler(kind), kind.arm_type))
        all_in_sub = "/subscriptions/{sub}/providers/" + kind.arm_type
        routes.append(route("GET", all_in_sub, list_handler(kind), kind.arm_type))
    return routes
