"""Who else uses the subnet and the route table: AKS wants both to itself."""

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
    """What else holds addresses in the subnet: resources outside every cluster's node resource group."""
    clusters = _node_groups(inp)
    holders: dict[str, None] = {}
    for config in subnet.ip_configurations:
        group = resource_group_of(config)
        if group.lower() in clusters:
            continue
        holders[_holder(config, group)] = None
    return list(holders)


def _holder(ip_configuration: str, group: str) -> str:
    """`networkInterfaces/nic1 (resource group rg)` for a NIC's IP configuration id."""
    if group.lower().startswith("mc_"):
        return f"the nodes of an AKS cluster (node resource group {group})"
    parts = ip_configuration.partition("/providers/")[2].split("/")
    owner = f"{parts[1]}/{parts[2]}" if len(parts) > 2 else ip_configuration
    return f"{owner} (resource group {group})"


def subnet_in_use(inp: LiveInput) -> Iterator[Finding]:
    subnet = inp.subnet
    if subnet is None:
        return
    where = f"subnet {subnet.name} of VNet {inp.spec.vnet.name}"
    pick = "use a subnet of its own for this cluster (e.g. vnet.subnet.existing: false with a free address_prefix)"
    clusters = _clusters_using(inp, subnet.id)
    if clusters:
        yield _in_use(
            f"{where} is used by {listed([cluster_label(c) for c in clusters])}; AKS allows one cluster per subnet",
            pick,
        )
    external = _external(inp, subnet)
    if external:
        yield _in_use(f"{where} holds other resources: {listed(external)}", f"move them out of the subnet, or {pick}")
    if subnet.delegations:
        yield _in_use(
            f"{where} is delegated to {listed(list(subnet.delegations))}; AKS nodes cannot use a delegated subnet",
            f"remove the delegation, or {pick}",
        )
    if subnet.service_links:
        yield _in_use(
            f"{where} is linked to {listed(list(subnet.service_links))} (service association links)",
            f"remove the service that links it, or {pick}",
        )


def _in_use(message: str, hint: str) -> Finding:
    return error("SUBNET_IN_USE", "vnet.subnet.name", message, hint)


def _effective_route_table(inp: LiveInput) -> RouteTableFacts | None:
    """The table the cluster ends up with: the spec's, else the one already on the subnet."""
    return inp.facts.route_table if inp.spec.route_table is not None else inp.facts.subnet_route_table


def route_table_shared(inp: LiveInput) -> Iterator[Finding]:
    table = _effective_route_table(inp)
    if table is None:
        return
    own_subnet = key(inp.ids.subnet)
    for subnet_id in table.subnets:
        if key(subnet_id) == own_subnet:
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
    """A subnet and a route table you both bring are used as they are: they must already be associated."""
    rt, subnet = inp.spec.route_table, inp.subnet
    if rt is None or not rt.existing or not inp.spec.subnet_existing or subnet is None:
        return
    if key(subnet.route_table) == key(inp.ids.route_table):
        return
    has = f"route table {name_of(subnet.route_table)}" if subnet.route_table else "no route table"
    yield error(
        "ROUTE_TABLE_NOT_ASSOCIATED",
        "route_table.name",
        f"subnet {subnet.name} has {has}, not {rt.name}; aksnet does not change a subnet and a route table "
        "you both bring, and AKS needs the association before the cluster exists",
        f"associate {rt.name} with {subnet.name} first, or drop route_table to use what the subnet has",
    )
