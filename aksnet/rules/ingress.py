"""Ingress rules: static public IPs' names, the internal load balancers' subnet (breadth.md §6)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aksnet import sizing
from aksnet.findings import Finding, error
from aksnet.rules.base import RuleContext
from aksnet.spec import Spec

FIELD = "ingress.internal_subnet"

# Microsoft.Network/publicIPAddresses naming (Azure resource name rules).
PUBLIC_IP_NAME = re.compile(r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-._a-zA-Z0-9]{0,78}[a-zA-Z0-9_]$")


def static_ips(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for i, ip in enumerate(spec.ingress.static_ips):
        field = f"ingress.static_ips.{i}.name"
        if not PUBLIC_IP_NAME.match(ip.name):
            yield error(
                "NAME_INVALID",
                field,
                f"public IP name {ip.name!r} is not valid",
                "use 1-80 letters, digits, '-', '.' or '_', starting with a letter or digit, not ending in '-' or '.'",
            )
        place = ((ip.resource_group or spec.resource_group).lower(), ip.name.lower())
        if place in seen:
            yield error(
                "SPEC_INVALID",
                field,
                f"static IP {ip.name} is listed twice in resource group {place[0]}",
                "list each public IP once",
            )
        seen.add(place)


def internal_subnet(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """The internal load balancers' subnet is a declared subnet of the cluster's VNet, not the API server's."""
    name = spec.ingress.internal_subnet
    if name is None:
        return
    subnet = spec.ingress_subnet()
    if subnet is None:
        yield error(
            "SUBNET_NOT_DECLARED",
            FIELD,
            f"internal load balancer subnet {name!r} is not a subnet VNet {spec.vnet.name} declares (declared: "
            f"{', '.join(s.name for s in spec.vnet.all_subnets)}); it must be in the cluster's VNet",
            "add it to vnet.subnets, or name a declared one",
        )
    elif subnet == spec.api_server_subnet():
        yield error(
            "API_SERVER_SUBNET_SHARED",
            FIELD,
            f"internal load balancer subnet {subnet.name} is the API server subnet, which is delegated to AKS for "
            "API servers and holds nothing else",
            "name another subnet of vnet.subnets (a node subnet or one of its own)",
        )


def internal_subnet_room(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """An internal load balancer frontend takes an address of its subnet: at least one must be left."""
    subnet = spec.ingress_subnet()
    if subnet is None or subnet == spec.api_server_subnet():
        return
    cap = sizing.subnet_capacity(spec, subnet)
    if cap.free is not None and cap.free < 1:
        yield error(
            "INTERNAL_SUBNET_FULL",
            FIELD,
            f"internal load balancer subnet {subnet.name} {cap.prefix} has {cap.usable:,} usable addresses and the "
            f"nodes and surge of pool(s) {', '.join(cap.pools)} take {cap.needed:,}: none is left for an internal "
            "load balancer's frontend",
            "name a subnet with free addresses (one per internal load balancer frontend), or a larger one",
        )


RULES = (static_ips, internal_subnet, internal_subnet_room)
