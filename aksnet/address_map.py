"""The address map of a deployment: every block of addresses it uses or sits beside, computed in one place.

Pure: a spec (and the subnets read live) in, rows out. Each row is a prefix with what it is, the
addresses the plan needs in it at maximum scale with surge, and the addresses it holds (a subnet's
usable ones: Azure keeps 5). `plan` draws the rows in the terminal and `plan --map FILE.svg` as a
picture; a new kind of subnet (pod subnets, per-pool subnets, IPv6) is one more row made here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import TYPE_CHECKING, Any, Literal

from aksnet.netcalc import Capacity, usable_ips
from aksnet.sizing import cluster_capacity
from aksnet.spec import Spec

if TYPE_CHECKING:  # what preflight read; offline `plan` never loads it
    from aksnet.live.facts import SubnetFacts

Kind = Literal["vnet", "subnet", "other_subnet", "pods", "services"]
POD_BLOCK_ADDRESSES = 256  # kubenet and overlay give each node a /24 of the pod range


@dataclass(frozen=True)
class AddressBlock:
    """One prefix on the map: what it is, what the plan needs in it (None: not the plan's), what it holds."""

    kind: Kind
    name: str
    prefix: IPv4Network
    needed: int | None
    holds: int
    note: str = ""

    @property
    def fits(self) -> bool:
        return self.needed is None or self.needed <= self.holds

    @property
    def in_vnet(self) -> bool:
        return self.kind in ("subnet", "other_subnet")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "prefix": str(self.prefix),
            "needed": self.needed,
            "holds": self.holds,
            "note": self.note,
        }


def address_map(spec: Spec, live_subnets: Sequence[SubnetFacts] = ()) -> tuple[AddressBlock, ...]:
    """The VNet's prefixes, its subnets (the spec's and those read live), then the pod and service ranges."""
    cap = cluster_capacity(spec)
    return (*_vnet(spec), *_subnets(spec, cap, live_subnets), *_ranges(spec, cap))


def _vnet(spec: Spec) -> Iterator[AddressBlock]:
    for prefix in spec.vnet.address_prefixes:
        yield AddressBlock("vnet", f"VNet {spec.vnet.name}", prefix, None, prefix.num_addresses)


def _subnets(spec: Spec, cap: Capacity | None, live: Sequence[SubnetFacts]) -> Iterator[AddressBlock]:
    node = spec.vnet.subnet
    if node.address_prefix is not None:
        needed = cap.required_subnet_ips if cap is not None else None
        holds = usable_ips(node.address_prefix)
        yield AddressBlock("subnet", f"subnet {node.name}", node.address_prefix, needed, holds, _node_note(cap))
    for subnet in live:
        if subnet.name.lower() == node.name.lower() or subnet.prefix is None:
            continue
        used = len(subnet.ip_configurations)
        note = f"read live: {used} address(es) in use"
        yield AddressBlock(
            "other_subnet", f"subnet {subnet.name}", subnet.prefix, None, usable_ips(subnet.prefix), note
        )


def _node_note(cap: Capacity | None) -> str:
    if cap is None:
        return "nodes"
    per_node = "" if cap.ips_per_node == 1 else f" x {cap.ips_per_node} (maxPods + 1)"
    return f"nodes: {cap.planned_nodes} + {cap.surge_nodes} surge{per_node}"


def _ranges(spec: Spec, cap: Capacity | None) -> Iterator[AddressBlock]:
    cluster = spec.cluster
    if cluster.pod_cidr is not None and not cluster.flat_azure_cni and cluster.plugin != "none":
        blocks = cap.required_pod_blocks if cap is not None else None
        needed = blocks * POD_BLOCK_ADDRESSES if blocks is not None else None
        note = f"pods: one /24 per node, {blocks} nodes with surge" if blocks is not None else "pods"
        yield AddressBlock("pods", "pod range", cluster.pod_cidr, needed, cluster.pod_cidr.num_addresses, note)
    if cluster.service_cidr is not None:
        service = cluster.service_cidr
        yield AddressBlock("services", "service range", service, None, service.num_addresses, "Kubernetes services")
