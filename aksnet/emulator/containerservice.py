"""Managed clusters (ContainerService, api 2026-08-01): LRO PUT with partial-PUT back-fill, GET, DELETE."""

from __future__ import annotations

import copy
from typing import Any

from aksnet.emulator import (
    aks_effects,
    aks_lb_rules,
    aks_model,
    aks_update,
    aks_validation,
    cascade,
    etags,
    ids,
    latency,
    locks,
    lro,
)
from aksnet.emulator.context import Ctx, iso, new_guid
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row, Tx

_ACTIONS = {"cluster_provisioned": "update", "cluster_deleted": "delete"}


def cluster_id(params: dict[str, str]) -> str:
    return ids.provider_id(params["sub"], params["rg"], ids.MANAGED_CLUSTER, params["name"])


def _busy(op: dict[str, Any]) -> ArmError:
    action = "create" if op["payload"].get("create") else _ACTIONS.get(op["completion"], "update")
    return ArmError(
        409,
        "OperationNotAllowed",
        f"Operation is not allowed because there's an in progress {action} managed cluster operation "
        "(operation "
        f"ID: {op['id']}) on the managed cluster started on UTC {iso(op['start'])}. Please wait for it to "
        "finish "
        "before starting a new operation. You can also use 'az aks operation-abort' to abort the ongoing "
        "operation.",
        wrapped=False,
    )


