"""A spec's IP demand: nodes, surge and addresses per pool, against its subnets and pod ranges."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from aksnet import snat
from aksnet.netcalc import (
    Capacity,
    CapacityModel,
    PodSubnet,
    SubnetCapacity,
    block_waste,
    capacity,
    ips_per_node,
    parse_surge,
    pod_subnet_ips_per_node,
    pod_subnet_usable,
    surge_nodes,
    usable_ips,
)
from aksnet.spec import DEFAULT_MAX_SURGE, NodePoolSpec, Spec, SubnetSpec

# "An AKS cluster reserves at least nine IPs in the [API server] subnet address space" (api-server-vnet-integration).
API_SERVER_ADDRESSES = 9


def pool_max_pods(pool: NodePoolSpec) -> int:
    assert pool.max_pods is not None, "resolve_defaults fills max_pods"
    return pool.max_pods


def surge_setting(pool: NodePoolSpec) -> str:
    """The pool's maxSurge, or AKS's default when it is unset or malformed (the rules flag malformed)."""
    value = pool.max_surge
    return value if value is not None and parse_surge(value)[0] else DEFAULT_MAX_SURGE


def pool_surge(pool: NodePoolSpec) -> int:
    """Surge nodes at the pool's ceiling."""
    return surge_nodes(pool.node_ceiling, surge_setting(pool))


def pool_nodes(pool: NodePoolSpec) -> int:
    """Nodes the pool may run at once: its ceiling plus the surge of an upgrade."""
    return pool.node_ceiling + pool_surge(pool)


def planned_nodes(spec: Spec) -> int:
    return sum(p.node_ceiling for p in spec.cluster.node_pools)


def total_surge(spec: Spec) -> int:
    return sum(pool_surge(p) for p in spec.cluster.node_pools)


def snat_nodes(spec: Spec) -> int:
    """Nodes the load balancer's outbound rule must serve at once: every pool's ceiling plus its surge."""
    return planned_nodes(spec) + total_surge(spec)


def outbound_ipv4_count(spec: Spec) -> int | None:
    """IPv4 outbound IPs of the load balancer, when known offline (a prefix's size is read live)."""
    lb = spec.cluster.load_balancer
    if lb is None or not lb.ip_options:
        return 1  # AKS's one managed IP
    if lb.outbound_ip_prefixes:
        return None
    if lb.outbound_ips:
        return len(lb.outbound_ips)
    return 1 if lb.managed_outbound_ips is None else lb.managed_outbound_ips  # az sends count 1 with an IPv6 count


def outbound_ipv6_count(spec: Spec) -> int | None:
    """IPv6 outbound IPs of the load balancer: none single-stack; on dual-stack the managed count, which AKS
    defaults to 1 ("default value is 0 for single-stack and 1 for dual-stack"), or None when your IPs decide."""
    lb = spec.cluster.load_balancer
    if not spec.cluster.dual_stack:
        return 0
    if lb is not None and (lb.outbound_ips or lb.outbound_ip_prefixes):
        return None
    return lb.managed_outbound_ipv6 if lb is not None and lb.managed_outbound_ipv6 is not None else 1


def snat_budget(spec: Spec) -> snat.SnatBudget | None:
    """The outbound ports budget when the load balancer is the egress and its IPs are known."""
    ips = outbound_ipv4_count(spec)
    if spec.cluster.outbound_type != "loadBalancer" or not ips or ips < 1:
        return None
    lb = spec.cluster.load_balancer
    ports = lb.allocated_outbound_ports if lb and lb.allocated_outbound_ports else 0
    found = snat.budget(snat_nodes(spec), ips, max(ports, 0))
    return dataclasses.replace(found, outbound_ipv6=outbound_ipv6_count(spec))


def capacity_model(spec: Spec) -> CapacityModel:
    return spec.cluster.plugin_label


def node_ips(spec: Spec, pool: NodePoolSpec) -> int:
    """Node-subnet addresses the pool needs: one per node, or maxPods + 1 with flat Azure CNI."""
    model = capacity_model(spec)
    return pool_nodes(pool) * ips_per_node(model, pool_max_pods(pool), pod_subnet=pool.pod_subnet is not None)


def pod_ips(pool: NodePoolSpec, *, full: bool = False) -> int:
    """Pod-subnet addresses the pool needs: first batches (or, `full`, batches at maxPods), or its blocks."""
    mode = pool.allocation_mode or "DynamicIndividual"
    return pool_nodes(pool) * pod_subnet_ips_per_node(mode, pool_max_pods(pool), full=full)


def _named(pool_subnet: SubnetSpec | None, subnet: SubnetSpec) -> bool:
    return pool_subnet is not None and pool_subnet.name.lower() == subnet.name.lower()


