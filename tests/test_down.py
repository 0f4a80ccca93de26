"""`down` on the emulator through the real SDK, and its pure decisions: what goes, what stays, and why."""

from __future__ import annotations

from typing import Any

from aksnet.arm import assignment_id, ledger_entry, records_subnet, role_assignment_name, role_definition_id
from aksnet.azure.retry import RetryBounds
from aksnet.azure.teardown import DownOptions, preview, read_teardown, tear_down
from aksnet.clock import FakeClock
from aksnet.errors import Interrupted
from aksnet.plan import Ids
from aksnet.progress import NullProgress
from aksnet.spec import Spec
from aksnet.teardown_plan import UNRECORDED, Observed, decide, deletion_graph
from helpers import SECOND, ZERO_SUB, actions, after_exit, down, emulated, make_spec, reasons, scenario, up

ARM = "https://management.azure.com"
API = {
    "microsoft.network": "2026-03-01",
    "microsoft.managedidentity": "2024-11-30",
    "microsoft.containerservice": "2026-08-01",
    "microsoft.authorization": "2022-04-01",
}
OTHER_TAGS = {"aksnet-deployment": "someone-else", "managed-by": "aksnet"}
SECOND_IN_ITS_GROUP = (*SECOND, "resource_group=rg-aks-cilium")  # and in the first one's resource group


# --- helpers ----------------------------------------------------------------------------------


def api_of(resource_id: str) -> str:
    lowered = resource_id.lower()
    namespace = lowered.rsplit("/providers/", 1)[-1].split("/", 1)[0] if "/providers/" in lowered else ""
    return API.get(namespace, "2025-04-01")


def get(session: Any, resource_id: str) -> tuple[int, Any]:
    status, _, body = session.emulator.request("GET", f"{ARM}{resource_id}?api-version={api_of(resource_id)}")
    return status, body


def exists(session: Any, resource_id: str) -> bool:
    return get(session, resource_id)[0] == 200


def snapshot(session: Any, resource_ids: list[str]) -> dict[str, Any]:
    """The GET body of each resource, to prove it is byte for byte the same afterwards."""
    return {rid: get(session, rid) for rid in resource_ids}


def writes(session: Any) -> int:
    by_method = session.emulator.stats()["by_method"]
    return sum(n for method, n in by_method.items() if method in ("PUT", "PATCH", "DELETE", "POST"))


def clients(session: Any) -> Any:
    return session.clients(ZERO_SUB)


def rg_id(name: str) -> str:
    return f"/subscriptions/{ZERO_SUB}/resourceGroups/{name}"


def foreign_resources(session: Any, group: str) -> list[str]:
    """An untagged NSG and identity, and a VNet of another deployment, made directly with the SDK."""
    network, msi = clients(session).network, clients(session).msi
    nsg = network.network_security_groups.begin_create_or_update(group, "nsg-foreign", {"location": "eastus"}).result()
    vnet_body = {
        "location": "eastus",
        "tags": OTHER_TAGS,
        "properties": {"addressSpace": {"addressPrefixes": ["10.99.0.0/16"]}},
    }
    vnet = network.virtual_networks.begin_create_or_update(group, "vnet-foreign", vnet_body).result()
    identity = msi.user_assigned_identities.create_or_update(group, "id-foreign", {"location": "eastus"})
    return [nsg.id, vnet.id, identity.id]


def lock(session: Any, scope: str, name: str = "l1", method: str = "PUT") -> None:
    url = f"{ARM}{scope}/providers/Microsoft.Authorization/locks/{name}?api-version=2016-09-01"
    status, _, body = session.emulator.request(method, url, {"properties": {"level": "CanNotDelete"}})
    assert status < 300, body


# --- the pure decisions -------------------------------------------------------------------------


def _spec(*overrides: str) -> Spec:
    return make_spec("deployment=a", *overrides)


def _ids(spec: Spec) -> Ids:
    return Ids.of(spec, ZERO_SUB)


