"""How the cluster's API server access, outbound load balancer and app routing differ from the plan's. Pure.

Only what the plan sends is compared: a setting left to AKS's default is not a difference.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aksnet.arm import same_value
from aksnet.live.drift import Difference

# (path under properties, whether `az aks update` can change it, the hint when it cannot)
FIXED = "fixed when the cluster is created; create a new cluster to change it"
SETTINGS: tuple[tuple[str, bool, str], ...] = (
    ("apiServerAccessProfile.enablePrivateCluster", False, FIXED),
    ("apiServerAccessProfile.privateDNSZone", False, "AKS cannot change or delete the zone after creation"),
    ("apiServerAccessProfile.enablePrivateClusterPublicFQDN", True, ""),
    ("apiServerAccessProfile.authorizedIPRanges", True, ""),
    (
        "apiServerAccessProfile.enableVnetIntegration",
        False,
        "converting to VNet integration is one-way and needs a stop and start of the cluster; do it with az aks update",
    ),
    ("apiServerAccessProfile.subnetId", False, FIXED),
    ("networkProfile.loadBalancerProfile.managedOutboundIPs", True, ""),
    ("networkProfile.loadBalancerProfile.outboundIPs", True, ""),
    ("networkProfile.loadBalancerProfile.outboundIPPrefixes", True, ""),
    ("networkProfile.loadBalancerProfile.allocatedOutboundPorts", True, ""),
    ("networkProfile.loadBalancerProfile.idleTimeoutInMinutes", True, ""),
    ("networkProfile.loadBalancerProfile.backendPoolType", True, ""),
    ("ingressProfile.webAppRouting.enabled", True, ""),
)


def _at(props: Mapping[str, Any], path: str) -> Any:
    node: Any = props
    for part in path.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def _same(want: Any, have: Any) -> bool:
    if isinstance(want, Mapping):
        return isinstance(have, Mapping) and all(_same(v, have.get(k)) for k, v in want.items())
    if isinstance(want, list):
        return isinstance(have, list) and sorted(map(str, want)) == sorted(map(str, have))
    return bool(same_value(want, have))


def network_differences(want: Mapping[str, Any], have: Mapping[str, Any]) -> Iterator[Difference]:
    """Each setting the plan sends that the cluster, as read, does not have."""
    for path, mutable, hint in SETTINGS:
        wanted, current = _at(want, path), _at(have, path)
        if wanted is None or (wanted in ([], False) and current in (None, [], False)):
            continue
        if not _same(wanted, current):
            yield Difference(path, wanted, current, mutable, hint)
