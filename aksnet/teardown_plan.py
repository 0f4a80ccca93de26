"""What `down` deletes, keeps or skips, and why: a pure decision over what was read from Azure.

Ownership comes only from what `up` wrote: the two ownership tags, the deterministic names of
role assignments, and the ledger: the record of a subnet created in a VNet aksnet does not own, on
the deployment's identity or resource group (aksnet.arm.records_subnet). Targets come out in
deletion order: `up`'s plan reversed (newest first), which also puts the identity and the resource
group after the subnet, since they hold the only record of such a subnet. `deletion_graph` relaxes
that order where nothing depends on it: what each target waits for (WAITS_FOR), the rest at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from aksnet.arm import deployment_of, key, name_of, records_subnet, role_assignment_name
from aksnet.findings import listed
from aksnet.plan import Ids
from aksnet.spec import Spec, SubnetSpec

TargetKind = Literal[
    "managed_cluster",
    "node_resource_group",
    "role_assignment",
    "subnet",
    "identity",
    "route_table",
    "virtual_network",
    "resource_group",
    # AKS on Azure Local (aksnet.arc.teardown)
    "provisioned_cluster",
    "connected_cluster",
    "logical_network",
    "custom_location",
    "private_dns_zone",
    "public_ip",
    "public_ip_prefix",
    "nat_gateway",
]
# delete: this deployment's, goes; detach: a kept subnet loses the route table association aksnet made;
# with_cluster: AKS deletes it with the cluster; keep: stays, with the reason; skip: not there.
Decision = Literal["delete", "detach", "with_cluster", "keep", "skip"]
Body = Mapping[str, Any]

NOT_FOUND = "not found: already deleted or never created"
ASSOCIATED = {"routeTable": "route table", "natGateway": "NAT gateway"}  # what aksnet attaches to a subnet
UNRECORDED = (
    "found, not recorded as created by this deployment (on its identity or resource group); aksnet never deletes it"
)


@dataclass(frozen=True)
class Target:
    """One resource and what teardown does with it."""

    kind: TargetKind
    resource_id: str
    decision: Decision
    reason: str = ""

    @property
    def name(self) -> str:
        return name_of(self.resource_id)

    @property
    def writes(self) -> bool:
        return self.decision in ("delete", "detach")


@dataclass(frozen=True)
class Observed:
    """What `down` read first: each resource's ARM body (camelCase), None when it does not exist."""

    resource_group: Body | None = None
    vnet: Body | None = None
    subnets: Mapping[str, Body | None] = field(default_factory=dict)  # by lower-case subnet name
    route_table: Body | None = None
    identity: Body | None = None
    cluster: Body | None = None
    assignments: tuple[Body, ...] = ()
    group_contents: tuple[Body, ...] = ()  # what `GET .../resources` lists in the resource group
    network: Mapping[str, Body | None] = field(default_factory=dict)  # zone, NAT gateway, public IPs, by id

    def subnet(self, name: str) -> Body | None:
        """The subnet of the spec called `name`, as read."""
        return self.subnets.get(name.lower())


@dataclass(frozen=True)
class TeardownPlan:
    """The targets of one deployment's teardown, in deletion order."""

    deployment: str
    targets: tuple[Target, ...] = field(default=())

    @property
    def writes(self) -> list[Target]:
        return [t for t in self.targets if t.writes]


