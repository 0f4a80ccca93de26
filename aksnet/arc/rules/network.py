"""The logical network: static, one prefix, gateway and pools inside it, DNS and pools given (§3.1).

A brought network (`existing: true`) is judged on what the spec says about it; live preflight
fills in what Azure holds and runs the same rules again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations

from aksnet.arc.rules import fields
from aksnet.arc.spec import ArcSpec
from aksnet.findings import Finding, error, warning
from aksnet.rules.base import RuleContext

# [SPEC-LNET] logicalNetworkName; [ARM-QS] connected cluster names; the custom location's id shape.
LNET_NAME = re.compile(r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-._a-zA-Z0-9]{0,62}[_a-zA-Z0-9]$")
CUSTOM_LOCATION_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.ExtendedLocation/customLocations/[^/]+$",
    re.IGNORECASE,
)
REQUIRED_TO_CREATE = {
    "address_prefix": "the one address prefix, e.g. 10.220.32.0/24",
    "gateway": "the default gateway inside the prefix",
    "vm_switch_name": "the Azure Local virtual switch, e.g. ConvergedSwitch(management_compute_storage)",
}


def custom_location(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    value = spec.arc.custom_location_id
    if not CUSTOM_LOCATION_ID.match(value):
        yield error(
            "ARC_CUSTOM_LOCATION_INVALID",
            "arc.custom_location_id",
            f"{value!r} is not the id of a custom location",
            "use the id your Azure Local administrator gives: /subscriptions/SUB/resourceGroups/RG/providers/"
            "Microsoft.ExtendedLocation/customLocations/NAME (az customlocation show --query id)",
        )


def lnet_name(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    name = spec.network.name
    if not LNET_NAME.match(name):
        yield error(
            "ARC_NAME_INVALID",
            fields.lnet("name"),
            f"logical network name {name!r} is not 2-64 letters, digits, '-', '.' or '_' "
            "starting with a letter or digit and ending with a letter, digit or '_'",
            "rename it, e.g. aks-lnet",
        )


def required_fields(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    network = spec.network
    if network.existing:
        return
    for name, what in REQUIRED_TO_CREATE.items():
        given = network.prefixes if name == "address_prefix" else getattr(network, name)
        if not given:
            yield error(
                "ARC_LNET_FIELD_REQUIRED",
                fields.lnet(name),
                f"a logical network aksnet creates needs {name}: {what}",
                f"set {fields.lnet(name)}, or bring an existing network (existing: true)",
            )


def static_allocation(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    if spec.network.ip_allocation_method != "Static":
        yield error(
            "ARC_LNET_NOT_STATIC",
            fields.lnet("ip_allocation_method"),
            f"logical network {spec.network.name} uses {spec.network.ip_allocation_method} allocation; AKS node "
            "VMs need constant addresses, so AKS on Azure Local supports only Static",
            "use a static logical network (ip_allocation_method: Static) with an IP pool",
        )


def one_prefix(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    prefixes = spec.network.prefixes
    if len(prefixes) > 1:
        yield error(
            "ARC_LNET_MULTIPLE_PREFIXES",
            fields.lnet("address_prefixes"),
            f"logical network {spec.network.name} has {len(prefixes)} address prefixes "
            f"({', '.join(map(str, prefixes))}); AKS supports only one",
            f"keep one prefix, e.g. address_prefix: {prefixes[0]}",
        )


def pools_and_dns_given(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    network = spec.network
    if network.existing:
        return  # what a brought network has is read live
    if not network.ip_pools:
        yield error(
            "ARC_LNET_NO_IP_POOL",
            fields.lnet("ip_pools"),
            f'logical network {network.name} has no IP pool; AKS Arc rejects it ("Logical network '
            f'{network.name} does not have an ippool") after the connected cluster already exists',
            "add ip_pools: [{start: ..., end: ...}] inside the prefix, sized by `aksnet capacity --plugin arc`",
        )
    if not network.dns_servers:
        yield error(
            "ARC_LNET_NO_DNS",
            fields.lnet("dns_servers"),
            f"logical network {network.name} has no DNS server; AKS nodes need one that resolves the Azure "
            "Local cluster's name",
            "add dns_servers: [the DNS server(s) of that VLAN]",
        )
    if network.vlan is None:
        yield warning(
            "ARC_LNET_NO_VLAN",
            fields.lnet("vlan"),
            f"logical network {network.name} has no VLAN: its VMs are untagged (VLAN 0); Azure Local asks "
            "for one on a static network",
            "set vlan to the VLAN ID of that subnet on the physical switches (0 if it really is untagged)",
        )


def gateway_inside(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    network, prefix = spec.network, spec.network.prefix
    if network.gateway is not None and prefix is not None and network.gateway not in prefix:
        yield error(
            "ARC_GATEWAY_OUTSIDE_PREFIX",
            fields.lnet("gateway"),
            f"gateway {network.gateway} is outside the address prefix {prefix}",
            f"use the gateway of that subnet, an address inside {prefix} (often {prefix.network_address + 1})",
        )


def pools_inside(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    network, prefix = spec.network, spec.network.prefix
    for i, pool in enumerate(network.ip_pools):
        if pool.start > pool.end:
            yield error(
                "ARC_IP_POOL_INVALID",
                fields.ip_pool(i),
                f"IP pool {pool.start}-{pool.end} ends before it starts",
                "swap start and end",
            )
        elif prefix is not None and (pool.start not in prefix or pool.end not in prefix):
            yield error(
                "ARC_IP_POOL_OUTSIDE_PREFIX",
                fields.ip_pool(i),
                f"IP pool {pool.start}-{pool.end} is not inside the address prefix {prefix}",
                f"move the pool inside {prefix}",
            )


def pools_disjoint(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    pools = [(i, p) for i, p in enumerate(spec.network.ip_pools) if p.start <= p.end]
    for (i, a), (_, b) in combinations(pools, 2):
        if a.range.overlaps(b.range):
            yield error(
                "ARC_IP_POOL_OVERLAP",
                fields.ip_pool(i),
                f"IP pools {a.range} and {b.range} of logical network {spec.network.name} overlap",
                "make the pools disjoint (or merge them into one)",
            )


def dns_inside(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    # Docs only require a DNS server; one outside the prefix is reached through the gateway.
    network, prefix = spec.network, spec.network.prefix
    outside = [str(d) for d in network.dns_servers if prefix is not None and d not in prefix]
    if outside:
        yield warning(
            "ARC_DNS_OUTSIDE_PREFIX",
            fields.lnet("dns_servers"),
            f"DNS server(s) {', '.join(outside)} are outside {prefix}: the nodes reach them through gateway "
            f"{network.gateway or '(none set)'}",
            "make sure that route exists and that they resolve the Azure Local cluster's name "
            "(see the plan's prerequisites)",
        )


RULES = (
    custom_location,
    lnet_name,
    required_fields,
    static_allocation,
    one_prefix,
    pools_and_dns_given,
    gateway_inside,
    pools_inside,
    pools_disjoint,
    dns_inside,
)
