"""Refusals: each move AKS does not support, checked before any step is planned, with the nearest
supported alternative.

Doc names in comments are files of MicrosoftDocs/azure-aks-docs under ``articles/aks/``; ``arm-facts`` is
/work/shared/arm-facts.md.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import date

from aksnet.errors import MigrationRefused
from aksnet.policy_migration.cluster import ENGINE_NAMES, ENGINES, ClusterNetwork
from aksnet.policy_migration.support import (
    DUAL_STACK_CILIUM_MIN_KUBERNETES,
    NPM_LINUX_END_OF_SUPPORT,
    NPM_WINDOWS_END_OF_SUPPORT,
    OVERLAY_MIN_KUBERNETES,
    older_than,
)

# concepts-network-cni-overview.md: AKS rejects pod CIDRs overlapping these "during cluster creation or
# update".
RESERVED_RANGES = tuple(
    ipaddress.ip_network(cidr) for cidr in ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
)


def refuse_unsupported(current: ClusterNetwork, target: str, today: date) -> None:
    """Raise MigrationRefused for the first of the checks below that the move fails."""
    for refuse in _REFUSALS:
        refuse(current, target, today)


def refuse_unknown_target(current: ClusterNetwork, target: str) -> None:
    if target not in ENGINES:
        raise MigrationRefused(
            f"Unknown network policy engine {target!r} for cluster {current.name}.",
            "--to none, azure, calico or cilium.",
            "UNKNOWN_TARGET",
        )


def refuse_unless_succeeded(current: ClusterNetwork) -> None:
    # A running operation makes any PUT fail with 409 OperationNotAllowed (arm-facts §2.2).
    if current.provisioning_state.lower() != "succeeded":
        state = current.provisioning_state or "unknown"
        raise MigrationRefused(
            f"Cluster {current.name} is in provisioningState {state!r}, not 'Succeeded'.",
            "wait for the running operation to finish, or reconcile the failed one "
            "(`az aks update` with no changes), then run migrate-policy again.",
            "CLUSTER_NOT_SUCCEEDED",
        )


def _refuse_unknown_plugin(current: ClusterNetwork, target: str, today: date) -> None:
    if current.plugin not in ("kubenet", "azure", "none"):
        raise MigrationRefused(
            f"Cluster {current.name} reports networkPlugin {current.plugin!r}; aksnet cannot plan from it.",
            "re-read the cluster with a current api-version (Azure always returns networkPlugin).",
            "NETWORK_PLUGIN_UNKNOWN",
        )


def _refuse_byo_cni(current: ClusterNetwork, target: str, today: date) -> None:
    # use-byo-cni.md: with networkPlugin none the user's own CNI owns pod networking and policy.
    if current.plugin == "none" and target != "none":
        raise MigrationRefused(
            f"Cluster {current.name} uses bring-your-own CNI (networkPlugin none), which cannot take "
            f"an AKS-managed policy engine such as {ENGINE_NAMES[target]}.",
            "enforce policy with the CNI you installed, or create a cluster with Azure CNI Overlay "
            "and --network-dataplane cilium and move the workloads to it.",
            "BYO_CNI_NO_MANAGED_ENGINE",
        )


def _refuse_leaving_cilium(current: ClusterNetwork, target: str, today: date) -> None:
    # update-azure-cni.md documents moves onto the Cilium dataplane only; no doc describes leaving it.
    if current.dataplane == "cilium" and target != "cilium":
        raise MigrationRefused(
            f"Cluster {current.name} runs Azure CNI Powered by Cilium; leaving the Cilium dataplane "
            f"or Cilium network policy (for {ENGINE_NAMES[target]}) is not supported by AKS.",
            "keep Cilium and relax or delete NetworkPolicy objects instead; for another engine, "
            "create a new cluster and move the workloads to it.",
            "LEAVING_CILIUM_UNSUPPORTED",
        )


def _refuse_cilium_with_windows(current: ClusterNetwork, target: str, today: date) -> None:
    # update-azure-cni.md: the Cilium update "isn't supported on clusters with Windows node pools".
    if target == "cilium" and current.windows_pool_count:
        raise MigrationRefused(
            f"Cluster {current.name} has {current.windows_pool_count} Windows node pool(s); Azure CNI "
            "Powered by Cilium is Linux only and cannot be enabled with Windows pools.",
            "--to calico (Linux and Windows pools), or remove the Windows pools first.",
            "CILIUM_WINDOWS_POOLS",
        )


def _refuse_cilium_with_nap(current: ClusterNetwork, target: str, today: date) -> None:
    # update-azure-cni.md: clusters with node auto-provisioning can't be updated to Cilium.
    if target == "cilium" and current.node_auto_provisioning:
        raise MigrationRefused(
            f"Cluster {current.name} has node auto-provisioning (NAP) enabled, which blocks the "
            "update to Azure CNI Powered by Cilium.",
            "disable NAP (nodeProvisioningProfile.mode Manual), run migrate-policy --to cilium, then re-enable NAP.",
            "CILIUM_WITH_NODE_AUTO_PROVISIONING",
        )


def _refuse_dual_stack_engine(current: ClusterNetwork, target: str, today: date) -> None:
    # azure-cni-overlay.md and configure-kubenet-dual-stack.md: dual-stack supports neither Azure nor
    # Calico network policies.
    if target in ("azure", "calico") and current.dual_stack:
        raise MigrationRefused(
            f"Cluster {current.name} is dual-stack (ipFamilies {', '.join(current.ip_families)}); "
            f"{ENGINE_NAMES[target]} network policies are not supported on dual-stack clusters.",
            "--to cilium (Cilium enforces IPv4 and IPv6 policy on dual-stack Azure CNI Overlay).",
            "POLICY_NOT_SUPPORTED_DUAL_STACK",
        )


def _refuse_dual_stack_cilium_on_old_kubernetes(current: ClusterNetwork, target: str, today: date) -> None:
    if target == "cilium" and current.dual_stack and older_than(current, DUAL_STACK_CILIUM_MIN_KUBERNETES):
        raise MigrationRefused(
            f"Cluster {current.name} is dual-stack on Kubernetes {current.kubernetes_version}; "
            "dual-stack with Azure CNI Powered by Cilium needs Kubernetes 1.29 or later.",
            "upgrade the cluster to Kubernetes 1.29 or later, then run migrate-policy --to cilium.",
            "CILIUM_DUAL_STACK_NEEDS_K8S_1_29",
        )


def _refuse_npm_on_kubenet(current: ClusterNetwork, target: str, today: date) -> None:
    # configure-kubenet.md: "Azure Network Policies aren't supported with kubenet"; the API answers
    # NetworkPolicyAzureNotSupportedForKubenet (arm-facts §2.2).
    if target == "azure" and current.plugin == "kubenet":
        raise MigrationRefused(
            f"Cluster {current.name} uses kubenet, and Azure Network Policy Manager is not supported on kubenet.",
            "migrate to Azure CNI Overlay first, or choose --to calico (supported on kubenet) or "
            "--to cilium (aksnet moves the cluster to Azure CNI Overlay on the way).",
            "NPM_ON_KUBENET",
        )


def _refuse_retired_npm(current: ClusterNetwork, target: str, today: date) -> None:
    if target != "azure":
        return
    # includes/azure-network-policy-manager-windows-retirement.md: no onboarding after 2026-09-30.
    if current.windows_pool_count and today > NPM_WINDOWS_END_OF_SUPPORT:
        raise MigrationRefused(
            f"Cluster {current.name} has {current.windows_pool_count} Windows node pool(s), and Azure "
            f"NPM on Windows reached end of support on {NPM_WINDOWS_END_OF_SUPPORT.isoformat()}; it "
            "can no longer be installed.",
            "--to calico (supports Windows pools), or remove the Windows pools and use --to cilium.",
            "NPM_WINDOWS_RETIRED",
        )
    if today > NPM_LINUX_END_OF_SUPPORT:
        raise MigrationRefused(
            f"Azure NPM on Linux reached end of support on {NPM_LINUX_END_OF_SUPPORT.isoformat()}; "
            f"aksnet does not install it on cluster {current.name}.",
            "--to cilium (the documented successor), or --to calico.",
            "NPM_RETIRED",
        )


def _refuse_overlay_preconditions(current: ClusterNetwork, target: str, today: date) -> None:
    if _needs_overlay(current, target):
        for refuse in (_overlay_identity, _overlay_kubernetes, _overlay_pod_subnet, _overlay_pod_cidr):
            refuse(current)


def _overlay_identity(current: ClusterNetwork) -> None:
    # update-azure-cni.md, Kubenet tab: detaching the route table needs a user-assigned managed
    # identity; "System-assigned managed identities aren't supported."
    if current.identity_type != "UserAssigned":
        raise MigrationRefused(
            f"Cluster {current.name} uses kubenet with identity type {current.identity_type}; the move "
            "to Azure CNI Overlay (needed before Cilium) requires a user-assigned managed identity to "
            "detach the route table.",
            "give the cluster a user-assigned control-plane identity (`az aks update --assign-identity "
            "<id>`, with Network Contributor on the subnet and route table) and run --to cilium again; "
            "or stay on kubenet with --to calico.",
            "OVERLAY_NEEDS_USER_ASSIGNED_IDENTITY",
        )


def _overlay_kubernetes(current: ClusterNetwork) -> None:
    if older_than(current, OVERLAY_MIN_KUBERNETES):
        raise MigrationRefused(
            f"Cluster {current.name} runs Kubernetes {current.kubernetes_version}; the move from "
            "kubenet to Azure CNI Overlay (needed before Cilium) requires Kubernetes 1.27 or later.",
            "upgrade the cluster to Kubernetes 1.27 or later first, or stay on kubenet with --to calico.",
            "OVERLAY_NEEDS_K8S_1_27",
        )


def _overlay_pod_subnet(current: ClusterNetwork) -> None:
    # update-azure-cni.md: the cluster must not use dynamic IP allocation (podSubnetID).
    if current.pod_subnet:
        raise MigrationRefused(
            f"Cluster {current.name} has node pools with podSubnetID (dynamic IP allocation), which "
            "blocks the move to Azure CNI Overlay.",
            "move the pools off podSubnetID first, or stay on kubenet with --to calico.",
            "OVERLAY_BLOCKED_BY_POD_SUBNET",
        )


def _overlay_pod_cidr(current: ClusterNetwork) -> None:
    # update-azure-cni.md, Kubenet tab: the pod CIDR is kept; it must not overlap the service CIDR.
    pod = _parse_network(current.pod_cidr)
    if pod is None:
        raise MigrationRefused(
            f"Cluster {current.name} has no valid pod CIDR (podCidr {current.pod_cidr!r}), and kubenet "
            "keeps its pod CIDR when it moves to Azure CNI Overlay.",
            "re-read the cluster (Azure returns podCidr for kubenet) or fix its network profile first.",
            "POD_CIDR_INVALID",
        )
    service = _parse_network(current.service_cidr)
    if service is not None and pod.overlaps(service):
        raise MigrationRefused(
            f"Pod CIDR {pod} of cluster {current.name} overlaps its service CIDR {service}, which "
            "Azure CNI Overlay rejects.",
            "move to overlay with a new pod CIDR (`az aks update --network-plugin azure "
            "--network-plugin-mode overlay --pod-cidr <private range>`), then run --to cilium.",
            "POD_CIDR_OVERLAPS_SERVICE_CIDR",
        )
    reserved = next((r for r in RESERVED_RANGES if r.version == pod.version and pod.overlaps(r)), None)
    if reserved is not None:
        raise MigrationRefused(
            f"Pod CIDR {pod} of cluster {current.name} overlaps the reserved range {reserved}, which "
            "AKS rejects on update.",
            "move to overlay with a new pod CIDR outside 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 "
            "and 192.0.2.0/24 (`--pod-cidr`), then run --to cilium.",
            "POD_CIDR_RESERVED_RANGE",
        )


_REFUSALS: tuple[Callable[[ClusterNetwork, str, date], None], ...] = (
    _refuse_unknown_plugin,
    _refuse_byo_cni,
    _refuse_leaving_cilium,
    _refuse_cilium_with_windows,
    _refuse_cilium_with_nap,
    _refuse_dual_stack_engine,
    _refuse_dual_stack_cilium_on_old_kubernetes,
    _refuse_npm_on_kubenet,
    _refuse_retired_npm,
    _refuse_overlay_preconditions,
)


def _needs_overlay(current: ClusterNetwork, target: str) -> bool:
    # update-azure-cni.md: "Kubenet clusters can't migrate directly to the Cilium data plane."
    return target == "cilium" and current.plugin == "kubenet"


def _parse_network(cidr: str | None) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(cidr, strict=True) if cidr else None
    except ValueError:
        return None
