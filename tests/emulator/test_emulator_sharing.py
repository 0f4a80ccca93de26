"""One database shared by several Emulator objects (processes run one after another) and by many threads."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aksnet.emulator import Emulator

AKS_API = "2026-08-01"


def test_state_written_by_one_emulator_is_seen_by_another_on_the_same_file(
    make_emu: Any, make_clients: Any, arm: Any
) -> None:
    net = arm.network_for_cluster()
    make_clients(make_emu()).containerservice.managed_clusters.begin_create_or_update(
        "rg1", "aks1", arm.cluster_body(net)
    ).result()
    later = make_clients(make_emu())
    assert later.containerservice.managed_clusters.get("rg1", "aks1").properties.provisioning_state == "Succeeded"
    later.containerservice.managed_clusters.begin_delete("rg1", "aks1").result()
    assert arm.call("GET", arm.cluster_path(), api=AKS_API)[0] == 404


def test_an_operation_started_by_one_emulator_finishes_for_another(make_emu: Any, arm: Any, clock: Any) -> None:
    net = arm.network_for_cluster()
    first: Emulator = make_emu(latency=1.0)
    _, headers, _ = first.request("PUT", arm.url(arm.cluster_path(), AKS_API), arm.cluster_body(net))
    first.close()
    clock.sleep(300)
    second: Emulator = make_emu(latency=1.0)
    assert second.request("GET", headers["Azure-AsyncOperation"])[2]["status"] == "Succeeded"


def test_a_separate_process_reads_what_this_one_wrote(db: Path, arm: Any) -> None:
    arm.rg("shared")
    code = (
        "import sys; from aksnet.emulator import Emulator; e = Emulator(sys.argv[1]);"
        "print(e.request('GET', "
        "'https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000"
        "/resourcegroups/shared?api-version=2025-04-01')[0])"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "200"


def test_twenty_deployments_in_parallel_threads_share_one_emulator(emu: Emulator, clients: Any, arm: Any) -> None:
    clients.resource.resource_groups.create_or_update("rg0", {"location": "eastus"})

    def deploy(index: int) -> str:
        rg = f"rg{index}"
        clients.resource.resource_groups.create_or_update(rg, {"location": "eastus"})
        vnet = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["192.168.0.0/16"]}}}
        clients.network.virtual_networks.begin_create_or_update(rg, "vnet1", vnet).result()
        subnet = {"properties": {"addressPrefix": "192.168.1.0/24"}}
        subnet_id = clients.network.subnets.begin_create_or_update(rg, "vnet1", "aks", subnet).result().id
        identity = arm.identity(rg)
        arm.grant(identity["properties"]["principalId"], subnet_id)
        body = arm.cluster_body(
            {"subnet": subnet_id, "identity": identity}, networkPlugin="azure", networkPluginMode="overlay"
        )
        cluster = clients.containerservice.managed_clusters.begin_create_or_update(rg, "aks", body).result()
        return str(cluster.properties.provisioning_state)

    with ThreadPoolExecutor(max_workers=20) as pool:
        states = list(pool.map(deploy, range(1, 21)))
    assert states == ["Succeeded"] * 20
    assert len(list(clients.containerservice.managed_clusters.list())) == 20


def test_racing_kubenet_clusters_on_one_subnet_leave_exactly_one_winner(emu: Emulator, arm: Any) -> None:
    net = arm.network_for_cluster(route_table=False)

    def create(index: int) -> int:
        body = arm.cluster_body(net)  # kubenet: one cluster per subnet
        status, _, _ = emu.request("PUT", arm.url(arm.cluster_path(name=f"aks{index}"), AKS_API), body)
        return status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(create, range(8)))
    assert statuses == [201] + [400] * 7