def _tagged(resource_id: str, deployment: str = "a", **extra: Any) -> dict[str, Any]:
    return {"id": resource_id, "tags": {"aksnet-deployment": deployment, "managed-by": "aksnet"}, **extra}


def _decisions(spec: Spec, seen: Observed) -> dict[str, tuple[str, str]]:
    return {
        t.kind if t.kind != "role_assignment" else t.resource_id: (t.decision, t.reason)
        for t in decide(spec, _ids(spec), seen).targets
    }


def test_targets_come_newest_first_with_the_identity_after_the_subnet() -> None:
    spec = _spec("route_table.name=rt")
    ids = _ids(spec)
    kinds = [t.kind for t in decide(spec, ids, Observed()).targets]
    assert kinds == [
        "managed_cluster",
        "role_assignment",
        "role_assignment",
        "subnet",
        "identity",
        "route_table",
        "virtual_network",
        "resource_group",
    ]
    assert {t.decision for t in decide(spec, ids, Observed()).targets} == {"skip"}


def test_deletes_wait_only_for_what_depends_on_them_and_subnets_go_one_at_a_time() -> None:
    spec = scenario("azure-cni-pod-subnet", "route_table.name=rt")
    graph = deletion_graph(decide(spec, _ids(spec), Observed()))
    by_kind: dict[str, list[str]] = {}
    for deletion in graph:
        by_kind.setdefault(deletion.kind, []).append(deletion.id)
    waits = {d.id: set(d.depends_on) for d in graph}
    (cluster,), grants, subnets = by_kind["managed_cluster"], by_kind["role_assignment"], by_kind["subnet"]
    assert waits[cluster] == set() and len(subnets) == 3
    assert all(waits[g] == {cluster} for g in grants)  # grants and the first subnet go at once
    assert [waits[s] for s in subnets] == [{cluster, *subnets[:i]} for i in range(3)]
    assert waits[by_kind["route_table"][0]] == {cluster, *subnets}
    assert waits[by_kind["identity"][0]] == {cluster, *grants, *subnets}
    assert waits[by_kind["virtual_network"][0]] == {cluster, *subnets}
    assert waits[by_kind["resource_group"][0]] == {d.id for d in graph[:-1]}


def test_a_vnet_holding_another_deployments_subnet_is_kept_and_names_it() -> None:
    spec, ids = _spec(), _ids(_spec())
    foreign = f"{ids.vnet}/subnets/snet-b"
    vnet = _tagged(ids.vnet, properties={"subnets": [{"id": ids.subnet}, {"id": foreign}]})
    seen = Observed(vnet=vnet, subnets=_nodes(ids))
    decided = _decisions(spec, seen)
    assert decided["subnet"][0] == "delete"
    assert decided["virtual_network"] == ("keep", "holds subnets of others: snet-b")


def test_a_vnet_with_a_peering_is_kept_since_somebody_elses_network_depends_on_it() -> None:
    spec, ids = _spec(), _ids(_spec())
    vnet = _tagged(
        ids.vnet, properties={"virtualNetworkPeerings": [{"id": f"{ids.vnet}/virtualNetworkPeerings/to-hub"}]}
    )
    assert _decisions(spec, Observed(vnet=vnet))["virtual_network"] == ("keep", "holds peerings: to-hub")


def test_a_resource_group_with_other_resources_is_kept_with_the_count_and_names() -> None:
    spec, ids = _spec(), _ids(_spec())
    others = [
        {"id": f"{ids.resource_group}/providers/Microsoft.Network/networkSecurityGroups/nsg{n}"} for n in range(5)
    ]
    seen = Observed(
        resource_group=_tagged(ids.resource_group),
        group_contents=(*others, {"id": ids.cluster}),
        cluster=_tagged(ids.cluster),
    )
    decision, reason = _decisions(spec, seen)["resource_group"]
    assert decision == "keep"
    assert reason == "resource group still holds 5 other resources: nsg0, nsg1, nsg2 and 2 more"


def _assignment(scope: str, name: str) -> dict[str, Any]:
    properties = {"scope": scope, "roleDefinitionId": role_definition_id(ZERO_SUB)}
    return {"id": assignment_id(scope, name), "name": name, "properties": properties}


