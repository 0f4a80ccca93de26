"""Egress: the outbound type against the route table and NAT gateway the cluster is given."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet.arm import key, name_of, resource_group_of
from aksnet.findings import Finding, error
from aksnet.live.rules.base import LiveInput, located
from aksnet.network_steps import NetworkIds
from aksnet.rules.egress import DEFAULT_ROUTE, EGRESS_NEXT_HOPS


def egress_matches_network(inp: LiveInput) -> Iterator[Finding]:
    outbound = inp.spec.cluster.outbound_type
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
    if outbound == "userAssignedNATGateway":
        yield from _nat_gateways(inp)


def _nat_gateways(inp: LiveInput) -> Iterator[Finding]:
    """Every brought node subnet needs the NAT gateway: one aksnet associates (its own), or one already there (the
    one you bring); never another's replaced. A dual-stack cluster's must not be a Standard one."""
    spec, wanted = inp.spec, NetworkIds.of(inp.spec, inp.ids.sub).nat_gateway
    ours = spec.nat_gateway is not None and not spec.nat_gateway.existing
    for spec_subnet in spec.node_subnets():
        subnet = inp.facts.subnet(spec_subnet.name)
        if not spec.is_existing(spec_subnet) or subnet is None:
            continue
        if subnet.nat_gateway and wanted and key(subnet.nat_gateway) != key(wanted):
            yield _other_gateway(subnet.name, subnet.nat_gateway, wanted, ours)
        elif not subnet.nat_gateway and not ours:
            yield error(
                "OUTBOUND_TYPE_UNSUPPORTED",
                "cluster.outbound_type",
                f"outbound type userAssignedNATGateway needs a NAT gateway on subnet {subnet.name}, which has none",
                "associate a NAT gateway with the subnet first, or use loadBalancer",
            )
        elif subnet.nat_gateway:
            yield from _standard_on_dual_stack(inp, subnet.name, subnet.nat_gateway)


def _other_gateway(subnet: str, found: str, wanted: str, ours: bool) -> Finding:
    what = "aksnet would associate" if ours else "the spec brings"
    return error(
        "NAT_GATEWAY_MISMATCH",
        "nat_gateway.name",
        f"subnet {subnet} already has NAT gateway {located(found)}, but {what} NAT gateway {located(wanted)}; "
        "aksnet never replaces an association it did not make",
        f"name {name_of(found)} in nat_gateway (existing: true, resource_group: {resource_group_of(found)}), or "
        f"remove it from subnet {subnet} first",
    )


def _standard_on_dual_stack(inp: LiveInput, subnet: str, gateway: str) -> Iterator[Finding]:
    sku = inp.facts.nat_gateways.get(key(gateway))
    if inp.spec.cluster.dual_stack and sku is not None and sku.lower() == "standard":
        yield error(
            "OUTBOUND_TYPE_UNSUPPORTED",
            "cluster.outbound_type",
            f"NAT gateway {name_of(gateway)} on subnet {subnet} is a Standard NAT gateway, which supports only IPv4; "
            "the cluster is dual-stack",
            "associate a StandardV2 NAT gateway with the subnet, or use outbound_type: loadBalancer",
        )


def dual_stack_network_found(inp: LiveInput) -> Iterator[Finding]:
    """A dual-stack cluster needs the VNet and node subnets it is brought to be dual-stack too."""
    spec, vnet = inp.spec, inp.facts.vnet
    if not spec.cluster.dual_stack or vnet is None:
        return
    if spec.vnet.existing and not any(p.version == 6 for p in vnet.address_space):
        yield error(
            "DUAL_STACK_REQUIRES_IPV6_SUBNET",
            "vnet.name",
            f"the cluster is dual-stack, but VNet {spec.vnet.name} has no IPv6 address space",
            "add an IPv6 prefix to the VNet (and a /64 to each node subnet) first, or use a single-stack cluster",
        )
    for spec_subnet in spec.node_subnets():
        subnet = inp.facts.subnet(spec_subnet.name)
        if spec.is_existing(spec_subnet) and subnet is not None and subnet.prefix_ipv6 is None:
            yield error(
                "DUAL_STACK_REQUIRES_IPV6_SUBNET",
                f"{spec.vnet.subnet_field(spec_subnet)}.name",
                f"the cluster is dual-stack, but node subnet {subnet.name} has no IPv6 prefix",
                f"add a /64 IPv6 prefix to subnet {subnet.name} first",
            )
