"""Which plugin, mode, dataplane, policy engine and node OS work together (domain.md, arm-facts §4.1)."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet.findings import Finding, error, warning
from aksnet.rules.base import RuleContext, pool_field
from aksnet.spec import Spec


def plugin_mode(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    cluster = spec.cluster
    if cluster.network_plugin_mode == "overlay" and cluster.plugin != "azure":
        yield error(
            "PLUGIN_MODE_REQUIRES_AZURE",
            "cluster.network_plugin_mode",
            f"overlay mode is set with network plugin {cluster.plugin}; overlay is a mode of Azure CNI only",
            "set cluster.network_plugin: azure, or drop cluster.network_plugin_mode",
        )


def policy_engine(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    cluster = spec.cluster
    plugin, policy = cluster.plugin, cluster.policy
    if policy == "azure" and plugin != "azure":
        yield error(
            "POLICY_REQUIRES_AZURE_CNI",
            "cluster.network_policy",
            f"Azure Network Policy Manager does not work with network plugin {plugin}",
            "use network_policy: calico (kubenet) or cilium, or move to network_plugin: azure",
        )
    if policy == "calico" and plugin == "none":
        yield error(
            "POLICY_UNSUPPORTED_BY_PLUGIN",
            "cluster.network_policy",
            "with your own CNI (network_plugin: "
            "none) AKS installs no policy engine; calico cannot be managed by AKS here",
            "drop cluster.network_policy and install the engine with your CNI",
        )


def cilium(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    cluster = spec.cluster
    uses_cilium = cluster.dataplane == "cilium" or cluster.policy == "cilium"
    if uses_cilium and cluster.plugin != "azure":
        field = "cluster.network_dataplane" if cluster.dataplane == "cilium" else "cluster.network_policy"
        yield error(
            "CILIUM_REQUIRES_AZURE_CNI",
            field,
            f"Cilium needs Azure CNI (powered by Cilium); the network plugin is {cluster.plugin}",
            "set network_plugin: azure and network_plugin_mode: overlay",
        )
        return
    if cluster.policy == "cilium" and cluster.dataplane != "cilium":
        yield error(
            "POLICY_REQUIRES_CILIUM_DATAPLANE",
            "cluster.network_policy",
            f"network policy cilium needs network dataplane cilium; the dataplane is {cluster.dataplane}",
            "set cluster.network_dataplane: cilium",
        )
    if cluster.dataplane == "cilium" and cluster.policy != "cilium":
        yield error(
            "POLICY_REQUIRES_CILIUM_DATAPLANE",
            "cluster.network_policy",
            f"the Cilium dataplane enforces policy itself; network policy {cluster.policy} cannot run on it",
            "set cluster.network_policy: cilium (or omit it)",
        )


def windows_pools(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    cluster = spec.cluster
    for i, pool in enumerate(cluster.node_pools):
        if pool.os_type != "Windows":
            continue
        if cluster.plugin != "azure":
            yield error(
                "WINDOWS_REQUIRES_AZURE_CNI",
                pool_field(i, "os_type"),
                f"Windows pool {pool.name} needs "
                f"Azure CNI; network plugin {cluster.plugin} cannot run Windows containers",
                "set network_plugin: azure (overlay or flat), or make the pool Linux",
            )
        elif cluster.dataplane == "cilium" or cluster.policy == "cilium":
            yield error(
                "WINDOWS_UNSUPPORTED_BY_POLICY",
                pool_field(i, "os_type"),
                f"Windows pool {pool.name}: Cilium runs on Linux only",
                "use network_policy: calico for mixed Linux/Windows clusters",
            )


def kubenet_route_table(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """kubenet needs one route table on every pool subnet: declared when the pools use several."""
    if spec.cluster.plugin != "kubenet" or spec.route_table is not None:
        return
    subnets = spec.node_subnets()
    if len(subnets) > 1:
        # "Each AKS cluster must use a single, unique route table for all subnets associated with the
        # cluster", associated before the cluster (configure-kubenet); AKS does not add a new pool's subnet.
        yield error(
            "KUBENET_ROUTE_TABLE_REQUIRED",
            "route_table",
            f"kubenet pools are on {len(subnets)} subnets ({', '.join(s.name for s in subnets)}); every pool "
            "subnet needs one and the same route table before the cluster exists",
            "declare route_table (aksnet creates it and associates it with every pool subnet), or bring one",
        )
    elif subnets and spec.is_existing(subnets[0]):
        yield warning(
            "KUBENET_ROUTE_TABLE_MANAGED",
            "route_table",
            f"kubenet needs a route table on subnet "
            f"{subnets[0].name}; without one AKS creates its own and associates it with your subnet",
            "bring or declare a route_table to keep control of it",
        )


RULES = (plugin_mode, policy_engine, cilium, windows_pools, kubenet_route_table)
