"""Spec -> Plan: ordered steps with full resource ids and the exact ARM bodies the SDK will send.

Pure: no azure.* import. Bodies use ARM's camelCase names and are passed to the SDK as-is, so
the plan shows byte-for-byte what goes on the wire (two placeholders aside: the identity's
principal id, known once it exists, and the Windows password, which never enters a plan).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from aksnet.arm import (
    ZERO_SUBSCRIPTION,
    assignment_id,
    cluster_id,
    ownership_tags,
    provider_id,
    resource_group_id,
    role_assignment_name,
    role_definition_id,
)
from aksnet.errors import AksnetError, InvalidRequest
from aksnet.findings import Finding, has_errors
from aksnet.netcalc import Capacity
from aksnet.result import Outcome
from aksnet.sizing import cluster_capacity, pool_max_pods
from aksnet.spec import WINDOWS_PASSWORD_ENV, NodePoolSpec, RouteSpec, Spec, default_dns_prefix

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
]
# create: create or converge a resource this deployment owns; use: read and verify one the user
# brought; associate: attach aksnet's route table to a subnet the user brought; grant: a role assignment.
StepAction = Literal["create", "use", "associate", "grant"]


@dataclass(frozen=True)
class Step:
    """One resource the deployment creates, verifies or grants on."""

    id: str
    kind: StepKind
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


@dataclass(frozen=True)
class Plan(Outcome):
    """Findings, capacity and the ordered steps for one spec; its error says why `up` would refuse it."""

    spec: Spec
    subscription_id: str
    steps: tuple[Step, ...]
    findings: tuple[Finding, ...] = ()
    capacity: Capacity | None = None
    notes: tuple[str, ...] = field(default=())
    error: AksnetError | None = field(default=None, compare=False)

    @property
    def requests(self) -> dict[str, Mapping[str, Any]]:
        return {s.id: s.body for s in self.steps if s.body is not None}

    def step(self, step_id: str) -> Step:
        found = self.find(step_id)
        if found is None:
            raise KeyError(f"the plan has no step {step_id!r}")
        return found

    def find(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def waves(self) -> list[list[Step]]:
        """Steps grouped by how early they can start: each wave only needs earlier waves."""
        level: dict[str, int] = {}
        for s in self.steps:  # steps are in dependency order
            level[s.id] = 1 + max((level[d] for d in s.depends_on), default=-1)
        return [[s for s in self.steps if level[s.id] == n] for n in range(max(level.values(), default=-1) + 1)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "deployment": self.spec.deployment,
            "ok": self.ok,
            "subscription_id": self.subscription_id,
            "findings": [f.as_dict() for f in self.findings],
            "capacity": self.capacity.as_dict() if self.capacity else None,
            "steps": [s.as_dict() for s in self.steps],
            "requests": self.requests,
        }


@dataclass(frozen=True)
class Ids:
    """Every resource id of a spec, in one place."""

    sub: str
    resource_group: str
    vnet: str
    subnet: str
    route_table: str | None
    identity: str
    cluster: str

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
    return Plan(spec, sub, tuple(steps), tuple(findings), cluster_capacity(spec), error=refusal(spec, findings))


def refusal(spec: Spec, findings: Sequence[Finding]) -> InvalidRequest | None:
    """Why `up` writes nothing for these findings, if any is an error."""
    if not has_errors(findings):
        return None
    return InvalidRequest(
        f"{spec.deployment}: the spec has errors; nothing was written", findings=findings, code="SPEC_INVALID"
    )


def _steps(spec: Spec, ids: Ids, extra_scopes: Sequence[tuple[str, str]]) -> Iterator[Step]:
    tags = ownership_tags(spec.deployment, spec.tags)
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
    yield _subnet_step(spec, ids)
    grants = list(_grant_steps(spec, ids, extra_scopes))
    yield from grants
    yield _cluster_step(spec, ids, tags, tuple(g.id for g in grants))


def _vnet_step(spec: Spec, ids: Ids, tags: Mapping[str, str]) -> Step:
    vnet = spec.vnet
    if vnet.existing:
        return Step("virtual_network", "virtual_network", "use", vnet.name, ids.vnet, ())
    depends = ("resource_group",) if spec.vnet_resource_group == spec.resource_group else ()
    # The subnet is created inline with a new VNet (one operation instead of two); the subnet step
    # then only converges it, e.g. associates the route table.
    subnet = {"name": vnet.subnet.name, "properties": {"addressPrefix": str(vnet.subnet.address_prefix)}}
    body = {
        "location": spec.location,
        "tags": tags,
        "properties": {
            "addressSpace": {"addressPrefixes": [str(p) for p in vnet.address_prefixes]},
            "subnets": [subnet],
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


def _subnet_step(spec: Spec, ids: Ids) -> Step:
    subnet, rt = spec.vnet.subnet, spec.route_table
    # The ledger first: a subnet created in a VNet this deployment does not own is recorded on its identity,
    # or, the identity being brought, on its resource group (aksnet.azure.steps.ledger).
    ledger = ("resource_group",) if spec.identity.id else ("identity",)
    depends = ("virtual_network",) + (("route_table",) if rt else ()) + ledger
    association = {"routeTable": {"id": ids.route_table}} if rt else {}
    if not spec.subnet_existing:
        body = {"properties": {"addressPrefix": str(subnet.address_prefix), **association}}
        return Step("subnet", "subnet", "create", subnet.name, ids.subnet, depends, body)
    if rt is not None and not rt.existing:
        # Merged into the subnet as read at run time: a subnet PUT replaces the whole subnet.
        return Step("subnet", "subnet", "associate", subnet.name, ids.subnet, depends, {"properties": association})
    return Step("subnet", "subnet", "use", subnet.name, ids.subnet, depends)


def _grant_steps(spec: Spec, ids: Ids, extra: Sequence[tuple[str, str]]) -> Iterator[Step]:
    """Network Contributor on exactly what the cluster joins or writes: never the group or subscription."""
    scopes = [("subnet", ids.subnet, "subnet")]
    if ids.route_table is not None:
        scopes.append(("route_table", ids.route_table, "route_table"))
    scopes += [(label, scope, "subnet") for label, scope in extra]
    for label, scope, after in scopes:
        name = role_assignment_name(spec.deployment, scope)
        body = {
            "properties": {
                "roleDefinitionId": role_definition_id(ids.sub),
                "principalId": PRINCIPAL_PLACEHOLDER,
                "principalType": "ServicePrincipal",
            }
        }
        yield Step(
            f"role_assignment.{label}",
            "role_assignment",
            "grant",
            f"Network Contributor on {label}",
            assignment_id(scope, name),
            ("identity", after),
            body,
        )


def _cluster_step(spec: Spec, ids: Ids, tags: Mapping[str, str], grants: tuple[str, ...]) -> Step:
    cluster = spec.cluster
    properties: dict[str, Any] = {}
    if cluster.kubernetes_version:
        properties["kubernetesVersion"] = cluster.kubernetes_version
    properties["dnsPrefix"] = cluster.dns_prefix or default_dns_prefix(cluster.name, spec.resource_group, ids.sub)
    properties["agentPoolProfiles"] = [_pool_body(p, ids.subnet) for p in cluster.node_pools]
    properties["networkProfile"] = network_profile(spec)
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
    depends = ("subnet", "identity", *grants)
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
    if cluster.pod_cidr is not None and not cluster.flat_azure_cni:
        profile["podCidr"] = str(cluster.pod_cidr)
    profile["serviceCidr"] = str(cluster.service_cidr)
    profile["dnsServiceIP"] = str(cluster.dns_service_ip)
    profile["outboundType"] = cluster.outbound_type
    profile["loadBalancerSku"] = "standard"
    return profile


def _pool_body(pool: NodePoolSpec, subnet_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {"name": pool.name, "count": pool.count}
    if pool.vm_size:
        body["vmSize"] = pool.vm_size
    body.update(
        {
            "osType": pool.os_type,
            "mode": pool.mode,
            "type": "VirtualMachineScaleSets",
            "maxPods": pool_max_pods(pool),
            "vnetSubnetID": subnet_id,
        }
    )
    if pool.enable_auto_scaling:
        body.update({"enableAutoScaling": True, "minCount": pool.min_count, "maxCount": pool.max_count})
    if pool.max_surge is not None:
        body["upgradeSettings"] = {"maxSurge": pool.max_surge}
    return body