def _take_secrets(request: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The body without secrets (never stored nor echoed) and the Windows password, if sent."""
    clean = copy.deepcopy(request)
    props = clean.get("properties") or {}
    password = (props.get("windowsProfile") or {}).pop("adminPassword", None)
    (props.get("servicePrincipalProfile") or {}).pop("secret", None)
    return clean, password


def put_cluster(ctx: Ctx, params: dict[str, str]) -> Response:
    rid = cluster_id(params)
    ctx.require_rg(params["sub"], params["rg"], writing=True)
    locks.check_write(ctx, rid)
    request, password = _take_secrets(ctx.body())
    existing = ctx.tx.get(rid)
    etags.check_aks(ctx, existing.body.get("eTag") if existing else None)
    if existing is None and not request.get("location"):
        raise bad_request("LocationRequired", "The location property is required for this definition.")
    if existing is not None:
        check_idle(ctx, existing)
    request = aks_model.strip_read_only(request)
    aks_lb_rules.check_request(request)
    merged = aks_model.merge(existing.body, request) if existing else request
    mc = aks_model.fill(merged, existing.id if existing else rid)
    aks_model.stamp(mc)
    meta = copy.deepcopy(existing.meta) if existing else {}
    network_change = check_update(existing, mc, request)
    validate(ctx, mc, password, meta)
    return _provision(ctx, existing, mc, meta, network_change)


def check_idle(ctx: Ctx, cluster: Row) -> None:
    """409 OperationNotAllowed while another operation on the cluster (or one of its pools) runs."""
    running = lro.running(ctx.tx, cluster.id)
    if running is not None:
        raise _busy(running)


def check_update(existing: Row | None, mc: dict[str, Any], request: dict[str, Any]) -> bool:
    if existing is None:
        return False
    requested_np = (request.get("properties") or {}).get("networkProfile") or {}
    return aks_update.check(existing.body, mc, requested_np)


def validate(ctx: Ctx, mc: dict[str, Any], password: str | None, meta: dict[str, Any]) -> None:
    _attach_identities(ctx, mc)
    subject = aks_validation.Subject(mc["id"], mc, aks_model.view(mc), password, bool(meta.get("windows_password")))
    aks_validation.validate(ctx, subject)
    if password is not None:
        meta["windows_password"] = True


def _attach_identities(ctx: Ctx, mc: dict[str, Any]) -> None:
    """Echo clientId/principalId for each user-assigned identity, as the examples show."""
    identity = mc.get("identity") or {}
    for rid in identity.get("userAssignedIdentities") or {}:
        row = ctx.tx.get(rid)
        if row is not None:
            props = row.body["properties"]
            identity["userAssignedIdentities"][rid] = {
                "clientId": props["clientId"],
                "principalId": props["principalId"],
            }
    if identity.get("type") == "SystemAssigned":
        identity.setdefault("principalId", new_guid())
        identity.setdefault("tenantId", ctx.settings.tenant_id)


def _provision(
    ctx: Ctx, existing: Row | None, mc: dict[str, Any], meta: dict[str, Any], network_change: bool
) -> Response:
    aks_effects.ensure_node_group(ctx.tx, mc["id"], mc, ctx.settings.tenant_id, ctx.now)
    failure = aks_effects.reconcile(ctx.tx, mc["id"], mc, meta)
    if existing is None:
        seconds = latency.CLUSTER_CREATE
    else:
        seconds = latency.CLUSTER_NETWORK_UPDATE if network_change else latency.CLUSTER_UPDATE
    payload = {"location": mc["location"], "create": existing is None}
    op = lro.start(
        ctx,
        mc["id"],
        "cluster_provisioned",
        seconds,
        retry_base=latency.CLUSTER_RETRY_AFTER,
        error=failure,
        payload=payload,
    )
    aks_model.set_state(mc, "Creating" if existing is None else "Updating")
    meta["op"] = op["id"]
    row = Row(mc["id"], ids.MANAGED_CLUSTER, mc, meta, existing.created if existing else ctx.now)
    ctx.tx.put(row)
    return Response(200 if existing else 201, copy.deepcopy(mc), lro.headers(op))


@lro.completion("cluster_provisioned")
def _provisioned(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    row = lro.current(tx, op)
    if row is not None:
        aks_model.set_state(row.body, "Succeeded" if ok else "Failed")
        tx.put(row)


def get_cluster(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(200, ctx.require(cluster_id(params)).body)


def delete_cluster(ctx: Ctx, params: dict[str, str]) -> Response:
    """202 with Azure-AsyncOperation and Location, or 204 when absent; never 200 (arm-facts §1.1)."""
    ctx.require_rg(params["sub"], params["rg"])
    row = ctx.tx.get(cluster_id(params))
    etags.check_aks(ctx, row.body.get("eTag") if row else None)
    if row is None:
        return Response(204)
    locks.check_delete(ctx, row.id)
    running = lro.running(ctx.tx, row.id)
    if running is not None and running["completion"] != "cluster_deleted":
        raise _busy(running)
    if running is None:
        running = start_operation(ctx, row, "cluster_deleted", latency.CLUSTER_DELETE, "Deleting")
    return Response(202, None, lro.headers(running, location=True))


def start_operation(ctx: Ctx, row: Row, done: str, seconds: float, state: str, **payload: str) -> dict[str, Any]:
    """Start an operation on the stored cluster `row` that ends with `done`; the cluster shows `state`."""
    payload = {"location": row.body["location"], **payload}
    op = lro.start(ctx, row.id, done, seconds, retry_base=latency.CLUSTER_RETRY_AFTER, payload=payload)
    aks_model.set_state(row.body, state)
    row.meta["op"] = op["id"]
    ctx.tx.put(row)
    return op


@lro.completion("cluster_deleted")
def _deleted(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    cascade.settle_delete(tx, lro.current(tx, op), ok, lambda row: aks_model.set_state(row.body, "Succeeded"))


def patch_tags(ctx: Ctx, params: dict[str, str]) -> Response:
    row = ctx.require(cluster_id(params))
    locks.check_write(ctx, row.id)
    row.body["tags"] = ctx.body().get("tags") or {}
    row.body["eTag"] = aks_model.new_etag()
    ctx.tx.put(row)
    return Response(200, row.body)


def list_in_rg(ctx: Ctx, params: dict[str, str]) -> Response:
    scope = ctx.require_rg(params["sub"], params["rg"]).id
    rows = [r.body for r in ctx.tx.of_type(ids.MANAGED_CLUSTER) if ids.is_within(r.id, scope)]
    return Response(200, {"value": rows})


def list_in_subscription(ctx: Ctx, params: dict[str, str]) -> Response:
    scope = ids.subscription_id(params["sub"])
    rows = [r.body for r in ctx.tx.of_type(ids.MANAGED_CLUSTER) if ids.is_within(r.id, scope)]
    return Response(200, {"value": rows})


_COLLECTION = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters"
_CLUSTER = _COLLECTION + "/{name}"
ROUTES: list[Route] = [
    route("PUT", _CLUSTER, put_cluster, ids.MANAGED_CLUSTER),
    route("GET", _CLUSTER, get_cluster, ids.MANAGED_CLUSTER),
    route("DELETE", _CLUSTER, delete_cluster, ids.MANAGED_CLUSTER),
    route("PATCH", _CLUSTER, patch_tags, ids.MANAGED_CLUSTER),
    route("GET", _COLLECTION, list_in_rg, ids.MANAGED_CLUSTER),
    route(
        "GET",
        "/subscriptions/{sub}/providers/Microsoft.ContainerService/managedClusters",
        list_in_subscription,
        ids.MANAGED_CLUSTER,
    ),
]
