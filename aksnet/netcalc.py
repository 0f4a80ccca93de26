"""Pure IP arithmetic: overlaps, reserved ranges, and AKS capacity per network model.

The numbers are the seeds' (domain.md): every Azure subnet loses 5 addresses; kubenet and
overlay give each node a /24 of the pod range (and a /80 of the IPv6 one when dual-stack); flat
Azure CNI reserves maxPods + 1 subnet addresses per node; kubenet stops at 400 nodes (UDR route
limit). A pod subnet (breadth.md §1b) takes batches of 16 addresses per node (DynamicIndividual)
or ceil((maxPods + 1) / 16) /28 blocks per node (StaticBlock).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Network
from typing import Any, Literal

from aksnet.snat import SnatBudget

CapacityModel = Literal["kubenet", "azure", "overlay", "none"]
AllocationMode = Literal["DynamicIndividual", "StaticBlock"]
Network = IPv4Network | IPv6Network

AZURE_RESERVED_PER_SUBNET = 5
SMALLEST_SUBNET_PREFIX = 29
POD_BLOCK_PREFIX = 24
POD_BLOCK_PREFIX_IPV6 = 80  # each dual-stack node's share of the IPv6 pod range
# Dynamic pod IP allocation: a node takes 16 addresses at start and 16 more whenever fewer than 8 are free.
POD_IP_BATCH = 16
POD_IP_REFILL_BELOW = 8
# Static block allocation: /28 blocks of 16, one address of each node reserved.
STATIC_BLOCK = 16
KUBENET_MAX_NODES = 400
OVERLAY_MAX_NODES = 5000
CLUSTER_MAX_NODES = 5000

RESERVED_RANGES = (
    IPv4Network("169.254.0.0/16"),
    IPv4Network("172.30.0.0/16"),
    IPv4Network("172.31.0.0/16"),
    IPv4Network("192.0.2.0/24"),
)


def usable_ips(subnet: Network) -> int:
    """Addresses Azure lets you use in a subnet: all but the first four and the last."""
    return max(subnet.num_addresses - AZURE_RESERVED_PER_SUBNET, 0)


def overlaps(a: Network, b: Network) -> bool:
    """Whether two ranges share an address; ranges of different IP versions never do."""
    return a.version == b.version and a.overlaps(b)


def within(inner: Network, outer: Network) -> bool:
    """Whether `inner` lies inside `outer` (never across IP versions)."""
    return inner.version == outer.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def reserved_overlaps(net: Network) -> list[IPv4Network]:
    """The AKS-reserved ranges this network overlaps (an overlap test, not containment; all are IPv4)."""
    return [r for r in RESERVED_RANGES if overlaps(net, r)]


def pod_blocks(pod_cidr: Network) -> int:
    """How many per-node blocks the pod range holds: /24s of IPv4, /80s of IPv6 (0 when smaller)."""
    per_node = POD_BLOCK_PREFIX if pod_cidr.version == 4 else POD_BLOCK_PREFIX_IPV6
    if pod_cidr.prefixlen > per_node:
        return 0
    return 1 << (per_node - pod_cidr.prefixlen)


def blocks_per_node(max_pods: int) -> int:
    """StaticBlock: /28 blocks each node takes, ceil((maxPods + 1) / 16): 30 -> 2, 31 -> 2, 32 -> 3."""
    return math.ceil((max_pods + 1) / STATIC_BLOCK)


def block_waste(max_pods: int) -> int:
    """StaticBlock: addresses of a node's blocks no pod can use (30 -> 1, 31 -> 0, 32 -> 15)."""
    return blocks_per_node(max_pods) * STATIC_BLOCK - (max_pods + 1)