def test_only_assignments_with_this_deployments_names_are_deleted() -> None:
    spec, ids = _spec(), _ids(_spec())
    ours = _assignment(ids.subnet, role_assignment_name("a", ids.subnet))
    nsg = f"{ids.resource_group}/providers/Microsoft.Network/networkSecurityGroups/nsg"  # a scope found live
    on_an_nsg = _assignment(nsg, role_assignment_name("a", nsg))
    theirs = _assignment(ids.subnet, "11111111-1111-1111-1111-111111111111")
    decided = _decisions(spec, Observed(assignments=(ours, on_an_nsg, theirs)))
    assert decided[ours["id"]][0] == "delete"
    assert decided[on_an_nsg["id"]][0] == "delete"
    assert decided[theirs["id"]] == ("keep", "not granted by this deployment; aksnet never deletes it")


def _recording(resource_id: str, subnet_id: str, deployment: str = "a", **tags: str) -> dict[str, Any]:
    """A ledger (identity or resource group) of `deployment` recording `subnet_id`, plus `tags`."""
    body = _tagged(resource_id, deployment)
    body["tags"].update(dict([ledger_entry(subnet_id)]), **tags)
    return body


def _nodes(ids: Any) -> dict[str, Any]:
    """The spec's node subnet as read, by name."""
    return {"nodes": {"id": ids.subnet}}


def test_a_subnet_in_a_brought_vnet_goes_only_when_recorded_on_the_identity() -> None:
    spec = _spec("vnet.existing=true", "vnet.subnet.existing=false")
    ids = _ids(spec)
    seen = Observed(vnet={"id": ids.vnet}, subnets=_nodes(ids), identity=_tagged(ids.identity))
    assert _decisions(spec, seen)["subnet"] == ("keep", UNRECORDED)
    recorded = Observed(vnet={"id": ids.vnet}, subnets=_nodes(ids), identity=_recording(ids.identity, ids.subnet))
    assert _decisions(spec, recorded)["subnet"][0] == "delete"
    assert _decisions(spec, recorded)["virtual_network"] == (
        "keep",
        "brought by you (vnet.existing); aksnet never deletes it",
    )


def test_the_ledger_is_one_tag_per_subnet_named_without_a_slash_and_within_azures_limits() -> None:
    longest = f"/subscriptions/{ZERO_SUB}/resourceGroups/{'g' * 90}/providers/Microsoft.Network/virtualNetworks/"
    subnet = longest + "v" * 64 + "/subnets/" + "s" * 80
    name, value = ledger_entry(subnet)
    assert "/" not in name and len(name) <= 512 and len(value) <= 256
    assert value == f"{'g' * 90}/{'v' * 64}/{'s' * 80}"
    other = ledger_entry(subnet[:-1] + "t")
    assert other[0] != name  # several subnets, several tags
    assert records_subnet({name: value.upper()}, subnet.upper())  # ARM names compare case-insensitively
    assert not records_subnet(dict([other]), subnet)


def test_the_previous_versions_single_record_still_counts() -> None:
    spec = _spec("vnet.existing=true", "vnet.subnet.existing=false")
    ids = _ids(spec)
    identity = _tagged(ids.identity)
    identity["tags"]["aksnet-created-subnet"] = "VNET/nodes"
    seen = Observed(vnet={"id": ids.vnet}, subnets=_nodes(ids), identity=identity)
    assert _decisions(spec, seen)["subnet"][0] == "delete"


def test_with_a_brought_identity_the_resource_group_holds_the_record() -> None:
    brought = (
        f"/subscriptions/{ZERO_SUB}/resourceGroups/shared/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x"
    )
    spec = _spec("vnet.existing=true", "vnet.subnet.existing=false", f"identity.id={brought}", "identity.name=")
    ids = _ids(spec)
    group = _recording(ids.resource_group, ids.subnet)
    decided = _decisions(spec, Observed(vnet={"id": ids.vnet}, subnets=_nodes(ids), resource_group=group))
    assert decided["subnet"][0] == "delete" and decided["identity"][0] == "skip"
    order = [t.kind for t in decide(spec, ids, Observed(subnets=_nodes(ids), resource_group=group)).targets]
    assert order.index("subnet") < order.index("resource_group")  # the record goes last


