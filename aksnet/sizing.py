"""A spec's IP demand: nodes, surge and addresses per pool, against its subnet and pod range."""

from __future__ import annotations

import dataclasses

from aksnet import snat
from aksnet.netcalc import Capacity, CapacityModel, capacity, ips_per_node, parse_surge, surge_nodes
from aksnet.spec import DEFAULT_MAX_SURGE, NodePoolSpec, Spec


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
    return len(lb.outbound_ips) if lb.outbound_ips else lb.managed_outbound_ips


def snat_budget(spec: Spec) -> snat.SnatBudget | None:
    """The outbound ports budget when the load balancer is the egress and its IPs are known."""
    ips = outbound_ipv4_count(spec)
    if spec.cluster.outbound_type != "loadBalancer" or not ips or ips < 1:
        return None
    lb = spec.cluster.load_balancer
    ports = lb.allocated_outbound_ports if lb and lb.allocated_outbound_ports else 0
    return snat.budget(snat_nodes(spec), ips, max(ports, 0))


def capacity_model(spec: Spec) -> CapacityModel:
    return spec.cluster.plugin_label


def cluster_capacity(spec: Spec) -> Capacity | None:
    """The cluster's capacity, or None while the subnet prefix is unknown (a subnet you bring)."""
    subnet = spec.vnet.subnet.address_prefix
    pools = spec.cluster.node_pools
    if subnet is None or not pools:
        return None
    model = capacity_model(spec)
    required = sum((p.node_ceiling + pool_surge(p)) * ips_per_node(model, pool_max_pods(p)) for p in pools)
    first = pools[0]
    found = capacity(
        model,
        subnet,
        max(pool_max_pods(p) for p in pools),
        planned_nodes=planned_nodes(spec),
        surge=total_surge(spec),
        pod_cidr=spec.cluster.pod_cidr if model in ("kubenet", "overlay") else None,
        surge_setting=surge_setting(first),
        required_subnet_ips=required,
    )
    return dataclasses.replace(found, snat=snat_budget(spec))
