"""Where addresses go: reserved ranges, the control-plane IP, load-balancer ranges, conflicts, pool size.

Sources (azure-local.md §3.1-3.4): the logical network and every infrastructure address must avoid
10.96.0.0/12 (services) and the pod CIDR [AZL-NET]; an explicit control-plane IP sits inside the
prefix and outside every pool [NSR], [AZPS-VAL]; load-balancer IPs sit outside the pools, in the
nodes' subnet for MetalLB's ARP mode [IPPLAN], [MLB]; the pool holds §3.2's IP plan [IPPLAN].
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address
from itertools import combinations

from aksnet.arc.addresses import AddressRange
from aksnet.arc.capacity import planned_capacity
from aksnet.arc.rules import fields
from aksnet.arc.spec import SERVICE_CIDR, ArcSpec
from aksnet.findings import Finding, error, warning
from aksnet.rules.base import RuleContext

HEADROOM = 0.2  # a peer's rule of thumb for day-N growth [PEER-RDY]; Microsoft's example leaves 4 of 20


@dataclass(frozen=True)
class Claim:
    """An address or range the spec puts in the network, with whose it is and where it was written."""

    field: str
    label: str
    range: AddressRange
    ours: bool = False  # this cluster's (control-plane IP, load-balancer ranges), not the site's


def single(address: IPv4Address) -> AddressRange:
    return AddressRange(address, address)


def claims(spec: ArcSpec) -> list[Claim]:
    """Everything but the pools: gateway, DNS servers, control-plane IP, load-balancer ranges, reserved."""
    network, cluster = spec.network, spec.cluster
    found = [Claim(fields.lnet("gateway"), "the gateway", single(network.gateway))] if network.gateway else []
    found += [
        Claim(fields.lnet(f"dns_servers.{i}"), f"DNS server {d}", single(d)) for i, d in enumerate(network.dns_servers)
    ]
    if cluster.control_plane.ip is not None:
        ip = cluster.control_plane.ip
        found.append(Claim(fields.CONTROL_PLANE_IP, f"control-plane IP {ip}", single(ip), ours=True))
    found += [
        Claim(fields.lb_range(i), f"load-balancer range {r}", r, ours=True)
        for i, r in enumerate(cluster.load_balancer_ips)
    ]
    found += [Claim(f"arc.reserved.{i}", f"reserved range {r}", r) for i, r in enumerate(spec.arc.reserved)]
    return found


def reserved_ranges(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    pod_cidr = spec.cluster.pod_cidr
    if pod_cidr.overlaps(SERVICE_CIDR):
        yield _reserved(fields.cluster("pod_cidr"), f"pod CIDR {pod_cidr}", f"the service range {SERVICE_CIDR}")
    network = spec.network
    places = [(fields.lnet("address_prefix"), f"address prefix {p}", AddressRange.of(p)) for p in network.prefixes]
    places += [(fields.ip_pool(i), f"IP pool {p.range}", p.range) for i, p in enumerate(network.ip_pools)]
    places += [(c.field, c.label, c.range) for c in claims(spec) if not c.field.startswith("arc.reserved")]
    for where, what, span in places:
        for name, reserved in ((f"the service range {SERVICE_CIDR}", SERVICE_CIDR), (f"pod CIDR {pod_cidr}", pod_cidr)):
            if span.overlaps(AddressRange.of(reserved)):
                yield _reserved(where, what, name)


def _reserved(field: str, what: str, reserved: str) -> Finding:
    return error(
        "RESERVED_RANGE",
        field,
        f"{what} overlaps {reserved}, which AKS on Azure Local keeps for Kubernetes (services are fixed at "
        f"{SERVICE_CIDR}; pods use the pod CIDR)",
        "use addresses outside both ranges (or, for the pod CIDR, choose one that overlaps neither)",
    )


def control_plane_ip(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    ip, prefix = spec.cluster.control_plane.ip, spec.network.prefix
    if ip is None or prefix is None:
        return
    if ip not in prefix:
        yield error(
            "ARC_CONTROL_PLANE_IP_OUTSIDE_PREFIX",
            fields.CONTROL_PLANE_IP,
            f"control-plane IP {ip} is outside the logical network's prefix {prefix}",
            f"pick an address inside {prefix} and outside the IP pools, or leave ip out: AKS Arc then takes one "
            "from the pool",
        )
        return
    inside = [p.range for p in spec.network.ip_pools if ip in p.range]
    if inside:
        yield error(
            "ARC_CONTROL_PLANE_IP_IN_POOL",
            fields.CONTROL_PLANE_IP,
            f"control-plane IP {ip} is inside IP pool {inside[0]}: a node VM could be given the same address",
            "pick an address outside every IP pool (but inside the prefix), or leave ip out",
        )


def load_balancer_ranges(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    prefix = spec.network.prefix
    for i, lb in enumerate(spec.cluster.load_balancer_ips):
        pools = [p.range for p in spec.network.ip_pools if p.range.overlaps(lb)]
        if pools:
            yield error(
                "ARC_LB_RANGE_IN_POOL",
                fields.lb_range(i),
                f"load-balancer range {lb} overlaps IP pool {pools[0]}: services and node VMs would share addresses",
                "take load-balancer addresses from the prefix outside every IP pool",
            )
        elif prefix is not None and not lb.within(AddressRange.of(prefix)):
            yield warning(
                "ARC_LB_RANGE_OUTSIDE_PREFIX",
                fields.lb_range(i),
                f"load-balancer range {lb} is not inside the nodes' prefix {prefix}: MetalLB in ARP mode only "
                "answers for addresses of the nodes' subnet",
                f"use addresses inside {prefix}, or MetalLB in BGP mode with peers that route {lb}",
            )


def conflicts(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    """No address of this cluster's claimed twice; the site's addresses (gateway, DNS, reserved) never in a pool."""
    found = claims(spec)
    for a, b in combinations(found, 2):
        if (a.ours or b.ours) and a.range.overlaps(b.range):
            yield _conflict(b.field, f"{b.label} overlaps {a.label} ({a.field})", "give each its own addresses")
    for claim in (c for c in found if not c.ours):
        for pool in spec.network.pools:
            if claim.range.overlaps(pool):
                why = f"{claim.label} is inside IP pool {pool}: AKS Arc would hand it to a node VM"
                yield _conflict(claim.field, why, "shrink the pool so that it excludes those addresses")


def _conflict(field: str, message: str, hint: str) -> Finding:
    return error("ARC_IP_CONFLICT", field, message, hint)


def pool_size(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    cap = planned_capacity(spec)
    if cap is None:
        return
    others = f" and {spec.arc.other_clusters} other cluster(s) counted alike" if spec.arc.other_clusters else ""
    need = f"{cap.pool_needed} addresses ({spec.cluster.name}{others}: VMs, 1 upgrade IP and the control-plane IP)"
    if cap.pool_free < 0:
        yield error(
            "ARC_IP_POOL_TOO_SMALL",
            fields.lnet("ip_pools"),
            f"the IP pools hold {cap.pool_size} addresses; the plan needs {need}",
            f"grow the pool to at least {cap.pool_needed} (it cannot change after the network is created), or "
            "plan fewer nodes",
        )
    elif cap.pool_free < math.ceil(cap.pool_size * HEADROOM):
        yield warning(
            "ARC_IP_POOL_TOO_SMALL",
            fields.lnet("ip_pools"),
            f"the IP pools hold {cap.pool_size} addresses and the plan needs {need}: {cap.pool_free} left "
            "for scaling out",
            f"pools cannot grow after the network is created: leave about {HEADROOM:.0%} free, e.g. "
            f"{math.ceil(cap.pool_needed / (1 - HEADROOM))} addresses",
        )


RULES = (reserved_ranges, control_plane_ip, load_balancer_ranges, conflicts, pool_size)
