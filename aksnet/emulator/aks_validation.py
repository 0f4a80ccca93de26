"""What AKS rejects synchronously at PUT time, checked as the RP would, independent of aksnet's planner.

Codes come from arm-facts §2.2 where a real one is known; the others are listed in
`errors.EMULATED_CODES` and marked in every response that carries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aksnet.emulator import (
    aks_access_rules,
    aks_cidr_rules,
    aks_dual_stack_rules,
    aks_identity_rules,
    aks_lb_rules,
    aks_pod_subnet_rules,
    aks_pool_rules,
    aks_subnet_rules,
)
from aksnet.emulator.aks_model import Net
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import aks_bad_request

MAX_PODS = (10, 250)
MAX_COUNT = 1000


@dataclass(frozen=True)
class Subject:
    """The cluster being validated: its id, filled body, network view and Windows password (if sent)."""

    cluster_id: str
    mc: dict[str, Any]
    net: Net
    password: str | None
    password_on_file: bool


def validate(ctx: Ctx, subject: Subject) -> None:
    net = subject.net
    aks_pool_rules.check_cluster(str(subject.mc.get("name") or ""), subject.mc.get("properties") or {})
    check_pools(net)
    check_plugin(net)
    check_policy(net)
    check_windows(subject)
    aks_dual_stack_rules.check_families(net)
    aks_cidr_rules.check_cidrs(net)
    aks_pod_subnet_rules.check_pools(net)
    subnets = [aks_subnet_rules.require_subnet(ctx, s) for s in net.subnet_ids]
    pod_subnets = [aks_subnet_rules.require_subnet(ctx, s, pods=True) for s in net.pod_subnet_ids]
    aks_pod_subnet_rules.check_subnets(ctx, subject.cluster_id, net, subnets, pod_subnets)
    for subnet in subnets:
        aks_subnet_rules.check_subnet(ctx, subject.cluster_id, net, subnet)
    for pod_subnet in pod_subnets:
        aks_subnet_rules.check_pod_subnet(subject.cluster_id, pod_subnet)
    aks_dual_stack_rules.check_subnets(ctx, net, subnets)
    aks_subnet_rules.check_capacity(net, subnets)
    aks_subnet_rules.check_outbound(ctx, net, subnets)
    aks_identity_rules.check_identity(ctx, subject, subnets, pod_subnets)
    aks_access_rules.check_access(ctx, subject, subnets)
    aks_lb_rules.check_load_balancer(ctx, subject)


def check_pools(net: Net) -> None:
    for pool in net.pools:
        if not MAX_PODS[0] <= pool.max_pods <= MAX_PODS[1]:
            raise aks_bad_request(
                "InvalidParameter", "The value of parameter maxPods is invalid.", "agentPoolProfile.maxPods"
            )
        low = 1 if pool.mode == "System" else 0
        if not low <= pool.count <= MAX_COUNT:
            raise aks_bad_request(
                "InvalidParameter",
                f"agentPoolProfile.count was {pool.count}. It must be greater or equal to minCount:{low} "
                "and less "
                f"than or equal to maxCount:{MAX_COUNT}.",
                "agentPoolProfile.count",
            )


def check_plugin(net: Net) -> None:
    if net.mode == "overlay" and net.plugin != "azure":
        raise aks_bad_request(
            "NetworkPluginModeRequiresAzure",
            f"networkPluginMode overlay requires networkPlugin azure, not {net.plugin}.",
            "networkProfile.networkPluginMode",
        )
    if net.flat_cni and net.pod_cidr:
        raise aks_bad_request(
            "PodCidrNotSupportedWithAzureCNI",
            f"podCidr {net.pod_cidr} cannot be used with network plugin azure unless networkPluginMode is overlay.",
            "networkProfile.podCidr",
        )
    if net.dataplane == "cilium" and net.plugin != "azure":
        raise aks_bad_request(
            "CiliumDataplaneRequiresAzureCNI",
            f"networkDataplane cilium requires networkPlugin azure, not {net.plugin}.",
            "networkProfile.networkDataplane",
        )


def check_policy(net: Net) -> None:
    target = "networkProfile.networkPolicy"
    if net.plugin == "none" and net.policy != "none":
        raise aks_bad_request(
            "NetworkPolicyRequiresNetworkPlugin",
            f"NetworkPolicy {net.policy} is not supported for network plugin none.",
            target,
        )
    if net.plugin == "kubenet" and net.policy == "azure":
        raise aks_bad_request(
            "NetworkPolicyAzureNotSupportedForKubenet",
            "NetworkPolicy azure is not supported for network plugin kubenet",
            target,
        )
    if net.policy == "cilium" and net.dataplane != "cilium":
        raise aks_bad_request(
            "NetworkPolicyNotSupported",
            "Network Policy cilium requires NetworkDataplane cilium",
            target,
            subcode="NetworkPolicyCiliumRequiresCiliumDataplane",
        )
    if net.dataplane == "cilium" and net.policy != "cilium":
        raise aks_bad_request(
            "BadRequest",
            "Cilium dataplane requires network policy cilium.",
            target,
            "CiliumDataplaneRequiresNetworkPolicyCilium",
        )


def check_windows(subject: Subject) -> None:
    net = subject.net
    if subject.password is not None:
        check_password(subject.password)
    if not net.windows:
        return
    target = "agentPoolProfile.osType"
    if net.plugin == "kubenet":
        raise aks_bad_request(
            "WindowsNotSupportedWithKubenet",
            "Windows agent pools require network plugin azure, not kubenet.",
            target,
        )
    if net.dataplane == "cilium":
        raise aks_bad_request(
            "CiliumNotSupportedWithWindows", "Azure CNI Powered by Cilium supports Linux pools only.", target
        )
    if net.policy == "azure":
        raise aks_bad_request(
            "AzureNetworkPolicyRetiredForWindows",
            "Azure Network Policy Manager on Windows reached end of support on 2026-09-30; use Calico or Cilium.",
            "networkProfile.networkPolicy",
        )
    profile = subject.mc["properties"].get("windowsProfile") or {}
    if not profile.get("adminUsername") or not (subject.password or subject.password_on_file):
        raise aks_bad_request(
            "WindowsProfileRequired",
            "A cluster with Windows agent pools needs windowsProfile.adminUsername and adminPassword.",
            "windowsProfile",
        )


def check_password(password: str) -> None:
    """Windows Server rules: 14-123 characters and 3 of 4 character classes. Never echoed."""
    classes = [any(c.islower() for c in password), any(c.isupper() for c in password)]
    classes += [any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]
    if not 14 <= len(password) <= 123 or sum(classes) < 3:
        raise aks_bad_request(
            "InvalidWindowsAdminPassword",
            "windowsProfile.adminPassword must be 14 to 123 characters long and contain 3 of: a lower-case "
            "letter, an upper-case letter, a digit, a special character.",
            "windowsProfile.adminPassword",
        )
