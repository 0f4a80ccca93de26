"""What attaches to subnets: network security groups, NAT gateways and network interfaces."""

from __future__ import annotations

import copy
from typing import Any

from aksnet.emulator import cascade, ids, subnet_usage
from aksnet.emulator.context import Ctx, new_guid
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.network import Kind, base_body, crud_routes, properties, require_reference
from aksnet.emulator.route_tables import subnets_using
from aksnet.emulator.store import Row, Tx


def _simple_row(rid: str, arm_type: str, body: dict[str, Any], existing: Row | None, props: dict[str, Any]) -> Row:
    props["resourceGuid"] = existing.body["properties"]["resourceGuid"] if existing else new_guid()
    out = base_body(rid, arm_type, body, existing) | {"properties": props}
    if body.get("sku") is not None:
        out["sku"] = body["sku"]
    return Row(rid, arm_type, out, existing.meta if existing else {})


def _render_with_subnets(field: str) -> Any:
    def render(tx: Tx, row: Row) -> dict[str, Any]:
        body = copy.deepcopy(row.body)
        subnets = subnets_using(tx, field, row.id)
        if subnets:
            body["properties"]["subnets"] = [{"id": s} for s in subnets]
        return body

    return render


# --- network security groups ----------------------------------------------------------------


# Every NSG has these and lists them in `defaultSecurityRules` (azure-rest-api-specs, Microsoft.Network
# examples/NetworkSecurityGroupGet.json): (name, description, source, destination, access, priority, direction).
DEFAULT_SECURITY_RULES = (
    (
        "AllowVnetInBound",
        "Allow inbound traffic from all VMs in VNET",
        "VirtualNetwork",
        "VirtualNetwork",
        "Allow",
        65000,
        "Inbound",
    ),
    (
        "AllowAzureLoadBalancerInBound",
        "Allow inbound traffic from azure load balancer",
        "AzureLoadBalancer",
        "*",
        "Allow",
        65001,
        "Inbound",
    ),
    ("DenyAllInBound", "Deny all inbound traffic", "*", "*", "Deny", 65500, "Inbound"),
    (
        "AllowVnetOutBound",
        "Allow outbound traffic from all VMs to all VMs in VNET",
        "VirtualNetwork",
        "VirtualNetwork",
        "Allow",
        65000,
        "Outbound",
    ),
    (
        "AllowInternetOutBound",
        "Allow outbound traffic from all VMs to Internet",
        "*",
        "Internet",
        "Allow",
        65001,
        "Outbound",
    ),
    ("DenyAllOutBound", "Deny all outbound traffic", "*", "*", "Deny", 65500, "Outbound"),
)


def _default_security_rules(rid: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "id": f"{rid}/defaultSecurityRules/{name}",
            "properties": {
                "provisioningState": "Succeeded",
                "description": description,
                "protocol": "*",
                "sourcePortRange": "*",
                "destinationPortRange": "*",
                "sourceAddressPrefix": source,
                "destinationAddressPrefix": destination,
                "access": access,
                "priority": priority,
                "direction": direction,
            },
        }
        for name, description, source, destination, access, priority, direction in DEFAULT_SECURITY_RULES
    ]


