"""How a cluster in Azure differs from the body the plan would send, and which differences can change.

Pure: ARM dicts in (camelCase, as the plan builds them and the SDK returns them), differences out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aksnet.arm import same_value

# Network settings AKS fixes at creation, outside the supported migrations (arm-facts §3.1, §4.4-4.5).
IMMUTABLE_NETWORK = (
    "networkPlugin",
    "networkPluginMode",
    "podCidr",
    "serviceCidr",
    "dnsServiceIP",
    "podCidrs",
    "serviceCidrs",
    "ipFamilies",
)
# Changed only by `aksnet migrate-policy`, which knows the supported path.
POLICY_FIELDS = ("networkPolicy", "networkDataplane")
# After `migrate-policy`, the cluster is right and the scenario file is stale: say that first.
MOVED_HINT = (
    "if `aksnet migrate-policy` moved the cluster, edit the scenario file to match it (`aksnet migrate-policy "
    "... --spec FILE` makes that edit); to move the cluster instead, run `aksnet migrate-policy --to <engine>`"
)
IMMUTABLE_POOL = ("vmSize", "maxPods", "osType", "vnetSubnetID", "podSubnetID", "podIPAllocationMode")
MUTABLE_POOL = ("mode", "enableAutoScaling", "minCount", "maxCount")


@dataclass(frozen=True)
class Difference:
    """One setting that differs; `mutable` says whether a cluster update can change it."""

    field: str
    want: Any
    have: Any
    mutable: bool
    hint: str = ""

    def describe(self) -> str:
        return f"{self.field}: {self.have!r} -> {self.want!r}"

    @property
    def path(self) -> str:
        """Where the field is in the ManagedCluster body: `properties.agentPoolProfiles[system].count`."""
        head, _, rest = self.field.partition(".")
        if head == "agentPoolProfiles":
            pool, _, setting = rest.partition(".")
            return f"properties.agentPoolProfiles[{pool}]" + (f".{setting}" if setting else "")
        if head == "identity":
            return "identity.userAssignedIdentities"
        return self.field if head == "tags" else f"properties.{self.field}"

    @property
    def changeable(self) -> bool:
        """Whether a cluster update can make this change (AKS never migrates to or from outbound type none)."""
        if self.field == "networkProfile.outboundType" and "none" in (self.want, self.have):
            return False
        return self.mutable


def cluster_differences(desired: Mapping[str, Any], current: Mapping[str, Any]) -> list[Difference]:
    """Every difference between the plan's ManagedCluster body and the cluster as read."""
    want, have = desired.get("properties", {}), current.get("properties", {})
    return [
        *_network(want.get("networkProfile", {}), have.get("networkProfile") or {}),
        *_pools(want.get("agentPoolProfiles", []), have.get("agentPoolProfiles") or []),
        *_identity(desired.get("identity", {}), current.get("identity") or {}),
        *_version(want.get("kubernetesVersion"), have.get("kubernetesVersion")),
        *_tags(desired.get("tags", {}), current.get("tags") or {}),
        *_edges(want, have),
    ]


def _edges(want: Mapping[str, Any], have: Mapping[str, Any]) -> Iterator[Difference]:
    from aksnet.live.drift_network import network_differences  # it builds on Difference, defined here

    yield from network_differences(want, have)


def _network(want: Mapping[str, Any], have: Mapping[str, Any]) -> Iterator[Difference]:
    for key, value in want.items():
        current = have.get(key)
        if key == "networkPolicy" and current in (None, ""):
            current = "none"
        if current is None or same_value(value, current):
            continue
        if key in POLICY_FIELDS:
            yield Difference(
                f"networkProfile.{key}",
                value,
                current,
                False,
                MOVED_HINT,
            )
        elif key == "outboundType":
            yield Difference(f"networkProfile.{key}", value, current, True)
        elif key in IMMUTABLE_NETWORK or key == "loadBalancerSku":
            yield Difference(
                f"networkProfile.{key}",
                value,
                current,
                False,
                "this is fixed when the cluster is created; create a new cluster to change it",
            )


def _pools(want: list[Mapping[str, Any]], have: list[Mapping[str, Any]]) -> Iterator[Difference]:
    existing = {str(p.get("name", "")).lower(): p for p in have}
    for pool in want:
        name = str(pool["name"])
        current = existing.get(name.lower())
        if current is None:
            yield Difference(f"agentPoolProfiles.{name}", "present", "absent", True)
            continue
        autoscaled = bool(pool.get("enableAutoScaling") or current.get("enableAutoScaling"))
        for key in (*IMMUTABLE_POOL, *MUTABLE_POOL, *(() if autoscaled else ("count",))):
            if key in pool and current.get(key) is not None and not same_value(pool[key], current.get(key)):
                yield Difference(
                    f"agentPoolProfiles.{name}.{key}",
                    pool[key],
                    current.get(key),
                    key not in IMMUTABLE_POOL,
                    "" if key not in IMMUTABLE_POOL else "fixed per pool; add a new pool instead",
                )


def _identity(want: Mapping[str, Any], have: Mapping[str, Any]) -> Iterator[Difference]:
    wanted = {k.lower() for k in (want.get("userAssignedIdentities") or {})}
    present = {k.lower() for k in (have.get("userAssignedIdentities") or {})}
    if wanted and wanted != present:
        yield Difference("identity", sorted(wanted), sorted(present), True)


def _version(want: str | None, have: str | None) -> Iterator[Difference]:
    if want and have and not (have == want or have.startswith(f"{want}.")):
        yield Difference("kubernetesVersion", want, have, True, "a version change is a cluster upgrade")


def _tags(want: Mapping[str, str], have: Mapping[str, str]) -> Iterator[Difference]:
    for name, value in want.items():
        if have.get(name) != value:
            yield Difference(f"tags.{name}", value, have.get(name), True)
