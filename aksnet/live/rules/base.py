"""What every live rule sees, and the phrases they share to name what they found."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aksnet.arm import key, name_of, resource_group_of
from aksnet.findings import Finding
from aksnet.live.facts import ClusterFacts, LiveFacts, SubnetFacts
from aksnet.plan import Ids
from aksnet.spec import Spec


@dataclass(frozen=True)
class LiveInput:
    """What every live rule sees: the spec (with what Azure filled in), the facts, ids, the cluster body."""

    spec: Spec
    facts: LiveFacts
    ids: Ids
    cluster_body: Mapping[str, Any]

    @property
    def subnet(self) -> SubnetFacts | None:
        return self.facts.subnet(self.spec.vnet.subnet.name)

    def other_clusters(self) -> list[ClusterFacts]:
        return [c for c in self.facts.clusters if key(c.id) != key(self.ids.cluster)]


LiveRule = Callable[[LiveInput], Iterator[Finding]]


def located(resource_id: str) -> str:
    """`name (resource group rg)`."""
    return f"{name_of(resource_id)} (resource group {resource_group_of(resource_id)})"


def cluster_label(cluster: ClusterFacts) -> str:
    """`cluster name (resource group rg, aksnet deployment d)`."""
    owner = f", aksnet deployment {cluster.deployment}" if cluster.deployment else ""
    return f"cluster {name_of(cluster.id)} (resource group {resource_group_of(cluster.id)}{owner})"
