"""AKS rules about pod subnets (Azure CNI dynamic and static block IP allocation) and per-pool subnets.

Only the pod-subnet-with-kubenet text is the service's own (Azure/AKS#3351); the other codes are in
`errors.EMULATED_CODES`.
"""

from __future__ import annotations

from aksnet.emulator import ids, netaddr, subnet_usage
from aksnet.emulator.aks_model import Net
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import aks_bad_request
from aksnet.emulator.store import Row

POD_SUBNET = "agentPoolProfile.podSubnetID"
STATIC_BLOCK_MIN_KUBERNETES = (1, 28)
STATIC_BLOCK_LARGEST_PREFIX = 12


def older_than(version: str, minimum: tuple[int, ...]) -> bool:
    """Whether a MAJOR.MINOR[.PATCH] Kubernetes version is below `minimum`, compared on the parts it gives
    (AKS takes MAJOR.MINOR as that minor's latest patch)."""
    try:
        given = tuple(int(p) for p in version.split(".")[: len(minimum)])
    except ValueError:
        return False
    return len(given) >= 2 and given < minimum[: len(given)]


def too_old(feature: str, version: str, minimum: tuple[int, ...]) -> Exception:
    """The refusal of a feature the cluster's Kubernetes version is too old for."""
    return aks_bad_request(
        "FeatureRequiresNewerKubernetesVersion",
        f"{feature} requires Kubernetes {'.'.join(map(str, minimum))} or later; the cluster uses {version}.",
        "properties.kubernetesVersion",
    )


def check_pools(net: Net) -> None:
    """What the pools' pod subnet settings say on their own: the plugin, all or none, a mode with a subnet."""
    with_subnet = [p for p in net.pools if p.pod_subnet_id]
    for pool in net.pools:
        if pool.pod_ip_allocation_mode and not pool.pod_subnet_id:
            raise aks_bad_request(
                "PodIPAllocationModeRequiresPodSubnet",
                f"Agent pool {pool.name} sets podIPAllocationMode {pool.pod_ip_allocation_mode} without podSubnetID.",
                "agentPoolProfile.podIPAllocationMode",
            )
    if not with_subnet:
        return
    if net.plugin not in ("azure", "none"):
        raise aks_bad_request(
            "InvalidParameter", "Can only specify a pod subnet when using network plugin Azure or None", POD_SUBNET
        )
    if net.overlay:
        raise aks_bad_request(
            "PodSubnetNotSupportedWithOverlay",
            "Azure CNI Overlay assigns pod IPs from the pod CIDR; podSubnetID cannot be used with it.",
            POD_SUBNET,
        )
    if len(with_subnet) != len(net.pools):
        missing = next(p.name for p in net.pools if not p.pod_subnet_id)
        raise aks_bad_request(
            "AllAgentPoolsMustUsePodSubnet",
            f"Agent pool {missing} has no podSubnetID while other agent pools have one; all agent pools of a "
            "cluster must use a pod subnet, or none.",
            POD_SUBNET,
        )
    _check_static_block_version(net)


def _check_static_block_version(net: Net) -> None:
    static = any(p.allocation_mode == "StaticBlock" for p in net.pools)
    if static and older_than(net.kubernetes_version, STATIC_BLOCK_MIN_KUBERNETES):
        raise too_old("podIPAllocationMode StaticBlock", net.kubernetes_version, STATIC_BLOCK_MIN_KUBERNETES)


def check_subnets(ctx: Ctx, cluster_id: str, net: Net, subnets: list[Row], pod_subnets: list[Row]) -> None:
    """Where the subnets are: one VNet, pods apart from nodes, one allocation mode per pod subnet."""
    vnets = {ids.key(ids.parent_of(s.id)) for s in (*subnets, *pod_subnets)}
    if len(vnets) > 1:
        raise aks_bad_request(
            "SubnetsMustBeInSameVnet",
            "All subnets of a cluster's agent pools (node and pod subnets) must belong to the same virtual network.",
            "agentPoolProfile.vnetSubnetID",
        )
    node_keys = {ids.key(s.id) for s in subnets}
    for pod_subnet in pod_subnets:
        if ids.key(pod_subnet.id) in node_keys:
            raise aks_bad_request(
                "PodSubnetCannotBeNodeSubnet",
                f"Subnet {pod_subnet.id} is used both as a node subnet and as a pod subnet; nodes cannot be "
                "deployed in a pod subnet.",
                POD_SUBNET,
            )
        _check_mode(ctx, cluster_id, net, pod_subnet)


def _check_mode(ctx: Ctx, cluster_id: str, net: Net, pod_subnet: Row) -> None:
    modes = {p.allocation_mode for p in net.pools if p.pod_subnet_id and ids.same(p.pod_subnet_id, pod_subnet.id)}
    modes |= {m for owner, m in _modes_of_others(ctx, cluster_id, pod_subnet)}
    if len(modes) > 1:
        raise aks_bad_request(
            "PodSubnetAllocationModeConflict",
            f"Subnet {pod_subnet.id} cannot serve both DynamicIndividual and StaticBlock pod IP allocation.",
            "agentPoolProfile.podIPAllocationMode",
        )
    cidr = netaddr.parse(subnet_usage.subnet_prefix(pod_subnet))
    if modes == {"StaticBlock"} and cidr is not None and cidr.prefixlen < STATIC_BLOCK_LARGEST_PREFIX:
        raise aks_bad_request(
            "PodSubnetTooLargeForStaticBlock",
            f"Pod subnet {pod_subnet.id} ({cidr}) is larger than /12, the largest static block allocation supports.",
            POD_SUBNET,
        )


def _modes_of_others(ctx: Ctx, cluster_id: str, pod_subnet: Row) -> list[tuple[str, str]]:
    found = []
    for other in ctx.tx.of_type(ids.MANAGED_CLUSTER):
        if ids.same(other.id, cluster_id):
            continue
        for pool in other.body["properties"].get("agentPoolProfiles") or []:
            if pool.get("podSubnetID") and ids.same(pool["podSubnetID"], pod_subnet.id):
                found.append((other.id, str(pool.get("podIPAllocationMode") or "DynamicIndividual")))
    return found


def pod_ips_per_node(mode: str | None, max_pods: int) -> int:
    """What a node takes from its pod subnet: a first batch of 16 (dynamic), or ceil((maxPods + 1) / 16) /28s."""
    if mode == "StaticBlock":
        return -(-(max_pods + 1) // 16) * 16
    return 16