# What a target of each kind waits for (targets of these kinds earlier in the deletion order) before it goes.
# The cluster uses everything, so everything waits for it; a subnet's route table, NAT gateway and VNet wait
# for the subnet (subnets themselves go one at a time: Azure runs one operation on a VNet at once); the
# gateway's IPs for the gateway; the VNet for the private DNS zone (the zone's link to it goes with the
# zone); the identity for the grants of its principal (a re-run finds them through it) and for the subnets
# its ledger records; the resource group, the other ledger, for everything.
WAITS_FOR: Mapping[TargetKind, frozenset[TargetKind]] = {
    "managed_cluster": frozenset(),
    "node_resource_group": frozenset({"managed_cluster"}),
    "role_assignment": frozenset({"managed_cluster"}),
    "subnet": frozenset({"managed_cluster", "subnet"}),
    "private_dns_zone": frozenset({"managed_cluster"}),
    "nat_gateway": frozenset({"managed_cluster", "subnet"}),
    "public_ip": frozenset({"managed_cluster", "nat_gateway"}),
    "public_ip_prefix": frozenset({"managed_cluster", "nat_gateway"}),
    "route_table": frozenset({"managed_cluster", "subnet"}),
    "virtual_network": frozenset({"managed_cluster", "subnet", "private_dns_zone"}),
    "identity": frozenset({"managed_cluster", "role_assignment", "subnet"}),
    "resource_group": frozenset(get_args(TargetKind)),
}


@dataclass(frozen=True)
class Deletion:
    """A target in `down`'s graph: it starts once every deletion it depends on is done."""

    id: str
    target: Target
    depends_on: tuple[str, ...]

    @property
    def kind(self) -> str:
        return self.target.kind

    @property
    def resource_id(self) -> str:
        return self.target.resource_id


def deletion_graph(plan: TeardownPlan) -> list[Deletion]:
    """The plan's targets in deletion order, each depending on the earlier ones of the kinds it waits for."""
    ids = [f"{i}:{t.kind}" for i, t in enumerate(plan.targets)]
    return [
        Deletion(ids[i], t, tuple(ids[j] for j in range(i) if plan.targets[j].kind in WAITS_FOR[t.kind]))
        for i, t in enumerate(plan.targets)
    ]


def decide(spec: Spec, ids: Ids, seen: Observed) -> TeardownPlan:
    """Every target of `spec`'s teardown with its decision and reason, newest first."""
    from aksnet.network_steps import NetworkIds
    from aksnet.teardown_network import edge_targets, egress_targets

    net = NetworkIds.of(spec, ids.sub)
    targets = [*cluster_targets(spec, ids, seen), *assignment_targets(spec, ids, seen)]
    targets += [subnet_target(spec, ids, seen, s) for s in reversed(spec.vnet.all_subnets)]
    targets += egress_targets(spec, net, seen.network)
    targets.append(identity_target(spec, ids, seen))
    if spec.route_table is not None:
        targets.append(route_table_target(spec, ids, seen))
    targets += edge_targets(spec, net, seen.network)
    targets.append(vnet_target(spec, ids, seen.vnet, going(targets)))
    targets.append(group_target(spec, ids, seen.resource_group, seen.group_contents, going(targets)))
    return TeardownPlan(spec.deployment, tuple(targets))


def going(targets: Iterable[Target]) -> set[str]:
    """The ids this teardown removes (itself or through AKS)."""
    return {key(t.resource_id) for t in targets if t.decision in ("delete", "with_cluster")}


def owner(body: Body | None) -> str | None:
    """The aksnet deployment a resource's tags name, if aksnet made it."""
    return deployment_of((body or {}).get("tags"))


def not_ours(body: Body | None) -> str:
    other = owner(body)
    if other is not None:
        return f"owned by another deployment: {other}"
    return "found, not created by this deployment; aksnet never deletes it"


def brought(field_name: str) -> str:
    return f"brought by you ({field_name}); aksnet never deletes it"


def ownership(spec: Spec, kind: TargetKind, rid: str, body: Body | None, brought_by: str | None) -> Target:
    """The common rule: absent -> skip; brought -> keep; tagged for this deployment -> delete."""
    if body is None:
        return Target(kind, rid, "skip", NOT_FOUND)
    if brought_by is not None:
        return Target(kind, rid, "keep", brought(brought_by))
    if owner(body) != spec.deployment:
        return Target(kind, rid, "keep", not_ours(body))
    return Target(kind, rid, "delete", f"created by deployment {spec.deployment}")


