"""Spec -> Plan: ordered steps with full resource ids and the exact ARM bodies the SDK will send.

Pure: no azure.* import. Bodies use ARM's camelCase names and are passed to the SDK as-is, so
the plan shows byte-for-byte what goes on the wire (two placeholders aside: the identity's
principal id, known once it exists, and the Windows password, which never enters a plan).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from aksnet.address_map import AddressBlock, address_map
from aksnet.arm import (
    NETWORK_CONTRIBUTOR,
    ROLE_NAMES,
    ZERO_SUBSCRIPTION,
    assignment_id,
    cluster_id,
    key,
    ownership_tags,
    provider_id,
    resource_group_id,
    role_assignment_name,
    role_definition_id,
)
from aksnet.errors import AksnetError, InvalidRequest
from aksnet.findings import Finding, has_errors
from aksnet.netcalc import Capacity
from aksnet.plan_network import (
    api_server_access_profile,
    ingress_profile,
    load_balancer_profile,
    service_annotations,
)
from aksnet.result import Outcome
from aksnet.sizing import cluster_capacity, pool_max_pods
from aksnet.spec import WINDOWS_PASSWORD_ENV, NodePoolSpec, RouteSpec, Spec, SubnetSpec, default_dns_prefix

if TYPE_CHECKING:
    from aksnet.arc.kinds import ArcKind
    from aksnet.arc.spec import ArcSpec
    from aksnet.live.actions import Decision
    from aksnet.network_steps import NetworkIds

PRINCIPAL_PLACEHOLDER = "<identity.principalId>"
PASSWORD_PLACEHOLDER = f"<{WINDOWS_PASSWORD_ENV}>"

StepKind = Literal[
    "resource_group",
    "virtual_network",
    "route_table",
    "subnet",
    "identity",
    "role_assignment",
    "managed_cluster",
    "private_dns_zone",
    "public_ip",
    "public_ip_prefix",
    "nat_gateway",
]
# create: create or converge a resource this deployment owns; use: read and verify one the user
# brought; associate: attach aksnet's route table to a subnet the user brought; grant: a role assignment.
StepAction = Literal["create", "use", "associate", "grant"]
# What an offline plan says `up` does (it has not looked): creates, uses what is brought, updates a
# brought subnet with the route table. `plan --live` says what it will do (aksnet.live.actions).
OFFLINE_ACTIONS = {"create": "create", "grant": "create", "use": "use", "associate": "update"}


@dataclass(frozen=True)
class Step:
    """One resource the deployment creates, verifies or grants on."""

    id: str
    kind: StepKind | ArcKind
    action: StepAction
    name: str
    resource_id: str
    depends_on: tuple[str, ...] = ()
    body: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "action": self.action,
            "name": self.name,
            "resource_id": self.resource_id,
            "depends_on": list(self.depends_on),
        }


class StepList:
    """What every plan shares: its ordered steps, found by id, their bodies, and the waves they run in."""

    steps: tuple[Step, ...]
    actions: Mapping[str, Decision] | None = None  # by step id, once read live

    @property
    def requests(self) -> dict[str, Mapping[str, Any]]:
        return {s.id: s.body for s in self.steps if s.body is not None}

    def step(self, step_id: str) -> Step:
        found = self.find(step_id)
        if found is None:
            raise KeyError(f"the plan has no step {step_id!r}")
        return found

    def action_of(self, step: Step) -> str:
        """What `up` does to the step's resource: decided against what exists, else the offline word."""
        decided = self.actions.get(step.id) if self.actions else None
        return decided.action if decided is not None else OFFLINE_ACTIONS[step.action]

    def step_document(self, step: Step) -> dict[str, Any]:
        """The step in `plan -o json`; once read live, with the changes (and a refusal's finding)."""
        document = {**step.as_dict(), "action": self.action_of(step)}
        decided = self.actions.get(step.id) if self.actions else None
        return {**document, **decided.as_dict()} if decided is not None else document

    def find(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def waves(self) -> list[list[Step]]:
        """Steps grouped by how early they can start: each wave only needs earlier waves."""
        level: dict[str, int] = {}
        for s in self.steps:  # steps are in dependency order
            level[s.id] = 1 + max((level[d] for d in s.depends_on), default=-1)
        return [[s for s in self.steps if level[s.id] == n] for n in range(max(level.values(), default=-1) + 1)]


@dataclass(frozen=True)
class Plan(StepList, Outcome):
    """Findings, capacity and the ordered steps for one spec; its error says why `up` would refuse it."""

    spec: Spec
    subscription_id: str
    steps: tuple[Step, ...]
    findings: tuple[Finding, ...] = ()
    capacity: Capacity | None = None
    notes: tuple[str, ...] = field(default=())
    error: AksnetError | None = field(default=None, compare=False)
    actions: Mapping[str, Decision] | None = field(default=None, compare=False)  # by step id, once read live
    address_map: tuple[AddressBlock, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "deployment": self.spec.deployment,
            "ok": self.ok,
            "subscription_id": self.subscription_id,
            "findings": [f.as_dict() for f in self.findings],
            "capacity": self.capacity.as_dict() if self.capacity else None,
            "steps": [self.step_document(s) for s in self.steps],
            "address_map": [block.as_dict() for block in self.address_map],
            "requests": self.requests,
        }


@dataclass(frozen=True)
class Ids:
    """Every resource id of a spec, in one place. `subnet` is the default node subnet's; `subnets` holds
    every declared subnet's, by lower-case name."""

    sub: str
    resource_group: str
    vnet: str
    subnet: str
    route_table: str | None
    identity: str
    cluster: str
    subnets: Mapping[str, str] = field(default_factory=dict)

    def subnet_id(self, name: str) -> str:
        """The id of the declared subnet `name` (a subnet of the spec's VNet even when undeclared)."""
        return self.subnets.get(name.lower()) or f"{self.vnet}/subnets/{name}"

    @classmethod
    def of(cls, spec: Spec, sub: str) -> Ids:
        vnet = provider_id(sub, spec.vnet_resource_group, "Microsoft.Network/virtualNetworks", spec.vnet.name)
        rt = spec.route_table
        identity = spec.identity.id or provider_id(
            sub,
            spec.resource_group,
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            spec.identity.name or "",
        )
        return cls(
            sub=sub,
            resource_group=resource_group_id(sub, spec.resource_group),
            vnet=vnet,
            subnet=f"{vnet}/subnets/{spec.vnet.subnet.name}",
            route_table=provider_id(sub, spec.route_table_resource_group, "Microsoft.Network/routeTables", rt.name)
            if rt
            else None,
            identity=identity,
            cluster=cluster_id(sub, spec.resource_group, spec.cluster.name),
            subnets={s.name.lower(): f"{vnet}/subnets/{s.name}" for s in reversed(spec.vnet.all_subnets)},
        )


def build_plan(
    spec: Spec,
    findings: Sequence[Finding] = (),
    *,
    subscription_id: str | None = None,
    extra_grant_scopes: Sequence[tuple[str, str]] = (),
) -> Plan:
    """The ordered steps for `spec`. `extra_grant_scopes` are (label, id) found live (NSG, NAT gateway)."""
    sub = subscription_id or spec.subscription_id or ZERO_SUBSCRIPTION
    ids = Ids.of(spec, sub)
    steps = list(_steps(spec, ids, extra_grant_scopes))
    notes = tuple(service_annotations(spec))
    return Plan(
        spec,
        sub,
        tuple(steps),
        tuple(findings),
        cluster_capacity(spec),
        notes,
        error=refusal(spec, findings),
        address_map=address_map(spec),
    )


def refusal(spec: Spec | ArcSpec, findings: Sequence[Finding]) -> InvalidRequest | None:
    """Why `up` writes nothing for these findings, if any is an error."""
    if not has_errors(findings):
        return None
    return InvalidRequest(
        f"{spec.deployment}: the spec has errors; nothing was written", findings=findings, code="SPEC_INVALID"
    )


def _steps(spec: Spec, ids: Ids, extra_scopes: Sequence[tuple[str, str]]) -> Iterator[Step]:
    # network_steps builds Steps, so it imports this module: imported here, once this one is whole.
    from aksnet.network_steps import NetworkIds, network_grants, network_steps

    tags = ownership_tags(spec.deployment, spec.tags)
    net = NetworkIds.of(spec, ids.sub)
    yield Step(
        "resource_group",
        "resource_group",
        "create",
        spec.resource_group,
        ids.resource_group,
        (),
        {"location": spec.location, "tags": tags},
    )
    yield _vnet_step(spec, ids, tags)
    if spec.route_table is not None:
        yield _route_table_step(spec, ids, tags)
    if spec.identity.id:
        yield Step("identity", "identity", "use", spec.identity.id.rsplit("/", 1)[-1], ids.identity, ())
    else:
        yield Step(
            "identity",
            "identity",
            "create",
            spec.identity.name or "",
            ids.identity,
            ("resource_group",),
            {"location": spec.location, "tags": tags},
        )
    yield from network_steps(spec, net, tags)
    subnets = [_subnet_step(spec, ids, subnet, after, net.nat_gateway) for subnet, after in _subnet_order(spec)]
    yield from subnets
    scopes: list[Scope] = [(label, scope, "subnet", NETWORK_CONTRIBUTOR) for label, scope in extra_scopes]
    scopes += [(g.label, g.scope, g.after, g.role) for g in network_grants(spec, net, ids.vnet)]
    grants = list(_grant_steps(spec, ids, scopes))
    yield from grants
    yield _cluster_step(spec, ids, tags, (*(s.id for s in subnets), "identity", *(g.id for g in grants)), net)


def subnet_step_id(spec: Spec, subnet: SubnetSpec) -> str:
    """`subnet` for the default node subnet (as before), `subnet.<name>` for every other one."""
    return "subnet" if subnet is spec.vnet.subnet else f"subnet.{subnet.name}"


def _subnet_order(spec: Spec) -> Iterator[tuple[SubnetSpec, str | None]]:
    """Each subnet and the subnet step before it: one VNet's subnets change one at a time (concurrent
    writes to one VNet fail with AnotherOperationInProgress, Azure/AKS#4522)."""
    previous: str | None = None
    for subnet in spec.vnet.all_subnets:
        yield subnet, previous
        previous = subnet_step_id(spec, subnet)


def _vnet_step(spec: Spec, ids: Ids, tags: Mapping[str, str]) -> Step:
    vnet = spec.vnet
    if vnet.existing:
        return Step("virtual_network", "virtual_network", "use", vnet.name, ids.vnet, ())
    depends = ("resource_group",) if spec.vnet_resource_group == spec.resource_group else ()
    # The subnets are created inline with a new VNet (one operation instead of one per subnet); the
    # subnet steps then only converge them, e.g. associate the route table.
    subnets = [{"name": s.name, "properties": subnet_properties(spec, s)} for s in vnet.all_subnets]
    body = {
        "location": spec.location,
        "tags": tags,
        "properties": {
            "addressSpace": {"addressPrefixes": [str(p) for p in vnet.address_prefixes]},
            "subnets": subnets,
        },
    }
    return Step("virtual_network", "virtual_network", "create", vnet.name, ids.vnet, depends, body)


def _route_table_step(spec: Spec, ids: Ids, tags: Mapping[str, str]) -> Step:
    rt = spec.route_table
    assert rt is not None and ids.route_table is not None
    if rt.existing:
        return Step("route_table", "route_table", "use", rt.name, ids.route_table, ())
    depends = ("resource_group",) if spec.route_table_resource_group == spec.resource_group else ()
    body = {
        "location": spec.location,
        "tags": tags,
        "properties": {"routes": [route_body(r) for r in rt.routes]},
    }
    return Step("route_table", "route_table", "create", rt.name, ids.route_table, depends, body)


def route_body(route: RouteSpec) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "addressPrefix": str(route.address_prefix),
        "nextHopType": route.next_hop_type,
    }
    if route.next_hop_ip_address is not None:
        properties["nextHopIpAddress"] = str(route.next_hop_ip_address)
    return {"name": route.name, "properties": properties}


