"""Virtual networks, their subnets and their peerings (Network RP, api 2026-03-01)."""

from __future__ import annotations

import copy
from typing import Any

from aksnet.emulator import cascade, ids, netaddr, subnet_links, subnet_usage
from aksnet.emulator.context import Ctx, new_guid
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.network import Kind, base_body, crud_routes, properties, require_reference
from aksnet.emulator.store import Row, Tx

_SUBNET_READ_ONLY = {
    "provisioningState",
    "ipConfigurations",
    "serviceAssociationLinks",
    "resourceNavigationLinks",
    "purpose",
    "privateEndpoints",
}
_SUBNET_REFERENCES = {
    "routeTable": ids.ROUTE_TABLE,
    "networkSecurityGroup": ids.NSG,
    "natGateway": ids.NAT_GATEWAY,
}


# --- address checks -------------------------------------------------------------------------


SMALLEST_IPV4_SUBNET = 29


def parse_prefix(text: Any, resource: str) -> netaddr.Network:
    net = netaddr.parse(text) if isinstance(text, str) else None
    if net is None:
        raise bad_request("InvalidAddressPrefixFormat", f"IP Prefix {text} is invalid.")
    if not netaddr.is_canonical(text):
        raise bad_request(
            "InvalidCIDRNotation",
            f"The address prefix {text} in resource {resource} has an invalid CIDR notation. For the given "
            f"prefix length, the address prefix should be {net}.",
        )
    return net


def vnet_space(vnet: Row) -> list[netaddr.Network]:
    prefixes = vnet.body["properties"].get("addressSpace", {}).get("addressPrefixes", [])
    return [n for n in (netaddr.parse(p) for p in prefixes) if n is not None]


def check_subnet_range(
    subnet: str,
    vnet: str,
    net: netaddr.Network,
    space: list[netaddr.Network],
    siblings: list[netaddr.Network],
) -> None:
    if not any(netaddr.contains(outer, net) for outer in space):
        raise bad_request(
            "NetcfgSubnetRangeOutsideVnet",
            f"Subnet '{subnet}' is not valid because its IP address range is outside the IP address range of "
            f"virtual network '{vnet}'.",
        )
    if netaddr.any_overlap(net, siblings):
        raise bad_request(
            "NetcfgSubnetRangesOverlap",
            f"Subnet '{subnet}' is not valid because its IP address range overlaps with that of an existing "
            f"subnet in virtual network '{vnet}'.",
        )


def subnet_in_use(subnet: Row) -> ArmError | None:
    user = subnet_usage.in_use_by(subnet) or next((link["id"] for link in subnet_links.links(subnet)), None)
    if user is None:
        return None
    return bad_request(
        "InUseSubnetCannotBeDeleted",
        f"Subnet {subnet.body['name']} is in use by {user} and cannot be deleted. In order to delete the "
        "subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.",
    )


# --- subnets --------------------------------------------------------------------------------


def _subnet_props(ctx: Ctx, rid: str, props: dict[str, Any]) -> dict[str, Any]:
    out = {k: copy.deepcopy(v) for k, v in props.items() if k not in _SUBNET_READ_ONLY and v is not None}
    for field, arm_type in _SUBNET_REFERENCES.items():
        ref = require_reference(ctx, out.pop(field, None), arm_type, rid)
        if ref:
            out[field] = {"id": ref}
    out["delegations"] = [subnet_links.delegation_body(rid, d) for d in out.get("delegations") or []]
    return out


def _prefix_texts(props: dict[str, Any]) -> list[Any]:
    """`addressPrefix`, or every entry of `addressPrefixes` (a dual-stack subnet has an IPv4 and an IPv6 one)."""
    return [props["addressPrefix"]] if props.get("addressPrefix") else list(props.get("addressPrefixes") or [])


def subnet_row(
    ctx: Ctx, vnet: Row, rid: str, existing: Row | None, body: dict[str, Any], *, siblings: list[Row]
) -> Row:
    """Validate one subnet against its VNet and siblings; the whole subnet is replaced."""
    props = properties(body)
    texts = _prefix_texts(props)
    if not texts:
        raise bad_request(
            "NetcfgInvalidSubnet",
            f"Subnet '{ids.name_of(rid)}' is not valid in virtual network '{vnet.body['name']}'.",
        )
    others = [n for s in siblings for n in (netaddr.parse(t) for t in subnet_usage.subnet_prefixes(s)) if n]
    for text in texts:
        net = parse_prefix(text, rid)
        _check_size(ids.name_of(rid), vnet.body["name"], net)
        check_subnet_range(ids.name_of(rid), vnet.body["name"], net, vnet_space(vnet), others)
    row = Row(
        rid, ids.SUBNET, base_body(rid, ids.SUBNET, body, existing), copy.deepcopy(existing.meta) if existing else {}
    )
    row.body["properties"] = _subnet_props(ctx, rid, props)
    _keep_required_delegation(row)
    return row


