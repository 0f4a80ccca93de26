"""Warnings: what the user must know before a plan runs (reimages, unenforced policies, one-way moves,
retirements).

Doc names in comments are files of MicrosoftDocs/azure-aks-docs under ``articles/aks/``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from aksnet.policy_migration.cluster import ENGINE_NAMES, ClusterNetwork
from aksnet.policy_migration.plan import MigrationStep, MigrationWarning, sets_overlay
from aksnet.policy_migration.support import (
    CILIUM_END_PORT_MIN_KUBERNETES,
    KUBENET_END_OF_SUPPORT,
    NPM_LINUX_END_OF_SUPPORT,
    NPM_WINDOWS_END_OF_SUPPORT,
    minor_version,
)


def plan_warnings(
    current: ClusterNetwork, target: str, steps: Sequence[MigrationStep], today: date
) -> list[MigrationWarning]:
    """Every warning for the plan, in the order they are shown."""
    warnings = [_reimage_warning(current, steps)]
    warnings += _calico_resources_warning(current, steps)
    warnings += _not_enforced_warning(current, target, steps)
    warnings += _cilium_behaviour_warning(current, target)
    warnings += _one_way_warning(current, steps)
    warnings += retirement_warnings(current, target, steps, today)
    return warnings


def _reimage_warning(current: ClusterNetwork, steps: Sequence[MigrationStep]) -> MigrationWarning:
    # use-network-policies.md and update-azure-cni.md: each install, uninstall or CNI update reimages
    # every node pool simultaneously; pool-by-pool is not supported.
    return MigrationWarning(
        "REIMAGE_ALL_POOLS",
        f"This plan makes {len(steps)} cluster update(s) to {current.name}; each one reimages all "
        f"{len(current.pool_os)} node pool(s) at the same time (not pool by pool), with disruption "
        "like a node-image upgrade.",
    )


def _step_number(steps: Sequence[MigrationStep], predicate: Callable[[MigrationStep], bool]) -> int:
    return next(number for number, step in enumerate(steps, start=1) if predicate(step))


def _removes_engine(step: MigrationStep) -> bool:
    return step.set.get("networkPolicy") in ("none", "cilium")


def _calico_resources_warning(current: ClusterNetwork, steps: Sequence[MigrationStep]) -> list[MigrationWarning]:
    if current.policy != "calico":
        return []
    # use-network-policies.md, "Uninstall": Calico's CRDs and CRs stay; deleting them before Calico is
    # removed breaks the cluster.
    number = _step_number(steps, _removes_engine)
    return [
        MigrationWarning(
            "CALICO_RESOURCES_REMAIN",
            f"Step {number} uninstalls Calico from {current.name}, but its CRDs and custom resources "
            "(names ending in projectcalico.org or tigera.io) stay. Delete them by hand only after "
            f"step {number} has completed, never before: deleting them while Calico runs breaks the "
            "cluster.",
        )
    ]


def _not_enforced_warning(
    current: ClusterNetwork, target: str, steps: Sequence[MigrationStep]
) -> list[MigrationWarning]:
    subject = f"NetworkPolicy objects in {current.name}"
    if target == "none":
        # use-network-policies.md, "Uninstall": the objects stay but are no longer enforced.
        message = f"{subject} stay in the cluster but are no longer enforced after the update."
    elif target == "cilium":
        # update-azure-cni.md: "Cilium begins enforcing network policies only after all nodes are reimaged."
        last = len(steps)
        if current.policy == "none":
            message = f"Cilium enforces {subject} only once step {last} has reimaged every node."
        elif last == 1:
            message = f"{subject} are enforced inconsistently, or not at all, until step 1 has reimaged every node."
        else:
            message = f"{subject} are not enforced from step 1 until step {last} has reimaged every node."
    elif len(steps) == 2:
        message = (
            f"{subject} are not enforced between step 1 (uninstall {ENGINE_NAMES[current.policy]}) "
            f"and the end of step 2 (install {ENGINE_NAMES[target]})."
        )
    else:
        return []
    return [MigrationWarning("POLICIES_NOT_ENFORCED", message)]


def _end_port_support(current: ClusterNetwork) -> str:
    version = minor_version(current.kubernetes_version)
    if version is not None and version >= CILIUM_END_PORT_MIN_KUBERNETES:
        return f"endPort works (Kubernetes {current.kubernetes_version} ships Cilium 1.17 or later)"
    running = current.kubernetes_version or "an unknown version"
    return (
        f"endPort needs Cilium 1.17 (Kubernetes 1.32 or later; this cluster runs {running}), so "
        "replace port ranges with single ports first"
    )


# The engine a move to Cilium leaves names the warning: scripts match NPM's and Calico's separately.
BEHAVIOUR_CODES = {"azure": "NPM_TO_CILIUM_BEHAVIOUR", "calico": "CALICO_TO_CILIUM_BEHAVIOUR"}


def _cilium_behaviour_warning(current: ClusterNetwork, target: str) -> list[MigrationWarning]:
    if target != "cilium":
        return []
    # migrate-from-npm-to-cilium-network-policy.md, "Pre-migration validation"; the ipBlock limit is
    # Cilium's own (azure-cni-powered-by-cilium.md, Limitations), so it applies from Calico too.
    npm_only = ""
    if current.policy == "azure":
        npm_only = (
            " Ingress through LoadBalancer or NodePort services with externalTrafficPolicy Cluster, "
            "which NPM let through, becomes subject to ingress policy."
        )
    return [
        MigrationWarning(
            BEHAVIOUR_CODES.get(current.policy, "CILIUM_POLICY_BEHAVIOUR"),
            f"Cilium enforces some NetworkPolicy constructs in {current.name} differently from "
            f"{ENGINE_NAMES[current.policy]}: an ipBlock cannot select pod or node IPs (select pods "
            "with namespaceSelector/podSelector; allow nodes with a CiliumNetworkPolicy toEntities "
            "host/remote-node); named ports can be enforced wrongly, so use numbers; egress to the "
            f"pod's own node IP is blocked unless allowed; {_end_port_support(current)}.{npm_only} "
            "Run with --policies PATH to list the affected policies.",
        )
    ]


def _one_way_warning(current: ClusterNetwork, steps: Sequence[MigrationStep]) -> list[MigrationWarning]:
    if not any(sets_overlay(step) for step in steps):
        return []
    number = _step_number(steps, sets_overlay)
    # update-azure-cni.md, "Update the IPAM mode to Azure CNI Overlay" and its Kubenet tab.
    return [
        MigrationWarning(
            "KUBENET_TO_OVERLAY_ONE_WAY",
            f"Step {number} moves {current.name} from kubenet to Azure CNI Overlay; it is one-way and "
            f"irreversible. Pod CIDR {current.pod_cidr} is kept and must not overlap the VNet's "
            "subnets. AKS deletes the pod routes from a customer-provided route table, or deletes an "
            "AKS-managed route table entirely. A custom azure-ip-masq-agent configuration can break "
            "connectivity to the ranges it lists.",
        )
    ]


def retirement_warnings(
    current: ClusterNetwork, target: str, steps: Sequence[MigrationStep], today: date
) -> list[MigrationWarning]:
    """End-of-support notices for kubenet and Azure NPM, when the cluster or the plan involves them."""
    lines = _kubenet_retirement(current, steps, today) + _npm_retirement(current, target, today)
    return [MigrationWarning("RETIREMENT", line) for line in lines]


def _support_phrase(end: date, today: date) -> str:
    if today > end:
        return f"reached end of support on {end.isoformat()}"
    return f"reaches end of support on {end.isoformat()} ({(end - today).days} days after {today.isoformat()})"


def _kubenet_retirement(current: ClusterNetwork, steps: Sequence[MigrationStep], today: date) -> list[str]:
    if current.plugin != "kubenet":
        return []
    if any(sets_overlay(step) for step in steps):
        outcome = "this plan moves it to Azure CNI Overlay"
    else:
        outcome = "this plan keeps it on kubenet; --to cilium would move it to Azure CNI Overlay"
    return [f"kubenet on {current.name} {_support_phrase(KUBENET_END_OF_SUPPORT, today)}; {outcome}."]


def _npm_retirement(current: ClusterNetwork, target: str, today: date) -> list[str]:
    if "azure" not in (current.policy, target):
        return []
    if current.policy == target:
        role = "keeps"
    elif target == "azure":
        role = "installs"
    else:
        role = "removes"
    lines = [
        f"Azure NPM on Linux {_support_phrase(NPM_LINUX_END_OF_SUPPORT, today)}; this plan {role} NPM "
        f"on {current.name}; Cilium is the documented successor."
    ]
    if current.windows_pool_count:
        lines.append(
            f"Azure NPM on Windows {_support_phrase(NPM_WINDOWS_END_OF_SUPPORT, today)}; "
            f"{current.name} has {current.windows_pool_count} Windows node pool(s) and this plan "
            f"{role} NPM."
        )
    return lines
