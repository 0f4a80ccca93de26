"""Resource groups, resource lists, providers and management locks."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError

from aksnet.emulator import Emulator

RG_API = "2025-04-01"
LOCK_API = "2020-05-01"


ZERO = "00000000-0000-0000-0000-000000000000"


def test_resource_group_put_answers_201_then_200(arm: Any) -> None:
    assert arm.call("PUT", arm.rg_id("rg1"), {"location": "eastus"}, RG_API)[0] == 201
    status, body = arm.call("PUT", arm.rg_id("rg1"), {"location": "eastus", "tags": {"a": "b"}}, RG_API)
    assert status == 200
    assert body["tags"] == {"a": "b"}
    assert body["properties"]["provisioningState"] == "Succeeded"


def test_resource_group_cannot_move_to_another_location(clients: Any) -> None:
    clients.resource.resource_groups.create_or_update("rg1", {"location": "eastus"})
    with pytest.raises(ResourceExistsError) as caught:
        clients.resource.resource_groups.create_or_update("rg1", {"location": "westus"})
    assert caught.value.error.code == "InvalidResourceGroupLocation"


def test_resource_group_existence_check_answers_204_or_404(clients: Any) -> None:
    assert clients.resource.resource_groups.check_existence("rg1") is False
    clients.resource.resource_groups.create_or_update("rg1", {"location": "eastus"})
    assert clients.resource.resource_groups.check_existence("rg1") is True


def test_resource_group_tags_can_be_patched(clients: Any) -> None:
    clients.resource.resource_groups.create_or_update("rg1", {"location": "eastus"})
    updated = clients.resource.resource_groups.update("rg1", {"tags": {"owner": "aksnet"}})
    assert updated.tags == {"owner": "aksnet"}


def test_resource_groups_are_listed_for_the_subscription(clients: Any) -> None:
    for name in ("rg1", "rg2"):
        clients.resource.resource_groups.create_or_update(name, {"location": "eastus"})
    assert sorted(g.name for g in clients.resource.resource_groups.list()) == ["rg1", "rg2"]


def test_anything_in_a_missing_resource_group_is_resource_group_not_found(clients: Any) -> None:
    with pytest.raises(ResourceNotFoundError) as caught:
        clients.network.route_tables.get("nope", "rt1")
    assert caught.value.error.code == "ResourceGroupNotFound"
    assert caught.value.error.message == "Resource group 'nope' could not be found."


def test_a_missing_resource_is_resource_not_found_with_arms_message(arm: Any, clients: Any) -> None:
    arm.rg()
    with pytest.raises(ResourceNotFoundError) as caught:
        clients.network.route_tables.get("rg1", "rt1")
    assert caught.value.error.code == "ResourceNotFound"
    assert "The Resource 'Microsoft.Network/routeTables/rt1' under resource group 'rg1' was not found." in str(
        caught.value.error.message
    )


def test_resources_in_a_group_are_listed_with_id_name_type_and_tags(arm: Any, clients: Any) -> None:
    arm.rg()
    arm.vnet()
    clients.network.route_tables.begin_create_or_update(
        "rg1", "rt1", {"location": "eastus", "tags": {"k": "v"}}
    ).result()
    listed = {r.name: r for r in clients.resource.resources.list_by_resource_group("rg1")}
    assert set(listed) == {"vnet1", "rt1"}
    assert listed["rt1"].type == "Microsoft.Network/routeTables"
    assert listed["rt1"].tags == {"k": "v"}
    tagged = list(clients.resource.resources.list(filter="tagName eq 'k' and tagValue eq 'v'"))
    assert [r.name for r in tagged] == ["rt1"]


def test_resource_group_delete_answers_202_with_a_location_that_says_202_then_200(make_emu: Any, clock: Any) -> None:
    emu: Emulator = make_emu(latency=1.0)
    put = emu.request(
        "PUT",
        _url("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1"),
        {"location": "eastus"},
    )
    assert put[0] == 201
    status, headers, _ = emu.request(
        "DELETE", _url("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1")
    )
    assert status == 202
    location = headers["Location"]
    assert emu.request("GET", location)[0] == 202
    clock.sleep(5)
    assert emu.request("GET", location)[0] == 200
    assert emu.request("HEAD", _url("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1"))[0] == 404


def _url(path: str, api: str = RG_API) -> str:
    return f"https://management.azure.com{path}?api-version={api}"


def test_resource_group_delete_removes_clusters_their_node_groups_and_everything_inside(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster()
    clients.containerservice.managed_clusters.begin_create_or_update("rg1", "aks1", arm.cluster_body(net)).result()
    assert clients.resource.resource_groups.check_existence("MC_rg1_aks1_eastus")
    clients.resource.resource_groups.begin_delete("rg1").result()
    assert not clients.resource.resource_groups.check_existence("rg1")
    assert not clients.resource.resource_groups.check_existence("MC_rg1_aks1_eastus")
    assert list(clients.authorization.role_assignments.list_for_subscription()) == []


def test_a_lock_anywhere_inside_a_resource_group_blocks_its_delete(arm: Any, clients: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    arm.ok(
        "PUT",
        f"{vnet}/providers/Microsoft.Authorization/locks/keep",
        {"properties": {"level": "CanNotDelete"}},
        LOCK_API,
    )
    with pytest.raises(ResourceExistsError) as caught:
        clients.resource.resource_groups.begin_delete("rg1")
    assert caught.value.error.code == "ScopeLocked"
    assert (
        f"The scope '{arm.rg_id('rg1')}' cannot perform delete operation because following scope(s) are "
        "locked: "
        f"'{vnet}'. Please remove the lock and try again." == caught.value.error.message
    )


def test_a_can_not_delete_lock_blocks_deletes_but_not_writes(arm: Any, clients: Any) -> None:
    arm.rg()
    table = arm.route_table()
    arm.ok(
        "PUT",
        f"{arm.rg_id('rg1')}/providers/Microsoft.Authorization/locks/keep",
        {"properties": {"level": "CanNotDelete"}},
        LOCK_API,
    )
    clients.network.route_tables.begin_create_or_update("rg1", "rt1", {"location": "eastus"}).result()
    with pytest.raises(ResourceExistsError):
        clients.network.route_tables.begin_delete("rg1", "rt1")
    assert arm.get(table)["name"] == "rt1"


def test_a_read_only_lock_blocks_writes_below_it(arm: Any, clients: Any) -> None:
    arm.rg()
    arm.ok(
        "PUT",
        f"{arm.rg_id('rg1')}/providers/Microsoft.Authorization/locks/ro",
        {"properties": {"level": "ReadOnly"}},
        LOCK_API,
    )
    with pytest.raises(ResourceExistsError) as caught:
        clients.network.route_tables.begin_create_or_update("rg1", "rt1", {"location": "eastus"})
    assert "cannot perform write operation" in caught.value.error.message


def test_locks_can_be_read_listed_and_deleted(arm: Any) -> None:
    arm.rg()
    lock = f"{arm.rg_id('rg1')}/providers/Microsoft.Authorization/locks/keep"
    assert arm.call("PUT", lock, {"properties": {"level": "CanNotDelete", "notes": "n"}}, "2016-09-01")[0] == 201
    assert arm.get(lock, api=LOCK_API)["properties"]["level"] == "CanNotDelete"
    listed = arm.get(f"{arm.rg_id('rg1')}/providers/Microsoft.Authorization/locks", api=LOCK_API)
    assert [item["name"] for item in listed["value"]] == ["keep"]
    assert arm.call("DELETE", lock, api=LOCK_API)[0] == 200
    assert arm.call("DELETE", lock, api=LOCK_API)[0] == 204
    assert arm.call("PUT", lock, {"properties": {"level": "Sometimes"}}, LOCK_API)[0] == 400


def test_providers_report_registered_by_default(clients: Any) -> None:
    assert clients.resource.providers.get("Microsoft.Network").registration_state == "Registered"


def test_an_unregistered_namespace_is_registered_by_the_sdks_auto_registration(
    make_emu: Any, make_clients: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # azure-mgmt-core waits 10 real seconds (time.sleep, not transport.sleep) before checking.
    monkeypatch.setattr("azure.mgmt.core.policies._base.time.sleep", lambda _seconds: None)
    emu: Emulator = make_emu(faults="unregistered=Microsoft.Network")
    clients = make_clients(emu)
    clients.resource.resource_groups.create_or_update("rg1", {"location": "eastus"})
    assert clients.resource.providers.get("Microsoft.Network").registration_state == "NotRegistered"
    with pytest.raises(ResourceNotFoundError):
        clients.network.route_tables.get("rg1", "rt1")
    assert clients.resource.providers.get("Microsoft.Network").registration_state == "Registered"
    assert emu.stats()["by_method"]["POST"] == 1


def test_a_begin_operation_on_an_unregistered_namespace_surfaces_the_409(make_emu: Any, make_clients: Any) -> None:
    # The LRO's initial response is streamed, so the SDK's registration policy cannot read it
    # (ResponseNotReadError is swallowed): callers see MissingSubscriptionRegistration, as on Azure.
    clients = make_clients(make_emu(faults="unregistered=Microsoft.Network"))
    clients.resource.resource_groups.create_or_update("rg1", {"location": "eastus"})
    with pytest.raises(ResourceExistsError) as caught:
        clients.network.route_tables.begin_create_or_update("rg1", "rt1", {"location": "eastus"})
    assert caught.value.error.code == "MissingSubscriptionRegistration"
    clients.resource.providers.register("Microsoft.Network")
    clients.network.route_tables.begin_create_or_update("rg1", "rt1", {"location": "eastus"}).result()


def test_an_unregistered_namespace_answers_409_missing_subscription_registration(make_emu: Any) -> None:
    emu: Emulator = make_emu(faults="unregistered=Microsoft.ContainerService")
    path = f"/subscriptions/{ZERO}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1"
    status, _, body = emu.request("GET", _url(path, "2026-08-01"))
    assert status == 409
    assert body["error"]["code"] == "MissingSubscriptionRegistration"
    assert "'Microsoft.ContainerService'" in body["error"]["message"]


def test_a_resource_group_being_deleted_refuses_new_resources(make_emu: Any) -> None:
    emu: Emulator = make_emu(latency=1.0)
    rg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1"
    emu.request("PUT", _url(rg), {"location": "eastus"})
    emu.request("DELETE", _url(rg))
    status, _, body = emu.request("PUT", _url(rg), {"location": "eastus"})
    assert status == 409
    assert body["error"]["code"] == "ResourceGroupBeingDeleted"


def test_deleting_a_resource_group_that_does_not_exist_is_a_404(clients: Any) -> None:
    with pytest.raises(HttpResponseError) as caught:
        clients.resource.resource_groups.begin_delete("nope")
    assert caught.value.status_code == 404


def test_the_subscription_lists_the_regions_it_offers_without_the_restricted_ones(arm: Any) -> None:
    body = arm.ok("GET", f"/subscriptions/{ZERO}/locations", api="2022-12-01")
    names = {location["name"] for location in body["value"]}
    assert {"eastus", "westeurope", "swedencentral"} <= names and "germanynorth" not in names
    eastus = next(location for location in body["value"] if location["name"] == "eastus")
    assert eastus["id"] == f"/subscriptions/{ZERO}/locations/eastus" and eastus["displayName"] == "East US"


def test_a_resource_group_in_a_location_not_offered_is_refused_like_arm(arm: Any) -> None:
    status, body = arm.call("PUT", arm.rg_id("rg1"), {"location": "germanynorth"}, RG_API)
    assert status == 400 and body["error"]["code"] == "LocationNotAvailableForResourceGroup"
    assert "'germanynorth' is not available for resource group" in body["error"]["message"]
    assert arm.call("PUT", arm.rg_id("rg2"), {"location": "East US"}, RG_API)[0] == 201  # display names are taken