def subnet_capacity(spec: Spec, subnet: SubnetSpec) -> SubnetCapacity:
    """One subnet's demand: the node addresses of the pools on it, the pod addresses of the pools whose pod
    subnet it is, and the API server's nine if it is the API server subnet. Internal load balancers'
    frontends take what is left (`free`): how many Services will want one is not in the spec."""
    pools = spec.cluster.node_pools
    on_nodes = [p for p in pools if _named(spec.node_subnet_of(p), subnet)]
    on_pods = [p for p in pools if _named(spec.pod_subnet_of(p), subnet)]
    api_server = _named(spec.api_server_subnet(), subnet)
    mode = on_pods[0].allocation_mode if on_pods else None
    needed = sum(node_ips(spec, p) for p in on_nodes) + sum(pod_ips(p) for p in on_pods)
    needed += API_SERVER_ADDRESSES if api_server else 0
    usable = _usable(subnet, mode if not on_nodes else None)
    static = mode == "StaticBlock"
    prefix = subnet.address_prefix
    uses = {"nodes": bool(on_nodes), "pods": bool(on_pods), "apiserver": api_server}
    uses["ilb"] = _named(spec.ingress_subnet(), subnet)
    return SubnetCapacity(
        name=subnet.name,
        prefix=str(prefix) if prefix is not None else None,
        role="+".join(name for name, used in uses.items() if used) or "nodes",
        usable=usable,
        needed=needed,
        free=None if usable is None else usable - needed,
        pools=tuple(dict.fromkeys(p.name for p in (*on_nodes, *on_pods))),
        allocation=mode,
        needed_at_max_pods=_at_max_pods(spec, on_nodes, on_pods) if mode == "DynamicIndividual" else None,
        waste=sum(pool_nodes(p) * block_waste(pool_max_pods(p)) for p in on_pods) if static else None,
    )


def _usable(subnet: SubnetSpec, pod_mode: str | None) -> int | None:
    """A node subnet's usable addresses, or what a pod subnet can hand out in its allocation mode."""
    prefix = subnet.address_prefix
    if prefix is None:
        return None
    return pod_subnet_usable(prefix, pod_mode) if pod_mode else usable_ips(prefix)  # type: ignore[arg-type]


def _at_max_pods(spec: Spec, on_nodes: Sequence[NodePoolSpec], on_pods: Sequence[NodePoolSpec]) -> int:
    return sum(node_ips(spec, p) for p in on_nodes) + sum(pod_ips(p, full=True) for p in on_pods)


def subnet_capacities(spec: Spec) -> tuple[SubnetCapacity, ...]:
    """Every subnet the cluster uses (its pools', its API server's, its internal load balancers'), with its demand
    and headroom."""
    return tuple(subnet_capacity(spec, s) for s in spec.granted_subnets())


def cluster_capacity(spec: Spec) -> Capacity | None:
    """The cluster's capacity (its first pool's subnets on top), or None while that node subnet's
    prefix is unknown (a subnet you bring)."""
    pools = spec.cluster.node_pools
    first = pools[0] if pools else None
    node_subnet = spec.node_subnet_of(first) if first else None
    if first is None or node_subnet is None or node_subnet.address_prefix is None:
        return None
    subnets = subnet_capacities(spec)
    model = capacity_model(spec)
    cluster = spec.cluster
    found = capacity(
        model,
        node_subnet.address_prefix,
        max(pool_max_pods(p) for p in pools),
        planned_nodes=planned_nodes(spec),
        surge=total_surge(spec),
        pod_cidr=cluster.pod_cidr if model in ("kubenet", "overlay") else None,
        pod_cidr_ipv6=cluster.pod_cidr_ipv6 if model in ("kubenet", "overlay") else None,
        surge_setting=surge_setting(first),
        required_subnet_ips=_needed(subnets, node_subnet),
        pod_subnet=_pod_subnet(spec, first),
        required_pod_subnet_ips=_needed(subnets, spec.pod_subnet_of(first)),
        subnets=subnets,
    )
    return dataclasses.replace(found, snat=snat_budget(spec))


def _needed(subnets: Sequence[SubnetCapacity], subnet: SubnetSpec | None) -> int | None:
    if subnet is None:
        return None
    return next((s.needed for s in subnets if s.name.lower() == subnet.name.lower()), 0)


def _pod_subnet(spec: Spec, pool: NodePoolSpec) -> PodSubnet | None:
    subnet = spec.pod_subnet_of(pool)
    if subnet is None or subnet.address_prefix is None or pool.allocation_mode is None:
        return None
    return PodSubnet(subnet.address_prefix, pool.allocation_mode)
