"""The API server subnet (VNet integration) as found: delegated to AKS, holding nothing but AKS clusters' API
servers, and room for nine addresses per cluster that shares it (api-server-vnet-integration; breadth.md R7.7)."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet.arm import key, resource_group_of
from aksnet.findings import Finding, error, listed
from aksnet.live.facts import AKS_DELEGATION, SubnetFacts
from aksnet.live.rules.base import LiveInput, cluster_label
from aksnet.live.rules.subnet import holder, in_use
from aksnet.netcalc import usable_ips
from aksnet.sizing import API_SERVER_ADDRESSES

# How an API server's addresses show in its subnet: frontends of the kube-apiserver internal load balancer AKS
# puts in the node resource group (private-apiserver-vnet-integration-cluster).
API_SERVER_FRONTEND = "/providers/microsoft.network/loadbalancers/kube-apiserver/frontendipconfigurations/"


def api_server_subnet_found(inp: LiveInput) -> Iterator[Finding]:
    """A brought API server subnet is delegated; any API server subnet holds only API servers, with room."""
    declared = inp.spec.api_server_subnet()
    subnet = inp.facts.subnet(declared.name) if declared is not None else None
    if declared is None or subnet is None:
        return
    field = f"{inp.spec.vnet.subnet_field(declared)}.name"
    if inp.spec.is_existing(declared) and not subnet.delegated_to_aks:
        got = listed(list(subnet.delegations)) if subnet.delegations else "nothing"
        yield error(
            "API_SERVER_SUBNET_NOT_DELEGATED",
            field,
            f"API server subnet {subnet.name} is delegated to {got}; VNet integration needs it delegated to "
            f"{AKS_DELEGATION} (aksnet never changes a subnet you bring)",
            f"az network vnet subnet update --delegations {AKS_DELEGATION} ... (on an empty subnet), or let aksnet "
            "create the subnet (existing: false)",
        )
    yield from _others_in(inp, subnet, field)
    yield from _room(inp, subnet, field)


def _others_in(inp: LiveInput, subnet: SubnetFacts, field: str) -> Iterator[Finding]:
    """Anything but API servers: pools of other clusters, private endpoints, others' NICs."""
    pools = [cluster_label(c) for c in inp.other_clusters() if c.uses_subnet(subnet.id)]
    holders = [holder(c, resource_group_of(c)) for c in subnet.ip_configurations if API_SERVER_FRONTEND not in key(c)]
    holders += [f"private endpoint {p.rsplit('/', 1)[-1]}" for p in subnet.private_endpoints]
    found = [*(f"the pools of {p}" for p in pools), *dict.fromkeys(holders)]
    if found:
        yield in_use(
            field,
            f"API server subnet {subnet.name} holds {listed(found)}; it may hold only AKS clusters' API servers (no "
            "other workloads, no private endpoints)",
            "move them out of the subnet, or give the API server a subnet of its own (a free /28, existing: false)",
        )


def _room(inp: LiveInput, subnet: SubnetFacts, field: str) -> Iterator[Finding]:
    """Each cluster's API server reserves at least nine addresses: every cluster sharing the subnet must fit."""
    sharing = [c for c in inp.other_clusters() if c.api_server_subnet and key(c.api_server_subnet) == key(subnet.id)]
    if subnet.prefix is None or not sharing:
        return
    usable, needed = usable_ips(subnet.prefix), API_SERVER_ADDRESSES * (len(sharing) + 1)
    if needed > usable:
        yield error(
            "API_SERVER_SUBNET_TOO_SMALL",
            field,
            f"API server subnet {subnet.name} {subnet.prefix} has {usable} usable addresses; "
            f"{listed([cluster_label(c) for c in sharing])} already use it, and with this cluster "
            f"{len(sharing) + 1} API servers need {API_SERVER_ADDRESSES} each: {needed}",
            "give this cluster's API server a subnet of its own, or a larger one",
        )
