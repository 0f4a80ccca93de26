"""Azure CNI pod subnet rules: where a pod subnet may be, how pools share it, and its size (breadth.md §1b)."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet import sizing
from aksnet.findings import Finding, error, warning
from aksnet.netcalc import POD_IP_BATCH, STATIC_BLOCK, SubnetCapacity, smallest_subnet_for, usable_blocks
from aksnet.rules.base import RuleContext, pool_field
from aksnet.spec import Spec, SubnetSpec

STATIC_BLOCK_MIN_KUBERNETES = (1, 28)
STATIC_BLOCK_LARGEST_PREFIX = 12  # "maximum pod subnet size /12"


def kubernetes_older_than(version: str | None, minimum: tuple[int, ...]) -> bool:
    """Whether an explicit MAJOR.MINOR[.PATCH] is below `minimum`, compared on the parts it gives (AKS takes
    MAJOR.MINOR as that minor's latest patch); None (AKS's default) never is."""
    if version is None:
        return False
    try:
        given = tuple(int(p) for p in version.split(".")[: len(minimum)])
    except ValueError:
        return False  # a malformed version is the SPEC_INVALID rule's to report
    return len(given) >= 2 and given < minimum[: len(given)]


def pod_subnet_plugin(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """A pod subnet is Azure CNI's (not kubenet, BYO CNI or overlay)."""
    cluster = spec.cluster
    if cluster.flat_azure_cni:
        return
    model = "Azure CNI Overlay" if cluster.overlay else f"network plugin {cluster.plugin}"
    for i, pool in enumerate(cluster.node_pools):
        if pool.pod_subnet is not None:
            yield error(
                "POD_SUBNET_REQUIRES_AZURE_CNI",
                pool_field(i, "pod_subnet"),
                f"pool {pool.name} has pod subnet {pool.pod_subnet}, but {model} does not take pod addresses "
                "from a subnet; a pod subnet needs Azure CNI (network_plugin: azure without a plugin mode)",
                "drop pod_subnet, or set cluster.network_plugin: azure and cluster.network_plugin_mode: null",
            )