def usable_blocks(subnet: Network) -> int:
    """Whole /28s of a subnet, without the first and last, which hold Azure's reserved addresses
    (whether AKS uses those is not documented: counted out to stay safe)."""
    return max(subnet.num_addresses // STATIC_BLOCK - 2, 0)


def dynamic_ips_at(pods: int) -> int:
    """DynamicIndividual: the addresses a node holds while running `pods` pods (batches of 16, refilled
    while fewer than 8 are free); with no pods yet, its first batch."""
    return POD_IP_BATCH * max(math.ceil((pods + POD_IP_REFILL_BELOW) / POD_IP_BATCH), 1)


def pod_subnet_ips_per_node(mode: AllocationMode, max_pods: int, *, full: bool = False) -> int:
    """Pod-subnet addresses one node takes: its first batch (or, `full`, its batches at maxPods pods),
    or its static blocks."""
    if mode == "StaticBlock":
        return blocks_per_node(max_pods) * STATIC_BLOCK
    return dynamic_ips_at(max_pods) if full else POD_IP_BATCH


def pod_subnet_usable(subnet: Network, mode: AllocationMode) -> int:
    """Addresses a pod subnet can hand out: all usable ones (dynamic), or those of its usable /28s (static)."""
    return usable_blocks(subnet) * STATIC_BLOCK if mode == "StaticBlock" else usable_ips(subnet)


def pod_subnet_max_nodes(subnet: Network, mode: AllocationMode, max_pods: int) -> int:
    """Nodes a pod subnet can start: usable // 16 (a /24 holds 15), or usable /28s // blocks per node."""
    return pod_subnet_usable(subnet, mode) // pod_subnet_ips_per_node(mode, max_pods)


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


def ips_per_node(model: CapacityModel, max_pods: int, *, pod_subnet: bool = False) -> int:
    """Node-subnet addresses one node takes: itself, plus its pods with flat Azure CNI (no pod subnet)."""
    return max_pods + 1 if model == "azure" and not pod_subnet else 1


def node_limit(model: CapacityModel) -> int:
    if model == "kubenet":
        return KUBENET_MAX_NODES
    if model == "overlay":
        return OVERLAY_MAX_NODES
    return CLUSTER_MAX_NODES


@dataclass(frozen=True)
class PodSubnet:
    """A pod subnet and how it hands out addresses."""

    prefix: Network
    mode: AllocationMode = "DynamicIndividual"


@dataclass(frozen=True)
class SubnetCapacity:
    """One subnet's demand against its size, summed over the pools on it.

    `needed` counts nodes + surge at the autoscaler's max: one address per node on a node subnet
    (maxPods + 1 with flat Azure CNI); on a pod subnet a first batch of 16 per node (dynamic; a full
    node's batches are `needed_at_max_pods`) or its /28 blocks (static, `waste` of them unusable).
    `usable`/`free` are None while the prefix of a subnet you bring is unknown.
    """

    name: str
    prefix: str | None
    role: str  # what uses it, joined by "+": nodes, pods, apiserver (the API server's), ilb (internal load balancers)
    usable: int | None
    needed: int
    free: int | None
    pools: tuple[str, ...]
    allocation: str | None = None
    needed_at_max_pods: int | None = None
    waste: int | None = None


@dataclass(frozen=True)
class Capacity:
    """IP headroom of one cluster: what the subnet and pod range hold against what is planned.

    The top-level fields describe the first pool's node subnet (and pod subnet); `subnets` lists
    every subnet the cluster uses.
    """

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
    pod_cidr_ipv6: str | None = None
    pod_cidr_ipv6_blocks: int | None = None
    pod_subnet_prefix: str | None = None
    pod_ip_allocation_mode: str | None = None
    pod_subnet_usable_ips: int | None = None
    pod_subnet_ips_per_node: int | None = None
    pod_subnet_max_nodes: int | None = None
    blocks_per_node: int | None = None
    block_waste_per_node: int | None = None
    required_pod_subnet_ips: int | None = None
    subnets: tuple[SubnetCapacity, ...] = ()
    snat: SnatBudget | None = None  # outbound ports through the load balancer, when it is the egress

    @property
    def fits(self) -> bool:
        """Whether the planned nodes and their surge fit the subnets, the pod ranges and the SNAT ports."""
        nodes = self.required_pod_blocks
        pods_fit = nodes is None or nodes <= (self.pod_cidr_blocks or 0)
        v6_fits = self.pod_cidr_ipv6_blocks is None or (nodes or 0) <= self.pod_cidr_ipv6_blocks
        pod_subnet_fits = self.required_pod_subnet_ips is None or self.required_pod_subnet_ips <= (
            self.pod_subnet_usable_ips or 0
        )
        subnets_fit = all(s.free is None or s.free >= 0 for s in self.subnets)
        snat_fits = self.snat is None or self.snat.fits
        return self.free_subnet_ips >= 0 and pods_fit and v6_fits and pod_subnet_fits and subnets_fit and snat_fits

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
    pod_subnet: PodSubnet | None = None,
    pod_cidr_ipv6: IPv6Network | None = None,
    required_pod_subnet_ips: int | None = None,
    subnets: tuple[SubnetCapacity, ...] = (),
) -> Capacity:
    """The seeds' arithmetic: how many nodes and pods fit, and what the plan needs.

    `required_subnet_ips` (and `required_pod_subnet_ips`) override (nodes + surge) x per-node
    addresses when pools differ in maxPods or share the subnet with pools of their own.
    """
    per_node = ips_per_node(model, max_pods, pod_subnet=pod_subnet is not None)
    usable = usable_ips(subnet)
    uses_blocks = model in ("kubenet", "overlay") and pod_cidr is not None
    blocks = pod_blocks(pod_cidr) if uses_blocks and pod_cidr is not None else None
    v6_blocks = pod_blocks(pod_cidr_ipv6) if uses_blocks and pod_cidr_ipv6 is not None else None
    limits = _node_limits(model, usable // per_node, (blocks, v6_blocks), pod_subnet, max_pods)
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
        pod_cidr_ipv6=str(pod_cidr_ipv6) if v6_blocks is not None else None,
        pod_cidr_ipv6_blocks=v6_blocks,
        subnets=subnets,
        **_pod_subnet_fields(pod_subnet, max_pods, planned_nodes + surge, required_pod_subnet_ips),
    )