def cluster_targets(spec: Spec, ids: Ids, seen: Observed) -> list[Target]:
    """The cluster, and its node resource group, which AKS (never aksnet) deletes with it."""
    cluster = ownership(spec, "managed_cluster", ids.cluster, seen.cluster, None)
    node_group = ((seen.cluster or {}).get("properties") or {}).get("nodeResourceGroup")
    if cluster.decision != "delete" or not node_group:
        return [cluster]
    node_rg = f"/subscriptions/{ids.sub}/resourceGroups/{node_group}"
    return [cluster, Target("node_resource_group", node_rg, "with_cluster", "AKS deletes it with the cluster")]


def assignment_targets(spec: Spec, ids: Ids, seen: Observed) -> list[Target]:
    """The identity's assignments: this deployment's names go, any other name stays."""
    found = {key(str(a["id"])): a for a in seen.assignments}
    targets = [_assignment_target(spec, a) for a in found.values()]
    missing = [rid for rid in expected_assignments(spec, ids) if key(rid) not in found]
    return targets + [Target("role_assignment", rid, "skip", NOT_FOUND) for rid in missing]


def expected_assignments(spec: Spec, ids: Ids) -> list[str]:
    """The grants `up` makes on the scopes the spec names (more may exist on scopes found live)."""
    from aksnet.plan import build_plan

    return [s.resource_id for s in build_plan(spec, subscription_id=ids.sub).steps if s.kind == "role_assignment"]


def _assignment_target(spec: Spec, assignment: Body) -> Target:
    props = assignment.get("properties") or {}
    role = str(props.get("roleDefinitionId", "")).rstrip("/").rsplit("/", 1)[-1]
    ours = role_assignment_name(spec.deployment, str(props.get("scope", "")), role)
    rid = str(assignment["id"])
    if str(assignment.get("name", "")).lower() == ours:
        return Target("role_assignment", rid, "delete", f"granted by deployment {spec.deployment}")
    return Target("role_assignment", rid, "keep", "not granted by this deployment; aksnet never deletes it")


def subnet_owned(spec: Spec, ids: Ids, seen: Observed, subnet: SubnetSpec) -> bool:
    """Created with this deployment's VNet, or recorded on its ledger."""
    if spec.is_existing(subnet):
        return False
    if not spec.vnet.existing and owner(seen.vnet) == spec.deployment:
        return True
    return on_ledger(spec, seen, ids.subnet_id(subnet.name))


def on_ledger(spec: Spec, seen: Observed, subnet_id: str) -> bool:
    """Recorded as created by this deployment on its identity or resource group (only one it owns counts)."""
    ledgers = (seen.identity, seen.resource_group)
    return any(
        owner(body) == spec.deployment and records_subnet((body or {}).get("tags"), subnet_id) for body in ledgers
    )


def subnet_target(spec: Spec, ids: Ids, seen: Observed, subnet: SubnetSpec) -> Target:
    """A subnet goes when this deployment created it; a kept one loses the associations aksnet made."""
    rid, body = ids.subnet_id(subnet.name), seen.subnet(subnet.name)
    if body is None:
        return Target("subnet", rid, "skip", NOT_FOUND)
    if subnet_owned(spec, ids, seen, subnet):
        return Target("subnet", rid, "delete", f"created by deployment {spec.deployment}")
    field_name = f"{spec.vnet.subnet_field(subnet)}.existing" if subnet.existing else "vnet.existing"
    why = brought(field_name) if spec.is_existing(subnet) else UNRECORDED
    attached = detachable(spec, ids, seen, body)
    if attached:
        what = " and ".join(f"{ASSOCIATED[field]} {name_of(rid)}" for field, rid in attached.items())
        return Target("subnet", rid, "detach", f"{why}; aksnet removes the association with {what}")
    return Target("subnet", rid, "keep", why)