def _check_size(subnet: str, vnet: str, net: netaddr.Network) -> None:
    # The smallest IPv4 subnet Azure supports is a /29 (virtual-networks-faq); IPv6 subnets are exactly /64.
    if net.version == 4 and net.prefixlen > SMALLEST_IPV4_SUBNET:
        raise bad_request("NetcfgInvalidSubnet", f"Subnet '{subnet}' is not valid in virtual network '{vnet}'.")
    if net.version == 6 and net.prefixlen != 64:
        raise bad_request(
            "SubnetIPv6PrefixMustBe64",
            f"Subnet '{subnet}' has IPv6 address prefix {net}; IPv6 subnets must be exactly /64.",
        )


def _keep_required_delegation(subnet: Row) -> None:
    """A subnet AKS has linked cannot lose its delegation to AKS while the link is there."""
    if subnet_links.links(subnet) and not subnet_links.delegated_to_aks(subnet):
        raise bad_request(
            "SubnetMissingRequiredDelegation",
            f"Subnet {subnet.id} requires any of the following delegation(s) [{subnet_links.AKS_DELEGATION}] to "
            f"reference service association link {subnet.id}/serviceAssociationLinks/{subnet_links.LINK_NAME}.",
        )


def build_subnet(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    vnet = ctx.require(ids.parent_of(rid))
    siblings = [s for s in ctx.tx.children(vnet.id, ids.SUBNET) if not ids.same(s.id, rid)]
    return subnet_row(ctx, vnet, rid, existing, body, siblings=siblings)


def render_subnet(tx: Tx, row: Row) -> dict[str, Any]:
    body = copy.deepcopy(row.body)
    props = body.setdefault("properties", {})
    props.setdefault("privateEndpointNetworkPolicies", "Disabled")
    props.setdefault("privateLinkServiceNetworkPolicies", "Enabled")
    configs = [{"id": i} for i in subnet_usage.ip_configuration_ids(row)]
    if configs:
        props["ipConfigurations"] = configs
    if not props.get("delegations"):
        props["delegations"] = []
    links = subnet_links.links(row)
    if links:
        props["serviceAssociationLinks"] = links
    return body


def _subnet_in_use(tx: Tx, row: Row) -> ArmError | None:
    return subnet_in_use(row)


SUBNET = Kind(ids.SUBNET, build_subnet, render_subnet, _subnet_in_use)


# --- virtual networks -----------------------------------------------------------------------


def build_vnet(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    props = properties(body)
    prefixes = (props.get("addressSpace") or {}).get("addressPrefixes") or []
    if not prefixes:
        raise bad_request("InvalidAddressSpace", f"Virtual network {rid} must have at least one address prefix.")
    parsed = [parse_prefix(text, rid) for text in prefixes]
    for i, net in enumerate(parsed):
        for other in parsed[i + 1 :]:
            if net.version == other.version and net.overlaps(other):
                raise bad_request(
                    "VnetAddressSpacesOverlap",
                    f"Address space {net} of virtual network {rid} overlaps with its address space {other}.",
                )
    stored = {k: copy.deepcopy(v) for k, v in props.items() if k not in ("subnets", "virtualNetworkPeerings")}
    stored["resourceGuid"] = existing.body["properties"]["resourceGuid"] if existing else new_guid()
    stored.setdefault("enableDdosProtection", False)
    row = Row(rid, ids.VNET, base_body(rid, ids.VNET, body, existing) | {"properties": stored})
    if existing:
        row.meta = existing.meta
    if "subnets" in props:
        _replace_subnets(ctx, row, props["subnets"] or [])
    else:
        _check_kept_subnets(ctx, row)
    return row


def _check_kept_subnets(ctx: Ctx, vnet: Row) -> None:
    """Since Network API 2023-11-01 a VNet PUT without `subnets` keeps them; they must still fit."""
    space = vnet_space(vnet)
    for subnet in ctx.tx.children(vnet.id, ids.SUBNET):
        for net in (netaddr.parse(t) for t in subnet_usage.subnet_prefixes(subnet)):
            if net is not None:
                check_subnet_range(subnet.body["name"], vnet.body["name"], net, space, [])


def _replace_subnets(ctx: Ctx, vnet: Row, wanted: list[dict[str, Any]]) -> None:
    """An inline `subnets` array is the whole set: missing subnets are deleted (unless in use)."""
    current = {s.body["name"].lower(): s for s in ctx.tx.children(vnet.id, ids.SUBNET)}
    names = {str(w.get("name", "")).lower() for w in wanted}
    for name, subnet in current.items():
        if name not in names:
            problem = subnet_in_use(subnet)
            if problem is not None:
                raise problem
            cascade.remove(ctx.tx, subnet)
    done: list[Row] = []
    for item in wanted:
        rid = f"{vnet.id}/subnets/{item.get('name')}"
        row = subnet_row(ctx, vnet, rid, current.get(str(item.get("name", "")).lower()), item, siblings=done)
        row.body["properties"]["provisioningState"] = "Succeeded"
        row.created = ctx.now
        ctx.tx.put(row)
        done.append(row)


def render_vnet(tx: Tx, row: Row) -> dict[str, Any]:
    body = copy.deepcopy(row.body)
    props = body["properties"]
    props["subnets"] = [render_subnet(tx, s) for s in tx.children(row.id, ids.SUBNET)]
    props["virtualNetworkPeerings"] = [render_peering(tx, p) for p in tx.children(row.id, ids.PEERING)]
    return body


def _vnet_in_use(tx: Tx, row: Row) -> ArmError | None:
    for subnet in tx.children(row.id, ids.SUBNET):
        problem = subnet_in_use(subnet)
        if problem is not None:
            return problem
    return None


VNET = Kind(ids.VNET, build_vnet, render_vnet, _vnet_in_use)


# --- peerings -------------------------------------------------------------------------------


def build_peering(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    vnet = ctx.require(ids.parent_of(rid))
    props = properties(body)
    remote_id = (props.get("remoteVirtualNetwork") or {}).get("id")
    if not isinstance(remote_id, str):
        raise bad_request("InvalidRequestFormat", "remoteVirtualNetwork.id is required.", "remoteVirtualNetwork")
    remote = ctx.tx.get(remote_id)
    if remote is not None:
        _check_spaces_disjoint(rid, vnet, remote)
    stored = {
        "allowVirtualNetworkAccess": props.get("allowVirtualNetworkAccess", True),
        "allowForwardedTraffic": props.get("allowForwardedTraffic", False),
        "allowGatewayTransit": props.get("allowGatewayTransit", False),
        "useRemoteGateways": props.get("useRemoteGateways", False),
        "remoteVirtualNetwork": {"id": remote.id if remote else remote_id},
    }
    row = Row(rid, ids.PEERING, base_body(rid, ids.PEERING, body, existing) | {"properties": stored})
    row.meta = existing.meta if existing else {}
    _mark_connected(ctx.tx, row, vnet)
    return row


def _check_spaces_disjoint(rid: str, vnet: Row, remote: Row) -> None:
    for net in vnet_space(vnet):
        if netaddr.any_overlap(net, vnet_space(remote)):
            raise bad_request(
                "VnetAddressSpacesOverlap",
                f"Cannot create or update peering {rid} because address space of the virtual network "
                f"{vnet.id} overlaps with address space of the remote virtual network {remote.id}.",
            )


def _back_peering(tx: Tx, peering: Row, vnet_id: str) -> Row | None:
    remote_id = peering.body["properties"]["remoteVirtualNetwork"]["id"]
    for back in tx.children(remote_id, ids.PEERING):
        if ids.same(back.body["properties"]["remoteVirtualNetwork"]["id"], vnet_id):
            return back
    return None


def _mark_connected(tx: Tx, peering: Row, vnet: Row) -> None:
    back = _back_peering(tx, peering, vnet.id)
    if back is not None:
        peering.meta["connected"] = True
        back.meta["connected"] = True
        tx.put(back)


def render_peering(tx: Tx, row: Row) -> dict[str, Any]:
    body = copy.deepcopy(row.body)
    props = body["properties"]
    remote = tx.get(props["remoteVirtualNetwork"]["id"])
    if _back_peering(tx, row, ids.parent_of(row.id)) is not None:
        props["peeringState"] = "Connected"
    else:
        props["peeringState"] = "Disconnected" if row.meta.get("connected") else "Initiated"
    props["peeringSyncLevel"] = "FullyInSync"
    if remote is not None:
        space = remote.body["properties"].get("addressSpace", {"addressPrefixes": []})
        props["remoteAddressSpace"] = copy.deepcopy(space)
        props["remoteVirtualNetworkAddressSpace"] = copy.deepcopy(space)
    return body


PEERING = Kind(ids.PEERING, build_peering, render_peering)

_VNET = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}"
ROUTES = [
    *crud_routes(VNET, _VNET),
    *crud_routes(SUBNET, _VNET + "/subnets/{subnet}"),
    *crud_routes(PEERING, _VNET + "/virtualNetworkPeerings/{peering}"),
]
