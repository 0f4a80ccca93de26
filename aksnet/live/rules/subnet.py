"""Who else uses the cluster's subnets and route table: what AKS refuses to share, and what it shares."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet.arm import key, name_of, resource_group_of
from aksnet.findings import Finding, error, listed
from aksnet.live.facts import ClusterFacts, RouteTableFacts, SubnetFacts
from aksnet.live.rules.base import LiveInput, cluster_label, located


def _clusters_using(inp: LiveInput, subnet_id: str) -> list[ClusterFacts]:
    """Other clusters with a pool in `subnet_id`, or with node NICs there (their node resource group)."""
    found = [c for c in inp.other_clusters() if c.uses_subnet(subnet_id)]
    subnet = inp.facts.subnet(name_of(subnet_id))
    if subnet is not None and key(subnet.id) == key(subnet_id):
        groups = {resource_group_of(i).lower() for i in subnet.ip_configurations}
        found += [
            c
            for c in inp.other_clusters()
            if c not in found and (c.node_resource_group or "").lower() in groups and c.node_resource_group
        ]
    return found


def _node_groups(inp: LiveInput) -> set[str]:
    """Node resource groups of every known cluster, this one's included."""
    groups = {(c.node_resource_group or "").lower() for c in inp.facts.clusters}
    own = inp.facts.cluster_facts()
    if own is not None:
        groups.add((own.node_resource_group or "").lower())
    return groups - {""}


def _external(inp: LiveInput, subnet: SubnetFacts) -> list[str]:
    """What else holds addresses in the subnet: resources outside every cluster's node resource group (an
    unlisted cluster's nodes count only against a kubenet cluster: Azure CNI clusters may share a subnet)."""
    clusters = _node_groups(inp)
    sharing = inp.spec.cluster.plugin != "kubenet"
    holders: dict[str, None] = {}
    for config in subnet.ip_configurations:
        group = resource_group_of(config)
        if group.lower() in clusters or (sharing and group.lower().startswith("mc_")):
            continue
        holders[holder(config, group)] = None
    return list(holders)


def holder(ip_configuration: str, group: str) -> str:
    """`networkInterfaces/nic1 (resource group rg)` for a NIC's IP configuration id."""
    if group.lower().startswith("mc_"):
        return f"the nodes of an AKS cluster (node resource group {group})"
    parts = ip_configuration.partition("/providers/")[2].split("/")
    owner = f"{parts[1]}/{parts[2]}" if len(parts) > 2 else ip_configuration
    return f"{owner} (resource group {group})"


def subnet_in_use(inp: LiveInput) -> Iterator[Finding]:
    """What AKS refuses in a subnet the cluster joins: a kubenet cluster beside another, others' resources,
    a delegation or service link of another service (AKS's own on a pod subnet is fine)."""
    spec = inp.spec
    pod_names = {s.name.lower() for s in spec.pod_subnets()}
    for spec_subnet in spec.cluster_subnets():
        subnet = inp.facts.subnet(spec_subnet.name)
        if subnet is not None:
            field = f"{spec.vnet.subnet_field(spec_subnet)}.name"
            yield from _in_use_findings(inp, subnet, field, pod=spec_subnet.name.lower() in pod_names)


def _in_use_findings(inp: LiveInput, subnet: SubnetFacts, field: str, *, pod: bool) -> Iterator[Finding]:
    where = f"{'pod subnet' if pod else 'subnet'} {subnet.name} of VNet {inp.spec.vnet.name}"
    pick = f"use a subnet of its own for this cluster (a free address_prefix, existing: false, at {field})"
    kubenet = [c for c in _clusters_using(inp, subnet.id) if "kubenet" in (c.plugin, inp.spec.cluster.plugin)]
    if kubenet:
        # Subnet sharing is supported for Azure CNI (overlay, pod subnet, node subnet), not for kubenet.
        why = "a kubenet cluster cannot share its subnet with another cluster"
        yield in_use(field, f"{where} is used by {listed([cluster_label(c) for c in kubenet])}; {why}", pick)
    external = _external(inp, subnet)
    if external:
        yield in_use(
            field, f"{where} holds other resources: {listed(external)}", f"move them out of the subnet, or {pick}"
        )
    delegations = subnet.foreign_delegations() if pod else list(subnet.delegations)
    if delegations:
        can = "a pod subnet can only be delegated by AKS itself" if pod else "AKS nodes cannot use a delegated subnet"
        yield in_use(
            field, f"{where} is delegated to {listed(delegations)}; {can}", f"remove the delegation, or {pick}"
        )
    links = subnet.foreign_links() if pod else list(subnet.service_links)
    if links:
        yield in_use(
            field,
            f"{where} is linked to {listed(links)} (service association links)",
            f"remove the service that links it, or {pick}",
        )


