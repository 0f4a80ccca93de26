"""Route tables and routes (Network RP, api 2026-03-01)."""

from __future__ import annotations

import copy
from typing import Any

from aksnet.emulator import cascade, ids
from aksnet.emulator.context import Ctx, new_guid
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.network import Kind, base_body, crud_routes, properties
from aksnet.emulator.store import Row, Tx

NEXT_HOP_TYPES = ("VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None")


def subnets_using(tx: Tx, field: str, resource_id: str) -> list[str]:
    """Ids of the subnets whose `field` (routeTable, networkSecurityGroup, natGateway) is `resource_id`."""
    return [
        s.id
        for s in tx.of_type(ids.SUBNET)
        if ids.same(((s.body["properties"].get(field) or {}).get("id")) or "", resource_id)
    ]


def route_properties(props: dict[str, Any], rid: str) -> dict[str, Any]:
    hop = props.get("nextHopType")
    if not props.get("addressPrefix") or hop not in NEXT_HOP_TYPES:
        raise bad_request(
            "InvalidRoute",
            f"Route {rid} must have an addressPrefix and a nextHopType of {', '.join(NEXT_HOP_TYPES)}.",
        )
    if hop == "VirtualAppliance" and not props.get("nextHopIpAddress"):
        raise bad_request(
            "InvalidNextHopIpAddress",
            f"Route {rid} has next hop type VirtualAppliance but no next hop IP address.",
        )
    if hop != "VirtualAppliance" and props.get("nextHopIpAddress"):
        raise bad_request(
            "InvalidNextHopIpAddress",
            f"Route {rid} has next hop type {hop}; a next hop IP address is allowed only with VirtualAppliance.",
        )
    keep = ("addressPrefix", "nextHopType", "nextHopIpAddress")
    return {k: props[k] for k in keep if props.get(k) is not None}


def route_row(rid: str, body: dict[str, Any], existing: Row | None, state: str = "Updating") -> Row:
    props = route_properties(properties(body), rid) | {"provisioningState": state}
    row = Row(rid, ids.ROUTE, base_body(rid, ids.ROUTE, body, existing) | {"properties": props})
    row.meta = existing.meta if existing else {}
    return row


def build_route(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    ctx.require(ids.parent_of(rid))
    return route_row(rid, body, existing)


def render_route(tx: Tx, row: Row) -> dict[str, Any]:
    return copy.deepcopy(row.body)


ROUTE = Kind(ids.ROUTE, build_route, render_route)


def build_route_table(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    props = properties(body)
    stored: dict[str, Any] = {"disableBgpRoutePropagation": bool(props.get("disableBgpRoutePropagation", False))}
    stored["resourceGuid"] = existing.body["properties"]["resourceGuid"] if existing else new_guid()
    row = Row(rid, ids.ROUTE_TABLE, base_body(rid, ids.ROUTE_TABLE, body, existing) | {"properties": stored})
    row.meta = existing.meta if existing else {}
    # A `routes` array is the whole set of routes (AKS's kubenet routes too, as in Azure);
    # without one the existing routes stay (an assumption, like a VNet PUT without `subnets`).
    if "routes" in props:
        _replace_routes(ctx, rid, props["routes"] or [])
    return row


def _replace_routes(ctx: Ctx, rt_id: str, wanted: list[dict[str, Any]]) -> None:
    names = {str(w.get("name", "")).lower() for w in wanted}
    for old in ctx.tx.children(rt_id, ids.ROUTE):
        if old.body["name"].lower() not in names:
            cascade.remove(ctx.tx, old)
    for item in wanted:
        rid = f"{rt_id}/routes/{item.get('name')}"
        row = route_row(rid, item, ctx.tx.get(rid), "Succeeded")
        row.created = ctx.now
        ctx.tx.put(row)


def render_route_table(tx: Tx, row: Row) -> dict[str, Any]:
    body = copy.deepcopy(row.body)
    props = body["properties"]
    props["routes"] = [render_route(tx, r) for r in tx.children(row.id, ids.ROUTE)]
    subnets = subnets_using(tx, "routeTable", row.id)
    if subnets:
        props["subnets"] = [{"id": s} for s in subnets]
    return body


def _route_table_in_use(tx: Tx, row: Row) -> ArmError | None:
    subnets = subnets_using(tx, "routeTable", row.id)
    if not subnets:
        return None
    return bad_request(
        "InUseRouteTableCannotBeDeleted",
        f"Route table {row.body['name']} is in use and cannot be deleted. {row.id} is associated with "
        f"{', '.join(subnets)}. Remove the association before deleting the route table.",
    )


ROUTE_TABLE = Kind(ids.ROUTE_TABLE, build_route_table, render_route_table, _route_table_in_use)

_RT = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/routeTables/{rt}"
ROUTES = [*crud_routes(ROUTE_TABLE, _RT), *crud_routes(ROUTE, _RT + "/routes/{route}")]
