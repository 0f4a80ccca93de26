"""Generations and scale of the Azure Local instance (azure-local.md §1, §3.5, §3.7, seed 001).

The PowerShell generation is planned and checked, never provisioned: AKS on Azure Local 22H2 is out
of service since 2025-05-31, AKS on Windows Server retires on 2028-03-27 [RET-WS]. Its workload
clusters sharing one AksHciClusterNetwork can get duplicate load-balancer IPs (the seed's note).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from aksnet.arc.spec import ArcSpec
from aksnet.findings import Finding, error, warning
from aksnet.rules.base import RuleContext

END_22H2 = date(2025, 5, 31)
END_WINDOWS_SERVER = date(2028, 3, 27)
CLUSTERS_PER_INSTANCE = 32
CLUSTERS_WITH_AUTOSCALER = 12
MOVE = "AKS on Azure Local 23H2 or later (generation: 23h2), managed through Azure Resource Manager"
GENERATIONS = {
    "22h2": ("AKS on Azure Local 22H2 (the PowerShell generation)", END_22H2),
    "windows-server": ("AKS on Windows Server 2019/2022", END_WINDOWS_SERVER),
}


def retirement(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    if spec.arc.generation not in GENERATIONS:
        return
    what, end = GENERATIONS[spec.arc.generation]
    if ctx.today > end:
        yield error("RETIRED_FEATURE", "arc.generation", f"{what} reached end of support on {end}", f"move to {MOVE}")
    else:
        yield warning(
            "RETIRED_FEATURE",
            "arc.generation",
            f"{what} reaches end of support on {end}: no deploy, upgrade or scale after it",
            f"plan the move to {MOVE}",
        )


def powershell_generation(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    if not spec.provisions:
        yield error(
            "ARC_POWERSHELL_GENERATION",
            "arc.generation",
            f"generation {spec.arc.generation} is managed with PowerShell on the hosts (New-AksHciCluster), "
            "which has no Azure Resource Manager API: aksnet checks this plan but cannot provision it",
            f"provision with New-AksHciCluster, or move to {MOVE}",
        )


def shared_network_object(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    if not spec.provisions and spec.arc.other_clusters > 0:
        yield warning(
            "ARC_SHARED_NETWORK_LB",
            "arc.other_clusters",
            f"{spec.cluster.name} shares its network object (AksHciClusterNetwork) with "
            f"{spec.arc.other_clusters} other workload cluster(s): two workloads on different ports can get "
            "the same load-balancer IP from HAProxy and lose connections at random",
            "deploy the workloads on the same port (each gets its own service IP), or give this cluster its own "
            "AksHciClusterNetwork",
        )


def cluster_count(spec: ArcSpec, ctx: RuleContext) -> Iterator[Finding]:
    total = spec.arc.other_clusters + 1
    autoscaled = any(p.enable_auto_scaling for p in spec.cluster.node_pools)
    limit = CLUSTERS_WITH_AUTOSCALER if autoscaled else CLUSTERS_PER_INSTANCE
    if total > limit:
        why = " with the autoscaler on" if autoscaled else ""
        yield warning(
            "ARC_CLUSTER_LIMIT",
            "arc.other_clusters",
            f"{total} AKS clusters on one Azure Local instance exceed the {limit} supported{why} "
            "(counting only those on this network)",
            "spread clusters over Azure Local instances" + (", or turn the autoscaler off" if autoscaled else ""),
        )


RULES = (retirement, powershell_generation, shared_network_object, cluster_count)
