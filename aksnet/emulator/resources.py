"""The Resources RP: subscriptions, resource groups, resource lists and provider registration."""

from __future__ import annotations

import re
from typing import Any

from aksnet.emulator import cascade, ids, latency, locations, locks, lro
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row, Tx

KNOWN_NAMESPACES = (
    "Microsoft.Network",
    "Microsoft.ContainerService",
    "Microsoft.ManagedIdentity",
    "Microsoft.Authorization",
    "Microsoft.Resources",
    "Microsoft.ExtendedLocation",
    "Microsoft.AzureStackHCI",
    "Microsoft.Kubernetes",
    "Microsoft.HybridContainerService",
)


def _rg_body(rg_id: str, location: str, tags: Any, managed_by: Any, state: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": rg_id,
        "name": ids.name_of(rg_id),
        "type": ids.RESOURCE_GROUP,
        "location": location,
        "properties": {"provisioningState": state},
    }
    if tags is not None:
        body["tags"] = tags
    if managed_by:
        body["managedBy"] = managed_by
    return body


def ensure_rg(tx: Tx, rg_id: str, location: str, *, tags: Any, managed_by: Any, now: float) -> Row:
    """Create or update a resource group in place (used by PUT and by AKS for node groups)."""
    existing = tx.get(rg_id)
    rid = existing.id if existing else rg_id
    row = Row(rid, ids.RESOURCE_GROUP, _rg_body(rid, location, tags, managed_by, "Succeeded"))
    row.created = existing.created if existing else now
    tx.put(row)
    return row


def put_rg(ctx: Ctx, params: dict[str, str]) -> Response:
    body = ctx.body()
    location = body.get("location")
    if not location:
        raise bad_request("LocationRequired", "The location property is required for this definition.")
    _check_rg_name(params["rg"])
    if not locations.offered(str(location)):
        names = ",".join(name for name, _ in locations.OFFERED)
        raise bad_request(
            "LocationNotAvailableForResourceGroup",
            f"The provided location '{location}' is not available for resource group. List of available regions "
            f"is '{names}'.",
        )
    rg_id = ids.rg_id(params["sub"], params["rg"])
    existing = ctx.tx.get(rg_id)
    if existing is not None:
        _check_rg_update(ctx, existing, location)
    row = ensure_rg(ctx.tx, rg_id, location, tags=body.get("tags"), managed_by=body.get("managedBy"), now=ctx.now)
    delay = ctx.scaled(latency.write_seconds("resourcegroups"))
    return Response(200 if existing else 201, row.body, delay=delay)


def _check_rg_name(name: str) -> None:
    if not RG_NAME.match(name) or name.endswith("."):
        raise bad_request(
            "InvalidResourceGroupName",
            f"Resource group name '{name}' is invalid: resource group names only allow up to 90 alphanumeric "
            "characters, periods, underscores, hyphens and parenthesis, and cannot end in a period.",
        )


def _check_rg_update(ctx: Ctx, existing: Row, location: str) -> None:
    ctx.require_rg(ids.subscription_of(existing.id), existing.body["name"], writing=True)
    locks.check_write(ctx, existing.id)
    if location.replace(" ", "").lower() != existing.body["location"].replace(" ", "").lower():
        raise ArmError(
            409,
            "InvalidResourceGroupLocation",
            f"Invalid resource group location '{location}'. The Resource group already exists in location "
            f"'{existing.body['location']}'.",
        )


