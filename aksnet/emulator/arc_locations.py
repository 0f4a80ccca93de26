"""Custom locations (Microsoft.ExtendedLocation, read only: the Azure Local deployment makes them) and the
two read helpers on them: `kubernetesVersions/default` and `skus/default`, which answer 404 until their
one-time PUT (the spec calls it so [SPEC-HCS-2606]; Microsoft's AVM module does it before reading).
"""

from __future__ import annotations

import copy
from typing import Any

from aksnet.emulator import arc_common, ids, lro
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row, Tx

HCS = "Microsoft.HybridContainerService"
LISTS = {"kubernetesVersions": f"{HCS}/kubernetesVersions", "skus": f"{HCS}/skus"}


def custom_location_id(params: dict[str, str]) -> str:
    return ids.provider_id(params["sub"], params["rg"], ids.CUSTOM_LOCATION, params["name"])


def get_custom_location(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(200, ctx.require(custom_location_id(params)).body)


def list_custom_locations(ctx: Ctx, params: dict[str, str]) -> Response:
    scope = ids.subscription_id(params["sub"])
    return Response(200, {"value": [r.body for r in ctx.tx.of_type(ids.CUSTOM_LOCATION) if ids.is_within(r.id, scope)]})


def region_of(tx: Tx, custom_location: str) -> str:
    row = tx.get(custom_location)
    return str(row.body["location"]) if row else "eastus"


# --- kubernetesVersions/default and skus/default ------------------------------------------------


def _list_id(params: dict[str, str], kind: str) -> str:
    return f"{custom_location_id(params)}/providers/{LISTS[kind]}/default"


def get_list(kind: str) -> Any:
    def handler(ctx: Ctx, params: dict[str, str]) -> Response:
        ctx.require(custom_location_id(params))
        row = ctx.tx.get(_list_id(params, kind))
        if row is None or row.body["properties"].get("provisioningState") != "Succeeded":
            raise ArmError(404, "ListNotCreated", f"{kind}/default is not there yet: PUT it once first.")
        return Response(200, row.body)

    return handler


def list_lists(kind: str) -> Any:
    def handler(ctx: Ctx, params: dict[str, str]) -> Response:
        ctx.require(custom_location_id(params))
        row = ctx.tx.get(_list_id(params, kind))
        ready = row is not None and row.body["properties"].get("provisioningState") == "Succeeded"
        return Response(200, {"value": [row.body] if ready and row else []})

    return handler


def make_list(tx: Tx, location: Row, kind: str, *, state: str, now: float) -> Row:
    """The custom location's list of `kind` (its values are the fixture's), in `state`."""
    rid = f"{location.id}/providers/{LISTS[kind]}/default"
    body = {
        "id": rid,
        "name": "default",
        "type": LISTS[kind],
        "extendedLocation": {"type": "CustomLocation", "name": location.id},
        "properties": {"provisioningState": state, "values": copy.deepcopy(location.meta.get(kind, []))},
    }
    row = Row(rid, LISTS[kind], body, {}, now)
    tx.put(row)
    return row


def put_list(kind: str) -> Any:
    def handler(ctx: Ctx, params: dict[str, str]) -> Response:
        location = ctx.require(custom_location_id(params))
        existing = ctx.tx.get(_list_id(params, kind))
        if existing is not None:
            return Response(200, existing.body)
        row = make_list(ctx.tx, location, kind, state="Accepted", now=ctx.now)
        payload = {"location": location.body["location"]}
        op = lro.start(ctx, row.id, "arc_provisioned", arc_common.LISTS_CREATE, payload=payload)
        row.meta["op"] = op["id"]
        ctx.tx.put(row)
        return Response(201, row.body, lro.headers(op))

    return handler


def versions(tx: Tx, custom_location: str) -> list[dict[str, Any]]:
    """The versions the site offers, read by the cluster's own validation whether or not listed yet."""
    row = tx.get(custom_location)
    return list(row.meta.get("kubernetesVersions", [])) if row else []


def vm_sizes(tx: Tx, custom_location: str) -> set[str]:
    row = tx.get(custom_location)
    return {str(s["name"]) for s in row.meta.get("skus", [])} if row else set()


_CL = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ExtendedLocation/customLocations/{name}"


def _list_routes(kind: str) -> list[Route]:
    arm_type = LISTS[kind]
    return [
        route("GET", f"{_CL}/providers/{arm_type}/default", get_list(kind), arm_type),
        route("PUT", f"{_CL}/providers/{arm_type}/default", put_list(kind), arm_type),
        route("GET", f"{_CL}/providers/{arm_type}", list_lists(kind), arm_type),
    ]


ROUTES: list[Route] = [
    *_list_routes("kubernetesVersions"),
    *_list_routes("skus"),
    route("GET", _CL, get_custom_location, ids.CUSTOM_LOCATION),
    route(
        "GET",
        "/subscriptions/{sub}/providers/Microsoft.ExtendedLocation/customLocations",
        list_custom_locations,
        ids.CUSTOM_LOCATION,
    ),
]
