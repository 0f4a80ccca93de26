"""The documented IP plan of AKS on Azure Local (azure-local.md §3.2, [IPPLAN]).

In the logical network's IP pool, per cluster: one address per control-plane and worker VM (workers
at the autoscaler's max), one for a rolling upgrade, one control-plane IP when AKS Arc picks it,
and one per HAProxy load-balancer VM (docs only for the PowerShell generation; inference here).
Outside the pool but inside the prefix: explicit control-plane IPs and load-balancer IPs. Summed over
every cluster that shares the network. Microsoft's worked example: 3 CP + 5 workers and 1 CP + 3
workers need 12 + 2 + 2 = 16 pool addresses, and with 3 LB IPs 19 in the subnet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import Any

from aksnet.arc.addresses import AddressRange, count_outside, hosts
from aksnet.arc.spec import ArcSpec

UPGRADE_IPS = 1


@dataclass(frozen=True)
class ClusterDemand:
    """What one cluster takes from the logical network."""

    name: str
    control_plane_nodes: int
    worker_nodes: int
    explicit_control_plane_ip: bool = False
    lb_vms: int = 0
    lb_ips: int = 0

    @property
    def pool_ips(self) -> int:
        auto_ip = 0 if self.explicit_control_plane_ip else 1
        return self.control_plane_nodes + self.worker_nodes + UPGRADE_IPS + auto_ip + self.lb_vms

    @property
    def outside_ips(self) -> int:
        return int(self.explicit_control_plane_ip) + self.lb_ips

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "control_plane_nodes": self.control_plane_nodes,
            "worker_nodes": self.worker_nodes,
            "upgrade_ips": UPGRADE_IPS,
            "control_plane_ip": "explicit" if self.explicit_control_plane_ip else "pool",
            "lb_vms": self.lb_vms,
            "lb_ips": self.lb_ips,
            "pool_ips": self.pool_ips,
        }


@dataclass(frozen=True)
class ArcCapacity:
    """The pool and the prefix against every cluster on the network."""

    subnet_prefix: str | None
    pool_size: int
    by_cluster: tuple[ClusterDemand, ...]
    outside_pool_free: int | None = None  # None: the prefix is unknown
    pool_available: int | None = None  # live: what the pools' counters say is still free

    @property
    def pool_needed(self) -> int:
        return sum(c.pool_ips for c in self.by_cluster)

    @property
    def pool_free(self) -> int:
        return self.pool_size - self.pool_needed

    @property
    def outside_pool_needed(self) -> int:
        return sum(c.outside_ips for c in self.by_cluster)

    @property
    def subnet_needed(self) -> int:
        return self.pool_needed + self.outside_pool_needed

    @property
    def fits(self) -> bool:
        outside_fits = self.outside_pool_free is None or self.outside_pool_needed <= self.outside_pool_free
        return self.pool_free >= 0 and outside_fits

    def as_dict(self) -> dict[str, Any]:
        return {
            "plugin": "arc",
            "subnet_prefix": self.subnet_prefix,
            "pool_size": self.pool_size,
            "pool_needed": self.pool_needed,
            "pool_free": self.pool_free,
            "pool_available": self.pool_available,
            "subnet_needed": self.subnet_needed,
            "by_cluster": [c.as_dict() for c in self.by_cluster],
            "outside_pool": {
                "free": self.outside_pool_free,
                "needed_lb_ips": sum(c.lb_ips for c in self.by_cluster),
                "explicit_cp_ips": sum(int(c.explicit_control_plane_ip) for c in self.by_cluster),
            },
            "fits": self.fits,
        }


def arc_capacity(
    prefix: IPv4Network | None,
    pools: Sequence[AddressRange],
    clusters: Sequence[ClusterDemand],
    *,
    taken_outside: Sequence[AddressRange] = (),
    pool_available: int | None = None,
) -> ArcCapacity:
    """The IP plan; `taken_outside` are addresses of the prefix outside the pools that others hold
    (gateway, DNS servers, reserved ranges)."""
    outside = count_outside(hosts(prefix), [*pools, *taken_outside]) if prefix is not None else None
    return ArcCapacity(
        subnet_prefix=str(prefix) if prefix is not None else None,
        pool_size=sum(p.size for p in _disjoint(pools)),
        by_cluster=tuple(clusters),
        outside_pool_free=outside,
        pool_available=pool_available,
    )


def _disjoint(pools: Sequence[AddressRange]) -> list[AddressRange]:
    """Pools with overlaps merged, so an address counts once."""
    merged: list[AddressRange] = []
    for pool in sorted(pools):
        if merged and int(pool.start) <= int(merged[-1].end) + 1:
            merged[-1] = AddressRange(merged[-1].start, max(merged[-1].end, pool.end))
        else:
            merged.append(pool)
    return merged


def demand_of(spec: ArcSpec, name: str | None = None) -> ClusterDemand:
    """What the spec's cluster takes (under `name`, e.g. for another cluster assumed alike)."""
    cluster = spec.cluster
    return ClusterDemand(
        name=name or cluster.name,
        control_plane_nodes=cluster.control_plane.count,
        worker_nodes=cluster.worker_ceiling,
        explicit_control_plane_ip=cluster.control_plane.ip is not None,
        lb_vms=cluster.load_balancer_count,
        lb_ips=sum(r.size for r in cluster.load_balancer_ips),
    )


def others_alike(spec: ArcSpec) -> list[ClusterDemand]:
    """Offline, each of `other_clusters` is counted like this one (live preflight reads the real ones)."""
    return [demand_of(spec, f"other-{n}") for n in range(1, spec.arc.other_clusters + 1)]


def taken_in_prefix(spec: ArcSpec) -> list[AddressRange]:
    """Addresses of the prefix that others hold: the gateway, the DNS servers, the reserved ranges."""
    network = spec.network
    singles = [network.gateway, *network.dns_servers]
    return [AddressRange(a, a) for a in singles if a is not None] + list(spec.arc.reserved)


def planned_capacity(spec: ArcSpec, others: Sequence[ClusterDemand] | None = None) -> ArcCapacity | None:
    """The spec's IP plan, or None while the pool is unknown (a brought network described by name only)."""
    network = spec.network
    if not network.pools:
        return None
    clusters = [demand_of(spec), *(others_alike(spec) if others is None else others)]
    return arc_capacity(network.prefix, network.pools, clusters, taken_outside=taken_in_prefix(spec))
