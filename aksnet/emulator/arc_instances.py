"""Provisioned cluster instances: the AKS Arc cluster, `{connectedCluster}/providers/Microsoft.HybridContainerService/
provisionedClusterInstances/default` (api 2024-01-01). LRO PUT (201 + Azure-AsyncOperation), GET, LRO DELETE
(202 + Location), list. Its node VMs take addresses from the logical network's pools, lowest free first,
given back on delete.

Refusals ([SCALE], [NSR], [AZPS-VAL], the SDK's enums, release notes): the parent connected cluster exists
and is of kind ProvisionedCluster; one logical network of the same custom location, static; calico;
1, 3 or 5 control-plane nodes; 1-64 nodes per pool, 200 per cluster, 16 pools, a Linux pool, OS SKU per OS;
an explicit control-plane IP inside the prefix, outside the pools, not another cluster's; a Kubernetes
version ready for each OS SKU; VM sizes the custom location offers; enough free pool addresses (2507);
one long-running operation at a time; the control-plane IP, pod CIDR, policy and network never change.
A network without a pool is accepted and fails in the operation, as its webhook does (azure_arc#2469).
"""

from __future__ import annotations

import copy
from typing import Any

from aksnet.emulator import arc_common, arc_lnets, arc_locations, cascade, ids, lro
from aksnet.emulator.arc_clusters import PROVISIONED
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row, Tx

OS_SKUS = {"Linux": ("CBLMariner",), "Windows": ("Windows2019", "Windows2022")}
IMMUTABLE = {
    "controlPlane.controlPlaneEndpoint.hostIP": ("controlPlane", "controlPlaneEndpoint", "hostIP"),
    "networkProfile.podCidr": ("networkProfile", "podCidr"),
    "networkProfile.networkPolicy": ("networkProfile", "networkPolicy"),
    "cloudProviderProfile.infraNetworkProfile.vnetSubnetIds": (
        "cloudProviderProfile",
        "infraNetworkProfile",
        "vnetSubnetIds",
    ),
}
WEBHOOK = 'admission webhook "vhybridakscluster.kb.io" denied the request'


def connected_of(params: dict[str, str]) -> str:
    return ids.provider_id(params["sub"], params["rg"], ids.CONNECTED_CLUSTER, params["name"])


def instance_of(connected: str) -> str:
    return f"{connected}/providers/{ids.PROVISIONED_CLUSTER}/default"


