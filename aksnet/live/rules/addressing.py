"""Addresses: the new subnet and the cluster's service and pod ranges against what the VNet and its
peerings already hold."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from ipaddress import IPv4Network

from aksnet.arm import key
from aksnet.findings import Finding, error
from aksnet.live.facts import VNetFacts
from aksnet.live.rules.base import LiveInput, located


def new_subnet_fits(inp: LiveInput) -> Iterator[Finding]:
    vnet, wanted = inp.facts.vnet, inp.spec.vnet.subnet.address_prefix
    if vnet is None or wanted is None:
        return
    subnet = inp.subnet
    if subnet is not None:
        if subnet.prefix is not None and subnet.prefix != wanted:
            yield error(
                "IMMUTABLE_CHANGE",
                "vnet.subnet.address_prefix",
                f"subnet {subnet.name} exists with prefix {subnet.prefix}, the spec says {wanted}; "
                "aksnet does not resize a subnet",
                f"set vnet.subnet.address_prefix: {subnet.prefix}",
            )
        return
    siblings = [s for s in vnet.subnets if s.prefix is not None and s.prefix.overlaps(wanted)]
    for sibling in siblings:
        yield error(
            "CIDR_OVERLAP",
            "vnet.subnet.address_prefix",
            f"subnet {inp.spec.vnet.subnet.name} {wanted} overlaps existing subnet {sibling.name} "
            f"({sibling.prefix}) of VNet {inp.spec.vnet.name}",
            _free_range_hint(vnet.address_space, [s.prefix for s in vnet.subnets if s.prefix], wanted.prefixlen),
        )


def _free_range_hint(space: Sequence[IPv4Network], taken: Sequence[IPv4Network], prefixlen: int) -> str:
    for outer in space:
        if prefixlen < outer.prefixlen:
            continue
        for n, candidate in enumerate(outer.subnets(new_prefix=prefixlen)):
            if n >= 4096:
                break
            if not any(candidate.overlaps(t) for t in taken):
                return f"pick a free range of the VNet, e.g. {candidate}"
    return "pick a range of the VNet that no subnet uses, or add address space to the VNet"


def ranges_clear_of_network(inp: LiveInput) -> Iterator[Finding]:
    """Service and pod ranges against every other subnet of the VNet and every peered network."""
    cluster = inp.spec.cluster
    ranges = [("cluster.service_cidr", "service range", cluster.service_cidr)]
    if not cluster.flat_azure_cni:
        ranges.append(("cluster.pod_cidr", "pod range", cluster.pod_cidr))
    for field, label, net in ranges:
        if net is not None:
            yield from _range_collisions(inp, field, label, net)


def _range_collisions(inp: LiveInput, field: str, label: str, net: IPv4Network) -> Iterator[Finding]:
    vnet = inp.facts.vnet
    if vnet is None:
        return
    hint = f"choose a {label} that overlaps no subnet of VNet {vnet.name} and no network peered with it"
    for prefix, holder in _prefixes_in_use(inp, vnet):
        if net.overlaps(prefix):
            yield error("CIDR_OVERLAP", field, f"{label} {net} overlaps {holder}", hint)


def _prefixes_in_use(inp: LiveInput, vnet: VNetFacts) -> Iterator[tuple[IPv4Network, str]]:
    """Each prefix of the VNet's other subnets, then of the networks peered with it, and what holds it."""
    for subnet in vnet.subnets:
        if key(subnet.id) == key(inp.ids.subnet):
            continue  # the node subnet itself: the offline rules check it with its real prefix
        for prefix in subnet.prefixes:
            yield prefix, f"subnet {subnet.name} ({prefix}) of VNet {vnet.name}"
    for peering in vnet.peerings:
        far = f"address space of VNet {located(peering.remote_vnet)} peered with {vnet.name} (peering {peering.name})"
        for prefix in peering.remote_address_space:
            yield prefix, f"{prefix}, {far}"
