"""AKS beyond the cluster PUT: agent pools, credentials, stop/start, Kubernetes versions, eTags, back-fill."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import yaml
from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError

from aksnet.emulator import Emulator

AKS_API = "2026-08-01"


def _cluster(arm: Any, clients: Any, **network: Any) -> dict[str, Any]:
    net = arm.network_for_cluster()
    clients.containerservice.managed_clusters.begin_create_or_update(
        "rg1", "aks1", arm.cluster_body(net, **network)
    ).result()
    return net


def _routes(arm: Any, table: str) -> list[str]:
    return [r["name"] for r in arm.get(table)["properties"]["routes"]]


def test_agent_pools_are_the_clusters_profiles_and_a_new_pool_joins_its_subnet(arm: Any, clients: Any) -> None:
    net = _cluster(arm, clients)
    pools = clients.containerservice.agent_pools
    assert [p.name for p in pools.list("rg1", "aks1")] == ["nodepool1"]
    before = len(_routes(arm, net["route_table"]))
    created = pools.begin_create_or_update(
        "rg1", "aks1", "user1", {"properties": {"count": 2, "vmSize": "", "mode": "User"}}
    ).result()
    assert created.vnet_subnet_id == net["subnet"]
    assert created.vm_size == "Standard_D2s_v5"
    assert created.provisioning_state == "Succeeded"
    profiles = arm.get(arm.cluster_path(), AKS_API)["properties"]["agentPoolProfiles"]
    assert [p["name"] for p in profiles] == ["nodepool1", "user1"]
    assert len(_routes(arm, net["route_table"])) == before + 2  # kubenet: one route per new node
    pools.begin_delete("rg1", "aks1", "user1").result()
    assert [p.name for p in pools.list("rg1", "aks1")] == ["nodepool1"]
    assert len(_routes(arm, net["route_table"])) == before
    with pytest.raises(ResourceNotFoundError):
        pools.get("rg1", "aks1", "user1")


def test_a_pool_operation_and_a_cluster_operation_exclude_each_other(make_emu: Any, make_clients: Any) -> None:
    from conftest import Arm

    emu = make_emu(latency=1.0)
    arm = Arm(emu)
    net = arm.network_for_cluster()
    status, _, _ = emu.request("PUT", arm.url(arm.cluster_path(), AKS_API), arm.cluster_body(net))
    assert status == 201
    pool = {"properties": {"count": 1, "mode": "User"}}
    status, _, body = emu.request("PUT", arm.url(arm.cluster_path() + "/agentPools/user1", AKS_API), pool)
    assert (status, body["code"]) == (409, "OperationNotAllowed")


def test_credentials_are_a_base64_kubeconfig_for_the_clusters_api_server(arm: Any, clients: Any) -> None:
    _cluster(arm, clients)
    mcs = clients.containerservice.managed_clusters
    fqdn = mcs.get("rg1", "aks1").fqdn
    for listed, user, context in (
        (mcs.list_cluster_user_credentials("rg1", "aks1"), "clusterUser", "aks1"),
        (mcs.list_cluster_admin_credentials("rg1", "aks1"), "clusterAdmin", "aks1-admin"),
    ):
        (entry,) = listed.kubeconfigs
        assert entry.name == user
        config = yaml.safe_load(
            entry.value.decode() if isinstance(entry.value, bytes) else base64.b64decode(entry.value)
        )
        assert config["kind"] == "Config" and config["current-context"] == context
        assert config["clusters"][0]["cluster"]["server"] == f"https://{fqdn}:443"
        assert config["users"][0]["name"] == f"{user}_rg1_aks1"
        assert base64.b64decode(config["clusters"][0]["cluster"]["certificate-authority-data"]).startswith(
            b"-----BEGIN"
        )


def test_admin_credentials_are_refused_when_local_accounts_are_disabled(arm: Any) -> None:
    net = arm.network_for_cluster()
    body = arm.cluster_body(net)
    body["properties"]["disableLocalAccounts"] = True
    arm.ok("PUT", arm.cluster_path(), body, api=AKS_API)
    status, error = arm.call("POST", arm.cluster_path() + "/listClusterAdminCredential", api=AKS_API)
    assert (status, error["code"]) == (400, "BadRequest")
    assert arm.call("POST", arm.cluster_path() + "/listClusterUserCredential", api=AKS_API)[0] == 200


def test_stop_and_start_change_the_power_state_of_the_cluster_and_its_pools(arm: Any, clients: Any) -> None:
    _cluster(arm, clients)
    mcs = clients.containerservice.managed_clusters
    mcs.begin_stop("rg1", "aks1").result()
    stopped = mcs.get("rg1", "aks1")
    assert stopped.power_state.code == "Stopped"
    assert stopped.agent_pool_profiles[0].power_state.code == "Stopped"
    assert stopped.provisioning_state == "Succeeded"
    mcs.begin_start("rg1", "aks1").result()
    assert mcs.get("rg1", "aks1").power_state.code == "Running"


def test_kubernetes_versions_of_a_location_include_the_default_a_cluster_gets(clients: Any) -> None:
    versions = clients.containerservice.managed_clusters.list_kubernetes_versions("eastus").values_property
    defaults = [v for v in versions if v.is_default]
    assert [v.version for v in defaults] == ["1.33"]
    assert "1.33.3" in defaults[0].patch_versions


def test_a_cluster_has_an_etag_that_if_match_must_name(emu: Emulator, arm: Any, clients: Any) -> None:
    net = _cluster(arm, clients)
    etag = arm.get(arm.cluster_path(), AKS_API)["eTag"]
    assert etag
    url = arm.url(arm.cluster_path(), AKS_API)
    status, _, error = emu.request("PUT", url, arm.cluster_body(net), {"If-Match": "stale"})
    assert (status, error["code"], error["message"]) == (
        409,
        "EtagMismatch",
        "Operation is not allowed: Another operation is in progress",
    )
    status, _, error = emu.request("PUT", url, arm.cluster_body(net), {"If-None-Match": "*"})
    assert (status, error["code"]) == (412, "PreconditionFailed")
    status, _, body = emu.request("PUT", url, arm.cluster_body(net), {"If-Match": etag})
    assert status == 200 and body["eTag"] != etag
    other = arm.url(arm.cluster_path(name="aks2"), AKS_API)
    status, _, error = emu.request("PUT", other, arm.cluster_body(net), {"If-Match": etag})
    assert (status, error["code"]) == (412, "PreconditionFailed")
    with pytest.raises(ResourceExistsError):
        clients.containerservice.managed_clusters.begin_delete(
            "rg1", "aks1", etag="stale", match_condition=MatchConditions.IfNotModified
        )


def test_a_vnet_put_or_delete_with_a_stale_if_match_is_412(emu: Emulator, arm: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    etag = arm.get(vnet)["etag"]
    body = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["192.168.0.0/16"]}}}
    status, _, error = emu.request("PUT", arm.url(vnet, "2026-03-01"), body, {"If-Match": 'W/"stale"'})
    assert (status, error["error"]["code"]) == (412, "PreconditionFailed")
    assert error["error"]["details"][0]["code"] == "PreconditionFailedEtagMismatch"
    assert emu.request("DELETE", arm.url(vnet, "2026-03-01"), None, {"If-Match": 'W/"stale"'})[0] == 412
    assert emu.request("PUT", arm.url(vnet, "2026-03-01"), body, {"If-Match": etag})[0] == 200


def test_empty_vm_size_and_upgrade_settings_are_back_filled_as_the_service_does(arm: Any) -> None:
    net = arm.network_for_cluster()
    body = arm.cluster_body(net)
    pool = body["properties"]["agentPoolProfiles"][0]
    pool |= {"vmSize": "", "orchestratorVersion": "", "upgradeSettings": {}}
    created = arm.ok("PUT", arm.cluster_path(), body, api=AKS_API)
    filled = created["properties"]["agentPoolProfiles"][0]
    assert filled["vmSize"] == "Standard_D2s_v5"
    assert filled["orchestratorVersion"] == "1.33.3"
    assert filled["upgradeSettings"]["maxSurge"] == "10%"


def test_a_pool_that_does_not_fit_the_subnet_fails_and_stays_failed(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster(prefix="192.168.1.0/28")
    clients.containerservice.managed_clusters.begin_create_or_update(
        "rg1", "aks1", arm.cluster_body(net, networkPlugin="kubenet")
    ).result()
    pools = clients.containerservice.agent_pools
    with pytest.raises(HttpResponseError):
        pools.begin_create_or_update("rg1", "aks1", "big", {"properties": {"count": 50, "mode": "User"}}).result()
    listed = {p.name: p.provisioning_state for p in pools.list("rg1", "aks1")}
    assert listed == {"nodepool1": "Succeeded", "big": "Failed"}  # as AKS: the failed pool stays, Failed
