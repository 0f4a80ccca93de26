"""Address arithmetic the Network and AKS fakes need."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Azure reserves the first four addresses and the last one of every subnet (arm-facts §4.3).
AZURE_RESERVED_PER_SUBNET = 5


def parse(cidr: str) -> Network | None:
    """The network `cidr` denotes, host bits cleared; None when it is not a prefix at all."""
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return None


def is_canonical(cidr: str) -> bool:
    try:
        ipaddress.ip_network(cidr.strip(), strict=True)
    except ValueError:
        return False
    return True


def overlaps(a: Network, b: Network) -> bool:
    return a.version == b.version and a.overlaps(b)


def any_overlap(net: Network, others: Iterable[Network]) -> Network | None:
    """The first of `others` that overlaps `net`."""
    return next((o for o in others if overlaps(net, o)), None)


def contains(outer: Network, inner: Network) -> bool:
    return outer.version == inner.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def usable_ips(net: Network) -> int:
    return max(net.num_addresses - AZURE_RESERVED_PER_SUBNET, 0)


def host(net: Network, offset: int) -> str:
    return str(net.network_address + offset)


def node_block(pod_cidr: Network, index: int) -> str:
    """The /24 a kubenet node gets from the pod CIDR: node 0 gets .0.0/24, node 1 .1.0/24, ..."""
    return str(ipaddress.ip_network((int(pod_cidr.network_address) + index * 256, 24)))


def in_network(ip: str, net: Network) -> bool:
    try:
        return ipaddress.ip_address(ip) in net
    except ValueError:
        return False
