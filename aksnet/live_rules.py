"""Live rules: what already exists in Azure against what the spec asks for. Pure: facts in, findings out.

Each rule catches, before anything is written, an error Azure would return minutes into a create
(arm-facts §2.2, §2.3) or a setting aksnet could not honour without changing what is not its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import Any

from aksnet.drift import Difference, cluster_differences
from aksnet.findings import Finding, error, warning
from aksnet.live import (
    REQUIRED_PROVIDERS,
    ClusterFacts,
    Found,
    GrantAccess,
    LiveFacts,
    Permission,
    RouteTableFacts,
    SubnetFacts,
    key,
    name_of,
    resource_group_of,
)
from aksnet.plan import Ids
from aksnet.rules.egress import DEFAULT_ROUTE, EGRESS_NEXT_HOPS
from aksnet.spec import Spec

ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write"
ROLE_ASSIGNMENT_DENIED = "ROLE_ASSIGNMENT_DENIED"
GRANT_FIELDS = {"subnet": "vnet.subnet.name", "route_table": "route_table.name"}
MOST_LISTED = 3
GRANT_RIGHTS_HINT = (
    "ask an Owner or User Access Administrator to give you 'Role Based Access Control Administrator' "
    "(or 'User Access Administrator') on {scope}, then re-run"
)


@dataclass(frozen=True)
class LiveInput:
    """What every live rule sees: the spec (with what Azure filled in), the facts, ids, the cluster body."""

    spec: Spec
    facts: LiveFacts
    ids: Ids
    cluster_body: Mapping[str, Any]

    @property
    def subnet(self) -> SubnetFacts | None:
        vnet = self.facts.vnet
        return vnet.subnet(self.spec.vnet.subnet.name) if vnet else None

    def other_clusters(self) -> list[ClusterFacts]:
        return [c for c in self.facts.clusters if key(c.id) != key(self.ids.cluster)]


LiveRule = Callable[[LiveInput], Iterator[Finding]]


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MOST_LISTED])
    return shown + (f" and {len(items) - MOST_LISTED} more" if len(items) > MOST_LISTED else "")


def _where(resource_id: str) -> str:
    return f"{name_of(resource_id)} (resource group {resource_group_of(resource_id)})"


def _cluster_label(cluster: ClusterFacts) -> str:
    owner = f", aksnet deployment {cluster.deployment}" if cluster.deployment else ""
    return f"cluster {name_of(cluster.id)} (resource group {resource_group_of(cluster.id)}{owner})"


# --- providers ------------------------------------------------------------------------------


def providers_registered(inp: LiveInput) -> Iterator[Finding]:
    sub = inp.facts.subscription_id
    for namespace in REQUIRED_PROVIDERS:
        state = inp.facts.providers.get(namespace)
        if state is not None and state.lower() != "registered":
            yield error(
                "PROVIDER_NOT_REGISTERED",
                "subscription_id",
                f"resource provider {namespace} is {state} in subscription {sub}: Azure refuses to create its "
                "resources (MissingSubscriptionRegistration), so nothing of it was read or will be written",
                f"run `az provider register --namespace {namespace} --subscription {sub} --wait` once, then re-run",
            )


# --- declared resources: present, and whose ----------------------------------------------------


def declared_resources_exist(inp: LiveInput) -> Iterator[Finding]:
    spec, facts = inp.spec, inp.facts
    if spec.vnet.existing and facts.knows("vnet") and facts.vnet is None:
        yield _not_found("vnet.name", f"VNet {_where(inp.ids.vnet)}", "vnet.existing: true", "set vnet.existing: false")
    elif spec.subnet_existing and facts.vnet is not None and inp.subnet is None:
        yield _not_found(
            "vnet.subnet.name",
            f"subnet {spec.vnet.subnet.name} of VNet {spec.vnet.name}",
            "vnet.subnet.existing: true",
            "set vnet.subnet.existing: false with an address_prefix",
        )
    rt = spec.route_table
    if rt is not None and rt.existing and facts.knows("route_table") and facts.route_table is None:
        assert inp.ids.route_table is not None
        yield _not_found(
            "route_table.name", f"route table {_where(inp.ids.route_table)}", "existing: true", "set existing: false"
        )
    if spec.identity.id and facts.knows("identity") and facts.identity is None:
        yield _not_found("identity.id", f"identity {spec.identity.id}", "identity.id", "name one with identity.name")


def _not_found(field: str, what: str, declared: str, create_instead: str) -> Finding:
    return error(
        "RESOURCE_NOT_FOUND",
        field,
        f"{what} does not exist, but the spec brings it ({declared})",
        f"create it first or fix the name; or {create_instead} to let aksnet create it",
    )


def found_resources_owned(inp: LiveInput) -> Iterator[Finding]:
    """Adopt-or-refuse for what the spec says aksnet creates but already exists without its tags.

    Found as the spec describes it: used untouched, with a warning (aksnet never changes or deletes
    it). Found different, or created by another aksnet deployment: refused, because the spec's
    settings would silently not apply, or that deployment's `down` would delete it under this cluster.
    """
    spec, facts = inp.spec, inp.facts
    if not spec.vnet.existing and facts.vnet is not None:
        have, want = set(facts.vnet.address_space), set(spec.vnet.address_prefixes)
        differs = f"has address space {_nets(have)}, the spec says {_nets(want)}" if have != want else None
        yield from _adopt_or_refuse(inp, facts.vnet, differs, field="vnet.name", kind="VNet", bring="vnet.existing")
    rt = spec.route_table
    if rt is not None and not rt.existing and facts.route_table is not None:
        missing = _missing_routes(rt.routes, facts.route_table)
        differs = f"lacks route(s) {', '.join(missing)} of the spec" if missing else None
        yield from _adopt_or_refuse(
            inp, facts.route_table, differs, field="route_table.name", kind="route table", bring="route_table.existing"
        )
    if not spec.identity.id and facts.identity is not None:
        yield from _adopt_or_refuse(
            inp, facts.identity, None, field="identity.name", kind="identity", bring="identity.id"
        )


def _nets(nets: Iterable[IPv4Network]) -> str:
    return ", ".join(sorted(str(n) for n in nets)) or "none"


def _missing_routes(wanted: Iterable[Any], table: RouteTableFacts) -> list[str]:
    have = {
        (r.name.lower(), r.address_prefix, r.next_hop_type.lower(), r.next_hop_ip_address or "") for r in table.routes
    }
    return [
        r.name
        for r in wanted
        if (r.name.lower(), str(r.address_prefix), r.next_hop_type.lower(), str(r.next_hop_ip_address or ""))
        not in have
    ]


def _adopt_or_refuse(
    inp: LiveInput, found: Found, differs: str | None, *, field: str, kind: str, bring: str
) -> Iterator[Finding]:
    owner = found.deployment
    if owner == inp.spec.deployment:
        return
    what = f"{kind} {_where(found.id)}"
    if owner is not None:
        yield error(
            "RESOURCE_NOT_OWNED",
            field,
            f"{what} belongs to aksnet deployment {owner}; its `aksnet down` would delete it under this cluster",
            f"use another name, or bring it ({_bring_hint(bring, found)}) to share it knowingly",
        )
    elif differs is not None:
        yield error(
            "RESOURCE_NOT_OWNED",
            field,
            f"{what} exists, was not created by aksnet, and {differs}; aksnet does not change what it did not create",
            f"bring it ({_bring_hint(bring, found)}) to use it as it is, match the spec to it, or use another name",
        )
    else:
        yield warning(
            "RESOURCE_NOT_OWNED",
            field,
            f"{what} already exists and was not created by this deployment; aksnet uses it as it is and never "
            "changes or deletes it",
            f"bring it ({_bring_hint(bring, found)}) to say so",
        )


def _bring_hint(bring: str, found: Found) -> str:
    return f"{bring}: {found.id}" if bring == "identity.id" else f"{bring}: true"


# --- the existing cluster ---------------------------------------------------------------------


def existing_cluster(inp: LiveInput) -> Iterator[Finding]:
    current = inp.facts.cluster_facts()
    if current is None:
        return
    if current.deployment != inp.spec.deployment:
        owner = f"aksnet deployment {current.deployment}" if current.deployment else "someone else"
        yield error(
            "CLUSTER_NOT_OWNED",
            "cluster.name",
            f"cluster {_where(current.id)} already exists, created by {owner}; aksnet will not take it over",
            "use another cluster.name or resource_group",
        )
        return
    for difference in _differences(inp):
        if not _mutable(difference):
            yield _immutable(inp, difference)


def cluster_changes(inp: LiveInput) -> tuple[Difference, ...]:
    """The changes `up` would make to this deployment's existing cluster (they need confirmation)."""
    current = inp.facts.cluster_facts()
    if current is None or current.deployment != inp.spec.deployment:
        return ()
    return tuple(d for d in _differences(inp) if _mutable(d))


