"""The cluster's network as the policy-engine planner sees it, read from a ManagedCluster ARM body.

``arm-facts`` is /work/shared/arm-facts.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ENGINES = ("none", "azure", "calico", "cilium")
ENGINE_NAMES = {"none": "no policy engine", "azure": "Azure NPM", "calico": "Calico", "cilium": "Cilium"}


@dataclass(frozen=True)
class ClusterNetwork:
    """The parts of a ManagedCluster that decide how its policy engine can change."""

    id: str
    name: str
    provisioning_state: str
    plugin: str
    plugin_mode: str | None
    dataplane: str
    policy: str
    pool_os: tuple[str, ...]
    identity_type: str
    ip_families: tuple[str, ...]
    pod_cidr: str | None
    service_cidr: str | None
    kubernetes_version: str | None
    pod_subnet: bool
    node_auto_provisioning: bool = False

    @classmethod
    def from_arm(cls, cluster: Mapping[str, Any]) -> ClusterNetwork:
        """Read a ManagedCluster ARM JSON body (camelCase, as GET returns it); tolerate missing fields."""
        props = _mapping(cluster.get("properties"))
        profile = _mapping(props.get("networkProfile"))
        pools = [_mapping(pool) for pool in _sequence(props.get("agentPoolProfiles"))]
        pod_cidrs = [str(cidr) for cidr in _sequence(profile.get("podCidrs"))]
        service_cidrs = [str(cidr) for cidr in _sequence(profile.get("serviceCidrs"))]
        provisioning = _mapping(props.get("nodeProvisioningProfile"))
        return cls(
            id=str(cluster.get("id") or ""),
            name=str(cluster.get("name") or ""),
            provisioning_state=str(props.get("provisioningState") or ""),
            plugin=_lower(profile.get("networkPlugin"), ""),
            plugin_mode=_lower(profile.get("networkPluginMode"), "") or None,
            dataplane=_lower(profile.get("networkDataplane"), "azure"),
            policy=_lower(profile.get("networkPolicy"), "none"),
            pool_os=tuple(str(pool.get("osType") or "Linux") for pool in pools),
            identity_type=str(_mapping(cluster.get("identity")).get("type") or "None"),
            ip_families=_ip_families(profile, pod_cidrs),
            pod_cidr=_ipv4_first(profile.get("podCidr"), pod_cidrs),
            service_cidr=_ipv4_first(profile.get("serviceCidr"), service_cidrs),
            kubernetes_version=_kubernetes_version(props),
            pod_subnet=any(pool.get("podSubnetID") for pool in pools),
            node_auto_provisioning=_lower(provisioning.get("mode"), "") == "auto",
        )

    @property
    def windows_pool_count(self) -> int:
        return sum(1 for os_type in self.pool_os if os_type.lower() == "windows")

    @property
    def dual_stack(self) -> bool:
        return any(family.lower() == "ipv6" for family in self.ip_families)

    @property
    def network_label(self) -> str:
        if self.plugin == "azure":
            return "Azure CNI Overlay" if self.plugin_mode == "overlay" else "Azure CNI"
        if self.plugin == "none":
            return "BYO CNI"
        return self.plugin


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


def _lower(value: Any, default: str) -> str:
    # ARM enums compare case-insensitively; "" means "not set" (partial PUT, arm-facts §1.1).
    return str(value).strip().lower() if value else default


def _ip_families(profile: Mapping[str, Any], pod_cidrs: Sequence[str]) -> tuple[str, ...]:
    families = tuple(str(family) for family in _sequence(profile.get("ipFamilies")))
    if families:
        return families
    return ("IPv4", "IPv6") if any(":" in cidr for cidr in pod_cidrs) else ("IPv4",)


def _ipv4_first(single: Any, many: Sequence[str]) -> str | None:
    if single:
        return str(single)
    return next((cidr for cidr in many if ":" not in cidr), None)


def _kubernetes_version(props: Mapping[str, Any]) -> str | None:
    # The running version decides preconditions; kubernetesVersion may be an alias such as "1.30".
    version = props.get("currentKubernetesVersion") or props.get("kubernetesVersion")
    return str(version) if version else None