def subnet_prefixes(subnet: SubnetSpec) -> dict[str, Any]:
    """`addressPrefix`, or `addressPrefixes` [IPv4, IPv6] for a dual-stack subnet (as az sends them)."""
    if subnet.address_prefix_ipv6 is None:
        return {"addressPrefix": str(subnet.address_prefix)}
    return {"addressPrefixes": [str(p) for p in subnet.prefixes]}


# `az network vnet subnet create --delegations Microsoft.ContainerService/managedClusters` (azure-cli 2.91.0) names
# the delegation by its index.
API_SERVER_DELEGATION = {"name": "0", "properties": {"serviceName": "Microsoft.ContainerService/managedClusters"}}


def subnet_properties(spec: Spec, subnet: SubnetSpec) -> dict[str, Any]:
    """What aksnet creates a subnet with: its prefixes, and the API server subnet's delegation to AKS."""
    delegated = subnet is spec.api_server_subnet()
    return {**subnet_prefixes(subnet), **({"delegations": [API_SERVER_DELEGATION]} if delegated else {})}


def _node_subnet(spec: Spec, subnet: SubnetSpec) -> bool:
    """The default subnet and every pool's node subnet: where the route table and NAT gateway go."""
    return subnet is spec.vnet.subnet or subnet in spec.node_subnets()