def _differences(inp: LiveInput) -> list[Difference]:
    assert inp.facts.cluster is not None
    return cluster_differences(inp.cluster_body, inp.facts.cluster)


def _mutable(difference: Difference) -> bool:
    # AKS migrates outbound types among each other, never to or from `none`.
    if difference.field == "networkProfile.outboundType" and "none" in (difference.want, difference.have):
        return False
    return difference.mutable


def _immutable(inp: LiveInput, difference: Difference) -> Finding:
    hint = difference.hint or "create a new cluster to change it"
    if difference.field == "networkProfile.outboundType":
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


_PROFILE_FIELDS = {
    "networkPlugin": "cluster.network_plugin",
    "networkPluginMode": "cluster.network_plugin_mode",
    "networkPolicy": "cluster.network_policy",
    "networkDataplane": "cluster.network_dataplane",
    "podCidr": "cluster.pod_cidr",
    "serviceCidr": "cluster.service_cidr",
    "dnsServiceIP": "cluster.dns_service_ip",
    "outboundType": "cluster.outbound_type",
}


def _spec_field(spec: Spec, arm_field: str) -> str:
    head, _, rest = arm_field.partition(".")
    if head == "networkProfile":
        return _PROFILE_FIELDS.get(rest, "cluster")
    if head == "agentPoolProfiles":
        pool, _, setting = rest.partition(".")
        if setting == "vnetSubnetID":
            return "vnet.subnet.name"
        names = [p.name.lower() for p in spec.cluster.node_pools]
        index = names.index(pool.lower()) if pool.lower() in names else 0
        return f"cluster.node_pools.{index}.{re.sub(r'(?<!^)(?=[A-Z])', '_', setting).lower()}"
    return "cluster"


