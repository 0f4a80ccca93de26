"""Addresses: the new subnet and the cluster's service and pod ranges against what the VNet and its
peerings already hold."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from aksnet.findings import Finding, error
from aksnet.live.facts import SubnetFacts, VNetFacts
from aksnet.live.rules.base import LiveInput, located
from aksnet.netcalc import Network, overlaps
from aksnet.rules.addressing import pod_ranges, service_ranges
from aksnet.spec import SubnetSpec


def new_subnet_fits(inp: LiveInput) -> Iterator[Finding]:
    """Each subnet the spec creates in a VNet that exists: never resized, never on a sibling's range."""
    vnet = inp.facts.vnet
    if vnet is None:
        return
    declared = {s.name.lower() for s in inp.spec.vnet.all_subnets}
    siblings = [s for s in vnet.subnets if s.name.lower() not in declared]
    for spec_subnet in inp.spec.vnet.all_subnets:
        field = f"{inp.spec.vnet.subnet_field(spec_subnet)}.address_prefix"
        subnet = inp.facts.subnet(spec_subnet.name)
        if subnet is not None:
            yield from _not_resized(spec_subnet, subnet, field)
        elif spec_subnet.address_prefix is not None:
            yield from _clear_of_siblings(inp, spec_subnet.name, spec_subnet.address_prefix, siblings, field)


def _not_resized(wanted: SubnetSpec, subnet: SubnetFacts, field: str) -> Iterator[Finding]:
    pairs: tuple[tuple[str, Network | None, Network | None], ...] = (
        (field, wanted.address_prefix, subnet.prefix),
        (f"{field}_ipv6", wanted.address_prefix_ipv6, subnet.prefix_ipv6),
    )
    for where, want, have in pairs:
        if want is not None and have is not None and want != have:
            yield error(
                "IMMUTABLE_CHANGE",
                where,
                f"subnet {subnet.name} exists with prefix {have}, the spec says {want}; aksnet does not resize "
                "a subnet",
                f"set {where}: {have}",
            )


def _clear_of_siblings(
    inp: LiveInput, name: str, wanted: Network, siblings: Sequence[SubnetFacts], field: str
) -> Iterator[Finding]:
    assert inp.facts.vnet is not None
    vnet = inp.facts.vnet
    for sibling in siblings:
        hit = next((p for p in sibling.prefixes if overlaps(p, wanted)), None)
        if hit is not None:
            yield error(
                "CIDR_OVERLAP",
                field,
                f"subnet {name} {wanted} overlaps existing subnet {sibling.name} ({hit}) of VNet {inp.spec.vnet.name}",
                _free_range_hint(vnet.address_space, [p for s in vnet.subnets for p in s.prefixes], wanted),
            )


def _free_range_hint(space: Sequence[Network], taken: Sequence[Network], wanted: Network) -> str:
    prefixlen = wanted.prefixlen
    for outer in space:
        if outer.version != wanted.version or prefixlen < outer.prefixlen:
            continue
        candidates: Iterator[Network] = outer.subnets(new_prefix=prefixlen)
        for n, candidate in enumerate(candidates):
            if n >= 4096:
                break
            if not any(overlaps(candidate, t) for t in taken):
                return f"pick a free range of the VNet, e.g. {candidate}"
    return "pick a range of the VNet that no subnet uses, or add address space to the VNet"


def ranges_clear_of_network(inp: LiveInput) -> Iterator[Finding]:
    """Service and pod ranges (both families) against every other subnet of the VNet and every peered network."""
    ranges = [(f, "service range", n) for f, n in service_ranges(inp.spec)]
    ranges += [(f, "pod range", n) for f, n in pod_ranges(inp.spec)]
    for field, label, net in ranges:
        yield from _range_collisions(inp, field, label, net)


def _range_collisions(inp: LiveInput, field: str, label: str, net: Network) -> Iterator[Finding]:
    vnet = inp.facts.vnet
    if vnet is None:
        return
    hint = f"choose a {label} that overlaps no subnet of VNet {vnet.name} and no network peered with it"
    for prefix, holder in _prefixes_in_use(inp, vnet):
        if overlaps(net, prefix):
            yield error("CIDR_OVERLAP", field, f"{label} {net} overlaps {holder}", hint)


def _prefixes_in_use(inp: LiveInput, vnet: VNetFacts) -> Iterator[tuple[Network, str]]:
    """Each prefix of the VNet's other subnets, then of the networks peered with it, and what holds it."""
    declared = {s.name.lower() for s in inp.spec.vnet.all_subnets}
    for subnet in vnet.subnets:
        if subnet.name.lower() in declared:
            continue  # the spec's own subnets: the offline rules check them with their real prefixes
        for prefix in subnet.prefixes:
            yield prefix, f"subnet {subnet.name} ({prefix}) of VNet {vnet.name}"
    for peering in vnet.peerings:
        far = f"address space of VNet {located(peering.remote_vnet)} peered with {vnet.name} (peering {peering.name})"
        for prefix in peering.remote_address_space:
            yield prefix, f"{prefix}, {far}"