def detachable(spec: Spec, ids: Ids, seen: Observed, subnet: Body) -> dict[str, str]:
    """The subnet's associations aksnet made with resources of its own: property -> that resource's id."""
    from aksnet.network_steps import NetworkIds

    props = subnet.get("properties") or {}
    ng, rt = spec.nat_gateway, spec.route_table
    ours = {
        "routeTable": ids.route_table if rt is not None and not rt.existing else None,
        "natGateway": NetworkIds.of(spec, ids.sub).nat_gateway if ng is not None and not ng.existing else None,
    }
    bodies = {"routeTable": seen.route_table, "natGateway": seen.network.get(key(ours["natGateway"] or ""))}
    return {
        field: rid
        for field, rid in ours.items()
        if rid
        and owner(bodies[field]) == spec.deployment
        and key(str((props.get(field) or {}).get("id", ""))) == key(rid)
    }


def identity_target(spec: Spec, ids: Ids, seen: Observed) -> Target:
    return ownership(spec, "identity", ids.identity, seen.identity, "identity.id" if spec.identity.id else None)


def route_table_target(spec: Spec, ids: Ids, seen: Observed) -> Target:
    """This deployment's route table goes unless a subnet of somebody else's still uses it."""
    rt, rid = spec.route_table, ids.route_table or ""
    brought_by = "route_table.existing" if rt is not None and rt.existing else None
    target = ownership(spec, "route_table", rid, seen.route_table, brought_by)
    if target.decision != "delete":
        return target
    subnets = ((seen.route_table or {}).get("properties") or {}).get("subnets") or []
    own = {key(ids.subnet_id(s.name)) for s in spec.vnet.all_subnets}
    others = [str(s["id"]) for s in subnets if key(str(s["id"])) not in own]
    if others:
        return Target("route_table", rid, "keep", f"associated with subnets of others: {names(others)}")
    return target


def vnet_target(spec: Spec, ids: Ids, vnet: Body | None, deleting: set[str]) -> Target:
    """This deployment's VNet goes only when nothing of anybody else's is left in it."""
    target = ownership(spec, "virtual_network", ids.vnet, vnet, "vnet.existing" if spec.vnet.existing else None)
    if target.decision != "delete":
        return target
    props = (vnet or {}).get("properties") or {}
    subnets = [str(s["id"]) for s in props.get("subnets") or [] if key(str(s["id"])) not in deleting]
    peerings = [str(p["id"]) for p in props.get("virtualNetworkPeerings") or []]
    held = []
    if subnets:
        held.append(f"subnets of others: {names(subnets)}")
    if peerings:  # aksnet never makes peerings: somebody else's network depends on them
        held.append(f"peerings: {names(peerings)}")
    if held:
        return Target("virtual_network", ids.vnet, "keep", "holds " + "; ".join(held))
    return target


def group_target(spec: Spec, ids: Ids, group: Body | None, contents: Iterable[Body], deleting: set[str]) -> Target:
    """This deployment's resource group goes only when it would be empty of everything else."""
    target = ownership(spec, "resource_group", ids.resource_group, group, None)
    if target.decision != "delete":
        return target
    # A child (a zone's VNet link) goes with its parent.
    others = [str(r["id"]) for r in contents if not _goes(key(str(r["id"])), deleting)]
    if others:
        count = len(others)
        why = f"resource group still holds {count} other resource{'s' * (count != 1)}: {names(others)}"
        return Target("resource_group", ids.resource_group, "keep", why)
    return target


def _goes(resource_key: str, deleting: set[str]) -> bool:
    return any(resource_key == d or resource_key.startswith(f"{d}/") for d in deleting)


def names(resource_ids: Sequence[str]) -> str:
    """A few names of a list of ids, and how many more."""
    return listed(sorted(name_of(rid) for rid in resource_ids))
