"""The existing cluster: whose it is, and which of the spec's changes AKS cannot make in place."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aksnet.findings import Finding, error
from aksnet.live.drift import Difference, cluster_differences
from aksnet.live.rules.base import LiveInput, located
from aksnet.spec import Spec


def existing_cluster(inp: LiveInput) -> Iterator[Finding]:
    current = inp.facts.cluster_facts()
    if current is None:
        return
    if current.deployment != inp.spec.deployment:
        owner = f"aksnet deployment {current.deployment}" if current.deployment else "someone else"
        yield error(
            "CLUSTER_NOT_OWNED",
            "cluster.name",
            f"cluster {located(current.id)} already exists, created by {owner}; aksnet will not take it over",
            "use another cluster.name or resource_group",
        )
        return
    for difference in _differences(inp):
        if not difference.changeable:
            yield _immutable(inp, difference)


def _differences(inp: LiveInput) -> list[Difference]:
    assert inp.facts.cluster is not None
    return cluster_differences(inp.cluster_body, inp.facts.cluster)


def _immutable(inp: LiveInput, difference: Difference) -> Finding:
    hint = difference.hint or "create a new cluster to change it"
    if _moved_by_migration(difference):
        hint = (
            f"the cluster has {_spec_field(inp.spec, difference.field).removeprefix('cluster.')}: {difference.have} "
            f"now; if `aksnet migrate-policy` moved it, edit the scenario file to say "
            f"{_spec_field(inp.spec, difference.field)}: {difference.have} (`aksnet migrate-policy ... --spec FILE` "
            "makes that edit) rather than migrating again"
        )
    elif difference.field == "networkProfile.outboundType":
        hint = "AKS cannot migrate to or from outbound type none; create a new cluster"
    if difference.field == "networkProfile.networkPlugin" and (difference.have, difference.want) == (
        "kubenet",
        "azure",
    ):
        hint = (
            "kubenet to Azure CNI Overlay is a supported in-place migration that `up` does not make: run "
            f"`az aks update -g {inp.spec.resource_group} -n {inp.spec.cluster.name} --network-plugin azure "
            "--network-plugin-mode overlay` (with no network policy), then re-run"
        )
    return error(
        "IMMUTABLE_CHANGE",
        _spec_field(inp.spec, difference.field),
        f"cluster {inp.spec.cluster.name} has {difference.field} {difference.have!r}, the spec asks for "
        f"{difference.want!r}; it cannot change on an existing cluster",
        hint,
    )


def _moved_by_migration(difference: Difference) -> bool:
    """A difference `migrate-policy` leaves: the engine, the dataplane, or kubenet moved to Azure CNI Overlay."""
    if difference.field in ("networkProfile.networkPolicy", "networkProfile.networkDataplane"):
        return True
    moved_plugin = (difference.have, difference.want) == ("azure", "kubenet")
    return difference.field == "networkProfile.networkPlugin" and moved_plugin


_PROFILE_FIELDS = {
    "networkPlugin": "cluster.network_plugin",
    "networkPluginMode": "cluster.network_plugin_mode",
    "networkPolicy": "cluster.network_policy",
    "networkDataplane": "cluster.network_dataplane",
    "podCidr": "cluster.pod_cidr",
    "serviceCidr": "cluster.service_cidr",
    "dnsServiceIP": "cluster.dns_service_ip",
    "outboundType": "cluster.outbound_type",
    "podCidrs": "cluster.pod_cidrs",
    "serviceCidrs": "cluster.service_cidrs",
    "ipFamilies": "cluster.ip_families",
}
_POOL_FIELDS = {"vnetSubnetID": "subnet", "podSubnetID": "pod_subnet", "podIPAllocationMode": "pod_ip_allocation_mode"}


def _spec_field(spec: Spec, arm_field: str) -> str:
    head, _, rest = arm_field.partition(".")
    if head == "networkProfile":
        return _PROFILE_FIELDS.get(rest, "cluster")
    if head == "agentPoolProfiles":
        pool, _, setting = rest.partition(".")
        names = [p.name.lower() for p in spec.cluster.node_pools]
        index = names.index(pool.lower()) if pool.lower() in names else 0
        key = _POOL_FIELDS.get(setting) or re.sub(r"(?<!^)(?=[A-Z])", "_", setting).lower()
        return f"cluster.node_pools.{index}.{key}"
    return "cluster"