# --- who uses the subnet and the route table ----------------------------------------------------


def _clusters_using(inp: LiveInput, subnet_id: str) -> list[ClusterFacts]:
    """Other clusters with a pool in `subnet_id`, or with node NICs there (their node resource group)."""
    found = [c for c in inp.other_clusters() if c.uses_subnet(subnet_id)]
    subnet = inp.facts.vnet.subnet(name_of(subnet_id)) if inp.facts.vnet else None
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
            f"{where} is used by {_listed([_cluster_label(c) for c in clusters])}; AKS allows one cluster per subnet",
            pick,
        )
    external = _external(inp, subnet)
    if external:
        yield _in_use(f"{where} holds other resources: {_listed(external)}", f"move them out of the subnet, or {pick}")
    if subnet.delegations:
        yield _in_use(
            f"{where} is delegated to {_listed(list(subnet.delegations))}; AKS nodes cannot use a delegated subnet",
            f"remove the delegation, or {pick}",
        )
    if subnet.service_links:
        yield _in_use(
            f"{where} is linked to {_listed(list(subnet.service_links))} (service association links)",
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
                f"route table {_where(table.id)} is associated with subnet {name_of(subnet_id)} of "
                f"{_cluster_label(cluster)}; each cluster needs a route table of its own",
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


# --- addresses --------------------------------------------------------------------------------


def new_subnet_fits(inp: LiveInput) -> Iterator[Finding]:
    vnet, wanted = inp.facts.vnet, inp.spec.vnet.subnet.address_prefix
    if vnet is None or wanted is None:
        return
    subnet = inp.subnet
    if subnet is not None:
        if subnet.prefix is not None and subnet.prefix != wanted:
            yield error(
                "IMMUTABLE_CHANGE",
                "vnet.subnet.address_prefix",
                f"subnet {subnet.name} exists with prefix {subnet.prefix}, the spec says {wanted}; "
                "aksnet does not resize a subnet",
                f"set vnet.subnet.address_prefix: {subnet.prefix}",
            )
        return
    siblings = [s for s in vnet.subnets if s.prefix is not None and s.prefix.overlaps(wanted)]
    for sibling in siblings:
        yield error(
            "CIDR_OVERLAP",
            "vnet.subnet.address_prefix",
            f"subnet {inp.spec.vnet.subnet.name} {wanted} overlaps existing subnet {sibling.name} "
            f"({sibling.prefix}) of VNet {inp.spec.vnet.name}",
            _free_range_hint(vnet.address_space, [s.prefix for s in vnet.subnets if s.prefix], wanted.prefixlen),
        )


def _free_range_hint(space: Sequence[IPv4Network], taken: Sequence[IPv4Network], prefixlen: int) -> str:
    for outer in space:
        if prefixlen < outer.prefixlen:
            continue
        for n, candidate in enumerate(outer.subnets(new_prefix=prefixlen)):
            if n >= 4096:
                break
            if not any(candidate.overlaps(t) for t in taken):
                return f"pick a free range of the VNet, e.g. {candidate}"
    return "pick a range of the VNet that no subnet uses, or add address space to the VNet"


def ranges_clear_of_network(inp: LiveInput) -> Iterator[Finding]:
    """Service and pod ranges against every other subnet of the VNet and every peered network."""
    cluster = inp.spec.cluster
    ranges = [("cluster.service_cidr", "service range", cluster.service_cidr)]
    if not cluster.flat_azure_cni:
        ranges.append(("cluster.pod_cidr", "pod range", cluster.pod_cidr))
    for field, label, net in ranges:
        if net is not None:
            yield from _range_collisions(inp, field, label, net)


def _range_collisions(inp: LiveInput, field: str, label: str, net: IPv4Network) -> Iterator[Finding]:
    vnet = inp.facts.vnet
    if vnet is None:
        return
    hint = f"choose a {label} that overlaps no subnet of VNet {vnet.name} and no network peered with it"
    for subnet in vnet.subnets:
        if key(subnet.id) == key(inp.ids.subnet):
            continue  # the node subnet itself: the offline rules check it with its real prefix
        for prefix in subnet.prefixes:
            if net.overlaps(prefix):
                yield error(
                    "CIDR_OVERLAP",
                    field,
                    f"{label} {net} overlaps subnet {subnet.name} ({prefix}) of VNet {vnet.name}",
                    hint,
                )
    for peering in vnet.peerings:
        for prefix in peering.remote_address_space:
            if net.overlaps(prefix):
                yield error(
                    "CIDR_OVERLAP",
                    field,
                    f"{label} {net} overlaps {prefix}, address space of VNet {_where(peering.remote_vnet)} "
                    f"peered with {vnet.name} (peering {peering.name})",
                    hint,
                )


# --- egress -----------------------------------------------------------------------------------


def egress_matches_network(inp: LiveInput) -> Iterator[Finding]:
    outbound, subnet = inp.spec.cluster.outbound_type, inp.subnet
    rt = inp.spec.route_table
    if outbound == "userDefinedRouting" and rt is not None and rt.existing and inp.facts.route_table:
        default = [r for r in inp.facts.route_table.routes if r.address_prefix == str(DEFAULT_ROUTE)]
        if not any(r.next_hop_type in EGRESS_NEXT_HOPS for r in default):
            got = f"0.0.0.0/0 goes to {default[0].next_hop_type}" if default else "it has no 0.0.0.0/0 route"
            yield error(
                "UDR_NEEDS_DEFAULT_ROUTE",
                "route_table.name",
                f"outbound type userDefinedRouting needs a 0.0.0.0/0 route to a VirtualAppliance or "
                f"VirtualNetworkGateway in route table {rt.name}; {got}",
                f"add that route to {rt.name} (aksnet does not change a route table you bring)",
            )
    if outbound == "userAssignedNATGateway" and inp.spec.subnet_existing and subnet and not subnet.nat_gateway:
        yield error(
            "OUTBOUND_TYPE_UNSUPPORTED",
            "cluster.outbound_type",
            f"outbound type userAssignedNATGateway needs a NAT gateway on subnet {subnet.name}, which has none",
            "associate a NAT gateway with the subnet first, or use loadBalancer",
        )


# --- the caller's right to grant ----------------------------------------------------------------


def _matches(pattern: str, action: str) -> bool:
    regex = re.escape(pattern).replace(r"\*", ".*")
    return re.fullmatch(regex, action, flags=re.IGNORECASE) is not None


def allows(permissions: Iterable[Permission], action: str) -> bool:
    """Whether any permission block grants `action` (an action wildcard, minus that block's notActions)."""
    return any(
        any(_matches(a, action) for a in p.actions) and not any(_matches(n, action) for n in p.not_actions)
        for p in permissions
    )


def denied_grants(facts: LiveFacts) -> list[GrantAccess]:
    """The grants the caller may not create (and that are not there already)."""
    return [a for a in facts.access if not a.already_granted and not allows(a.permissions, ROLE_ASSIGNMENT_WRITE)]


def caller_can_grant(inp: LiveInput) -> Iterator[Finding]:
    for access in denied_grants(inp.facts):
        at = "" if key(access.checked_at) == key(access.scope) else f" (read at {access.checked_at}, its parent)"
        yield error(
            ROLE_ASSIGNMENT_DENIED,
            GRANT_FIELDS.get(access.label, "vnet.subnet.name"),
            f"you may not create role assignments on {access.scope}{at}: your roles there lack "
            f"{ROLE_ASSIGNMENT_WRITE}, and the cluster identity needs Network Contributor on this "
            f"{access.label.replace('_', ' ')}",
            GRANT_RIGHTS_HINT.format(scope=access.checked_at),
        )


def clusters_listed(inp: LiveInput) -> Iterator[Finding]:
    if not inp.facts.knows("clusters"):
        yield warning(
            "PREFLIGHT_INCOMPLETE",
            "subscription_id",
            "the subscription's clusters could not be listed (no read access at subscription scope); another "
            "cluster in the subnet is recognised only by its nodes' addresses there",
            "grant yourself Reader on the subscription for a complete check",
        )


LIVE_RULES: tuple[LiveRule, ...] = (
    providers_registered,
    declared_resources_exist,
    found_resources_owned,
    existing_cluster,
    subnet_in_use,
    route_table_shared,
    route_table_associated,
    new_subnet_fits,
    ranges_clear_of_network,
    egress_matches_network,
    caller_can_grant,
    clusters_listed,
)


def check_live(inp: LiveInput) -> list[Finding]:
    """Every live rule; errors first, each group in rule order."""
    findings = [f for rule in LIVE_RULES for f in rule(inp)]
    return sorted(findings, key=lambda f: f.severity != "error")


def only_permission_errors(findings: Iterable[Finding]) -> bool:
    """True when every error is a missing right to grant: exit 4 (authorization), not 2."""
    errors = [f for f in findings if f.severity == "error"]
    return bool(errors) and all(f.code == ROLE_ASSIGNMENT_DENIED for f in errors)