def test_a_record_on_a_ledger_of_another_deployment_or_for_another_subnet_does_not_count() -> None:
    spec = _spec("vnet.existing=true", "vnet.subnet.existing=false")
    ids = _ids(spec)
    foreign = _recording(ids.identity, ids.subnet, deployment="other")
    assert _decisions(spec, Observed(subnets=_nodes(ids), identity=foreign))["subnet"][0] == "keep"
    elsewhere = _recording(ids.identity, ids.subnet + "-2")
    assert _decisions(spec, Observed(subnets=_nodes(ids), identity=elsewhere))["subnet"][0] == "keep"


def test_a_brought_subnet_only_loses_the_route_table_association_aksnet_made() -> None:
    spec = _spec("vnet.existing=true", "route_table.name=rt")
    ids = _ids(spec)
    subnet = {"id": ids.subnet, "properties": {"routeTable": {"id": ids.route_table}}}
    route_table = _tagged(ids.route_table or "", properties={"subnets": [{"id": ids.subnet}]})
    decided = _decisions(spec, Observed(vnet={"id": ids.vnet}, subnets={"nodes": subnet}, route_table=route_table))
    assert decided["subnet"][0] == "detach"
    assert decided["route_table"][0] == "delete"


def test_a_route_table_a_subnet_of_somebody_else_uses_is_kept() -> None:
    spec = _spec("route_table.name=rt")
    ids = _ids(spec)
    route_table = _tagged(
        ids.route_table or "", properties={"subnets": [{"id": ids.subnet}, {"id": f"{ids.vnet}/subnets/x"}]}
    )
    assert _decisions(spec, Observed(route_table=route_table))["route_table"] == (
        "keep",
        "associated with subnets of others: x",
    )


def test_a_resource_tagged_for_this_deployment_but_marked_existing_is_kept() -> None:
    spec = _spec("vnet.existing=true")
    ids = _ids(spec)
    assert _decisions(spec, Observed(vnet=_tagged(ids.vnet)))["virtual_network"][0] == "keep"


def test_resources_of_another_deployment_are_kept_and_say_whose() -> None:
    spec, ids = _spec(), _ids(_spec())
    decided = _decisions(spec, Observed(cluster=_tagged(ids.cluster, "b"), identity={"id": ids.identity}))
    assert decided["managed_cluster"] == ("keep", "owned by another deployment: b")
    assert decided["identity"] == ("keep", "found, not created by this deployment; aksnet never deletes it")


# --- on the emulator ----------------------------------------------------------------------------


def test_down_deletes_everything_up_created_newest_first(tmp_path: Any) -> None:
    session = emulated(tmp_path, clock=FakeClock())
    spec = scenario("kubenet-byo-route-table")
    created = up(spec, session)
    assert created.ok, created.error
    node_group = created.cluster["properties"]["nodeResourceGroup"]
    result = down(spec, session)
    assert result.ok, result.error
    assert set(actions(result).values()) == {"deleted"}
    assert list(actions(result))[:2] == ["myAKSCluster", node_group]
    assert list(actions(result))[-5:] == [
        "myAKSSubnet",
        "myIdentity",
        "myRouteTable",
        "myAKSVnet",
        "myResourceGroup",
    ]
    assert all(not exists(session, r.id) for r in result.resources)
    assert result.as_dict()["dry_run"] is False


def test_foreign_resources_in_the_group_are_untouched_and_keep_the_group(tmp_path: Any) -> None:
    session = emulated(tmp_path, clock=FakeClock())
    spec = scenario("overlay-cilium")
    assert up(spec, session).ok
    foreign = foreign_resources(session, "rg-aks-cilium")
    before = snapshot(session, foreign)
    result = down(spec, session)
    assert result.ok, result.error
    assert snapshot(session, foreign) == before
    assert actions(result)["rg-aks-cilium"] == "kept"
    assert reasons(result)["rg-aks-cilium"] == (
        "resource group still holds 3 other resources: id-foreign, nsg-foreign, vnet-foreign"
    )
    assert {actions(result)[n] for n in ("aks-cilium", "snet-aks-nodes", "id-aks-cilium", "vnet-aks-cilium")} == {
        "deleted"
    }