def get_rg(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(200, ctx.require_rg(params["sub"], params["rg"]).body)


def head_rg(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(204 if ctx.tx.get(ids.rg_id(params["sub"], params["rg"])) else 404)


def patch_rg(ctx: Ctx, params: dict[str, str]) -> Response:
    row = ctx.require_rg(params["sub"], params["rg"], writing=True)
    locks.check_write(ctx, row.id)
    body = ctx.body()
    for field in ("tags", "managedBy"):
        if field in body:
            row.body[field] = body[field]
    ctx.tx.put(row)
    return Response(200, row.body)


def list_rgs(ctx: Ctx, params: dict[str, str]) -> Response:
    prefix = ids.subscription_id(params["sub"])
    rows = [r.body for r in ctx.tx.of_type(ids.RESOURCE_GROUP) if ids.is_within(r.id, prefix)]
    return Response(200, {"value": rows})


def delete_rg(ctx: Ctx, params: dict[str, str]) -> Response:
    """202 + Location; the Location URL answers 202 until everything inside is gone, then 200."""
    row = ctx.require_rg(params["sub"], params["rg"])
    locks.check_delete(ctx, row.id)
    running = lro.running(ctx.tx, row.id)
    if running is None:
        running = _start_rg_delete(ctx, row)
    return Response(202, None, lro.headers(running, location=True, async_header=False))


def _start_rg_delete(ctx: Ctx, row: Row) -> dict[str, Any]:
    contents = ctx.tx.under(row.id)
    seconds = latency.RESOURCE_GROUP_DELETE + sum(_delete_seconds(r) for r in contents)
    op = lro.start(ctx, row.id, "resource_group_deleted", seconds, error=_blocked_by_outside_use(ctx, contents))
    row.body["properties"]["provisioningState"] = "Deleting"
    row.meta["op"] = op["id"]
    ctx.tx.put(row)
    return op


def _delete_seconds(row: Row) -> float:
    if row.type.lower() == ids.MANAGED_CLUSTER.lower():
        return latency.CLUSTER_DELETE
    return latency.DELETE if row.type.lower() in {t.lower() for t in ids.TRACKED_TYPES} else 0.0


def _blocked_by_outside_use(ctx: Ctx, contents: list[Row]) -> ArmError | None:
    """A subnet used by a cluster or NIC outside the group makes the delete fail, as in Azure."""
    inside = {ids.key(r.id) for r in contents}
    for row in contents:
        outside = [o for o in row.meta.get("claims", {}) if o not in inside]
        if row.type.lower() == ids.SUBNET.lower() and outside:
            return ArmError(
                400,
                "InUseSubnetCannotBeDeleted",
                f"Subnet {row.body['name']} is in use by {outside[0]} and cannot be deleted. In order to "
                "delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.",
            )
    return None


@lro.completion("resource_group_deleted")
def _rg_deleted(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    row = tx.get(op["resource"])
    if row is None:
        return
    if ok:
        cascade.remove(tx, row)
        return
    row.body["properties"]["provisioningState"] = "Succeeded"
    tx.put(row)


def summary(row: Row) -> dict[str, Any]:
    """The generic-resource view `GET .../resources` lists."""
    keys = ("id", "name", "type", "location", "tags", "kind", "managedBy", "sku")
    return {k: row.body[k] for k in keys if k in row.body}


RG_NAME = re.compile(r"^[-\w._()]{1,90}$")

_FILTER_TERM = re.compile(r"(\w+)\s+eq\s+'([^']*)'", re.IGNORECASE)


def _matches(row: Row, filter_text: str) -> bool:
    terms = {k.lower(): v for k, v in _FILTER_TERM.findall(filter_text)}
    tags = row.body.get("tags") or {}
    if "resourcetype" in terms and row.body.get("type", "").lower() != terms["resourcetype"].lower():
        return False
    if "resourcegroup" in terms and ids.rg_of(row.id).lower() != terms["resourcegroup"].lower():
        return False
    if "tagname" in terms and terms["tagname"] not in tags:
        return False
    return "tagvalue" not in terms or tags.get(terms.get("tagname", "")) == terms["tagvalue"]


def _tracked(ctx: Ctx, scope: str) -> list[Row]:
    wanted = {t.lower() for t in ids.TRACKED_TYPES}
    rows = [r for r in ctx.tx.under(scope) if r.type.lower() in wanted]
    return [r for r in rows if _matches(r, ctx.req.query.get("$filter", ""))]


def list_rg_resources(ctx: Ctx, params: dict[str, str]) -> Response:
    row = ctx.require_rg(params["sub"], params["rg"])
    return Response(200, {"value": [summary(r) for r in _tracked(ctx, row.id)]})


def list_sub_resources(ctx: Ctx, params: dict[str, str]) -> Response:
    rows = _tracked(ctx, ids.subscription_id(params["sub"]))
    return Response(200, {"value": [summary(r) for r in rows]})


def registration_state(tx: Tx, unregistered: bool, namespace: str) -> str:
    stored = tx.kv_get(f"provider:{namespace.lower()}")
    return stored or ("NotRegistered" if unregistered else "Registered")


def _provider_body(ctx: Ctx, sub: str, namespace: str) -> dict[str, Any]:
    unregistered = ctx.settings.faults.is_unregistered(namespace)
    return {
        "id": f"/subscriptions/{sub}/providers/{namespace}",
        "namespace": namespace,
        "registrationState": registration_state(ctx.tx, unregistered, namespace),
        "registrationPolicy": "RegistrationRequired",
        "resourceTypes": [],
    }


def get_provider(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(200, _provider_body(ctx, params["sub"], params["ns"]))


def register_provider(ctx: Ctx, params: dict[str, str]) -> Response:
    ctx.tx.kv_set(f"provider:{params['ns'].lower()}", "Registered")
    return Response(200, _provider_body(ctx, params["sub"], params["ns"]))


def list_providers(ctx: Ctx, params: dict[str, str]) -> Response:
    names = sorted({*KNOWN_NAMESPACES, *ctx.settings.faults.unregistered})
    return Response(200, {"value": [_provider_body(ctx, params["sub"], ns) for ns in names]})


def check_registered(ctx: Ctx, arm_type: str) -> None:
    """409 MissingSubscriptionRegistration for a namespace the `unregistered` fault names."""
    namespace = arm_type.split("/", 1)[0]
    if "." not in namespace or not ctx.settings.faults.is_unregistered(namespace):
        return
    if registration_state(ctx.tx, True, namespace) == "Registered":
        return
    message = (
        f"The subscription is not registered to use namespace '{namespace}'. "
        "See https://aka.ms/rps-not-found for how to register subscriptions."
    )
    detail = {"code": "MissingSubscriptionRegistration", "target": namespace, "message": message}
    raise ArmError(409, "MissingSubscriptionRegistration", message, details=[detail])


_RG = "/subscriptions/{sub}/resourcegroups/{rg}"
ROUTES: list[Route] = [
    route("GET", "/subscriptions/{sub}/resourcegroups", list_rgs, ids.RESOURCE_GROUP),
    route("PUT", _RG, put_rg, ids.RESOURCE_GROUP),
    route("GET", _RG, get_rg, ids.RESOURCE_GROUP),
    route("HEAD", _RG, head_rg, ids.RESOURCE_GROUP),
    route("PATCH", _RG, patch_rg, ids.RESOURCE_GROUP),
    route("DELETE", _RG, delete_rg, ids.RESOURCE_GROUP),
    route("GET", _RG + "/resources", list_rg_resources, "Microsoft.Resources/resources"),
    route("GET", "/subscriptions/{sub}/resources", list_sub_resources, "Microsoft.Resources/resources"),
    route("GET", "/subscriptions/{sub}/providers", list_providers, "Microsoft.Resources/providers"),
    route("GET", "/subscriptions/{sub}/providers/{ns}", get_provider, "Microsoft.Resources/providers"),
    route(
        "POST",
        "/subscriptions/{sub}/providers/{ns}/register",
        register_provider,
        "Microsoft.Resources/providers",
    ),
]
