"""Azure Local logical networks (Microsoft.AzureStackHCI/logicalNetworks, api 2024-01-01): LRO PUT, GET,
tag PATCH, LRO DELETE, lists; and the IP pools' accounting (`info.used` / `info.available`, strings as
the SDK models them), which provisioned clusters draw on.

Refusals: one address prefix; gateway (the 0.0.0.0/0 route's next hop) and pools inside it; pools of
logical networks on the same VLAN and custom location never overlap [LNET]; gateway, pools, prefix,
VLAN and switch never change after create [LNET]; a network that clusters use is not deleted
(release 2411 [WHATSNEW]). Codes and wording of these refusals are not published: EMULATED_CODES.
"""

from __future__ import annotations

import copy
from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network
from typing import Any

from aksnet.emulator import arc_common, ids, locks, lro
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, bad_request, conflict
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row, Tx

IMMUTABLE = ("addressPrefix", "vlan", "ipPools", "routeTable")


def lnet_id(params: dict[str, str]) -> str:
    return ids.provider_id(params["sub"], params["rg"], ids.LOGICAL_NETWORK, params["name"])


def subnet_of(body: dict[str, Any]) -> dict[str, Any]:
    """The logical network's one subnet's properties (AKS reads the first)."""
    subnets = (body.get("properties") or {}).get("subnets") or [{}]
    props: dict[str, Any] = subnets[0].setdefault("properties", {})
    return props


def prefix_of(body: dict[str, Any]) -> IPv4Network | None:
    text = subnet_of(body).get("addressPrefix")
    return ip_network(text, strict=False) if text else None  # type: ignore[return-value]


def pools_of(body: dict[str, Any]) -> list[tuple[IPv4Address, IPv4Address]]:
    return [(address(p["start"]), address(p["end"])) for p in subnet_of(body).get("ipPools") or []]


def gateway_of(body: dict[str, Any]) -> IPv4Address | None:
    routes = ((subnet_of(body).get("routeTable") or {}).get("properties") or {}).get("routes") or []
    hops = [
        r["properties"].get("nextHopIpAddress") for r in routes if r["properties"].get("addressPrefix") == "0.0.0.0/0"
    ]
    return address(hops[0]) if hops and hops[0] else None


def address(text: str) -> IPv4Address:
    value = ip_address(text)
    assert isinstance(value, IPv4Address)
    return value


# --- validation ---------------------------------------------------------------------------------


def _validate(ctx: Ctx, rid: str, body: dict[str, Any], existing: Row | None) -> None:
    if not body.get("location"):
        raise bad_request("LocationRequired", "The location property is required for this definition.")
    extended = body.get("extendedLocation") or {}
    if extended.get("type") != "CustomLocation" or not extended.get("name"):
        raise bad_request("InvalidExtendedLocation", "extendedLocation of type CustomLocation is required.")
    site = ctx.tx.get(extended["name"])
    if site is None:
        raise ArmError(404, "CustomLocationNotFound", f"The custom location '{extended['name']}' was not found.")
    switch = (body.get("properties") or {}).get("vmSwitchName")
    if switch not in site.meta.get("switches", [switch]):
        raise _invalid(f"Virtual switch '{switch}' was not found on the Azure Local cluster.")
    subnets = (body.get("properties") or {}).get("subnets") or []
    if len(subnets) != 1:
        raise _invalid(f"Logical network {ids.name_of(rid)} must have exactly one subnet, not {len(subnets)}.")
    _check_addresses(rid, body)
    if existing is not None:
        _check_unchanged(rid, existing.body, body)
    else:
        _check_pool_overlap(ctx.tx, rid, body)


def _invalid(message: str) -> ArmError:
    return bad_request("InvalidLogicalNetwork", message)


