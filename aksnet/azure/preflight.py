"""Live preflight: read what the spec names (and what it touches) from Azure, write nothing, judge.

Reads run in parallel, in three waves: provider registration first (a read in an unregistered
namespace makes the SDK register it, which is a write and a 10 s sleep), then every resource the
spec names and the subscription's clusters, then what those reads point at (the subnet's route
table, the caller's permissions at each grant scope).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from aksnet.arm import CLUSTER_TYPE, assignment_id, key, name_of, resource_group_of
from aksnet.azure import by_id
from aksnet.azure.arm import read_arm
from aksnet.azure.clients import Clients
from aksnet.azure.errors import azure_call, status_of, translate
from aksnet.azure.parallel import in_parallel
from aksnet.azure.session import Session
from aksnet.errors import AuthError
from aksnet.findings import Finding
from aksnet.live.evaluate import (
    Preflight,
    access_scope,
    evaluate,
    extra_grant_scopes,
    fill_from_live,
    grant_scopes,
    known_ids,
)
from aksnet.live.facts import (
    CONTAINER_SERVICE,
    MANAGED_IDENTITY,
    NETWORK,
    REQUIRED_PROVIDERS,
    ClusterFacts,
    Found,
    GrantAccess,
    LiveFacts,
    Permission,
    RouteTableFacts,
    SecurityGroupFacts,
    VNetFacts,
)
from aksnet.network_steps import NetworkIds
from aksnet.plan import Ids, Plan, build_plan
from aksnet.spec import Spec
from aksnet.teardown_network import network_ids_read

T = TypeVar("T")
AUTHORIZATION_API = "2022-04-01"
LOCATIONS_API = "2022-12-01"
CONTAINER_SERVICE_API = by_id.API_VERSIONS["microsoft.containerservice"]


def preflight(
    clients: Clients,
    spec: Spec,
    offline: Sequence[Finding],
    *,
    env: Mapping[str, str] | None = None,
    require_secrets: bool = False,
) -> Preflight:
    """Read, then judge: every finding (offline and live) and the plan built on what exists."""
    facts = read_facts(clients, spec)
    filled = fill_from_live(spec, facts)
    draft = build_plan(
        filled, subscription_id=clients.subscription_id, extra_grant_scopes=extra_grant_scopes(filled, facts)
    )
    facts = dataclasses.replace(facts, access=read_access(clients, facts, grant_scopes(draft)))
    return evaluate(spec, facts, offline, env=env, require_secrets=require_secrets)


def live_plan(
    spec: Spec, offline: Sequence[Finding], session: Session, *, subscription: str | None, env: Mapping[str, str]
) -> Plan:
    """`plan --live`: the same reads and checks as `up`, and the plan `up` would run; nothing is written."""
    subscription_id, source = session.subscription(subscription, spec.subscription_id, env)
    plan = preflight(session.clients(subscription_id), spec, offline, env=env).plan
    note = f"checked against what exists in subscription {subscription_id} (from {source})"
    return dataclasses.replace(plan, notes=(*plan.notes, note))


def read_facts(clients: Clients, spec: Spec) -> LiveFacts:
    """Everything the spec names or touches, as it is now; nothing in an unregistered namespace."""
    ids = Ids.of(spec, clients.subscription_id)
    first: dict[str, Callable[[], Any]] = {ns: registration(clients, ns) for ns in REQUIRED_PROVIDERS}
    first["locations"] = _locations(clients)
    read_first = in_parallel(first)
    locations: tuple[str, ...] | None = read_first.pop("locations")
    providers: dict[str, str] = read_first
    registered = {ns for ns, state in providers.items() if state.lower() == "registered"}
    reads: dict[str, Callable[[], Any]] = {
        f"group:{rg.lower()}": _group(clients, rg)
        for rg in {spec.resource_group, spec.vnet_resource_group, spec.route_table_resource_group}
    }
    if NETWORK in registered:
        reads["vnet"] = _as(VNetFacts.from_arm, _by_id(clients, "VNet", ids.vnet))
        if ids.route_table is not None:
            reads["route_table"] = _as(RouteTableFacts.from_arm, _by_id(clients, "route table", ids.route_table))
        net = network_reads(spec, ids.sub)
        reads |= {
            f"net:{key(rid)}": _as(Found.from_arm, _by_id(clients, kind.replace("_", " "), rid)) for kind, rid in net
        }
        groups = {resource_group_of(rid) for _, rid in net} - {spec.resource_group}
        reads |= {f"group:{rg.lower()}": _group(clients, rg) for rg in groups}
    if MANAGED_IDENTITY in registered:
        reads["identity"] = _found(clients, "identity", ids.identity)
    if CONTAINER_SERVICE in registered:
        reads["cluster"] = _by_id(clients, "cluster", ids.cluster)
        reads["clusters"] = _clusters(clients)
    got = in_parallel(reads)
    vnet: VNetFacts | None = got.get("vnet")
    subnet = vnet.subnet(spec.vnet.subnet.name) if vnet else None
    clusters: tuple[ClusterFacts, ...] | None = got.get("clusters")
    attached: dict[str, Callable[[], Any]] = {  # what the VNet's subnets point at
        "route_table": lambda: _subnet_route_table(clients, spec, subnet.route_table if subnet else None),
        "nat_gateways": lambda: _nat_gateways(clients, spec, vnet),
    }
    attached |= {f"nsg:{k}": _security_group(clients, g) for k, g in _security_group_ids(spec, vnet).items()}
    found = in_parallel(attached)
    nsgs = {k.removeprefix("nsg:"): v for k, v in found.items() if k.startswith("nsg:")}
    return LiveFacts(
        subscription_id=clients.subscription_id,
        providers=providers,
        resource_groups={k.removeprefix("group:"): v for k, v in got.items() if k.startswith("group:")},
        vnet=vnet,
        route_table=got.get("route_table"),
        subnet_route_table=found["route_table"],
        nat_gateways=found["nat_gateways"],
        security_groups={k: v for k, v in nsgs.items() if isinstance(v, SecurityGroupFacts)},
        identity=got.get("identity"),
        cluster=got.get("cluster"),
        clusters=clusters or (),
        network={k.removeprefix("net:"): v for k, v in got.items() if k.startswith("net:")},
        unread=frozenset(_unread(registered, clusters) | {f"nsg:{k}" for k, v in nsgs.items() if v == UNREADABLE}),
        locations=locations,
    )


def _subnet_route_table(clients: Clients, spec: Spec, table_id: str | None) -> RouteTableFacts | None:
    """The route table already on the subnet, read when the spec names none (the cluster then uses it)."""
    if table_id is None or spec.route_table is not None:
        return None
    return _as(RouteTableFacts.from_arm, _by_id(clients, "route table", table_id))()


def _nat_gateways(clients: Clients, spec: Spec, vnet: VNetFacts | None) -> dict[str, str]:
    """The SKU of each NAT gateway on a node subnet, read for a dual-stack cluster (Standard is IPv4-only)."""
    if vnet is None or not spec.cluster.dual_stack or spec.cluster.outbound_type != "userAssignedNATGateway":
        return {}
    found = [vnet.subnet(s.name) for s in spec.node_subnets()]
    gateways = {key(s.nat_gateway): s.nat_gateway for s in found if s is not None and s.nat_gateway}
    return {k: v for k, v in in_parallel({k: _nat_gateway_sku(clients, g) for k, g in gateways.items()}).items() if v}


def _nat_gateway_sku(clients: Clients, gateway_id: str) -> Callable[[], str | None]:
    def read() -> str | None:
        found = by_id.read(clients, gateway_id, f"reading NAT gateway {name_of(gateway_id)}")
        return str((found.get("sku") or {}).get("name") or "Standard") if found is not None else None

    return read


def _security_group_ids(spec: Spec, vnet: VNetFacts | None) -> dict[str, str]:
    """The network security groups on the API server subnet and on each cluster subnet, by key: with VNet
    integration they must let the cluster reach its API server (breadth.md R7.10)."""
    api = spec.api_server_subnet()
    if vnet is None or api is None:
        return {}
    found = [vnet.subnet(s.name) for s in (api, *spec.cluster_subnets())]
    return {key(g): g for s in found if s is not None and (g := s.network_security_group)}


UNREADABLE = "unreadable"  # a network security group the caller may not read


def _security_group(clients: Clients, group_id: str) -> Callable[[], SecurityGroupFacts | str | None]:
    def read() -> SecurityGroupFacts | str | None:
        try:
            found = by_id.read(clients, group_id, f"reading network security group {name_of(group_id)}")
        except AuthError:
            return UNREADABLE
        return SecurityGroupFacts.from_arm(found) if found is not None else None

    return read


def _unread(registered: set[str], clusters: tuple[ClusterFacts, ...] | None) -> set[str]:
    unread = set()
    if NETWORK not in registered:
        unread |= {"vnet", "route_table"}
    if MANAGED_IDENTITY not in registered:
        unread.add("identity")
    if CONTAINER_SERVICE not in registered:
        unread |= {"cluster", "clusters"}
    if clusters is None:
        unread.add("clusters")
    return unread


# --- one read each -------------------------------------------------------------------------------


def _locations(clients: Clients) -> Callable[[], tuple[str, ...] | None]:
    """The regions the subscription offers (`az account list-locations`); None when the caller may not list them.

    azure-mgmt-resource 26 has no subscriptions client (it moved to its own package); ARM's route is
    sent through the resource client's pipeline, as the permission reads are."""

    def read() -> tuple[str, ...] | None:
        from azure.core.exceptions import HttpResponseError
        from azure.core.rest import HttpRequest

        request = HttpRequest(
            "GET", f"/subscriptions/{clients.subscription_id}/locations", params={"api-version": LOCATIONS_API}
        )
        try:
            response = clients.resource.send_request(request)
            response.raise_for_status()
        except HttpResponseError as exc:
            if status_of(exc) == 403:
                return None
            raise translate(exc, "listing the subscription's locations") from exc
        return tuple(str(item.get("name", "")).lower() for item in response.json().get("value", []))

    return read


