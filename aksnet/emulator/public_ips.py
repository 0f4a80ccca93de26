"""Public IP addresses and public IP prefixes (Network RP): Standard, static, with the address Azure assigns."""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

from aksnet.emulator import ids
from aksnet.emulator.context import Ctx, new_guid
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.network import Kind, base_body, crud_routes, properties
from aksnet.emulator.store import Row, Tx

NAME = re.compile(r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-._a-zA-Z0-9]{0,78}[a-zA-Z0-9_]$")
PREFIX_LENGTHS = (21, 31)  # what a Standard IPv4 prefix may be


def check_name(rid: str) -> None:
    name = ids.name_of(rid)
    if not NAME.match(name):
        raise bad_request(
            "InvalidResourceName",
            f"Resource name {name} is invalid. The name can be up to 80 characters long. It must begin with a word "
            "character, and it must end with a word character or with '_'. The name may contain word characters or "
            "'.', '-', '_'.",
        )


def _address(rid: str, block: int = 1) -> str:
    """A public-looking address derived from the id, aligned to `block` addresses (emulated values)."""
    digest = int(hashlib.sha256(rid.lower().encode()).hexdigest(), 16)
    host = (digest % (1 << 16)) // block * block
    return f"20.{(digest >> 16) % 200 + 20}.{host >> 8}.{host & 255}"


def _sku(body: dict[str, Any]) -> dict[str, Any]:
    sku = body.get("sku") or {"name": "Standard"}
    return {"name": sku.get("name", "Standard"), "tier": sku.get("tier", "Regional")}


def build_public_ip(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    check_name(rid)
    props = properties(body)
    sku = _sku(body)
    method = props.get("publicIPAllocationMethod") or ("Static" if sku["name"] == "Standard" else "Dynamic")
    if sku["name"] == "Standard" and method != "Static":
        raise bad_request(
            "StandardSkuPublicIPAddressesMustBeStatic",
            f"Standard sku publicIp {rid} must have AllocationMethod set to Static.",
        )
    stored = {
        "publicIPAllocationMethod": method,
        "publicIPAddressVersion": props.get("publicIPAddressVersion") or "IPv4",
        "idleTimeoutInMinutes": props.get("idleTimeoutInMinutes", 4),
        "ipAddress": existing.body["properties"]["ipAddress"] if existing else _address(rid),
        "resourceGuid": existing.body["properties"]["resourceGuid"] if existing else new_guid(),
    }
    out = base_body(rid, ids.PUBLIC_IP, body, existing) | {"sku": sku, "properties": stored}
    return Row(rid, ids.PUBLIC_IP, out, existing.meta if existing else {})


def build_prefix(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    check_name(rid)
    props = properties(body)
    length = props.get("prefixLength")
    low, high = PREFIX_LENGTHS
    if not isinstance(length, int) or not low <= length <= high:
        raise bad_request(
            "InvalidPublicIpPrefixLength",
            f"Public IP prefix {rid} has an invalid prefix length {length}; IPv4 prefixes take {low} to {high}.",
        )
    if existing and existing.body["properties"]["prefixLength"] != length:
        raise bad_request("PublicIpPrefixLengthCannotBeChanged", f"The prefix length of {rid} cannot be changed.")
    stored = {
        "prefixLength": length,
        "publicIPAddressVersion": props.get("publicIPAddressVersion") or "IPv4",
        "ipPrefix": f"{_address(rid, 1 << (32 - length))}/{length}",
        "resourceGuid": existing.body["properties"]["resourceGuid"] if existing else new_guid(),
    }
    out = base_body(rid, ids.PUBLIC_IP_PREFIX, body, existing) | {"sku": _sku(body), "properties": stored}
    return Row(rid, ids.PUBLIC_IP_PREFIX, out, existing.meta if existing else {})


def users(tx: Tx, rid: str) -> list[str]:
    """Who uses a public IP or prefix: NAT gateways that list it, clusters whose outbound rule does."""
    found = []
    for ng in tx.of_type(ids.NAT_GATEWAY):
        refs = [*ng.body["properties"].get("publicIpAddresses", []), *ng.body["properties"].get("publicIpPrefixes", [])]
        if any(ids.same(r.get("id", ""), rid) for r in refs):
            found.append(ng.id)
    for cluster in tx.of_type(ids.MANAGED_CLUSTER):
        lbp = ((cluster.body["properties"].get("networkProfile") or {}).get("loadBalancerProfile")) or {}
        refs = [
            *(lbp.get("outboundIPs") or {}).get("publicIPs", []),
            *(lbp.get("outboundIPPrefixes") or {}).get("publicIPPrefixes", []),
        ]
        if any(ids.same(r.get("id", ""), rid) for r in refs):
            found.append(cluster.id)
    return found


def _in_use(tx: Tx, row: Row) -> ArmError | None:
    using = users(tx, row.id)
    if not using:
        return None
    label = "Public IP address" if row.type.lower() == ids.PUBLIC_IP.lower() else "Public IP prefix"
    return bad_request(
        "PublicIPAddressCannotBeDeleted" if label.endswith("address") else "InUsePublicIpPrefixCannotBeDeleted",
        f"{label} {row.id} can not be deleted since it is still allocated to resource {using[0]}. In order to "
        "delete the public IP, disassociate/detach the Public IP address from the resource.",
    )


def _render_with_users(field: str) -> Any:
    def render(tx: Tx, row: Row) -> dict[str, Any]:
        body = copy.deepcopy(row.body)
        gateways = [u for u in users(tx, row.id) if "/natgateways/" in u.lower()]
        if gateways:
            body["properties"][field] = {"id": gateways[0]}
        return body

    return render


PUBLIC_IP = Kind(ids.PUBLIC_IP, build_public_ip, _render_with_users("natGateway"), _in_use)
PREFIX = Kind(ids.PUBLIC_IP_PREFIX, build_prefix, _render_with_users("natGateway"), _in_use)

_NET = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network"
ROUTES = [
    *crud_routes(PUBLIC_IP, _NET + "/publicIPAddresses/{pip}"),
    *crud_routes(PREFIX, _NET + "/publicIPPrefixes/{prefix}"),
]