def test_two_deployments_sharing_a_group_and_a_vnet_each_delete_only_their_own(tmp_path: Any) -> None:
    session = emulated(tmp_path, clock=FakeClock())
    first, second = scenario("overlay-cilium"), scenario("overlay-cilium", *SECOND_IN_ITS_GROUP)
    assert up(first, session).ok
    made = up(second, session)
    assert made.ok, made.error
    seconds = [r.id for r in made.resources if r.action == "created"]
    before = snapshot(session, seconds)

    first_down = down(first, session)
    assert first_down.ok, first_down.error
    assert snapshot(session, seconds) == before
    assert reasons(first_down)["vnet-aks-cilium"] == "holds subnets of others: snet-second"
    assert reasons(first_down)["rg-aks-cilium"].startswith("resource group still holds 3 other resources: ")
    assert {actions(first_down)[n] for n in ("aks-cilium", "snet-aks-nodes", "id-aks-cilium")} == {"deleted"}

    group_and_vnet = snapshot(session, [rg_id("rg-aks-cilium"), Ids.of(first, ZERO_SUB).vnet])
    second_down = down(second, session)
    assert second_down.ok, second_down.error
    assert snapshot(session, [rg_id("rg-aks-cilium")]) == {
        rg_id("rg-aks-cilium"): group_and_vnet[rg_id("rg-aks-cilium")]
    }
    assert actions(second_down)["snet-second"] == "deleted"
    assert actions(second_down)["vnet-aks-cilium"] == "kept"
    assert reasons(second_down)["rg-aks-cilium"] == "owned by another deployment: overlay-cilium"
    assert all(not exists(session, rid) for rid in seconds)

    last = down(first, session)
    assert last.ok, last.error
    assert actions(last)["vnet-aks-cilium"] == "deleted" and actions(last)["rg-aks-cilium"] == "deleted"
    assert not exists(session, rg_id("rg-aks-cilium"))


def test_a_brought_subnet_gets_back_exactly_what_it_had_before_up(tmp_path: Any) -> None:
    session = emulated(tmp_path, clock=FakeClock())
    network = clients(session).network
    clients(session).resource.resource_groups.create_or_update("rg-net", {"location": "eastus"})
    nsg = network.network_security_groups.begin_create_or_update("rg-net", "nsg", {"location": "eastus"}).result()
    vnet = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["192.168.0.0/16"]}}}
    network.virtual_networks.begin_create_or_update("rg-net", "myAKSVnet", vnet).result()
    subnet = {"properties": {"addressPrefix": "192.168.1.0/24", "networkSecurityGroup": {"id": nsg.id}}}
    subnet_id = network.subnets.begin_create_or_update("rg-net", "myAKSVnet", "myAKSSubnet", subnet).result().id
    brought = get(session, subnet_id)[1]
    spec = scenario("kubenet-byo-route-table", "vnet.existing=true", "vnet.resource_group=rg-net")
    assert up(spec, session).ok
    assert get(session, subnet_id)[1]["properties"]["routeTable"]
    result = down(spec, session)
    assert result.ok, result.error
    assert actions(result)["myAKSSubnet"] == "kept"
    assert "association with route table myRouteTable" in reasons(result)["myAKSSubnet"]
    after = get(session, subnet_id)[1]
    assert {**after, "etag": None} == {**brought, "etag": None}
    assert exists(session, nsg.id) and exists(session, rg_id("rg-net"))