def in_use(field: str, message: str, hint: str) -> Finding:
    """SUBNET_IN_USE: a subnet the cluster needs holds what may not share it."""
    return error("SUBNET_IN_USE", field, message, hint)


def pod_subnet_mode_shared(inp: LiveInput) -> Iterator[Finding]:
    """A pod subnet another cluster uses in the other allocation mode cannot take this cluster's pools."""
    spec = inp.spec
    for i, pool in enumerate(spec.cluster.node_pools):
        spec_subnet = spec.pod_subnet_of(pool)
        subnet = inp.facts.subnet(spec_subnet.name) if spec_subnet else None
        if subnet is None or pool.allocation_mode is None:
            continue
        for cluster in inp.other_clusters():
            mode = cluster.pod_subnet_mode(subnet.id)
            if mode is not None and mode.lower() != pool.allocation_mode.lower():
                yield error(
                    "POD_SUBNET_MODE_CONFLICT",
                    f"cluster.node_pools.{i}.pod_ip_allocation_mode",
                    f"pool {pool.name} would use pod subnet {subnet.name} with {pool.allocation_mode}, but "
                    f"{cluster_label(cluster)} uses it with {mode}; a subnet serves one allocation mode",
                    f"use {mode}, or give pool {pool.name} another pod subnet",
                )


def _effective_route_table(inp: LiveInput) -> RouteTableFacts | None:
    """The table the cluster ends up with: the spec's, else the one already on the subnet."""
    return inp.facts.route_table if inp.spec.route_table is not None else inp.facts.subnet_route_table


def route_table_shared(inp: LiveInput) -> Iterator[Finding]:
    table = _effective_route_table(inp)
    if table is None:
        return
    own = {key(inp.ids.subnet_id(s.name)) for s in inp.spec.vnet.all_subnets}
    for subnet_id in table.subnets:
        if key(subnet_id) in own:
            continue
        for cluster in _clusters_using(inp, subnet_id):
            yield error(
                "ROUTE_TABLE_SHARED",
                "route_table.name" if inp.spec.route_table else "vnet.subnet.name",
                f"route table {located(table.id)} is associated with subnet {name_of(subnet_id)} of "
                f"{cluster_label(cluster)}; each cluster needs a route table of its own",
                "give this cluster its own route table (route_table.name: <new name>, existing: false)",
            )


def route_table_associated(inp: LiveInput) -> Iterator[Finding]:
    """Subnets and a route table you both bring are used as they are: each must already be associated."""
    rt = inp.spec.route_table
    if rt is None or not rt.existing:
        return
    for spec_subnet in inp.spec.node_subnets() or (inp.spec.vnet.subnet,):
        subnet = inp.facts.subnet(spec_subnet.name)
        if (
            not inp.spec.is_existing(spec_subnet)
            or subnet is None
            or key(subnet.route_table) == key(inp.ids.route_table)
        ):
            continue
        has = f"route table {name_of(subnet.route_table)}" if subnet.route_table else "no route table"
        yield error(
            "ROUTE_TABLE_NOT_ASSOCIATED",
            "route_table.name",
            f"subnet {subnet.name} has {has}, not {rt.name}; aksnet does not change a subnet and a route table "
            "you both bring, and AKS needs the association before the cluster exists",
            f"associate {rt.name} with {subnet.name} first, or drop route_table to use what the subnet has",
        )