def build_nsg(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    rules = [
        {
            "name": r.get("name"),
            "id": f"{rid}/securityRules/{r.get('name')}",
            "properties": (r.get("properties") or {}) | {"provisioningState": "Succeeded"},
        }
        for r in properties(body).get("securityRules") or []
    ]
    stored = {"securityRules": rules, "defaultSecurityRules": _default_security_rules(rid)}
    return _simple_row(rid, ids.NSG, body, existing, stored)


def _in_use(tx: Tx, row: Row, link: str, code: str, label: str) -> ArmError | None:
    """The error for deleting `row` while subnets still link to it through their `link` property."""
    subnets = subnets_using(tx, link, row.id)
    if not subnets:
        return None
    return bad_request(
        code,
        f"{label} {row.id} cannot be deleted because it is in use by the following resources: "
        f"{', '.join(subnets)}. In order to delete the {label}, remove the association with the resource(s).",
    )


def _nsg_in_use(tx: Tx, row: Row) -> ArmError | None:
    return _in_use(
        tx, row, "networkSecurityGroup", "InUseNetworkSecurityGroupCannotBeDeleted", "Network security group"
    )


NSG = Kind(ids.NSG, build_nsg, _render_with_subnets("networkSecurityGroup"), _nsg_in_use)


# --- NAT gateways ---------------------------------------------------------------------------


NAT_IDLE_TIMEOUT = (4, 120)
NAT_MAX_ADDRESSES = 16
NAT_PREFIX_LENGTHS = (28, 31)


def build_nat_gateway(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    props = properties(body)
    idle = props.get("idleTimeoutInMinutes", 4)
    if not isinstance(idle, int) or not NAT_IDLE_TIMEOUT[0] <= idle <= NAT_IDLE_TIMEOUT[1]:
        raise bad_request(
            "InvalidIdleTimeoutInMinutes",
            f"Idle timeout {idle} of NAT gateway {rid} is out of the allowed range 4 to 120 minutes.",
        )
    ips = [_ref(ctx, r, ids.PUBLIC_IP, rid) for r in props.get("publicIpAddresses") or []]
    prefixes = [_ref(ctx, r, ids.PUBLIC_IP_PREFIX, rid) for r in props.get("publicIpPrefixes") or []]
    _check_addresses(ctx, rid, ips, prefixes)
    stored: dict[str, Any] = {"idleTimeoutInMinutes": idle, "publicIpAddresses": [{"id": i} for i in ips]}
    if prefixes:
        stored["publicIpPrefixes"] = [{"id": p} for p in prefixes]
    body = {"sku": {"name": "Standard"}} | body
    return _simple_row(rid, ids.NAT_GATEWAY, body, existing, stored)


def _ref(ctx: Ctx, ref: Any, arm_type: str, referrer: str) -> str:
    found = require_reference(ctx, ref, arm_type, referrer)
    if found is None:
        raise bad_request("InvalidRequestFormat", f"A public IP reference of NAT gateway {referrer} has no id.")
    return found


def _check_addresses(ctx: Ctx, rid: str, ips: list[str], prefixes: list[str]) -> None:
    low, high = NAT_PREFIX_LENGTHS
    lengths = [int(ctx.require(p).body["properties"]["prefixLength"]) for p in prefixes]
    if any(not low <= n <= high for n in lengths):
        raise bad_request(
            "NatGatewayPublicIpPrefixLengthNotSupported",
            f"NAT gateway {rid} takes public IP prefixes of /{low} to /{high}, not /{min(lengths)}.",
        )
    total = len(ips) + sum(2 ** (32 - n) for n in lengths)
    if total > NAT_MAX_ADDRESSES:
        raise bad_request(
            "NatGatewayTooManyPublicIpAddresses",
            f"NAT gateway {rid} has {total} public IP addresses; a NAT gateway supports up to {NAT_MAX_ADDRESSES}.",
        )


def _nat_gateway_in_use(tx: Tx, row: Row) -> ArmError | None:
    # emulated: analogous to InUseNetworkSecurityGroupCannotBeDeleted; the real text is not public.
    return _in_use(tx, row, "natGateway", "InUseNatGatewayCannotBeDeleted", "Nat gateway")


NAT_GATEWAY = Kind(ids.NAT_GATEWAY, build_nat_gateway, _render_with_subnets("natGateway"), _nat_gateway_in_use)


# --- network interfaces ---------------------------------------------------------------------


def build_nic(ctx: Ctx, rid: str, existing: Row | None, body: dict[str, Any]) -> Row:
    """A NIC puts one IP configuration per entry into its subnet; that is what makes a subnet busy."""
    configs = properties(body).get("ipConfigurations") or []
    if not configs:
        raise bad_request(
            "NetworkInterfaceMustHaveIpConfigurations", f"Network interface {rid} has no IP configurations."
        )
    stored = []
    for config in configs:
        subnet_id = require_reference(ctx, (config.get("properties") or {}).get("subnet"), ids.SUBNET, rid)
        stored.append({"id": f"{rid}/ipConfigurations/{config.get('name')}", "name": config.get("name")})
        stored[-1]["properties"] = {"subnet": {"id": subnet_id}, "privateIPAllocationMethod": "Dynamic"}
    row = _simple_row(rid, ids.NIC, body, existing, {"ipConfigurations": stored})
    _release_nic(ctx.tx, row)
    _claim_nic(ctx, row)
    return row


def _claim_nic(ctx: Ctx, nic: Row) -> None:
    by_subnet: dict[str, list[str]] = {}
    for config in nic.body["properties"]["ipConfigurations"]:
        by_subnet.setdefault(config["properties"]["subnet"]["id"], []).append(config["id"])
    for subnet_id, config_ids in by_subnet.items():
        subnet = ctx.tx.get(subnet_id)
        if subnet is not None:
            subnet_usage.claim(subnet, nic.id, [{"ids": config_ids}])
            ctx.tx.put(subnet)


@cascade.before_delete(ids.NIC)
def _release_nic(tx: Tx, nic: Row) -> None:
    for subnet in tx.of_type(ids.SUBNET):
        if ids.key(nic.id) in subnet_usage.claims(subnet):
            subnet_usage.release(subnet, nic.id)
            tx.put(subnet)


def _render_nic(tx: Tx, row: Row) -> dict[str, Any]:
    return copy.deepcopy(row.body)


NIC = Kind(ids.NIC, build_nic, _render_nic)

_NET = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network"
ROUTES = [
    *crud_routes(NSG, _NET + "/networkSecurityGroups/{nsg}"),
    *crud_routes(NAT_GATEWAY, _NET + "/natGateways/{natgw}"),
    *crud_routes(NIC, _NET + "/networkInterfaces/{nic}"),
]
