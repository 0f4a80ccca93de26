"""Azure Local live preflight: read what the spec names and touches, write nothing, judge (aksnet.arc.live).

Waves: provider registrations first (a read in an unregistered namespace would make the SDK register
it: a write); then the custom location, the logical network, the connected cluster, the versions and
VM sizes lists, and every connected cluster of the subscription; then their cluster instances, to find
the ones on the same logical network.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from aksnet.arc.facts import (
    ARC_PROVIDERS,
    AZURE_STACK_HCI,
    EXTENDED_LOCATION,
    HYBRID_CONTAINER_SERVICE,
    KUBERNETES,
    ArcFacts,
    InstanceFacts,
    LnetFacts,
)
from aksnet.arc.live import ArcPreflight, evaluate_arc
from aksnet.arc.plan import ArcIds, ArcPlan
from aksnet.arc.spec import ArcSpec
from aksnet.arm import ResourceId, key
from aksnet.azure.arc.clients import ArcClients
from aksnet.azure.arm import arm_dict, get_or_none, read_arm
from aksnet.azure.parallel import in_parallel
from aksnet.azure.preflight import registration
from aksnet.azure.session import Session


def uri(resource_id: str) -> str:
    """An ARM id as the SDKs' `*_resource_uri` parameters take it (their URL template adds the `/`)."""
    return resource_id.lstrip("/")


def arc_preflight(clients: ArcClients, spec: ArcSpec) -> ArcPreflight:
    """Read, then judge: every finding (offline and live) and the plan built on what exists."""
    return evaluate_arc(spec, read_arc_facts(clients, spec))


def live_arc_plan(spec: ArcSpec, session: Session, *, subscription: str | None, env: Mapping[str, str]) -> ArcPlan:
    """`plan --live`: the same reads and checks as `up`, and the plan `up` would run; nothing is written."""
    subscription_id, source = session.subscription(subscription, spec.subscription_id, env)
    plan = arc_preflight(ArcClients(session.clients(subscription_id)), spec).plan
    note = f"checked against what exists in subscription {subscription_id} (from {source})"
    return dataclasses.replace(plan, notes=(*plan.notes, note))


def read_arc_facts(clients: ArcClients, spec: ArcSpec) -> ArcFacts:
    ids = ArcIds.of(spec, clients.subscription_id)
    providers = in_parallel({ns: registration(clients.base, ns) for ns in ARC_PROVIDERS})
    ready = {ns for ns, state in providers.items() if state.lower() == "registered"}
    reads: dict[str, Callable[[], Any]] = {}
    if EXTENDED_LOCATION in ready:
        reads["custom_location"] = lambda: _custom_location(clients, ids.custom_location)
    if AZURE_STACK_HCI in ready:
        reads["lnet"] = lambda: _lnet(clients, ids.logical_network)
    if KUBERNETES in ready:
        reads["connected"] = lambda: _connected(clients, ids.connected_cluster)
        reads["connected_all"] = lambda: _provisioned_connected(clients)
    if HYBRID_CONTAINER_SERVICE in ready:
        reads["versions"] = lambda: _values(clients, "get_kubernetes_versions", ids.custom_location)
        reads["vm_sizes"] = lambda: _sizes(clients, ids.custom_location)
    got = in_parallel(reads)
    instances = _instances(clients, got.get("connected_all") or []) if HYBRID_CONTAINER_SERVICE in ready else []
    return ArcFacts(
        subscription_id=clients.subscription_id,
        providers=providers,
        custom_location_region=got.get("custom_location"),
        lnet=got.get("lnet"),
        connected=got.get("connected"),
        instance=next((i for i in instances if key(i.connected_cluster) == key(ids.connected_cluster)), None),
        others=tuple(
            i for i in instances if i.on(ids.logical_network) and key(i.connected_cluster) != key(ids.connected_cluster)
        ),
        versions=got.get("versions"),
        vm_sizes=got.get("vm_sizes"),
        unread=frozenset(_unread(ready)),
    )


def _unread(ready: set[str]) -> set[str]:
    names = {EXTENDED_LOCATION: "custom_location", AZURE_STACK_HCI: "lnet", KUBERNETES: "connected"}
    unread = {name for ns, name in names.items() if ns not in ready}
    return unread | ({"versions"} if HYBRID_CONTAINER_SERVICE not in ready else set())


def _custom_location(clients: ArcClients, resource_id: str) -> str | None:
    rid = ResourceId.parse(resource_id)
    found = read_arm(
        lambda: clients.custom_locations.custom_locations.get(rid.resource_group, rid.name),
        f"reading custom location {rid.name}",
    )
    return str(found["location"]) if found is not None else None


def _lnet(clients: ArcClients, resource_id: str) -> LnetFacts | None:
    rid = ResourceId.parse(resource_id)
    networks = clients.stack_hci.logical_networks
    found = read_arm(lambda: networks.get(rid.resource_group, rid.name), f"reading logical network {rid.name}")
    return LnetFacts.from_arm(found) if found is not None else None


def _connected(clients: ArcClients, resource_id: str) -> dict[str, Any] | None:
    rid = ResourceId.parse(resource_id)
    clusters = clients.kubernetes.connected_cluster
    return read_arm(lambda: clusters.get(rid.resource_group, rid.name), f"reading connected cluster {rid.name}")


def _provisioned_connected(clients: ArcClients) -> list[str]:
    """Ids of the subscription's connected clusters of kind ProvisionedCluster (AKS Arc clusters)."""
    listed = get_or_none(
        lambda: list(clients.kubernetes.connected_cluster.list_by_subscription()), "listing connected clusters"
    )
    bodies = [arm_dict(c) for c in listed or []]
    return [str(b["id"]) for b in bodies if b.get("kind") == "ProvisionedCluster"]


def read_instance(clients: ArcClients, connected_id: str) -> InstanceFacts | None:
    """The AKS Arc cluster under a connected cluster, if there is one."""
    instances = clients.hybrid.provisioned_cluster_instances
    found = read_arm(lambda: instances.get(uri(connected_id)), f"reading the cluster of {connected_id}")
    return InstanceFacts(str(found["id"]), found) if found is not None else None


def _instances(clients: ArcClients, connected_ids: list[str]) -> list[InstanceFacts]:
    found = in_parallel({rid: (lambda rid=rid: read_instance(clients, rid)) for rid in connected_ids})  # type: ignore[misc]
    return [i for i in found.values() if i is not None]


def _values(clients: ArcClients, method: str, custom_location: str) -> tuple[dict[str, Any], ...] | None:
    """A custom location's list (versions or VM sizes), None until its one-time PUT made it."""
    read = getattr(clients.hybrid, method)
    found = read_arm(lambda: read(uri(custom_location)), f"reading {method.removeprefix('get_')}")
    if found is None:
        return None
    return tuple((found.get("properties") or {}).get("values") or ())


def _sizes(clients: ArcClients, custom_location: str) -> tuple[str, ...] | None:
    values = _values(clients, "get_vm_skus", custom_location)
    return None if values is None else tuple(str(v["name"]) for v in values if v.get("name"))
