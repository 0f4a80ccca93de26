"""SNAT port arithmetic for the Standard load balancer's outbound rule (breadth.md §4, R4.5-R4.9). Pure.

Each outbound public IP gives 64,000 ports. With `allocatedOutboundPorts` set, every node of every
pool (at its autoscaler maximum, plus its upgrade surge) holds that many, and the RP refuses a
cluster whose nodes cannot all have them (`InvalidLoadBalancerProfileAllocatedOutboundPorts`). Left
at 0, Azure hands each node a share that shrinks as the backend pool grows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

PORTS_PER_IP = 64_000  # the figure AKS and the LB docs compute with ("64k ephemeral ports")
MAX_ALLOCATED_PORTS = 64_000
PORT_STEP = 8
# Backend pool size (up to) -> ports per instance when allocatedOutboundPorts is 0 [LBOUT].
DEFAULT_ALLOCATION = ((50, 1024), (100, 512), (200, 256), (400, 128), (800, 64), (1000, 32))
SLB_PORTS_LINK = "https://aka.ms/aks/slb-ports"


def default_ports(pool_size: int) -> int | None:
    """Ports per node Azure allocates by default for a backend pool of `pool_size`; None past 1,000."""
    return next((ports for limit, ports in DEFAULT_ALLOCATION if pool_size <= limit), None)


def max_nodes(ports_per_node: int, outbound_ips: int) -> int:
    """The docs' formula: 64,000 / ports per node x outbound IPs."""
    return PORTS_PER_IP * outbound_ips // ports_per_node if ports_per_node else 0


@dataclass(frozen=True)
class SnatBudget:
    """The outbound ports the nodes need against what the outbound IPs give."""

    ports_per_node: int | None
    nodes_counted: int
    outbound_ips: int
    ports_needed: int
    ports_available: int
    fits: bool
    default_allocation: bool  # ports_per_node is Azure's share by pool size (allocatedOutboundPorts 0)
    max_nodes: int | None
    # IPv6 outbound IPs of a dual-stack cluster (AKS's default 1 when managed), None when brought ones decide;
    # the RP's SNAT check and this budget count the IPv4 ones.
    outbound_ipv6: int | None = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def budget(nodes: int, outbound_ips: int, allocated_ports: int = 0) -> SnatBudget:
    """The SNAT budget of `nodes` (ceilings plus surge) on `outbound_ips` IPv4 addresses."""
    default = allocated_ports == 0
    per_node = default_ports(nodes) if default else allocated_ports
    needed = (per_node or 0) * nodes
    available = PORTS_PER_IP * outbound_ips
    fits = default or needed <= available  # Azure's own share is sized to fit
    limit = max_nodes(allocated_ports, outbound_ips) if not default else None
    return SnatBudget(per_node, nodes, outbound_ips, needed, available, fits, default, limit)


def refusal(ports: int, nodes: int, outbound_ips: int) -> str:
    """The RP's own wording when the nodes cannot all have their ports (SUP error-code article)."""
    return (
        f"Load balancer profile allocated ports {ports} is not in an allowable range given the number of nodes "
        f"and IPs provisioned. Total node count {nodes} requires {ports * nodes} ports but only "
        f"{PORTS_PER_IP * outbound_ips} ports are available given {outbound_ips} outbound public IPs. "
        f"Refer to {SLB_PORTS_LINK}"
    )


def shrinks(low: int, high: int) -> tuple[int, int, int] | None:
    """(boundary, ports at `low`, ports at `high`) when growing from `low` to `high` nodes crosses a
    default-allocation boundary (existing nodes' ports halve, or more); None when it does not."""
    before, after = default_ports(max(low, 1)), default_ports(high)
    if before is None or after == before:
        return None
    boundary = next(limit for limit, ports in DEFAULT_ALLOCATION if ports == before)
    return boundary, before, after or 0
