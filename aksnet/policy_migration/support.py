"""What AKS supports, and until when: end-of-support dates and the Kubernetes versions moves need.

Doc names in comments are files of MicrosoftDocs/azure-aks-docs under ``articles/aks/``.
"""

from __future__ import annotations

from datetime import date

from aksnet.policy_migration.cluster import ClusterNetwork

# includes/kubenet-retirement.md and includes/azure-network-policy-manager-{linux,windows}-retirement.md
KUBENET_END_OF_SUPPORT = date(2028, 3, 31)
NPM_LINUX_END_OF_SUPPORT = date(2028, 9, 30)
NPM_WINDOWS_END_OF_SUPPORT = date(2026, 9, 30)

# update-azure-cni.md: the overlay update needs a cluster that "Is on Kubernetes version 1.27 or later".
OVERLAY_MIN_KUBERNETES = (1, 27)
# azure-cni-overlay.md, "Dual-stack networking with Azure CNI Powered by Cilium": Kubernetes 1.29 or later.
DUAL_STACK_CILIUM_MIN_KUBERNETES = (1, 29)
# azure-cni-powered-by-cilium.md version table: Kubernetes 1.32 ships Cilium 1.17.9, the first with endPort.
CILIUM_END_PORT_MIN_KUBERNETES = (1, 32)


def minor_version(version: str | None) -> tuple[int, int] | None:
    """(major, minor) of a Kubernetes version such as "1.30.4" or "v1.30"; None when unreadable."""
    parts = (version or "").lstrip("v").split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return None


def older_than(current: ClusterNetwork, minimum: tuple[int, int]) -> bool:
    """Whether the cluster runs a Kubernetes minor version below ``minimum`` (an unknown one is not)."""
    version = minor_version(current.kubernetes_version)
    return version is not None and version < minimum