def _check_addresses(rid: str, body: dict[str, Any]) -> None:
    subnet, name = subnet_of(body), ids.name_of(rid)
    if subnet.get("addressPrefixes") and len(subnet["addressPrefixes"]) > 1:
        raise _invalid(f"Logical network {name} has more than one address prefix; only one is supported.")
    prefix = prefix_of(body)
    static = str(subnet.get("ipAllocationMethod", "Dynamic")).lower() == "static"
    if static and (prefix is None or not (body.get("properties") or {}).get("dhcpOptions")):
        raise _invalid(f"Static logical network {name} needs an address prefix and DNS servers.")
    gateway = gateway_of(body)
    if prefix is not None and gateway is not None and gateway not in prefix:
        raise _invalid(f"Gateway {gateway} is not within address prefix {prefix}.")
    for start, end in pools_of(body):
        if prefix is None or start not in prefix or end not in prefix or end < start:
            raise _invalid(f"IP pool {start}-{end} is not a range within address prefix {prefix}.")


def _check_unchanged(rid: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    before, after = subnet_of(old), subnet_of(new)
    changed = [k for k in IMMUTABLE if _comparable(k, before.get(k)) != _comparable(k, after.get(k))]
    if (old.get("properties") or {}).get("vmSwitchName") != (new.get("properties") or {}).get("vmSwitchName"):
        changed.append("vmSwitchName")
    if changed:
        raise bad_request(
            "LogicalNetworkPropertyNotUpdatable",
            f"Logical network {ids.name_of(rid)}: {', '.join(changed)} cannot be changed after creation.",
        )


def _comparable(field: str, value: Any) -> Any:
    if field == "ipPools":
        return [(p.get("start"), p.get("end")) for p in value or []]
    return value


def _check_pool_overlap(tx: Tx, rid: str, body: dict[str, Any]) -> None:
    """[LNET]: overlapping IP pools on the same VLAN are not permitted across logical networks."""
    vlan, location = subnet_of(body).get("vlan"), (body.get("extendedLocation") or {}).get("name", "")
    for other in tx.of_type(ids.LOGICAL_NETWORK):
        same_site = ids.same((other.body.get("extendedLocation") or {}).get("name", ""), location)
        if ids.same(other.id, rid) or not same_site or subnet_of(other.body).get("vlan") != vlan:
            continue
        for a_start, a_end in pools_of(body):
            for b_start, b_end in pools_of(other.body):
                if a_start <= b_end and b_start <= a_end:
                    raise bad_request(
                        "IPPoolOverlap",
                        f"IP pool {a_start}-{a_end} overlaps IP pool {b_start}-{b_end} of logical network "
                        f"{other.body['name']} on VLAN {vlan}.",
                    )


# --- pool accounting ----------------------------------------------------------------------------


def allocations(row: Row) -> dict[str, dict[str, str]]:
    """Address -> {owner, role} of every address a cluster holds in this network."""
    held: dict[str, dict[str, str]] = row.meta.setdefault("allocations", {})
    return held


def pool_size(body: dict[str, Any]) -> int:
    return sum(int(end) - int(start) + 1 for start, end in pools_of(body))


def free_addresses(row: Row) -> list[IPv4Address]:
    """Addresses of the pools nobody holds, lowest first."""
    held = allocations(row)
    free = []
    for start, end in pools_of(row.body):
        free += [IPv4Address(v) for v in range(int(start), int(end) + 1) if str(IPv4Address(v)) not in held]
    return sorted(set(free))


def available(row: Row) -> int:
    return len(free_addresses(row))


def allocate(tx: Tx, row: Row, owner: str, roles: dict[str, int]) -> dict[str, list[str]]:
    """Give `owner` exactly `roles[role]` addresses per role, keeping what it holds (lowest free first)."""
    held = allocations(row)
    mine: dict[str, list[str]] = {
        role: sorted(a for a, h in held.items() if h == {"owner": owner, "role": role}) for role in roles
    }
    for role, want in roles.items():
        for extra in mine[role][want:]:
            held.pop(extra)
        mine[role] = mine[role][:want]
        for address in free_addresses(row)[: want - len(mine[role])]:
            held[str(address)] = {"owner": owner, "role": role}
            mine[role].append(str(address))
    _count(row)
    tx.put(row)
    return mine


def release(tx: Tx, lnet: str, owner: str) -> None:
    row = tx.get(lnet)
    if row is None:
        return
    held = allocations(row)
    for address in [a for a, h in held.items() if h["owner"] == owner]:
        held.pop(address)
    _count(row)
    tx.put(row)


def _count(row: Row) -> None:
    """Each pool's `info`: used and available, as strings (the SDK's IPPoolInfo)."""
    held = allocations(row)
    for pool in subnet_of(row.body).get("ipPools") or []:
        start, end = int(address(pool["start"])), int(address(pool["end"]))
        used = sum(1 for a in held if start <= int(address(a)) <= end)
        pool["info"] = {"used": str(used), "available": str(end - start + 1 - used)}


def users(tx: Tx, lnet: str) -> list[str]:
    """Clusters holding addresses of the network."""
    row = tx.get(lnet)
    return sorted({h["owner"] for h in allocations(row).values()}) if row else []


# --- handlers -----------------------------------------------------------------------------------


def store_lnet(tx: Tx, rid: str, request: dict[str, Any], existing: Row | None, *, now: float, state: str) -> Row:
    """The stored network: the request with ARM's read-only fields, the pools' counters, allocations kept."""
    body = copy.deepcopy(request)
    body.update({"id": existing.id if existing else rid, "name": ids.name_of(rid), "type": ids.LOGICAL_NETWORK})
    properties = body.setdefault("properties", {})
    properties["provisioningState"] = state
    properties["status"] = {"provisioningStatus": {"status": state}}
    row = Row(body["id"], ids.LOGICAL_NETWORK, body, copy.deepcopy(existing.meta) if existing else {})
    row.created = existing.created if existing else now
    _count(row)
    tx.put(row)
    return row


def put_lnet(ctx: Ctx, params: dict[str, str]) -> Response:
    rid = lnet_id(params)
    ctx.require_rg(params["sub"], params["rg"], writing=True)
    locks.check_write(ctx, rid)
    existing = ctx.tx.get(rid)
    body = ctx.body()
    _validate(ctx, rid, body, existing)
    row = store_lnet(ctx.tx, rid, body, existing, now=ctx.now, state="Accepted" if existing is None else "Succeeded")
    if existing is not None:
        return Response(200, row.body)
    op = lro.start(ctx, row.id, "arc_provisioned", arc_common.LNET_CREATE, payload={"location": body["location"]})
    row.meta["op"] = op["id"]
    ctx.tx.put(row)
    return Response(201, row.body, lro.headers(op))


def get_lnet(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(200, ctx.require(lnet_id(params)).body)


def patch_lnet(ctx: Ctx, params: dict[str, str]) -> Response:
    """The PATCH body carries only tags [SPEC-LNET]; the SDK polls it as a long-running operation."""
    row = ctx.require(lnet_id(params))
    locks.check_write(ctx, row.id)
    row.body["tags"] = ctx.body().get("tags") or {}
    ctx.tx.put(row)
    return Response(200, row.body)


def delete_lnet(ctx: Ctx, params: dict[str, str]) -> Response:
    ctx.require_rg(params["sub"], params["rg"])
    row = ctx.tx.get(lnet_id(params))
    if row is None:
        return Response(204)
    locks.check_delete(ctx, row.id)
    in_use = users(ctx.tx, row.id)
    if in_use:
        raise conflict(
            "LogicalNetworkInUse",
            f"Logical network {row.body['name']} cannot be deleted: it is in use by {', '.join(in_use)}.",
        )
    running = arc_common.start_delete(ctx, row, "arc_deleted", arc_common.LNET_DELETE)
    return Response(202, None, lro.headers(running, location=True))


_COLLECTION = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.AzureStackHCI/logicalNetworks"
_LNET = _COLLECTION + "/{name}"
ROUTES: list[Route] = [
    route("PUT", _LNET, put_lnet, ids.LOGICAL_NETWORK),
    route("GET", _LNET, get_lnet, ids.LOGICAL_NETWORK),
    route("PATCH", _LNET, patch_lnet, ids.LOGICAL_NETWORK),
    route("DELETE", _LNET, delete_lnet, ids.LOGICAL_NETWORK),
    *arc_common.list_routes(ids.LOGICAL_NETWORK),
]
