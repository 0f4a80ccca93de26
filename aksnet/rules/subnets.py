"""Subnet rules: the declared subnets (names, placement in the VNet, sizes) and the pools' references to them."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv6Network

from aksnet.findings import Finding, error
from aksnet.netcalc import Network, overlaps, too_small, within
from aksnet.rules.base import RuleContext, pool_field
from aksnet.spec import Spec, SubnetSpec

IPV6_SUBNET_PREFIX = 64  # Azure IPv6 subnets "must be exactly /64" (VNet FAQ)


def _prefix_fields(spec: Spec, subnet: SubnetSpec) -> Iterator[tuple[str, Network]]:
    """(field, prefix) of each prefix the subnet declares."""
    where = spec.vnet.subnet_field(subnet)
    if subnet.address_prefix is not None:
        yield f"{where}.address_prefix", subnet.address_prefix
    if subnet.address_prefix_ipv6 is not None:
        yield f"{where}.address_prefix_ipv6", subnet.address_prefix_ipv6


def subnet_names(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """Each subnet is declared once."""
    seen: set[str] = set()
    for subnet in spec.vnet.all_subnets:
        if subnet.name.lower() in seen:
            yield error(
                "SPEC_INVALID",
                f"{spec.vnet.subnet_field(subnet)}.name",
                f"subnet {subnet.name!r} is declared twice in VNet {spec.vnet.name}",
                "declare each subnet once (vnet.subnet or one entry of vnet.subnets)",
            )
        seen.add(subnet.name.lower())


def pool_subnets_declared(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """Pools name subnets the VNet declares."""
    declared = ", ".join(s.name for s in spec.vnet.all_subnets)
    for i, pool in enumerate(spec.cluster.node_pools):
        for key, name in (("subnet", pool.subnet), ("pod_subnet", pool.pod_subnet)):
            if name is not None and spec.vnet.find_subnet(name) is None:
                yield error(
                    "SUBNET_NOT_DECLARED",
                    pool_field(i, key),
                    f"pool {pool.name} names subnet {name!r}, which VNet {spec.vnet.name} does not declare "
                    f"(declared: {declared})",
                    "add it to vnet.subnets ({name: ..., address_prefix: ...}, or existing: true for one you "
                    "bring), or use one of the declared names",
                )


def subnets_inside_vnet(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """Every prefix of every subnet lies in the VNet's space of its IP version."""
    for subnet in spec.vnet.all_subnets:
        for field, prefix in _prefix_fields(spec, subnet):
            space = spec.vnet.prefixes_of(prefix.version)
            if spec.vnet.address_prefixes and not any(within(prefix, p) for p in space):
                inside = ", ".join(map(str, space)) or f"no IPv{prefix.version} prefix"
                yield error(
                    "SUBNET_OUTSIDE_VNET",
                    field,
                    f"subnet {subnet.name} {prefix} is not inside the VNet's IPv{prefix.version} address space "
                    f"({inside})",
                    f"pick a range inside {space[0]}"
                    if space
                    else f"add an IPv{prefix.version} prefix to vnet.address_prefixes",
                )


def subnets_disjoint(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """No two subnets of the VNet overlap."""
    placed: list[tuple[SubnetSpec, Network]] = []
    for subnet in spec.vnet.all_subnets:
        for field, prefix in _prefix_fields(spec, subnet):
            other = next(((s, p) for s, p in placed if overlaps(prefix, p)), None)
            if other is not None:
                yield error(
                    "CIDR_OVERLAP",
                    field,
                    f"subnet {subnet.name} {prefix} overlaps subnet {other[0].name} ({other[1]})",
                    "give every subnet of the VNet its own range",
                )
            placed.append((subnet, prefix))


def subnet_sizes(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """IPv4 subnets are /29 or larger; IPv6 subnets exactly /64."""
    for subnet in spec.vnet.all_subnets:
        for field, prefix in _prefix_fields(spec, subnet):
            if isinstance(prefix, IPv6Network) and prefix.prefixlen != IPV6_SUBNET_PREFIX:
                yield error(
                    "SUBNET_IPV6_NOT_64",
                    field,
                    f"subnet {subnet.name} has IPv6 prefix {prefix}; Azure IPv6 subnets must be exactly /64",
                    f"use a /64, e.g. {_a_64(prefix)}",
                )
            elif prefix.version == 4 and (refused := too_small(prefix)) is not None:
                yield error(
                    "SUBNET_TOO_SMALL", field, refused, "use a /29 or larger; see the capacity section for the size"
                )


def _a_64(prefix: IPv6Network) -> IPv6Network:
    """The /64 that holds `prefix`, or the first /64 inside it."""
    if prefix.prefixlen > IPV6_SUBNET_PREFIX:
        return prefix.supernet(new_prefix=IPV6_SUBNET_PREFIX)
    return next(prefix.subnets(new_prefix=IPV6_SUBNET_PREFIX))


def created_subnets_have_prefixes(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """A subnet aksnet creates has a prefix, and only a brought VNet holds brought subnets."""
    vnet = spec.vnet
    for subnet in vnet.all_subnets:
        where = vnet.subnet_field(subnet)
        if subnet.existing is True and not vnet.existing:
            yield error(
                "SPEC_INVALID",
                f"{where}.existing",
                f"subnet {subnet.name} is marked existing but its VNet {vnet.name} is created by aksnet",
                f"set vnet.existing: true, or drop {where}.existing",
            )
        if not spec.is_existing(subnet) and subnet.address_prefix is None:
            yield error(
                "SPEC_INVALID",
                f"{where}.address_prefix",
                f"subnet {subnet.name} is created by aksnet but has no address_prefix",
                f"add {where}.address_prefix, e.g. 192.168.1.0/24",
            )


RULES = (
    subnet_names,
    pool_subnets_declared,
    created_subnets_have_prefixes,
    subnets_inside_vnet,
    subnets_disjoint,
    subnet_sizes,
)
