"""The address map of a deployment: every block of addresses it uses or sits beside, computed in one place.

Pure: a spec (and the subnets read live) in, rows out. Each row is a prefix with what it is, the
addresses the plan needs in it at maximum scale with surge, and the addresses it holds (a subnet's
usable ones: Azure keeps 5). `plan` draws the rows in the terminal and `plan --map FILE.svg` as a
picture; a new kind of subnet (pod subnets, per-pool subnets, IPv6) is one more row made here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network
from typing import TYPE_CHECKING, Any, Literal

from aksnet.netcalc import POD_BLOCK_PREFIX_IPV6, Capacity, SubnetCapacity, usable_ips
from aksnet.sizing import API_SERVER_ADDRESSES, cluster_capacity, pool_surge
from aksnet.spec import Spec, SubnetSpec

if TYPE_CHECKING:  # what preflight read; offline `plan` never loads it
    from aksnet.live.facts import SubnetFacts

Kind = Literal["vnet", "subnet", "pod_subnet", "other_subnet", "pods", "services"]
POD_BLOCK_ADDRESSES = 256  # kubenet and overlay give each node a /24 of the pod range


@dataclass(frozen=True)
class AddressBlock:
    """One prefix on the map: what it is, what the plan needs in it (None: not the plan's), what it holds."""

    kind: Kind
    name: str
    prefix: IPv4Network | IPv6Network
    needed: int | None
    holds: int
    note: str = ""

    @property
    def fits(self) -> bool:
        return self.needed is None or self.needed <= self.holds

    @property
    def in_vnet(self) -> bool:
        return self.kind in ("subnet", "pod_subnet", "other_subnet")

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
    """Each declared subnet (with what its pools need in it), its IPv6 prefix, then the others read live."""
    demand = {s.name.lower(): s for s in (cap.subnets if cap is not None else ())}
    for subnet in spec.vnet.all_subnets:
        if subnet.address_prefix is not None:
            need = demand.get(subnet.name.lower())
            kind: Kind = "pod_subnet" if need is not None and need.role == "pods" else "subnet"
            needed = need.needed if need is not None else None
            note = _subnet_note(spec, need, cap) if need is not None else "declared, not used by a pool"
            yield AddressBlock(
                kind, f"subnet {subnet.name}", subnet.address_prefix, needed, usable_ips(subnet.address_prefix), note
            )
        if subnet.address_prefix_ipv6 is not None:
            prefix = subnet.address_prefix_ipv6
            yield AddressBlock("subnet", f"subnet {subnet.name} (IPv6)", prefix, None, prefix.num_addresses, "IPv6")
    declared = {s.name.lower() for s in spec.vnet.all_subnets}
    for found in live:
        if found.name.lower() in declared or found.prefix is None:
            continue
        note = f"read live: {len(found.ip_configurations)} address(es) in use"
        yield AddressBlock("other_subnet", f"subnet {found.name}", found.prefix, None, usable_ips(found.prefix), note)


def _subnet_note(spec: Spec, need: SubnetCapacity, cap: Capacity | None) -> str:
    """What uses the subnet: its pools' nodes (with surge) and pods, the API server's nine, internal load balancers."""
    uses = need.role.split("+")
    on_nodes = [p for p in spec.cluster.node_pools if _named(spec.node_subnet_of(p), need.name)]
    parts = []
    if "nodes" in uses:
        nodes, surge = sum(p.node_ceiling for p in on_nodes), sum(pool_surge(p) for p in on_nodes)
        per_node = "" if cap is None or cap.ips_per_node == 1 else f" x {cap.ips_per_node} (maxPods + 1)"
        parts.append(f"nodes: {nodes} + {surge} surge{per_node}")
    if "pods" in uses:
        parts.append("pods" + (f", {need.allocation}" if need.allocation else ""))
    if "apiserver" in uses:
        parts.append(f"API server: {API_SERVER_ADDRESSES}")
    if "ilb" in uses:
        parts.append("internal load balancers: what is left")
    of_pools = f" (pool(s) {', '.join(need.pools)})" if need.pools and len(spec.vnet.all_subnets) > 1 else ""
    return "; ".join(parts) + of_pools


def _named(subnet: SubnetSpec | None, name: str) -> bool:
    return subnet is not None and subnet.name.lower() == name.lower()


def _ranges(spec: Spec, cap: Capacity | None) -> Iterator[AddressBlock]:
    cluster = spec.cluster
    blocks = cap.required_pod_blocks if cap is not None else None
    if cluster.pod_cidr is not None and not cluster.flat_azure_cni and cluster.plugin != "none":
        needed = blocks * POD_BLOCK_ADDRESSES if blocks is not None else None
        note = f"pods: one /24 per node, {blocks} nodes with surge" if blocks is not None else "pods"
        yield AddressBlock("pods", "pod range", cluster.pod_cidr, needed, cluster.pod_cidr.num_addresses, note)
    v6 = cluster.pod_cidr_ipv6
    if v6 is not None:
        needed = blocks * 2 ** (128 - POD_BLOCK_PREFIX_IPV6) if blocks is not None else None
        note = f"IPv6 pods: one /80 per node, {blocks} nodes with surge" if blocks is not None else "IPv6 pods"
        yield AddressBlock("pods", "IPv6 pod range", v6, needed, v6.num_addresses, note)
    for label, service in (("service range", cluster.service_cidr), ("IPv6 service range", cluster.service_cidr_ipv6)):
        if service is not None:
            yield AddressBlock("services", label, service, None, service.num_addresses, "Kubernetes services")