def _associations(spec: Spec, ids: Ids, subnet: SubnetSpec, nat_gateway: str | None) -> dict[str, Any]:
    if not _node_subnet(spec, subnet):
        return {}
    association: dict[str, Any] = {"routeTable": {"id": ids.route_table}} if spec.route_table else {}
    if nat_gateway is not None:
        association["natGateway"] = {"id": nat_gateway}  # on every node subnet before the cluster (R5.3)
    return association


def _subnet_step(spec: Spec, ids: Ids, subnet: SubnetSpec, after: str | None, nat_gateway: str | None) -> Step:
    rt, ng, step_id, rid = spec.route_table, spec.nat_gateway, subnet_step_id(spec, subnet), ids.subnet_id(subnet.name)
    # The ledger first: a subnet created in a VNet this deployment does not own is recorded on its identity,
    # or, the identity being brought, on its resource group (aksnet.azure.steps.ledger).
    ledger = ("resource_group",) if spec.identity.id else ("identity",)
    depends = (after or "virtual_network",) + (("route_table",) if rt else ()) + ledger
    depends += ("nat_gateway",) if ng else ()
    association = _associations(spec, ids, subnet, nat_gateway)
    if not spec.is_existing(subnet):
        body = {"properties": {**subnet_properties(spec, subnet), **association}}
        return Step(step_id, "subnet", "create", subnet.name, rid, depends, body)
    ours = {"routeTable": rt is not None and not rt.existing, "natGateway": ng is not None and not ng.existing}
    association = {k: v for k, v in association.items() if ours[k]}
    if association:
        # Merged into the subnet as read at run time: a subnet PUT replaces the whole subnet.
        return Step(step_id, "subnet", "associate", subnet.name, rid, depends, {"properties": association})
    return Step(step_id, "subnet", "use", subnet.name, rid, depends)


