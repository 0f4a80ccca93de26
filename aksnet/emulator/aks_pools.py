"""Agent pools (`managedClusters/{name}/agentPools/{pool}`): another view of the cluster's agentPoolProfiles.

A pool PUT or DELETE changes the cluster body exactly as a cluster PUT with that pool added,
changed or left out would (validation, subnet IPs, kubenet routes), and runs as an operation on
the cluster, so cluster and pool operations exclude each other as in AKS. A new pool without a
subnet joins the subnet of the cluster's first pool that has one (an assumption: AKS does not
mix its managed VNet with yours in one cluster).
"""

from __future__ import annotations

import copy
from typing import Any

from aksnet.emulator import aks_effects, aks_model, containerservice, etags, ids, latency, locks, lro
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import resource_not_found
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row, Tx

AGENT_POOL = "Microsoft.ContainerService/managedClusters/agentPools"


def _pools(mc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(mc["properties"].get("agentPoolProfiles") or [])


def _find(mc: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((p for p in _pools(mc) if str(p.get("name", "")).lower() == name.lower()), None)


def view(cluster_id: str, profile: dict[str, Any]) -> dict[str, Any]:
    """The AgentPool resource for one agentPoolProfiles entry."""
    props = {k: copy.deepcopy(v) for k, v in profile.items() if k not in ("name", "eTag")}
    return {
        "id": f"{cluster_id}/agentPools/{profile['name']}",
        "name": profile["name"],
        "type": AGENT_POOL,
        "eTag": profile.get("eTag"),
        "properties": props,
    }


def _require_pool(ctx: Ctx, cluster: Row, name: str) -> dict[str, Any]:
    found = _find(cluster.body, name)
    if found is None:
        relative = f"Microsoft.ContainerService/managedClusters/{cluster.body['name']}/agentPools/{name}"
        raise resource_not_found(relative, ids.rg_of(cluster.id))
    return found


def get_pool(ctx: Ctx, params: dict[str, str]) -> Response:
    cluster = ctx.require(containerservice.cluster_id(params))
    return Response(200, view(cluster.id, _require_pool(ctx, cluster, params["pool"])))


def list_pools(ctx: Ctx, params: dict[str, str]) -> Response:
    cluster = ctx.require(containerservice.cluster_id(params))
    return Response(200, {"value": [view(cluster.id, p) for p in _pools(cluster.body)]})


def put_pool(ctx: Ctx, params: dict[str, str]) -> Response:
    cluster = ctx.require(containerservice.cluster_id(params))
    name = params["pool"]
    locks.check_write(ctx, f"{cluster.id}/agentPools/{name}")
    existing = _find(cluster.body, name)
    etags.check_aks(ctx, existing.get("eTag") if existing else None)
    containerservice.check_idle(ctx, cluster)
    profile = {**(ctx.body().get("properties") or {}), "name": existing["name"] if existing else name}
    if existing is None:
        _join_cluster_subnet(cluster.body, profile)
    # The whole list, in the cluster's order with a new pool last, so the merge keeps the order.
    others = [{"name": p["name"]} for p in _pools(cluster.body) if p is not existing]
    ordered = [profile if p is existing else {"name": p["name"]} for p in _pools(cluster.body)]
    listed = ordered if existing else [*others, profile]
    request = aks_model.strip_read_only({"properties": {"agentPoolProfiles": listed}})
    mc = aks_model.fill(aks_model.merge(cluster.body, request), cluster.id)
    aks_model.stamp(mc, profile["name"])
    meta = copy.deepcopy(cluster.meta)
    containerservice.check_update(cluster, mc, {})
    containerservice.validate(ctx, mc, None, meta)
    state = "Updating" if existing else "Creating"
    op = _start(ctx, cluster, mc=mc, meta=meta, done="agentpool_provisioned", pool=profile["name"], state=state)
    pool = _find(mc, profile["name"]) or profile
    return Response(200 if existing else 201, view(cluster.id, pool), lro.headers(op))


def _join_cluster_subnet(mc: dict[str, Any], profile: dict[str, Any]) -> None:
    subnet = next((p["vnetSubnetID"] for p in _pools(mc) if p.get("vnetSubnetID")), None)
    if subnet and not profile.get("vnetSubnetID"):
        profile["vnetSubnetID"] = subnet


def delete_pool(ctx: Ctx, params: dict[str, str]) -> Response:
    """202 with Azure-AsyncOperation and Location, or 204 when the pool is not there."""
    cluster = ctx.require(containerservice.cluster_id(params))
    existing = _find(cluster.body, params["pool"])
    etags.check_aks(ctx, existing.get("eTag") if existing else None)
    if existing is None:
        return Response(204)
    locks.check_delete(ctx, f"{cluster.id}/agentPools/{existing['name']}")
    containerservice.check_idle(ctx, cluster)
    remaining = copy.deepcopy(cluster.body)
    remaining["properties"]["agentPoolProfiles"] = [p for p in _pools(remaining) if p is not None and p != existing]
    meta = copy.deepcopy(cluster.meta)
    failure = aks_effects.reconcile(ctx.tx, cluster.id, aks_model.fill(remaining, cluster.id), meta)
    mc = copy.deepcopy(cluster.body)
    aks_model.stamp(mc)
    op = _start(
        ctx,
        cluster,
        mc=mc,
        meta=meta,
        done="agentpool_deleted",
        pool=existing["name"],
        state="Deleting",
        failure=failure,
    )
    return Response(202, None, lro.headers(op, location=True))


def _start(
    ctx: Ctx,
    cluster: Row,
    *,
    mc: dict[str, Any],
    meta: dict[str, Any],
    done: str,
    pool: str,
    state: str,
    failure: Any = None,
) -> dict[str, Any]:
    """Record the pool operation on the cluster, reconcile what the nodes hold, and store the cluster."""
    if failure is None and done == "agentpool_provisioned":
        failure = aks_effects.reconcile(ctx.tx, cluster.id, mc, meta)
    payload = {"location": mc["location"], "pool": pool}
    seconds = latency.AGENT_POOL_DELETE if done == "agentpool_deleted" else latency.AGENT_POOL_WRITE
    op = lro.start(
        ctx, cluster.id, done, seconds, retry_base=latency.CLUSTER_RETRY_AFTER, error=failure, payload=payload
    )
    profile = _find(mc, pool)
    if profile is not None:
        profile["provisioningState"] = state
    meta["op"] = op["id"]
    ctx.tx.put(Row(cluster.id, ids.MANAGED_CLUSTER, mc, meta, cluster.created))
    return op


@lro.completion("agentpool_provisioned")
def _provisioned(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    row = lro.current(tx, op)
    profile = _find(row.body, op["payload"]["pool"]) if row is not None else None
    if row is not None and profile is not None:
        profile["provisioningState"] = "Succeeded" if ok else "Failed"
        tx.put(row)


@lro.completion("agentpool_deleted")
def _deleted(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    row = lro.current(tx, op)
    if row is None:
        return
    name = op["payload"]["pool"].lower()
    pools = _pools(row.body)
    if ok:
        row.body["properties"]["agentPoolProfiles"] = [p for p in pools if str(p.get("name")).lower() != name]
    else:
        for pool in pools:
            if str(pool.get("name")).lower() == name:
                pool["provisioningState"] = "Succeeded"
    tx.put(row)


_POOLS = (
    "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}/agentPools"
)
ROUTES: list[Route] = [
    route("GET", _POOLS, list_pools, AGENT_POOL),
    route("GET", _POOLS + "/{pool}", get_pool, AGENT_POOL),
    route("PUT", _POOLS + "/{pool}", put_pool, AGENT_POOL),
    route("DELETE", _POOLS + "/{pool}", delete_pool, AGENT_POOL),
]