def _node_limits(
    model: CapacityModel,
    on_subnet: int,
    pod_ranges: tuple[int | None, int | None],
    pod_subnet: PodSubnet | None,
    max_pods: int,
) -> dict[str, int]:
    """The most nodes each constraint allows: the subnet, the model's limit, the pod ranges, the pod subnet."""
    blocks, v6_blocks = pod_ranges
    limits = {"subnet": on_subnet, "node limit": node_limit(model)}
    if blocks is not None:
        limits["pod range"] = blocks
    if v6_blocks is not None:
        limits["IPv6 pod range"] = v6_blocks
    if pod_subnet is not None:
        limits["pod subnet"] = pod_subnet_max_nodes(pod_subnet.prefix, pod_subnet.mode, max_pods)
    return limits


def _pod_subnet_fields(pod_subnet: PodSubnet | None, max_pods: int, nodes: int, required: int | None) -> dict[str, Any]:
    if pod_subnet is None:
        return {}
    static = pod_subnet.mode == "StaticBlock"
    per_node = pod_subnet_ips_per_node(pod_subnet.mode, max_pods)
    return {
        "pod_subnet_prefix": str(pod_subnet.prefix),
        "pod_ip_allocation_mode": pod_subnet.mode,
        "pod_subnet_usable_ips": pod_subnet_usable(pod_subnet.prefix, pod_subnet.mode),
        "pod_subnet_ips_per_node": per_node,
        "pod_subnet_max_nodes": pod_subnet_max_nodes(pod_subnet.prefix, pod_subnet.mode, max_pods),
        "blocks_per_node": blocks_per_node(max_pods) if static else None,
        "block_waste_per_node": block_waste(max_pods) if static else None,
        "required_pod_subnet_ips": nodes * per_node if required is None else required,
    }


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


def smallest_pod_range_for(blocks: int, per_node: int = POD_BLOCK_PREFIX) -> int:
    """The longest pod range prefix that holds `blocks` per-node blocks of /`per_node`."""
    return per_node - max(blocks - 1, 0).bit_length()


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