def grant_label(spec: Spec, subnet: SubnetSpec) -> str:
    """The label of the grant on `subnet`: `subnet` for the default one, `subnet.<name>` for the others."""
    return subnet_step_id(spec, subnet)


Scope = tuple[str, str, str | None, str]  # label, scope, the step it waits for, role


def _grant_steps(spec: Spec, ids: Ids, more: Sequence[Scope]) -> Iterator[Step]:
    """Each role on exactly what the cluster joins or writes: every node and pod subnet, the API server and internal
    load balancer subnets, the route table, what preflight found attached to them, the zone, NAT gateway and IPs;
    only ingress IPs' groups, as documented."""
    scopes: list[Scope] = [
        (grant_label(spec, s), ids.subnet_id(s.name), subnet_step_id(spec, s), NETWORK_CONTRIBUTOR)
        for s in spec.granted_subnets()
    ]
    if ids.route_table is not None:
        scopes.append(("route_table", ids.route_table, "route_table", NETWORK_CONTRIBUTOR))
    seen: set[tuple[str, str]] = set()
    for label, scope, after, role in [*scopes, *more]:
        if (key(scope), role) in seen:
            continue  # two subnets sharing one NSG, or a NAT gateway both named and found: one grant
        seen.add((key(scope), role))
        name = role_assignment_name(spec.deployment, scope, role)
        body = {
            "properties": {
                "roleDefinitionId": role_definition_id(ids.sub, role),
                "principalId": PRINCIPAL_PLACEHOLDER,
                "principalType": "ServicePrincipal",
            }
        }
        yield Step(
            f"role_assignment.{label}",
            "role_assignment",
            "grant",
            f"{ROLE_NAMES[role]} on {label.replace('_', ' ')}",
            assignment_id(scope, name),
            ("identity", after) if after else ("identity",),
            body,
        )


