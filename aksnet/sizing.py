"""A spec's IP demand: nodes, surge and addresses per pool, against its subnet and pod range."""

from __future__ import annotations

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
    return capacity(
        model,
        subnet,
        max(pool_max_pods(p) for p in pools),
        planned_nodes=planned_nodes(spec),
        surge=total_surge(spec),
        pod_cidr=spec.cluster.pod_cidr if model in ("kubenet", "overlay") else None,
        surge_setting=surge_setting(first),
        required_subnet_ips=required,
    )
