"""What AKS rejects about a cluster's name, its agent pools and its Windows profile, checked as the RP would.

Sources: the ManagedCluster and AgentPool schemas (name patterns, count and autoscaler bounds, maxSurge,
adminUsername restrictions; arm-facts §3.2-3.3) and the RP's "Must define at least one system pool."
(Azure/AKS#1602). Codes without a published value are listed in `errors.EMULATED_CODES`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from aksnet.emulator.errors import aks_bad_request

CLUSTER_NAME = re.compile(r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$")
POOL_NAME = re.compile(r"^[a-z][a-z0-9]{0,11}$")
WINDOWS_POOL_NAME_MAX = 6
MIN_PODS_PER_POOL = 30
VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")
SURGE = re.compile(r"^(\d+)(%?)$")
WINDOWS_USERNAMES_DISALLOWED = frozenset(
    {
        *("administrator", "admin", "user", "user1", "user2", "user3", "user4", "user5", "test", "test1"),
        *("test2", "test3", "admin1", "admin2", "1", "123", "a", "actuser", "adm", "aspnet", "backup"),
        *("console", "david", "guest", "john", "owner", "root", "server", "sql", "support", "sys"),
        "support_388945a0",
    }
)


def check_cluster(name: str, props: dict[str, Any]) -> None:
    """The cluster's name, version, pools and Windows admin user, as the RP validates a PUT."""
    if not CLUSTER_NAME.match(name):
        raise aks_bad_request(
            "InvalidClusterName",
            f"The managed cluster name '{name}' is invalid: use 1-63 letters, digits, '-' and '_', starting "
            "and ending with a letter or digit.",
            "name",
        )
    version = props.get("kubernetesVersion")
    if version and not VERSION.match(str(version)):
        raise aks_bad_request(
            "InvalidKubernetesVersion",
            f"The value '{version}' of kubernetesVersion is not a Kubernetes version (MAJOR.MINOR[.PATCH]).",
            "properties.kubernetesVersion",
        )
    pools = [p for p in props.get("agentPoolProfiles") or [] if isinstance(p, dict)]
    check_pools(pools)
    check_admin_username(props.get("windowsProfile") or {})


def check_pools(pools: Sequence[dict[str, Any]]) -> None:
    if not any(str(p.get("mode") or "").lower() == "system" for p in pools):
        raise aks_bad_request("SystemPoolRequired", "Must define at least one system pool.", "agentPoolProfiles")
    seen: set[str] = set()
    for pool in pools:
        name = str(pool.get("name") or "")
        _check_name(name, str(pool.get("osType") or "Linux"), seen)
        _check_mode(pool, name)
        _check_autoscaler(pool, name)
        _check_pods_per_pool(pool, name)
        _check_surge(pool, name)


def _check_name(name: str, os_type: str, seen: set[str]) -> None:
    if not POOL_NAME.match(name) or (os_type == "Windows" and len(name) > WINDOWS_POOL_NAME_MAX):
        limit = WINDOWS_POOL_NAME_MAX if os_type == "Windows" else 12
        raise aks_bad_request(
            "InvalidAgentPoolName",
            f"Agent pool name '{name}' is invalid: use 1-{limit} lower-case letters and digits, starting with a "
            "letter.",
            "agentPoolProfile.name",
        )
    if name in seen:
        raise aks_bad_request(
            "DuplicateAgentPoolName", f"Agent pool name '{name}' is used more than once.", "agentPoolProfile.name"
        )
    seen.add(name)


def _check_mode(pool: dict[str, Any], name: str) -> None:
    if str(pool.get("mode") or "").lower() == "system" and str(pool.get("osType") or "Linux") != "Linux":
        raise aks_bad_request(
            "SystemPoolMustBeLinux", f"System pool '{name}' must have osType Linux.", "agentPoolProfile.mode"
        )


def _check_autoscaler(pool: dict[str, Any], name: str) -> None:
    low, high, count = pool.get("minCount"), pool.get("maxCount"), int(pool.get("count") or 0)
    if not pool.get("enableAutoScaling"):
        if low is not None or high is not None:
            raise aks_bad_request(
                "InvalidAutoscalerProfile",
                f"Agent pool '{name}' sets minCount/maxCount but enableAutoScaling is not true.",
                "agentPoolProfile.enableAutoScaling",
            )
        return
    if low is None or high is None or not int(low) <= count <= int(high):
        raise aks_bad_request(
            "InvalidAutoscalerProfile",
            f"Agent pool '{name}' enables the autoscaler with minCount {low}, count {count}, maxCount {high}: "
            "both bounds are required and minCount <= count <= maxCount.",
            "agentPoolProfile.minCount",
        )


def _check_pods_per_pool(pool: dict[str, Any], name: str) -> None:
    # maxPods below 30 "if and only if each node pool has space for a minimum of 30 pods".
    pods, nodes = int(pool.get("maxPods") or MIN_PODS_PER_POOL), int(pool.get("minCount") or pool.get("count") or 0)
    if pods < MIN_PODS_PER_POOL and pods * nodes < MIN_PODS_PER_POOL:
        raise aks_bad_request(
            "InvalidParameter", "The value of parameter maxPods is invalid.", "agentPoolProfile.maxPods"
        )


def _check_surge(pool: dict[str, Any], name: str) -> None:
    surge = str((pool.get("upgradeSettings") or {}).get("maxSurge") or "")
    found = SURGE.match(surge.strip())
    if not surge:
        return
    if found is None or (found.group(2) and not 1 <= int(found.group(1)) <= 100) or int(found.group(1)) < 1:
        raise aks_bad_request(
            "InvalidMaxSurge",
            f"Agent pool '{name}' has maxSurge '{surge}': use a node count >= 1 or a percentage from 1% to 100%.",
            "agentPoolProfile.upgradeSettings.maxSurge",
        )


def check_admin_username(profile: dict[str, Any]) -> None:
    user = profile.get("adminUsername")
    if user and (str(user).lower() in WINDOWS_USERNAMES_DISALLOWED or len(str(user)) > 20 or str(user).endswith(".")):
        raise aks_bad_request(
            "InvalidWindowsAdminUsername",
            f"windowsProfile.adminUsername '{user}' is not allowed: use 1-20 characters, not a reserved name.",
            "windowsProfile.adminUsername",
        )
