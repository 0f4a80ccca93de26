"""The AKSNET_EMULATOR_LATENCY and AKSNET_EMULATOR_FAULTS switches, with a FakeClock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from aksnet.emulator import Emulator, Faults

AKS_API = "2026-08-01"
RG_API = "2025-04-01"


def test_faults_parse_every_switch() -> None:
    faults = Faults.parse(
        "throttle=0.1, "
        "server_error=0.05,propagation=30,rbac_delay=60,lro_fail=managedClusters|virtualNetworks,"
        "seed=3,no_rbac_write,unregistered=Microsoft.Network|Microsoft.ContainerService"
    )
    assert (faults.throttle, faults.server_error, faults.propagation, faults.rbac_delay) == (0.1, 0.05, 30.0, 60.0)
    assert faults.lro_fail == ("managedClusters", "virtualNetworks")
    assert (faults.seed, faults.no_rbac_write) == (3, True)
    assert faults.unregistered == ("Microsoft.Network", "Microsoft.ContainerService")
    assert Faults.parse(str(faults)) == faults
    assert Faults.parse("") == Faults()


@pytest.mark.parametrize("text", ["throttle=lots", "throttle=2", "bogus=1", "propagation=-1"])
def test_faults_reject_what_they_do_not_understand(text: str) -> None:
    with pytest.raises(ValueError, match="AKSNET_EMULATOR_FAULTS"):
        Faults.parse(text)


def test_from_env_reads_the_three_switches_and_creates_the_db_folder(tmp_path: Path) -> None:
    env = {
        "AKSNET_EMULATOR_DB": str(tmp_path / "deep" / "er" / "arm.db"),
        "AKSNET_EMULATOR_LATENCY": "0.5",
        "AKSNET_EMULATOR_FAULTS": "seed=7",
    }
    emu = Emulator.from_env(env)
    try:
        assert (emu.latency, emu.faults.seed) == (0.5, 7)
        assert (tmp_path / "deep" / "er" / "arm.db").exists()
    finally:
        emu.close()
    with pytest.raises(ValueError, match="AKSNET_EMULATOR_LATENCY"):
        Emulator.from_env({"AKSNET_EMULATOR_LATENCY": "fast"})


def test_an_lro_is_in_progress_before_its_time_and_succeeded_after(make_emu: Any, arm: Any, clock: Any) -> None:
    arm.rg()
    slow: Emulator = make_emu(latency=1.0)
    path = arm.net_id("rg1", "virtualNetworks", "vnet1")
    body = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    status, headers, _ = slow.request("PUT", arm.url(path, "2026-03-01"), body)
    assert status == 201
    assert headers["retry-after-ms"] == "1000"
    clock.sleep(4.9)
    _, poll_headers, poll = slow.request("GET", headers["Azure-AsyncOperation"])
    assert poll["status"] == "InProgress"
    assert poll_headers["retry-after-ms"] == "1000"
    assert arm.get(path)["properties"]["provisioningState"] == "Updating"
    clock.sleep(0.1)
    assert slow.request("GET", headers["Azure-AsyncOperation"])[2]["status"] == "Succeeded"
    assert arm.get(path)["properties"]["provisioningState"] == "Succeeded"


def test_cluster_operations_advertise_a_five_second_base_retry_after(make_emu: Any, arm: Any) -> None:
    net = arm.network_for_cluster()
    slow: Emulator = make_emu(latency=0.5)
    _, headers, _ = slow.request("PUT", arm.url(arm.cluster_path(), AKS_API), arm.cluster_body(net))
    assert headers["retry-after-ms"] == "2500"


def test_the_sdk_waits_through_a_cluster_create_on_the_fake_clock(
    make_emu: Any, make_clients: Any, arm: Any, clock: Any
) -> None:
    net = arm.network_for_cluster()
    slow: Emulator = make_emu(latency=1.0)
    start = clock.now()
    make_clients(slow).containerservice.managed_clusters.begin_create_or_update(
        "rg1", "aks1", arm.cluster_body(net)
    ).result()
    assert clock.now() - start == pytest.approx(300.0)
    assert set(clock.slept) == {5.0}


def test_synchronous_operations_block_for_their_scaled_time(make_emu: Any, arm: Any, clock: Any) -> None:
    slow: Emulator = make_emu(latency=2.0)
    slow.request("PUT", arm.url(arm.rg_id("rg1"), RG_API), {"location": "eastus"})
    identity = f"{arm.rg_id('rg1')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"
    slow.request("PUT", arm.url(identity, "2024-11-30"), {"location": "eastus"})
    assert clock.slept == [2.0, 4.0]


def test_resource_group_delete_takes_five_seconds_plus_its_contents(
    make_emu: Any, arm: Any, clients: Any, clock: Any
) -> None:
    net = arm.network_for_cluster()
    clients.containerservice.managed_clusters.begin_create_or_update("rg1", "aks1", arm.cluster_body(net)).result()
    slow: Emulator = make_emu(latency=1.0)
    _, headers, _ = slow.request("DELETE", arm.url(arm.rg_id("rg1"), RG_API))
    clock.sleep(5 + 300 + 3 * 5 - 0.5)  # the cluster, VNet, route table and identity
    assert slow.request("GET", headers["Location"])[0] == 202
    clock.sleep(0.5)
    assert slow.request("GET", headers["Location"])[0] == 200


def test_at_latency_zero_no_retry_after_is_sent(emu: Emulator, arm: Any) -> None:
    arm.rg()
    _, headers, _ = emu.request(
        "PUT", arm.url(arm.net_id("rg1", "routeTables", "rt1"), "2026-03-01"), {"location": "eastus"}
    )
    assert "retry-after-ms" not in headers


def test_throttling_answers_429_with_a_small_retry_after(make_emu: Any) -> None:
    always: Emulator = make_emu(latency=1.0, faults="throttle=1")
    status, headers, body = always.request(
        "GET",
        "https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups?api-version=x",
    )
    assert status == 429
    assert body["error"]["code"] == "Throttled"
    assert float(headers["Retry-After"]) == 2.0


def test_the_sdk_absorbs_throttling_and_server_errors(make_emu: Any, make_clients: Any, arm: Any, clock: Any) -> None:
    flaky: Emulator = make_emu(faults="throttle=0.3,server_error=0.2,seed=4")
    clients = make_clients(flaky)
    clients.resource.resource_groups.create_or_update("rg1", {"location": "eastus"})
    net = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["192.168.0.0/16"]}}}
    for index in range(5):
        clients.network.virtual_networks.begin_create_or_update("rg1", f"vnet{index}", net).result()
    assert len(list(clients.network.virtual_networks.list("rg1"))) == 5
    assert flaky.stats()["requests"] > 17


def test_lro_fail_fails_the_next_operation_of_that_type_once_across_processes(
    make_emu: Any, make_clients: Any, arm: Any
) -> None:
    net = arm.network_for_cluster()
    first = make_clients(make_emu(faults="lro_fail=managedClusters"))
    with pytest.raises(HttpResponseError) as caught:
        first.containerservice.managed_clusters.begin_create_or_update("rg1", "aks1", arm.cluster_body(net)).result()
    assert caught.value.error.code == "VMExtensionProvisioningError"
    assert arm.get(arm.cluster_path(), AKS_API)["properties"]["provisioningState"] == "Failed"
    second = make_clients(make_emu(faults="lro_fail=managedClusters"))
    fixed = second.containerservice.managed_clusters.begin_create_or_update(
        "rg1", "aks1", arm.cluster_body(net)
    ).result()
    assert fixed.properties.provisioning_state == "Succeeded"


def test_lro_fail_fails_the_next_delete_once_too_and_the_resource_stays(
    make_emu: Any, make_clients: Any, arm: Any
) -> None:
    arm.rg()
    clients = make_clients(make_emu(faults="lro_fail=routeTables"))
    with pytest.raises(HttpResponseError):  # the create meets the fault first
        clients.network.route_tables.begin_create_or_update("rg1", "rt1", {"location": "eastus"}).result()
    clients.network.route_tables.begin_create_or_update("rg1", "rt1", {"location": "eastus"}).result()
    with pytest.raises(HttpResponseError) as caught:  # then the first delete, once
        clients.network.route_tables.begin_delete("rg1", "rt1").result()
    assert caught.value.error.code == "InternalServerError"
    assert clients.network.route_tables.get("rg1", "rt1").provisioning_state == "Succeeded"
    clients.network.route_tables.begin_delete("rg1", "rt1").result()
    assert [t.name for t in clients.network.route_tables.list("rg1")] == []


def test_lro_fail_applies_to_network_types_too(make_emu: Any, make_clients: Any, arm: Any) -> None:
    arm.rg()
    clients = make_clients(make_emu(faults="lro_fail=routeTables"))
    with pytest.raises(HttpResponseError):
        clients.network.route_tables.begin_create_or_update("rg1", "rt1", {"location": "eastus"}).result()
    assert arm.get(arm.net_id("rg1", "routeTables", "rt1"))["properties"]["provisioningState"] == "Failed"


def test_propagation_makes_a_fresh_principal_unknown_for_that_long(make_emu: Any, arm: Any, clock: Any) -> None:
    lagging: Emulator = make_emu(faults="propagation=30")
    arm.rg()
    principal = arm.identity()["properties"]["principalId"]
    path = f"{arm.rg_id('rg1')}/providers/Microsoft.Authorization/roleAssignments/11111111-1111-1111-1111-111111111111"
    body = {
        "properties": {
            "roleDefinitionId": "/providers/x/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
            "principalId": principal,
            "principalType": "ServicePrincipal",
        }
    }
    status, _, error = lagging.request("PUT", arm.url(path, "2022-04-01"), body)
    assert (status, error["error"]["code"]) == (400, "PrincipalNotFound")
    assert principal.replace("-", "") in error["error"]["message"]
    assert "Retry-After" not in lagging.request("PUT", arm.url(path, "2022-04-01"), body)[1]
    clock.sleep(30)
    assert lagging.request("PUT", arm.url(path, "2022-04-01"), body)[0] == 201


def test_rbac_delay_fails_a_cluster_put_until_the_assignment_is_old_enough(make_emu: Any, arm: Any, clock: Any) -> None:
    delayed: Emulator = make_emu(faults="rbac_delay=60")
    net = arm.network_for_cluster()
    status, _, error = delayed.request("PUT", arm.url(arm.cluster_path(), AKS_API), arm.cluster_body(net))
    assert (status, error["error"]["code"]) == (403, "LinkedAuthorizationFailed")
    clock.sleep(60)
    assert delayed.request("PUT", arm.url(arm.cluster_path(), AKS_API), arm.cluster_body(net))[0] == 201