def registration(clients: Clients, namespace: str) -> Callable[[], str]:
    """A read of a resource provider's registration state in the subscription."""

    def read() -> str:
        with azure_call(f"reading the registration of resource provider {namespace}"):
            return str(clients.resource.providers.get(namespace).registration_state or "NotRegistered")

    return read


def _group(clients: Clients, name: str) -> Callable[[], Found | None]:
    def read() -> Found | None:
        found = read_arm(lambda: clients.resource.resource_groups.get(name), f"reading resource group {name}")
        return Found.from_arm(found) if found is not None else None

    return read


def _by_id(clients: Clients, label: str, resource_id: str) -> Callable[[], dict[str, Any] | None]:
    """A read of one resource as ARM JSON (None when missing), by id: no typed SDK package waited for."""
    return lambda: by_id.read(clients, resource_id, f"reading {label} {name_of(resource_id)}")


def _found(clients: Clients, label: str, resource_id: str) -> Callable[[], Found | None]:
    return _as(Found.from_arm, _by_id(clients, label, resource_id))


def _as(facts: Callable[[dict[str, Any]], T], read: Callable[[], dict[str, Any] | None]) -> Callable[[], T | None]:
    def converted() -> T | None:
        found = read()
        return facts(found) if found is not None else None

    return converted