def _cluster_step(spec: Spec, ids: Ids, tags: Mapping[str, str], depends: tuple[str, ...], net: NetworkIds) -> Step:
    from aksnet.network_steps import zone_value

    cluster = spec.cluster
    properties: dict[str, Any] = {}
    if cluster.kubernetes_version:
        properties["kubernetesVersion"] = cluster.kubernetes_version
    properties["dnsPrefix"] = cluster.dns_prefix or default_dns_prefix(cluster.name, spec.resource_group, ids.sub)
    properties["agentPoolProfiles"] = [_pool_body(p, ids) for p in cluster.node_pools]
    properties["networkProfile"] = network_profile(spec)
    api = cluster.api_server
    api_subnet = ids.subnet_id(api.subnet) if api.vnet_integration and api.subnet else None
    access = api_server_access_profile(spec, zone_value(spec, net), api_subnet)
    if access is not None:
        properties["apiServerAccessProfile"] = access
    ingress = ingress_profile(spec)
    if ingress is not None:
        properties["ingressProfile"] = ingress
    if cluster.has_windows_pool and cluster.windows_admin_username:
        properties["windowsProfile"] = {
            "adminUsername": cluster.windows_admin_username,
            "adminPassword": PASSWORD_PLACEHOLDER,
        }
    body = {
        "location": spec.location,
        "tags": dict(tags),
        "identity": {"type": "UserAssigned", "userAssignedIdentities": {ids.identity: {}}},
        "properties": properties,
    }
    return Step("managed_cluster", "managed_cluster", "create", cluster.name, ids.cluster, depends, body)


def network_profile(spec: Spec) -> dict[str, Any]:
    """The networkProfile az aks create sends for the same settings, with the validated values."""
    cluster = spec.cluster
    profile: dict[str, Any] = {"networkPlugin": cluster.plugin}
    if cluster.network_plugin_mode:
        profile["networkPluginMode"] = cluster.network_plugin_mode
    if cluster.network_dataplane:
        profile["networkDataplane"] = cluster.network_dataplane
    if cluster.network_policy or cluster.dataplane == "cilium":
        profile["networkPolicy"] = cluster.policy
    if cluster.pod_cidrs is not None:
        profile["podCidrs"] = [str(c) for c in cluster.pod_cidrs]
    elif cluster.pod_cidr is not None and not cluster.flat_azure_cni:
        profile["podCidr"] = str(cluster.pod_cidr)
    if cluster.service_cidrs is not None:
        profile["serviceCidrs"] = [str(c) for c in cluster.service_cidrs]
    else:
        profile["serviceCidr"] = str(cluster.service_cidr)
    if cluster.ip_families is not None:
        profile["ipFamilies"] = list(cluster.ip_families)
    profile["dnsServiceIP"] = str(cluster.dns_service_ip)
    profile["outboundType"] = cluster.outbound_type
    profile["loadBalancerSku"] = "standard"
    lb = load_balancer_profile(spec)
    if lb is not None:
        profile["loadBalancerProfile"] = lb
    return profile


def _pool_body(pool: NodePoolSpec, ids: Ids) -> dict[str, Any]:
    """The agent pool az sends for the same flags (--vnet-subnet-id, --pod-subnet-id, --pod-ip-allocation-mode)."""
    body: dict[str, Any] = {"name": pool.name, "count": pool.count}
    if pool.vm_size:
        body["vmSize"] = pool.vm_size
    body.update(
        {
            "osType": pool.os_type,
            "mode": pool.mode,
            "type": "VirtualMachineScaleSets",
            "maxPods": pool_max_pods(pool),
            "vnetSubnetID": ids.subnet_id(pool.subnet or ""),
        }
    )
    if pool.pod_subnet is not None:
        body["podSubnetID"] = ids.subnet_id(pool.pod_subnet)
    if pool.pod_ip_allocation_mode is not None:
        body["podIPAllocationMode"] = pool.pod_ip_allocation_mode
    if pool.enable_auto_scaling:
        body.update({"enableAutoScaling": True, "minCount": pool.min_count, "maxCount": pool.max_count})
    if pool.max_surge is not None:
        body["upgradeSettings"] = {"maxSurge": pool.max_surge}
    return body
