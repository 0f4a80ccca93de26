"""Pure IP arithmetic: overlaps, reserved ranges, and AKS capacity per network model.

The numbers are the seeds' (domain.md): every Azure subnet loses 5 addresses; kubenet and
overlay give each node a /24 of the pod range; flat Azure CNI reserves maxPods + 1 subnet
addresses per node; kubenet stops at 400 nodes (UDR route limit).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import Any, Literal

CapacityModel = Literal["kubenet", "azure", "overlay", "none"]

AZURE_RESERVED_PER_SUBNET = 5
SMALLEST_SUBNET_PREFIX = 29
POD_BLOCK_PREFIX = 24
KUBENET_MAX_NODES = 400
OVERLAY_MAX_NODES = 5000
CLUSTER_MAX_NODES = 5000

RESERVED_RANGES = (
    IPv4Network("169.254.0.0/16"),
    IPv4Network("172.30.0.0/16"),
    IPv4Network("172.31.0.0/16"),
    IPv4Network("192.0.2.0/24"),
)


def usable_ips(subnet: IPv4Network) -> int:
    """Addresses Azure lets you use in a subnet: all but the first four and the last."""
    return max(subnet.num_addresses - AZURE_RESERVED_PER_SUBNET, 0)


def overlaps(a: IPv4Network, b: IPv4Network) -> bool:
    return a.overlaps(b)


def reserved_overlaps(net: IPv4Network) -> list[IPv4Network]:
    """The AKS-reserved ranges this network overlaps (an overlap test, not containment)."""
    return [r for r in RESERVED_RANGES if net.overlaps(r)]


def contained(inner: IPv4Network, outers: Iterable[IPv4Network]) -> bool:
    return any(inner.subnet_of(outer) for outer in outers)


def pod_blocks(pod_cidr: IPv4Network) -> int:
    """How many per-node /24 blocks the pod range holds (0 when it is smaller than a /24)."""
    if pod_cidr.prefixlen > POD_BLOCK_PREFIX:
        return 0
    return 1 << (POD_BLOCK_PREFIX - pod_cidr.prefixlen)


def surge_nodes(count: int, max_surge: str | int | None, default: str = "10%") -> int:
    """Extra nodes an upgrade adds: a count, or a percentage of the pool rounded up (AKS's rule)."""
    text = str(default if max_surge is None else max_surge).strip()
    if text.endswith("%"):
        return math.ceil(count * float(text[:-1]) / 100)
    return int(text)


def parse_surge(value: str) -> tuple[bool, str]:
    """Whether `value` is a valid maxSurge (a whole number >= 1, or 1-100%), and why not."""
    text = value.strip()
    number = text[:-1] if text.endswith("%") else text
    if not number.isdigit():
        return False, f"{value!r} is neither a node count nor a percentage"
    if text.endswith("%") and not 1 <= int(number) <= 100:
        return False, f"{value!r} must be between 1% and 100%"
    if not text.endswith("%") and int(number) < 1:
        return False, f"{value!r} must be at least 1"
    return True, ""


def ips_per_node(model: CapacityModel, max_pods: int) -> int:
    """Node-subnet addresses one node takes: itself, plus its pods with flat Azure CNI."""
    return max_pods + 1 if model == "azure" else 1


def node_limit(model: CapacityModel) -> int:
    if model == "kubenet":
        return KUBENET_MAX_NODES
    if model == "overlay":
        return OVERLAY_MAX_NODES
    return CLUSTER_MAX_NODES


@dataclass(frozen=True)
class Capacity:
    """IP headroom of one cluster: what the subnet and pod range hold against what is planned."""

    plugin: CapacityModel
    subnet_prefix: str
    subnet_usable_ips: int
    max_pods_per_node: int
    ips_per_node: int
    max_nodes: int
    max_pods: int
    planned_nodes: int
    surge_nodes: int
    required_subnet_ips: int
    free_subnet_ips: int
    max_nodes_with_surge: int
    pod_cidr: str | None
    pod_cidr_blocks: int | None
    required_pod_blocks: int | None
    limited_by: str

    @property
    def fits(self) -> bool:
        """Whether the planned nodes and their surge fit the subnet and the pod range."""
        pods_fit = self.required_pod_blocks is None or self.required_pod_blocks <= (self.pod_cidr_blocks or 0)
        return self.free_subnet_ips >= 0 and pods_fit

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def capacity(
    model: CapacityModel,
    subnet: IPv4Network,
    max_pods: int,
    *,
    planned_nodes: int = 0,
    surge: int = 0,
    pod_cidr: IPv4Network | None = None,
    surge_setting: str | None = None,
    required_subnet_ips: int | None = None,
) -> Capacity:
    """The seeds' arithmetic: how many nodes and pods fit, and what the plan needs.

    `required_subnet_ips` overrides (nodes + surge) x per-node addresses when pools differ in maxPods.
    """
    per_node = ips_per_node(model, max_pods)
    usable = usable_ips(subnet)
    uses_blocks = model in ("kubenet", "overlay") and pod_cidr is not None
    blocks = pod_blocks(pod_cidr) if uses_blocks and pod_cidr is not None else None
    limits = {"subnet": usable // per_node, "node limit": node_limit(model)}
    if blocks is not None:
        limits["pod range"] = blocks
    limited_by = min(limits, key=lambda k: limits[k])
    max_nodes = limits[limited_by]
    required = (planned_nodes + surge) * per_node if required_subnet_ips is None else required_subnet_ips
    return Capacity(
        plugin=model,
        subnet_prefix=str(subnet),
        subnet_usable_ips=usable,
        max_pods_per_node=max_pods,
        ips_per_node=per_node,
        max_nodes=max_nodes,
        max_pods=max_nodes * max_pods,
        planned_nodes=planned_nodes,
        surge_nodes=surge,
        required_subnet_ips=required,
        free_subnet_ips=usable - required,
        max_nodes_with_surge=_max_nodes_with_surge(max_nodes, surge_setting),
        pod_cidr=str(pod_cidr) if pod_cidr is not None else None,
        pod_cidr_blocks=blocks,
        required_pod_blocks=planned_nodes + surge if blocks is not None else None,
        limited_by=limited_by,
    )


def _max_nodes_with_surge(max_nodes: int, surge_setting: str | None) -> int:
    """The largest pool that still leaves room for its own upgrade surge."""
    for nodes in range(max_nodes, -1, -1):
        if nodes + surge_nodes(nodes, surge_setting) <= max_nodes:
            return nodes
    return 0


def smallest_subnet_for(addresses: int) -> int:
    """The longest prefix whose usable addresses (minus Azure's 5) cover `addresses`."""
    for prefix in range(SMALLEST_SUBNET_PREFIX, -1, -1):
        if 2 ** (32 - prefix) - AZURE_RESERVED_PER_SUBNET >= addresses:
            return prefix
    return 0


def smallest_pod_range_for(blocks: int) -> int:
    """The longest pod range prefix that holds `blocks` per-node /24 blocks."""
    return POD_BLOCK_PREFIX - max(blocks - 1, 0).bit_length()


def too_small(subnet: IPv4Network) -> str | None:
    """Why Azure refuses `subnet` outright (smaller than a /29), if it does."""
    if subnet.prefixlen <= SMALLEST_SUBNET_PREFIX:
        return None
    return f"subnet {subnet} is smaller than /{SMALLEST_SUBNET_PREFIX}, the smallest subnet Azure allows"


def fit_verdict(cap: Capacity) -> str:
    """One line: whether the planned nodes (with surge) fit, and the size that would fit them."""
    holds = f"the /{IPv4Network(cap.subnet_prefix).prefixlen} holds {cap.subnet_usable_ips:,}"
    if not cap.planned_nodes:
        return f"{holds} addresses: up to {cap.max_nodes:,} nodes, {cap.max_nodes_with_surge:,} leaving room for surge"
    parts = [f"needs {cap.required_subnet_ips:,} addresses, {holds}"]
    if cap.free_subnet_ips < 0:
        parts[0] += f"; use a /{smallest_subnet_for(cap.required_subnet_ips)}"
    if cap.pod_cidr is not None and cap.required_pod_blocks is not None:
        pods = (
            f"pod range needs {cap.required_pod_blocks:,} /24 blocks, the {cap.pod_cidr} holds {cap.pod_cidr_blocks:,}"
        )
        if cap.required_pod_blocks > (cap.pod_cidr_blocks or 0):
            pods += f"; use a /{smallest_pod_range_for(cap.required_pod_blocks)}"
        parts.append(pods)
    return ("fits: " if cap.fits else "does not fit: ") + "; ".join(parts)


def first_host(net: IPv4Network) -> IPv4Address:
    return net.network_address + 1