def pod_subnet_on_every_pool(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """Every pool has a pod subnet, or none does."""
    # "The entire cluster should use only one type of CNI" (configure-azure-cni-dynamic-ip-allocation FAQ).
    pools = spec.cluster.node_pools
    with_subnet = [p.name for p in pools if p.pod_subnet]
    if not with_subnet or not spec.cluster.flat_azure_cni:
        return
    for i, pool in enumerate(pools):
        if pool.pod_subnet is None:
            yield error(
                "POD_SUBNET_MIXED",
                pool_field(i, "pod_subnet"),
                f"pool {pool.name} has no pod subnet while pool(s) {', '.join(with_subnet)} have one; a cluster "
                "uses pod subnets on every pool or on none",
                f"give pool {pool.name} a pod_subnet (it may share one with other pools)",
            )


def pod_subnet_not_a_node_subnet(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """A pod subnet holds no nodes."""
    # "the VMs cannot be deployed in pod's subnet" (concepts-network-legacy-cni FAQ).
    node_subnets = {s.name.lower(): s for s in spec.node_subnets()}
    for i, pool in enumerate(spec.cluster.node_pools):
        name = (pool.pod_subnet or "").lower()
        if name in node_subnets:
            users = [p.name for p in spec.cluster.node_pools if (p.subnet or "").lower() == name]
            yield error(
                "POD_SUBNET_IS_NODE_SUBNET",
                pool_field(i, "pod_subnet"),
                f"pool {pool.name}'s pod subnet {pool.pod_subnet} is also the node subnet of pool(s) "
                f"{', '.join(users)}; nodes cannot be placed in a pod subnet",
                "declare a subnet for pods alone in vnet.subnets and name it in pod_subnet",
            )


def allocation_modes(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """A mode only with a pod subnet; one mode per pod subnet."""
    modes: dict[str, tuple[str, str]] = {}  # pod subnet -> (mode, first pool)
    for i, pool in enumerate(spec.cluster.node_pools):
        if pool.pod_ip_allocation_mode is not None and pool.pod_subnet is None:
            yield error(
                "POD_IP_ALLOCATION_MODE_INVALID",
                pool_field(i, "pod_ip_allocation_mode"),
                f"pool {pool.name} sets pod_ip_allocation_mode {pool.pod_ip_allocation_mode} without a pod subnet",
                "add pod_subnet to the pool, or drop pod_ip_allocation_mode",
            )
        if pool.pod_subnet is None or pool.allocation_mode is None:
            continue
        mode, first = modes.setdefault(pool.pod_subnet.lower(), (pool.allocation_mode, pool.name))
        if mode != pool.allocation_mode:
            yield error(
                "POD_SUBNET_MODE_CONFLICT",
                pool_field(i, "pod_ip_allocation_mode"),
                f"pool {pool.name} uses pod subnet {pool.pod_subnet} with {pool.allocation_mode}, pool {first} "
                f"with {mode}; a subnet serves one allocation mode",
                f"use {mode} on pool {pool.name} too, or give it a pod subnet of its own",
            )


def static_block(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """StaticBlock needs Kubernetes 1.28+ and a pod subnet no larger than /12."""
    static = [(i, p) for i, p in enumerate(spec.cluster.node_pools) if p.allocation_mode == "StaticBlock"]
    version = spec.cluster.kubernetes_version
    if static and kubernetes_older_than(version, STATIC_BLOCK_MIN_KUBERNETES):
        yield error(
            "KUBERNETES_VERSION_UNSUPPORTED",
            "cluster.kubernetes_version",
            f"pool(s) {', '.join(p.name for _, p in static)} use StaticBlock pod IP allocation, which needs "
            f"Kubernetes 1.28 or later; the cluster asks for {version}",
            "use Kubernetes 1.28 or later (or omit kubernetes_version), or DynamicIndividual",
        )
    for subnet in {s.name: s for _, p in static if (s := spec.pod_subnet_of(p)) is not None}.values():
        prefix = subnet.address_prefix
        if prefix is not None and prefix.prefixlen < STATIC_BLOCK_LARGEST_PREFIX:
            yield error(
                "POD_SUBNET_TOO_LARGE",
                f"{spec.vnet.subnet_field(subnet)}.address_prefix",
                f"pod subnet {subnet.name} {prefix} is larger than /12, the largest StaticBlock allocation supports",
                "use a /12 or smaller pod subnet",
            )


def pod_subnet_size(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """Each pod subnet holds its nodes' first batches or blocks (error), and full nodes' batches (warning)."""
    for subnet in spec.pod_subnets():
        cap = sizing.subnet_capacity(spec, subnet)
        if cap.usable is None or cap.free is None:
            continue
        field = f"{spec.vnet.subnet_field(subnet)}.address_prefix"
        if cap.free < 0:
            yield _too_small(subnet, field, cap)
        elif cap.needed_at_max_pods is not None and cap.needed_at_max_pods > cap.usable:
            yield warning(
                "POD_SUBNET_TOO_SMALL",
                field,
                f"pod subnet {subnet.name} {cap.prefix} has {cap.usable:,} usable addresses; the nodes start with "
                f"{cap.needed:,} (16 each), but full nodes of pool(s) {', '.join(cap.pools)} hold batches of 16 "
                f"until fewer than 8 are free: {cap.needed_at_max_pods:,} at maxPods",
                f"use a /{smallest_subnet_for(cap.needed_at_max_pods)} or larger to run every node full; pods past the "
                "subnet's size stay in ContainerCreating",
            )


def _too_small(subnet: SubnetSpec, field: str, cap: SubnetCapacity) -> Finding:
    assert cap.usable is not None
    if cap.allocation == "StaticBlock":
        blocks = usable_blocks(subnet.address_prefix) if subnet.address_prefix else 0
        how = (
            f"{blocks} usable /28 blocks (the first and last hold Azure's reserved addresses); the pools need "
            f"ceil((maxPods + 1) / 16) blocks per node: {cap.needed // STATIC_BLOCK}"
        )
        fits = smallest_subnet_for(cap.needed + 2 * STATIC_BLOCK)
    else:
        how = f"{cap.usable:,} usable addresses; every node takes a first batch of {POD_IP_BATCH}: {cap.needed:,}"
        fits = smallest_subnet_for(cap.needed)
    return error(
        "POD_SUBNET_TOO_SMALL",
        field,
        f"pod subnet {subnet.name} {cap.prefix} has {how}, for the nodes and surge of pool(s) {', '.join(cap.pools)}",
        f"use a /{fits} or larger pod subnet",
    )


RULES = (
    pod_subnet_plugin,
    pod_subnet_on_every_pool,
    pod_subnet_not_a_node_subnet,
    allocation_modes,
    static_block,
    pod_subnet_size,
)