def _dig(body: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = body.get("properties") or {}
    for part in path:
        value = (value or {}).get(part)
    return value


def _invalid(message: str) -> ArmError:
    return bad_request("InvalidProvisionedClusterProperties", message)


# --- validation ---------------------------------------------------------------------------------


def _parent(ctx: Ctx, params: dict[str, str]) -> Row:
    connected = connected_of(params)
    ctx.require_rg(params["sub"], params["rg"])
    row = ctx.tx.get(connected)
    if row is None:
        raise ArmError(
            404,
            "ParentResourceNotFound",
            f"Can not perform requested operation on nested resource. Parent resource '{params['name']}' not found.",
        )
    return row


def _network(ctx: Ctx, body: dict[str, Any]) -> Row:
    extended = body.get("extendedLocation") or {}
    if extended.get("type") != "CustomLocation" or ctx.tx.get(str(extended.get("name", ""))) is None:
        raise bad_request("InvalidExtendedLocation", f"Custom location '{extended.get('name')}' was not found.")
    subnets = _dig(body, IMMUTABLE["cloudProviderProfile.infraNetworkProfile.vnetSubnetIds"]) or []
    if len(subnets) != 1:
        raise _invalid(f"infraNetworkProfile.vnetSubnetIds must name exactly one logical network, not {len(subnets)}.")
    lnet = ctx.tx.get(subnets[0])
    if lnet is None:
        raise _invalid(f"Logical network {subnets[0]} was not found.")
    if not ids.same((lnet.body.get("extendedLocation") or {}).get("name", ""), extended["name"]):
        raise _invalid(f"Logical network {lnet.body['name']} is in another custom location than the cluster.")
    if str(arc_lnets.subnet_of(lnet.body).get("ipAllocationMethod", "")).lower() != "static":
        raise _invalid(f"Logical network {lnet.body['name']} is not static; AKS needs a static logical network.")
    return lnet


def _check_shape(body: dict[str, Any]) -> None:
    policy = _dig(body, ("networkProfile", "networkPolicy")) or "calico"
    if policy != "calico":
        raise _invalid(f"networkPolicy '{policy}' is not supported; the supported value is 'calico'.")
    count = _dig(body, ("controlPlane", "count")) or 1
    if count not in (1, 3, 5):
        raise _invalid(f"controlPlane.count {count} is not supported; use 1, 3 or 5.")
    pools = _dig(body, ("agentPoolProfiles",)) or []
    if not 1 <= len(pools) <= 16 or sum(p.get("count", 1) for p in pools) > 200:
        raise _invalid("A cluster has 1-16 node pools and at most 200 nodes.")
    for pool in pools:
        if not 1 <= pool.get("count", 1) <= 64:
            raise _invalid(f"Node pool {pool.get('name')}: count {pool.get('count')} is outside 1-64.")
        if pool.get("osSKU") not in OS_SKUS.get(pool.get("osType", "Linux"), ()):
            raise _invalid(
                f"Node pool {pool.get('name')}: osSKU {pool.get('osSKU')} does not fit osType {pool.get('osType')}."
            )
    if not any(p.get("osType", "Linux") == "Linux" for p in pools):
        raise _invalid("At least one Linux node pool is required.")


def _check_host_ip(ctx: Ctx, rid: str, body: dict[str, Any], lnet: Row) -> None:
    host = _dig(body, IMMUTABLE["controlPlane.controlPlaneEndpoint.hostIP"])
    if not host:
        return
    address, prefix = arc_lnets.address(host), arc_lnets.prefix_of(lnet.body)
    in_pool = any(start <= address <= end for start, end in arc_lnets.pools_of(lnet.body))
    if prefix is None or address not in prefix or in_pool:
        raise _invalid(
            f"Control plane IP {host} must be within the address prefixes of logical network {lnet.body['name']} "
            "but outside its IP pools."
        )
    for other in ctx.tx.of_type(ids.PROVISIONED_CLUSTER):
        if (
            not ids.same(other.id, rid)
            and _dig(other.body, IMMUTABLE["controlPlane.controlPlaneEndpoint.hostIP"]) == host
        ):
            raise _invalid(f"Control plane IP {host} is already used by {other.id}.")


def _check_site(ctx: Ctx, body: dict[str, Any]) -> None:
    site = (body.get("extendedLocation") or {})["name"]
    version = _dig(body, ("kubernetesVersion",))
    pools = _dig(body, ("agentPoolProfiles",)) or []
    if version:
        offered = {v["version"]: v for v in arc_locations.versions(ctx.tx, site)}
        for sku in {p.get("osSKU") for p in pools}:
            if not _ready(offered, version, sku):
                raise _invalid(f"Kubernetes version {version} is not ready for {sku} on this custom location.")
    sizes = arc_locations.vm_sizes(ctx.tx, site)
    asked = {_dig(body, ("controlPlane", "vmSize"))} | {p.get("vmSize") for p in pools}
    unknown = sorted(str(s) for s in asked if s and s not in sizes)
    if unknown:
        raise _invalid(f"VM size(s) {', '.join(unknown)} are not offered by this custom location.")


def _ready(offered: dict[str, Any], version: str, sku: Any) -> bool:
    for minor in offered.values():
        patch = (minor.get("patchVersions") or {}).get(version)
        if patch is not None:
            return any(r.get("osSku") == sku and r.get("ready") for r in patch.get("readiness") or [])
    return False


def _check_unchanged(existing: Row, body: dict[str, Any]) -> None:
    changed = [name for name, path in IMMUTABLE.items() if _dig(existing.body, path) != _dig(body, path)]
    if changed:
        raise _invalid(f"{', '.join(changed)} cannot be changed after the cluster is created.")


def _roles(body: dict[str, Any], auto_ip: bool) -> dict[str, int]:
    """Addresses the cluster holds in the pool at rest (its upgrade address only while upgrading)."""
    pools = _dig(body, ("agentPoolProfiles",)) or []
    nodes = (_dig(body, ("controlPlane", "count")) or 1) + sum(p.get("count", 1) for p in pools)
    nodes += _dig(body, ("networkProfile", "loadBalancerProfile", "count")) or 0
    return {"control-plane-ip": int(auto_ip), "node": nodes}


def _keep_assigned_ip(existing: Row | None, body: dict[str, Any]) -> bool:
    """Whether AKS Arc picks the control-plane IP; an update that leaves it out keeps the one it picked."""
    path = IMMUTABLE["controlPlane.controlPlaneEndpoint.hostIP"]
    if _dig(body, path):
        return False
    assigned = _dig(existing.body, path) if existing is not None else None
    if assigned:
        body["properties"].setdefault("controlPlane", {})["controlPlaneEndpoint"] = {"hostIP": assigned}
    return True


def _check_room(rid: str, lnet: Row, roles: dict[str, int]) -> None:
    held = sum(1 for h in arc_lnets.allocations(lnet).values() if h["owner"] == rid)
    need = sum(roles.values()) + 1 - held  # + 1: the rolling-upgrade address must be free too
    free = arc_lnets.available(lnet)
    if arc_lnets.pools_of(lnet.body) and need > free:
        raise bad_request(
            "InsufficientIPAddresses",
            f"Logical network {lnet.body['name']} has {free} free IP addresses in its pools; the cluster needs "
            f"{need} more (nodes, control plane IP and one for upgrades).",
        )


# --- handlers -----------------------------------------------------------------------------------


def put_instance(ctx: Ctx, params: dict[str, str]) -> Response:
    parent = _parent(ctx, params)
    rid = instance_of(parent.id)
    if parent.body.get("kind") != PROVISIONED:
        raise _invalid(f"Connected cluster {parent.body['name']} is not of kind ProvisionedCluster.")
    existing = ctx.tx.get(rid)
    if existing is not None and (running := lro.running(ctx.tx, rid)) is not None:
        raise ArmError(
            409,
            "ProvisionedClusterOperationInProgress",
            f"Operation {running['id']} is in progress on this cluster; one at a time.",
        )
    body = copy.deepcopy(ctx.body())
    body.setdefault("properties", {})
    lnet = _network(ctx, body)
    _check_shape(body)
    auto_ip = _keep_assigned_ip(existing, body)
    if existing is not None:
        _check_unchanged(existing, body)
    if not auto_ip:
        _check_host_ip(ctx, rid, body, lnet)
    _check_site(ctx, body)
    failure = _failure(ctx, lnet, parent)
    if failure is None:
        _hold_addresses(ctx.tx, rid, body, lnet, _roles(body, auto_ip))
    return _provision(ctx, rid, parent, body, lnet, existing=existing, failure=failure)


def _provision(
    ctx: Ctx, rid: str, parent: Row, body: dict[str, Any], lnet: Row, *, existing: Row | None, failure: ArmError | None
) -> Response:
    body.update({"id": rid, "name": "default", "type": ids.PROVISIONED_CLUSTER})
    body["properties"]["provisioningState"] = "Creating" if existing is None else "Updating"
    body["properties"]["status"] = {"currentState": body["properties"]["provisioningState"]}
    seconds = arc_common.CLUSTER_CREATE if existing is None else arc_common.CLUSTER_UPDATE
    location = arc_locations.region_of(ctx.tx, body["extendedLocation"]["name"])
    op = lro.start(
        ctx,
        rid,
        "instance_provisioned",
        seconds,
        retry_base=arc_common.RETRY_AFTER,
        error=failure,
        payload={"location": location},
    )
    meta = {"op": op["id"], "lnet": lnet.id, "parent": parent.id}
    row = Row(rid, ids.PROVISIONED_CLUSTER, body, meta, existing.created if existing else ctx.now)
    ctx.tx.put(row)
    return Response(200 if existing else 201, copy.deepcopy(body), lro.headers(op))


def _hold_addresses(tx: Tx, rid: str, body: dict[str, Any], lnet: Row, roles: dict[str, int]) -> None:
    _check_room(rid, lnet, roles)
    held = arc_lnets.allocate(tx, lnet, rid, roles)
    if held["control-plane-ip"]:
        body["properties"].setdefault("controlPlane", {})["controlPlaneEndpoint"] = {
            "hostIP": held["control-plane-ip"][0]
        }


def _failure(ctx: Ctx, lnet: Row, parent: Row) -> ArmError | None:
    """What makes the operation end Failed after the PUT was accepted: the field failures users report."""
    name = lnet.body["name"]
    if not arc_lnets.pools_of(lnet.body):
        return ArmError(400, "BadRequest", f"{WEBHOOK}: Logical network {name} does not have an ippool.")
    if ctx.settings.faults.arc("arc_dns"):
        fqdn = f"{parent.body['name']}-cloudagent.azlocal.local"
        return ArmError(
            400,
            "CloudAgentConnectivityError",
            f"Network validation failed. Detailed message: dial tcp: lookup {fqdn} on {_dns(lnet)}:53: "
            "Temporary failure in name resolution",
        )
    if arc_common.fault_once(ctx, "arc_webhook"):
        return ArmError(
            500,
            "WebhookCallFailed",
            'Internal error occurred: failed calling webhook "vhybridakscluster.kb.io": failed to call webhook: '
            "context deadline exceeded",
        )
    return None


def _dns(lnet: Row) -> str:
    servers = ((lnet.body.get("properties") or {}).get("dhcpOptions") or {}).get("dnsServers") or ["127.0.0.53"]
    return str(servers[0])


@lro.completion("instance_provisioned")
def _provisioned(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    row = lro.current(tx, op)
    if row is not None:
        state = "Succeeded" if ok else "Failed"
        row.body["properties"]["provisioningState"] = state
        row.body["properties"]["status"] = {
            "currentState": state,
            **({} if ok else {"errorMessage": op["error"]["message"]}),
        }
        tx.put(row)


def get_instance(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(200, ctx.require(instance_of(_parent(ctx, params).id)).body)


def list_instances(ctx: Ctx, params: dict[str, str]) -> Response:
    row = ctx.tx.get(instance_of(_parent(ctx, params).id))
    return Response(200, {"value": [row.body] if row else []})


def delete_instance(ctx: Ctx, params: dict[str, str]) -> Response:
    row = ctx.tx.get(instance_of(_parent(ctx, params).id))
    if row is None:
        return Response(204)
    running = lro.running(ctx.tx, row.id)
    if running is not None and running["completion"] != "instance_deleted":
        raise ArmError(
            409,
            "ProvisionedClusterOperationInProgress",
            f"Operation {running['id']} is in progress on this cluster; one at a time.",
        )
    if running is None:
        location = arc_locations.region_of(ctx.tx, row.body["extendedLocation"]["name"])
        running = lro.start(
            ctx,
            row.id,
            "instance_deleted",
            arc_common.CLUSTER_DELETE,
            retry_base=arc_common.RETRY_AFTER,
            payload={"location": location, "keep_parent": ctx.settings.faults.arc("arc_orphan_cc")},
        )
        row.body["properties"]["provisioningState"] = "Deleting"
        row.meta["op"] = running["id"]
        ctx.tx.put(row)
    return Response(202, None, lro.headers(running, location=True))


@lro.completion("instance_deleted")
def _deleted(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    """The RP removes the connected cluster with the cluster ([DELVIS]: 'often' it stays: arc_orphan_cc)."""
    row = lro.current(tx, op)
    if row is None or not ok or op["payload"].get("keep_parent"):
        cascade.settle_delete(tx, row, ok, arc_common.back_in_service)
        return
    parent = tx.get(str(row.meta.get("parent", "")))
    cascade.settle_delete(tx, parent or row, ok, arc_common.back_in_service)


@cascade.before_delete(ids.PROVISIONED_CLUSTER)
def _release(tx: Tx, row: Row) -> None:
    arc_lnets.release(tx, row.meta.get("lnet", ""), row.id)


_INSTANCES = (
    "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Kubernetes/connectedClusters/{name}"
    "/providers/Microsoft.HybridContainerService/provisionedClusterInstances"
)
ROUTES: list[Route] = [
    route("PUT", _INSTANCES + "/default", put_instance, ids.PROVISIONED_CLUSTER),
    route("GET", _INSTANCES + "/default", get_instance, ids.PROVISIONED_CLUSTER),
    route("DELETE", _INSTANCES + "/default", delete_instance, ids.PROVISIONED_CLUSTER),
    route("GET", _INSTANCES, list_instances, ids.PROVISIONED_CLUSTER),
]
