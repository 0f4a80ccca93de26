"""Private DNS zones and their virtual network links (Network RP, Private DNS api 2024-06-01)."""

from __future__ import annotations

import copy
import re
from typing import Any

from aksnet.emulator import ids
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.network import Kind, base_body, crud_routes, properties, require_reference
from aksnet.emulator.store import Row, Tx

LABEL = r"[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?"
ZONE_NAME = re.compile(rf"^({LABEL}\.)+{LABEL}$")


def build_zone(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    name = ids.name_of(rid)
    if not ZONE_NAME.match(name) or len(name) > 253:
        raise bad_request("BadRequest", f"The zone name '{name}' is not a valid DNS name with at least two labels.")
    if str(body.get("location") or "global").lower() != "global":
        raise bad_request("BadRequest", "The location of a private DNS zone must be 'global'.")
    stored = {"maxNumberOfRecordSets": 25000, "maxNumberOfVirtualNetworkLinks": 1000}
    out = base_body(rid, ids.PRIVATE_DNS_ZONE, {"location": "global", **body}, existing) | {"properties": stored}
    return Row(rid, ids.PRIVATE_DNS_ZONE, out, existing.meta if existing else {})


def render_zone(tx: Tx, row: Row) -> dict[str, Any]:
    body = copy.deepcopy(row.body)
    links = tx.children(row.id, ids.ZONE_LINK)
    body["properties"]["numberOfVirtualNetworkLinks"] = len(links)
    body["properties"]["numberOfRecordSets"] = 1 + len(row.meta.get("records", {}))  # the SOA record, and A records
    return body


def _zone_in_use(tx: Tx, row: Row) -> ArmError | None:
    links = tx.children(row.id, ids.ZONE_LINK)
    if not links:
        return None
    return bad_request(
        "ZoneHasVirtualNetworkLinks",
        f"The private DNS zone {row.body['name']} cannot be deleted while it has virtual network links "
        f"({', '.join(ids.name_of(link.id) for link in links)}); delete the links first.",
    )


def build_link(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    ctx.require(ids.parent_of(rid))
    props = properties(body)
    vnet = require_reference(ctx, props.get("virtualNetwork"), ids.VNET, rid)
    if vnet is None:
        raise bad_request("BadRequest", "The virtual network of a virtual network link is required.")
    stored = {
        "virtualNetwork": {"id": vnet},
        "registrationEnabled": bool(props.get("registrationEnabled", False)),
        "virtualNetworkLinkState": "Completed",
    }
    out = base_body(rid, ids.ZONE_LINK, body, existing) | {"location": "global", "properties": stored}
    if body.get("tags") is not None:
        out["tags"] = body["tags"]
    return Row(rid, ids.ZONE_LINK, out, existing.meta if existing else {})


def link_vnet(tx: Tx, zone: Row, vnet_id: str, name: str, now: float) -> str:
    """A link AKS makes itself (a custom zone of a private cluster): idempotent, returns its id."""
    rid = f"{zone.id}/virtualNetworkLinks/{name}"
    if tx.get(rid) is None:
        props = {
            "virtualNetwork": {"id": vnet_id},
            "registrationEnabled": False,
            "virtualNetworkLinkState": "Completed",
            "provisioningState": "Succeeded",
        }
        body = {"id": rid, "name": name, "type": ids.ZONE_LINK, "location": "global", "properties": props}
        tx.put(Row(rid, ids.ZONE_LINK, body, {}, now))
    return rid


def render_link(tx: Tx, row: Row) -> dict[str, Any]:
    return copy.deepcopy(row.body)


ZONE = Kind(ids.PRIVATE_DNS_ZONE, build_zone, render_zone, _zone_in_use)
LINK = Kind(ids.ZONE_LINK, build_link, render_link)

_ZONE = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/privateDnsZones/{zone}"
ROUTES = [
    *crud_routes(LINK, _ZONE + "/virtualNetworkLinks/{link}"),
    *crud_routes(ZONE, _ZONE),
]
