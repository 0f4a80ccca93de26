"""Egress: the outbound type against the route table and NAT gateway the cluster is given."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet.findings import Finding, error
from aksnet.live.rules.base import LiveInput
from aksnet.rules.egress import DEFAULT_ROUTE, EGRESS_NEXT_HOPS


def egress_matches_network(inp: LiveInput) -> Iterator[Finding]:
    outbound, subnet = inp.spec.cluster.outbound_type, inp.subnet
    rt = inp.spec.route_table
    if outbound == "userDefinedRouting" and rt is not None and rt.existing and inp.facts.route_table:
        default = [r for r in inp.facts.route_table.routes if r.address_prefix == str(DEFAULT_ROUTE)]
        if not any(r.next_hop_type in EGRESS_NEXT_HOPS for r in default):
            got = f"0.0.0.0/0 goes to {default[0].next_hop_type}" if default else "it has no 0.0.0.0/0 route"
            yield error(
                "UDR_NEEDS_DEFAULT_ROUTE",
                "route_table.name",
                f"outbound type userDefinedRouting needs a 0.0.0.0/0 route to a VirtualAppliance or "
                f"VirtualNetworkGateway in route table {rt.name}; {got}",
                f"add that route to {rt.name} (aksnet does not change a route table you bring)",
            )
    if outbound == "userAssignedNATGateway" and inp.spec.subnet_existing and subnet and not subnet.nat_gateway:
        yield error(
            "OUTBOUND_TYPE_UNSUPPORTED",
            "cluster.outbound_type",
            f"outbound type userAssignedNATGateway needs a NAT gateway on subnet {subnet.name}, which has none",
            "associate a NAT gateway with the subnet first, or use loadBalancer",
        )
