"""The cluster: control plane, node pools, OS SKUs, VM sizes, network policy and fixed ranges.

Numbers from [SCALE] (azure-local.md §3.5): control plane 1, 3 or 5 nodes; 1-64 nodes per pool
(no empty pools); at most 200 nodes and 16 pools per cluster; one Linux pool at least [ARCH].
OS SKUs from the 2024-01-01 API's enum; Calico is its only network policy; services fixed at 10.96.0.0/12.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from aksnet.arc.rules import fields
from aksnet.arc.spec import SERVICE_CIDR, ArcNodePoolSpec, ArcSpec
from aksnet.findings import Finding, error, warning
from aksnet.rules.base import RuleContext

CONTROL_PLANE_COUNTS = (1, 3, 5)
POOL_NODES = (1, 64)
CLUSTER_MAX_NODES = 200
CLUSTER_MAX_POOLS = 16
OS_SKUS = {"Linux": ("CBLMariner",), "Windows": ("Windows2019", "Windows2022")}
CONTROL_PLANE_SIZES = ("Standard_K8S3_v1", "Standard_A4_v2", "Standard_D4s_v3", "Standard_D8s_v3")
WORKER_SIZES = (
    "Standard_A2_v2",
    "Standard_K8S3_v1",
    "Standard_A4_v2",
    "Standard_D4s_v3",
    "Standard_D8s_v3",
    "Standard_D16s_v3",
    "Standard_D32s_v3",
)
# [ARM-QS]: 1-63 characters, letters, digits, '-' and '_', starting and ending with a letter or digit.
CLUSTER_NAME = re.compile(r"^[a-zA-Z0-9](?:[-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$")


def cluster_name(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    name = spec.cluster.name
    if not CLUSTER_NAME.match(name):
        yield error(
            "ARC_NAME_INVALID",
            fields.cluster("name"),
            f"cluster name {name!r} is not 1-63 letters, digits, '-' or '_' starting and ending with a letter or digit",
            "rename it, e.g. arc-cluster-1",
        )
    twice = [n for n, count in Counter(p.name for p in spec.cluster.node_pools).items() if count > 1]
    if twice:
        yield error(
            "ARC_NAME_INVALID",
            fields.cluster("node_pools"),
            f"node pool name(s) {', '.join(twice)} are used twice",
            "give every node pool its own name",
        )


def control_plane_count(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    count = spec.cluster.control_plane.count
    if count not in CONTROL_PLANE_COUNTS:
        yield error(
            "ARC_CONTROL_PLANE_COUNT",
            fields.cluster("control_plane.count"),
            f"{count} control-plane nodes: AKS on Azure Local allows 1, 3 or 5",
            "use 1 (test), 3 or 5 (highly available)",
        )


def pool_counts(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    low, high = POOL_NODES
    for i, pool in enumerate(spec.cluster.node_pools):
        for name, value in (("count", pool.count), ("max_count", _max(pool))):
            if value is not None and not low <= value <= high:
                yield error(
                    "ARC_NODE_COUNT_OUT_OF_RANGE",
                    fields.pool(i, name),
                    f"node pool {pool.name} would have {value} nodes; a pool holds {low}-{high} "
                    "(empty pools are not supported)",
                    f"set {name} between {low} and {high}; add a pool for more",
                )
        yield from _autoscaler(i, pool)


def _max(pool: ArcNodePoolSpec) -> int | None:
    return pool.max_count if pool.enable_auto_scaling else None


def _autoscaler(index: int, pool: ArcNodePoolSpec) -> Iterator[Finding]:
    if not pool.enable_auto_scaling:
        if pool.min_count is not None or pool.max_count is not None:
            yield error(
                "ARC_AUTOSCALER_INVALID",
                fields.pool(index, "enable_auto_scaling"),
                f"node pool {pool.name} sets min_count/max_count without enable_auto_scaling",
                "set enable_auto_scaling: true, or drop min_count and max_count",
            )
        return
    low, high = pool.min_count, pool.max_count
    if low is None or high is None or not 1 <= low <= pool.count <= high:
        yield error(
            "ARC_AUTOSCALER_INVALID",
            fields.pool(index, "min_count"),
            f"node pool {pool.name}: the autoscaler needs 1 <= min_count <= count <= max_count; "
            f"got min {low}, count {pool.count}, max {high}",
            "set min_count and max_count around count",
        )


def cluster_limits(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    pools = spec.cluster.node_pools
    total = spec.cluster.worker_ceiling
    if total > CLUSTER_MAX_NODES:
        yield error(
            "NODE_LIMIT_EXCEEDED",
            fields.cluster("node_pools"),
            f"{total} worker nodes (at the autoscalers' max) exceed AKS on Azure Local's {CLUSTER_MAX_NODES} per "
            "cluster",
            "reduce counts or max counts, or split the workload over two clusters",
        )
    if len(pools) > CLUSTER_MAX_POOLS:
        yield error(
            "NODE_LIMIT_EXCEEDED",
            fields.cluster("node_pools"),
            f"{len(pools)} node pools exceed the {CLUSTER_MAX_POOLS} a cluster may have",
            "merge pools of the same VM size and OS",
        )


def linux_pool(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    if not any(p.os_type == "Linux" for p in spec.cluster.node_pools):
        yield error(
            "ARC_LINUX_POOL_REQUIRED",
            fields.cluster("node_pools"),
            "no Linux node pool: the Arc agents and system pods run only on Linux nodes",
            "add a Linux pool, e.g. {name: nodepool1, count: 1, os_type: Linux}",
        )


def os_skus(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    for i, pool in enumerate(spec.cluster.node_pools):
        allowed = OS_SKUS[pool.os_type]
        if pool.os_sku not in allowed:
            yield error(
                "ARC_OS_SKU_MISMATCH",
                fields.pool(i, "os_sku"),
                f"node pool {pool.name} is {pool.os_type} with OS SKU {pool.os_sku}; {pool.os_type} pools take "
                f"{' or '.join(allowed)}",
                f"set os_sku to {allowed[-1]} (or leave it out)",
            )


def vm_sizes(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    # Warnings: the list is the documented one; live preflight reads what the custom location offers.
    size = spec.cluster.control_plane.vm_size
    if size not in CONTROL_PLANE_SIZES:
        yield _size(fields.cluster("control_plane.vm_size"), f"control-plane size {size}", CONTROL_PLANE_SIZES)
    for i, pool in enumerate(spec.cluster.node_pools):
        if pool.vm_size not in WORKER_SIZES:
            yield _size(fields.pool(i, "vm_size"), f"node pool {pool.name}'s size {pool.vm_size}", WORKER_SIZES)


def _size(field: str, what: str, documented: tuple[str, ...]) -> Finding:
    return warning(
        "ARC_VM_SIZE_UNSUPPORTED",
        field,
        f"{what} is not among the sizes documented for AKS on Azure Local ({', '.join(documented)})",
        "use a documented size; `aksnet plan --live` checks the sizes your custom location offers",
    )


def network_policy(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    policy = spec.cluster.network_policy
    if policy.lower() == "flannel":
        yield error(
            "RETIRED_FEATURE",
            fields.cluster("network_policy"),
            "Flannel was retired in December 2023 (AKS on Azure Local and Windows Server); the ARM API offers "
            "only Calico",
            "use network_policy: calico",
        )
    elif policy.lower() != "calico":
        yield error(
            "ARC_POLICY_UNSUPPORTED",
            fields.cluster("network_policy"),
            f"network policy {policy!r}: AKS on Azure Local's API (2024-01-01) supports only calico "
            "(cilium exists only in a 2026 preview API)",
            "use network_policy: calico",
        )


def fixed_service_range(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    asked = spec.cluster.service_cidr
    if asked is not None and asked != SERVICE_CIDR:
        yield error(
            "ARC_SERVICE_CIDR_FIXED",
            fields.cluster("service_cidr"),
            f"service CIDR {asked}: AKS on Azure Local fixes it at {SERVICE_CIDR}; it cannot be chosen",
            "remove service_cidr and keep the logical network and pod CIDR out of 10.96.0.0/12",
        )


def load_balancer_vms(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    count = spec.cluster.load_balancer_count
    if count:
        yield warning(
            "ARC_LB_VM_COUNT",
            fields.cluster("load_balancer_count"),
            f"{count} HAProxy load-balancer VM(s): each takes an address from the IP pool (counted in the "
            "capacity) and Microsoft's own templates leave this at 0",
            "use load_balancer_count: 0 with MetalLB (load_balancer_ips) for services",
        )


RULES = (
    cluster_name,
    control_plane_count,
    pool_counts,
    cluster_limits,
    linux_pool,
    os_skus,
    vm_sizes,
    network_policy,
    fixed_service_range,
    load_balancer_vms,
)