def network_reads(spec: Spec, sub: str) -> list[tuple[str, str]]:
    """(kind, id) of the zone, NAT gateway, public IPs and prefixes the spec creates or brings."""
    net = NetworkIds.of(spec, sub)
    lb = spec.cluster.load_balancer
    brought = [("public_ip", i) for i in (lb.outbound_ips if lb else ())]
    brought += [("public_ip_prefix", p) for p in (lb.outbound_ip_prefixes if lb else ())]
    return [*network_ids_read(net), *brought]


def _clusters(clients: Clients) -> Callable[[], tuple[ClusterFacts, ...] | None]:
    """Every cluster of the subscription, or None when the caller may only read some resource groups."""
    collection = f"/subscriptions/{clients.subscription_id}/providers/{CLUSTER_TYPE}"

    def read() -> tuple[ClusterFacts, ...] | None:
        from azure.core.exceptions import HttpResponseError

        try:
            return tuple(ClusterFacts.from_arm(c) for c in by_id.list_all(clients, collection, CONTAINER_SERVICE_API))
        except HttpResponseError as exc:
            if status_of(exc) == 403:
                return None
            raise translate(exc, "listing the subscription's clusters") from exc

    return read


# --- the caller's right to grant ----------------------------------------------------------------


def read_access(clients: Clients, facts: LiveFacts, grants: Sequence[tuple[str, str, str]]) -> tuple[GrantAccess, ...]:
    """For each grant: whether it is already there, and the caller's permissions where it goes."""
    found = known_ids(facts)
    checked = {label: access_scope(scope, facts) for label, scope, _ in grants}
    permissions = in_parallel({key(at): _permissions(clients, at) for at in set(checked.values())})
    granted = in_parallel(
        {label: _assignment(clients, scope, name) for label, scope, name in grants if key(scope) in found}
    )
    return tuple(
        GrantAccess(
            label,
            scope,
            checked[label],
            permissions[key(checked[label])],
            granted.get(label) is not None,
            assignment=granted.get(label),
        )
        for label, scope, _ in grants
    )


def _assignment(clients: Clients, scope: str, name: str) -> Callable[[], dict[str, Any] | None]:
    return _by_id(clients, "role assignment", assignment_id(scope, name))


def _permissions(clients: Clients, scope: str) -> Callable[[], tuple[Permission, ...]]:
    """The caller's permissions at `scope` (a subscription, resource group or resource): the request the
    authorization client's list_for_resource_group and list_for_resource make, for any scope."""
    collection = f"{scope.rstrip('/')}/providers/Microsoft.Authorization/permissions"

    def read() -> tuple[Permission, ...]:
        with azure_call(f"reading your permissions at {scope}"):
            return tuple(Permission.from_arm(p) for p in by_id.list_all(clients, collection, AUTHORIZATION_API))

    return read
