"""Egress rules: the route table's routes and what each outbound type needs (arm-facts §4.3)."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Network

from aksnet.findings import Finding, error, warning
from aksnet.rules.base import RuleContext
from aksnet.spec import RouteSpec, Spec

DEFAULT_ROUTE = IPv4Network("0.0.0.0/0")
EGRESS_NEXT_HOPS = ("VirtualAppliance", "VirtualNetworkGateway")


def routes(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    rt = spec.route_table
    if rt is None:
        return
    names: set[str] = set()
    for i, route in enumerate(rt.routes):
        field = f"route_table.routes.{i}"
        if route.name in names:
            yield error(
                "ROUTE_INVALID",
                f"{field}.name",
                f"route name {route.name!r} is used twice",
                "give every route its own name",
            )
        names.add(route.name)
        yield from _next_hop(field, route)


def _next_hop(field: str, route: RouteSpec) -> Iterator[Finding]:
    if route.next_hop_type == "VirtualAppliance" and route.next_hop_ip_address is None:
        yield error(
            "ROUTE_INVALID",
            f"{field}.next_hop_ip_address",
            f"route {route.name} goes to a VirtualAppliance without next_hop_ip_address",
            "set the appliance's private IP address",
        )
    if route.next_hop_type != "VirtualAppliance" and route.next_hop_ip_address is not None:
        yield error(
            "ROUTE_INVALID",
            f"{field}.next_hop_ip_address",
            f"route {route.name} has a next hop IP, but next hop type {route.next_hop_type} takes none",
            "drop next_hop_ip_address",
        )


def user_defined_routing(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    if spec.cluster.outbound_type != "userDefinedRouting":
        return
    rt = spec.route_table
    if rt is not None and rt.existing:
        return  # a route table you bring is checked against Azure by `up` and `plan --live`
    default = [r for r in (rt.routes if rt else ()) if r.address_prefix == DEFAULT_ROUTE]
    if any(r.next_hop_type in EGRESS_NEXT_HOPS for r in default):
        return
    got = f"0.0.0.0/0 goes to {default[0].next_hop_type}" if default else "there is no 0.0.0.0/0 route"
    yield error(
        "UDR_NEEDS_DEFAULT_ROUTE",
        "route_table.routes" if rt else "route_table",
        f"outbound type "
        f"userDefinedRouting needs a 0.0.0.0/0 route to a VirtualAppliance or VirtualNetworkGateway; {got}",
        "add a route {name: egress, address_prefix: 0.0.0.0/0, next_hop_type: VirtualAppliance, "
        "next_hop_ip_address: <firewall IP>}",
    )


def outbound_type(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    outbound = spec.cluster.outbound_type
    if outbound == "managedNATGateway":
        yield error(
            "OUTBOUND_TYPE_UNSUPPORTED",
            "cluster.outbound_type",
            "a managed NAT gateway is incompatible "
            f"with a custom virtual network, and this cluster joins {spec.vnet.name}",
            "use userAssignedNATGateway with a NAT gateway on your subnet, or loadBalancer",
        )
    created = [s.name for s in spec.node_subnets() if not spec.is_existing(s)]
    if outbound == "userAssignedNATGateway" and created and spec.nat_gateway is None:
        yield error(
            "OUTBOUND_TYPE_UNSUPPORTED",
            "cluster.outbound_type",
            "userAssignedNATGateway needs a NAT "
            f"gateway on every node subnet, and aksnet creates {', '.join(created)} without one",
            "add nat_gateway: {name: ng-aks} (aksnet creates it and associates it with the node subnets), bring "
            "node subnets that have one (existing: true), or use loadBalancer",
        )
    if outbound == "none":
        yield warning(
            "OUTBOUND_NONE",
            "cluster.outbound_type",
            "outbound type none gives the nodes no managed egress; AKS needs outbound access to work",
            "make sure your network provides egress",
        )


RULES = (routes, user_defined_routing, outbound_type)