def test_a_second_down_writes_nothing_and_succeeds(tmp_path: Any) -> None:
    session = emulated(tmp_path, clock=FakeClock())
    spec = scenario("kubenet-byo-route-table")
    assert up(spec, session).ok
    assert down(spec, session).ok
    written = writes(session)
    again = down(spec, session)
    assert again.ok and again.exit_code == 0
    assert set(actions(again).values()) == {"skipped"}
    assert writes(session) == written


def test_a_dry_run_writes_nothing_and_lists_what_would_go(tmp_path: Any) -> None:
    session = emulated(tmp_path, clock=FakeClock())
    spec = scenario("kubenet-byo-route-table")
    assert up(spec, session).ok
    written = writes(session)
    result = preview(read_teardown(spec, session, {}))
    assert writes(session) == written
    assert result.as_dict()["dry_run"] is True
    assert set(actions(result).values()) == {"deleted"}
    assert exists(session, Ids.of(spec, ZERO_SUB).cluster)


def test_a_lock_stops_down_with_exit_3_naming_it_and_a_rerun_finishes(tmp_path: Any) -> None:
    session = emulated(tmp_path, clock=FakeClock())
    spec = scenario("overlay-cilium")
    assert up(spec, session).ok
    vnet = Ids.of(spec, ZERO_SUB).vnet
    lock(session, vnet)
    stopped = down(spec, session)
    assert stopped.exit_code == 3 and stopped.error is not None and stopped.error.code == "ScopeLocked"
    assert actions(stopped)["aks-cilium"] == "deleted"
    assert actions(stopped)["snet-aks-nodes"] == "failed"
    assert f"fix: remove lock l1 on {vnet}, then re-run aksnet down" in reasons(stopped)["snet-aks-nodes"]
    assert {actions(stopped)[n] for n in ("id-aks-cilium", "vnet-aks-cilium", "rg-aks-cilium")} == {"skipped"}
    assert exists(session, Ids.of(spec, ZERO_SUB).identity)
    lock(session, vnet, method="DELETE")
    finished = down(spec, session)
    assert finished.ok, finished.error
    assert actions(finished)["aks-cilium"] == "skipped"
    assert actions(finished)["snet-aks-nodes"] == "deleted" and actions(finished)["rg-aks-cilium"] == "deleted"


def test_a_subnet_still_in_use_by_a_foreign_nic_fails_with_the_arm_code(tmp_path: Any) -> None:
    session = emulated(tmp_path, clock=FakeClock())
    spec = scenario("overlay-cilium")
    assert up(spec, session).ok
    ids = Ids.of(spec, ZERO_SUB)
    nic_body = {
        "location": "eastus2",
        "properties": {"ipConfigurations": [{"name": "ip", "properties": {"subnet": {"id": ids.subnet}}}]},
    }
    clients(session).resource.resource_groups.create_or_update("rg-vm", {"location": "eastus2"})
    nic = clients(session).network.network_interfaces.begin_create_or_update("rg-vm", "nic", nic_body).result()
    stopped = down(spec, session)
    assert stopped.exit_code == 3 and stopped.error is not None
    assert stopped.error.code == "InUseSubnetCannotBeDeleted"
    assert "remove that use" in reasons(stopped)["snet-aks-nodes"]
    clients(session).network.network_interfaces.begin_delete("rg-vm", "nic").result()
    assert down(spec, session).ok
    assert not exists(session, nic.id)


def test_down_after_a_failed_cluster_create_removes_what_exists(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="lro_fail=managedClusters", clock=FakeClock())
    spec = scenario("overlay-cilium")
    assert up(spec, session).exit_code == 3
    session = after_exit(session, tmp_path)  # without the fault, which the next delete would meet too
    result = down(spec, session)
    assert result.ok, result.error
    assert actions(result)["aks-cilium"] == "deleted"
    assert not exists(session, rg_id("rg-aks-cilium"))


def test_down_after_up_stopped_before_the_cluster_removes_what_exists(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="propagation=100000", clock=FakeClock())
    spec = scenario("kubenet-byo-route-table")
    assert up(spec, session, bounds=RetryBounds(principal_seconds=0)).exit_code == 3
    result = down(spec, session)
    assert result.ok, result.error
    assert actions(result)["myAKSCluster"] == "skipped"
    assert {
        actions(result)[n] for n in ("myAKSSubnet", "myIdentity", "myRouteTable", "myAKSVnet", "myResourceGroup")
    } == {"deleted"}
    assert not exists(session, rg_id("myResourceGroup"))


