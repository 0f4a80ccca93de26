"""What `down` deletes, keeps or skips for an Azure Local deployment, and why. Pure.

Newest first: the cluster instance (this deployment's when its connected cluster is, and that one
records it), the connected cluster (deleted even when the instance's delete leaves it behind [DELVIS]),
the logical network (only one this deployment created, and only once no other cluster uses it), the
resource group (only when it would be empty). The custom location and a brought network are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aksnet.arc.plan import ArcIds
from aksnet.arc.spec import ArcSpec
from aksnet.arm import INSTANCE_TAG, connected_cluster_of, key
from aksnet.teardown_plan import (
    NOT_FOUND,
    Body,
    Target,
    TargetKind,
    TeardownPlan,
    brought,
    going,
    names,
    not_ours,
    owner,
)

CUSTOM_LOCATION = "the Azure Local deployment's custom location; aksnet never changes or deletes it"


@dataclass(frozen=True)
class ArcObserved:
    """What `down` read first; None where a resource does not exist."""

    resource_group: Body | None = None
    lnet: Body | None = None
    connected: Body | None = None
    instance: Body | None = None
    lnet_users: tuple[str, ...] = ()  # clusters (instance ids) on the logical network
    group_contents: tuple[Body, ...] = ()


def decide_arc(spec: ArcSpec, ids: ArcIds, seen: ArcObserved) -> TeardownPlan:
    targets = [instance_target(spec, ids, seen), connected_target(spec, ids, seen.connected)]
    targets.append(lnet_target(spec, ids, seen.lnet, seen.lnet_users, going(targets)))
    targets.append(Target("custom_location", ids.custom_location, "keep", CUSTOM_LOCATION))
    targets.append(group_target_arc(spec, ids, seen.resource_group, seen.group_contents, going(targets)))
    return TeardownPlan(spec.deployment, tuple(targets))


def owned(spec: ArcSpec, kind: TargetKind, rid: str, body: Body | None) -> Target:
    """Absent -> skip; tagged for this deployment -> delete; anything else stays."""
    if body is None:
        return Target(kind, rid, "skip", NOT_FOUND)
    if owner(body) != spec.deployment:
        return Target(kind, rid, "keep", not_ours(body))
    return Target(kind, rid, "delete", f"created by deployment {spec.deployment}")


def instance_target(spec: ArcSpec, ids: ArcIds, seen: ArcObserved) -> Target:
    rid = ids.provisioned_cluster
    if seen.instance is None:
        return Target("provisioned_cluster", rid, "skip", NOT_FOUND)
    connected = seen.connected or {}
    if owner(connected) != spec.deployment or not (connected.get("tags") or {}).get(INSTANCE_TAG):
        return Target(
            "provisioned_cluster", rid, "keep", "its connected cluster does not record it as this deployment's"
        )
    return Target("provisioned_cluster", rid, "delete", f"created by deployment {spec.deployment}")


def connected_target(spec: ArcSpec, ids: ArcIds, connected: Body | None) -> Target:
    return owned(spec, "connected_cluster", ids.connected_cluster, connected)


def lnet_target(spec: ArcSpec, ids: ArcIds, lnet: Body | None, users: Iterable[str], deleting: set[str]) -> Target:
    """This deployment's network goes only when no cluster outside this teardown uses it."""
    rid = ids.logical_network
    if spec.network.existing and lnet is not None:
        return Target("logical_network", rid, "keep", brought("arc.logical_network.existing"))
    target = owned(spec, "logical_network", rid, lnet)
    others = [connected_cluster_of(u) for u in users if key(u) not in deleting]
    if target.decision == "delete" and others:
        return Target("logical_network", rid, "keep", f"still used by cluster(s) of others: {names(others)}")
    return target


def group_target_arc(
    spec: ArcSpec, ids: ArcIds, group: Body | None, contents: Iterable[Mapping[str, Any]], deleting: set[str]
) -> Target:
    target = owned(spec, "resource_group", ids.resource_group, group)
    others = [str(r["id"]) for r in contents if key(str(r["id"])) not in deleting]
    if target.decision == "delete" and others:
        count = len(others)
        why = f"resource group still holds {count} other resource{'s' * (count != 1)}: {names(others)}"
        return Target("resource_group", ids.resource_group, "keep", why)
    return target