def test_a_vnet_that_gains_a_foreign_subnet_after_the_read_is_kept(tmp_path: Any) -> None:
    session = emulated(tmp_path, clock=FakeClock())
    spec = scenario("overlay-cilium")
    assert up(spec, session).ok
    teardown = read_teardown(spec, session, {})
    subnet = {"properties": {"addressPrefix": "10.20.9.0/24"}}
    clients(session).network.subnets.begin_create_or_update("rg-aks-cilium", "vnet-aks-cilium", "late", subnet).result()
    result = tear_down(teardown, DownOptions())
    assert result.ok, result.error
    assert reasons(result)["vnet-aks-cilium"] == "holds subnets of others: late"
    assert actions(result)["rg-aks-cilium"] == "kept"


class CtrlCAt(NullProgress):
    """Plays the user pressing Ctrl-C just as one step starts."""

    def __init__(self, step: str) -> None:
        self.step = step

    def started(self, deployment: str, step: str, what: str) -> None:
        if step == self.step:
            raise KeyboardInterrupt


def test_an_interrupted_down_reports_what_remains_and_a_rerun_finishes(tmp_path: Any) -> None:
    session = emulated(tmp_path, clock=FakeClock())
    spec = scenario("overlay-cilium")
    assert up(spec, session).ok
    interrupted = down(spec, session, progress=CtrlCAt("subnet"))
    assert isinstance(interrupted.error, Interrupted) and interrupted.exit_code == 130
    assert actions(interrupted)["aks-cilium"] == "deleted"
    assert reasons(interrupted)["snet-aks-nodes"].startswith("interrupted: Azure finishes what it started; re-run")
    assert reasons(interrupted)["rg-aks-cilium"] == "not started: interrupted; a re-run continues"
    assert exists(session, rg_id("rg-aks-cilium"))
    finished = down(spec, session)
    assert finished.ok, finished.error
    assert actions(finished)["snet-aks-nodes"] == "deleted" and actions(finished)["rg-aks-cilium"] == "deleted"


def test_throttling_and_server_errors_during_down_are_absorbed_by_the_sdk_retry(tmp_path: Any) -> None:
    spec = scenario("kubenet-byo-route-table")
    assert up(spec, emulated(tmp_path, clock=FakeClock())).ok
    result = down(spec, emulated(tmp_path, faults="throttle=0.3,server_error=0.3,seed=11", clock=FakeClock()))
    assert result.ok, result.error
    assert set(actions(result).values()) == {"deleted"}


def test_a_role_assignment_the_caller_may_not_delete_is_exit_4_and_stops_before_the_identity(tmp_path: Any) -> None:
    # The grant on a brought route table: its scope stays, so its delete meets the refusal whatever runs
    # beside it (a grant on a subnet this down deletes may go with the subnet first).
    session = emulated(tmp_path, clock=FakeClock())
    clients(session).resource.resource_groups.create_or_update("rg-net", {"location": "eastus"})
    clients(session).network.route_tables.begin_create_or_update("rg-net", "rt-theirs", {"location": "eastus"}).result()
    spec = scenario(
        "kubenet-byo-route-table",
        *("route_table.existing=true", "route_table.resource_group=rg-net", "route_table.name=rt-theirs"),
        "route_table.routes=[]",
    )
    assert up(spec, session).ok
    session = emulated(tmp_path, faults="no_rbac_write", clock=FakeClock())
    result = down(spec, session)
    assert result.exit_code == 4 and result.error is not None and result.error.code == "AuthorizationFailed"
    assert "fix: the signed-in account may not delete it" in next(
        r.reason for r in result.resources if r.action == "failed"
    )
    assert actions(result)["myIdentity"] == "skipped" and exists(session, Ids.of(spec, ZERO_SUB).identity)
