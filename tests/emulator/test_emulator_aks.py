"""Managed clusters: LRO shapes, server defaults, node resource group, subnet IPs and kubenet routes."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import ResourceExistsError

from aksnet.emulator import Emulator

AKS_API = "2026-08-01"


def _create(clients: Any, body: dict[str, Any], name: str = "aks1") -> Any:
    return clients.containerservice.managed_clusters.begin_create_or_update("rg1", name, body).result()


def _ip_configs(arm: Any, subnet: str) -> list[str]:
    return [c["id"] for c in arm.get(subnet)["properties"].get("ipConfigurations", [])]


def test_a_cluster_put_answers_201_creating_with_an_aks_operation_url(emu: Emulator, arm: Any) -> None:
    net = arm.network_for_cluster()
    status, headers, body = emu.request("PUT", arm.url(arm.cluster_path(), AKS_API), arm.cluster_body(net))
    assert status == 201
    assert body["properties"]["provisioningState"] == "Creating"
    assert body["properties"]["agentPoolProfiles"][0]["provisioningState"] == "Creating"
    assert "/providers/Microsoft.ContainerService/locations/eastus/operations/" in headers["Azure-AsyncOperation"]
    assert emu.request("GET", headers["Azure-AsyncOperation"])[2]["status"] == "Succeeded"
    assert arm.get(arm.cluster_path(), AKS_API)["properties"]["provisioningState"] == "Succeeded"


def test_a_cluster_delete_answers_202_with_both_headers_and_204_when_absent(
    emu: Emulator, arm: Any, clients: Any
) -> None:
    _create(clients, arm.cluster_body(arm.network_for_cluster()))
    status, headers, body = emu.request("DELETE", arm.url(arm.cluster_path(), AKS_API))
    assert (status, body) == (202, None)
    assert "operationresults" in headers["Location"]
    assert "/operations/" in headers["Azure-AsyncOperation"]
    assert emu.request("GET", headers["Azure-AsyncOperation"])[2]["status"] == "Succeeded"
    assert emu.request("DELETE", arm.url(arm.cluster_path(), AKS_API))[0] == 204


def test_the_response_fills_server_defaults(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster()
    body = arm.cluster_body(net, podCidr=None, serviceCidr=None, dnsServiceIP=None)
    result = _create(clients, body).as_dict()
    np = arm.get(arm.cluster_path(), AKS_API)["properties"]["networkProfile"]
    assert np["podCidr"] == "10.244.0.0/16"
    assert np["podCidrs"] == ["10.244.0.0/16"]
    assert (np["serviceCidr"], np["serviceCidrs"], np["dnsServiceIP"]) == ("10.0.0.0/16", ["10.0.0.0/16"], "10.0.0.10")
    assert (np["ipFamilies"], np["outboundType"], np["loadBalancerSku"]) == (["IPv4"], "loadBalancer", "standard")
    props = result["properties"]
    assert props["nodeResourceGroup"] == "MC_rg1_aks1_eastus"
    assert props["fqdn"].startswith("aks1-") and props["fqdn"].endswith(".hcp.eastus.azmk8s.io")
    assert props["agentPoolProfiles"][0]["maxPods"] == 110
    assert props["powerState"]["code"] == "Running"
    identity = result["identity"]["userAssignedIdentities"][net["identity"]["id"]]
    assert identity["principalId"] == net["identity"]["properties"]["principalId"]
    assert identity["clientId"] == net["identity"]["properties"]["clientId"]


@pytest.mark.parametrize(
    ("network", "max_pods"),
    [
        ({"networkPlugin": None, "podCidr": None}, 250),
        ({"networkPlugin": "azure", "networkPluginMode": "overlay"}, 250),
        ({"networkPlugin": "azure", "podCidr": None}, 30),
        ({"networkPlugin": "kubenet"}, 110),
    ],
)
def test_max_pods_defaults_per_plugin(arm: Any, clients: Any, network: dict[str, Any], max_pods: int) -> None:
    net = arm.network_for_cluster(route_table=False, prefix="192.168.0.0/20")
    result = _create(clients, arm.cluster_body(net, **network)).as_dict()
    assert result["properties"]["agentPoolProfiles"][0]["maxPods"] == max_pods


def test_an_omitted_network_plugin_defaults_to_azure_cni_overlay(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster(route_table=False)
    _create(clients, arm.cluster_body(net, networkPlugin=None, podCidr=None))
    np = arm.get(arm.cluster_path(), AKS_API)["properties"]["networkProfile"]
    assert (np["networkPlugin"], np["networkPluginMode"], np["networkPolicy"]) == ("azure", "overlay", "none")


def test_create_makes_a_tagged_node_resource_group_managed_by_the_cluster(arm: Any, clients: Any) -> None:
    _create(clients, arm.cluster_body(arm.network_for_cluster()))
    node_rg = arm.get(arm.rg_id("MC_rg1_aks1_eastus"), "2025-04-01")
    assert node_rg["tags"] == {"aks-managed-cluster-name": "aks1", "aks-managed-cluster-rg": "rg1"}
    assert node_rg["managedBy"] == arm.cluster_path()
    kubelet = arm.get(arm.cluster_path(), AKS_API)["properties"]["identityProfile"]["kubeletidentity"]
    assert kubelet["resourceId"].endswith(
        "/resourceGroups/MC_rg1_aks1_eastus/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks1-agentpool"
    )


def test_each_kubenet_node_takes_one_ip_and_one_route_to_its_pod_block(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster()
    _create(clients, arm.cluster_body(net, networkPolicy="calico"))
    assert len(_ip_configs(arm, net["subnet"])) == 3
    routes = {r["properties"]["addressPrefix"]: r for r in arm.get(net["route_table"])["properties"]["routes"]}
    assert set(routes) == {"0.0.0.0/0", "10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"}
    node = routes["10.244.1.0/24"]
    assert node["name"].startswith("aks-nodepool1-") and node["name"].endswith("-vmss000001")
    assert node["properties"]["nextHopType"] == "VirtualAppliance"
    assert node["properties"]["nextHopIpAddress"] == "192.168.1.5"


def test_kubenet_without_a_route_table_gets_one_made_and_associated_by_aks(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster(route_table=False)
    _create(clients, arm.cluster_body(net))
    table = arm.get(net["subnet"])["properties"]["routeTable"]["id"]
    assert "/resourceGroups/MC_rg1_aks1_eastus/providers/Microsoft.Network/routeTables/aks-agentpool-" in table
    assert len(arm.get(table)["properties"]["routes"]) == 3
    clients.containerservice.managed_clusters.begin_delete("rg1", "aks1").result()
    assert "routeTable" not in arm.get(net["subnet"])["properties"]


def test_flat_azure_cni_reserves_max_pods_plus_one_ips_per_node(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster(route_table=False)
    pool = {"name": "nodepool1", "count": 3, "maxPods": 30, "mode": "System", "vnetSubnetID": net["subnet"]}
    _create(clients, arm.cluster_body(net, pools=[pool], networkPlugin="azure", podCidr=None))
    assert len(_ip_configs(arm, net["subnet"])) == 3 * 31


def test_autoscaler_pools_use_count_for_actual_nodes(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster()
    pool = {"name": "nodepool1", "count": 2, "enableAutoScaling": True, "minCount": 1, "maxCount": 10}
    _create(clients, arm.cluster_body(net, pools=[pool | {"mode": "System", "vnetSubnetID": net["subnet"]}]))
    assert len(_ip_configs(arm, net["subnet"])) == 2


def test_delete_removes_routes_ip_configurations_and_the_node_group(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster()
    _create(clients, arm.cluster_body(net))
    clients.containerservice.managed_clusters.begin_delete("rg1", "aks1").result()
    assert _ip_configs(arm, net["subnet"]) == []
    assert [r["name"] for r in arm.get(net["route_table"])["properties"]["routes"]] == ["egress"]
    assert not clients.resource.resource_groups.check_existence("MC_rg1_aks1_eastus")
    clients.network.subnets.begin_delete("rg1", "vnet1", "aks").result()


def test_subnet_delete_fails_while_cluster_nodes_use_it(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster()
    _create(clients, arm.cluster_body(net))
    status, error = arm.call("DELETE", net["subnet"])
    assert (status, error["error"]["code"]) == (400, "InUseSubnetCannotBeDeleted")
    assert "/virtualMachineScaleSets/aks-nodepool1-" in error["error"]["message"]


def test_an_update_back_fills_omitted_fields_from_the_stored_cluster(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster()
    _create(clients, arm.cluster_body(net, networkPolicy="calico"))
    partial = {
        "location": "eastus",
        "properties": {
            "networkProfile": {"networkPolicy": ""},
            "agentPoolProfiles": [{"name": "nodepool1", "count": 4}],
        },
    }
    updated = (
        clients.containerservice.managed_clusters.begin_create_or_update("rg1", "aks1", partial).result().as_dict()
    )
    props = updated["properties"]
    assert props["networkProfile"]["networkPolicy"] == "calico"
    assert props["networkProfile"]["podCidr"] == "10.244.0.0/16"
    assert props["agentPoolProfiles"][0]["count"] == 4
    assert props["agentPoolProfiles"][0]["vnetSubnetID"] == net["subnet"]
    assert len(_ip_configs(arm, net["subnet"])) == 4


def test_network_policy_none_must_be_sent_to_remove_a_policy(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster()
    _create(clients, arm.cluster_body(net, networkPolicy="calico"))
    body = {"location": "eastus", "properties": {"networkProfile": {"networkPolicy": "none"}}}
    updated = clients.containerservice.managed_clusters.begin_create_or_update("rg1", "aks1", body).result()
    assert updated.properties.network_profile.network_policy == "none"


def test_a_put_during_an_update_is_operation_not_allowed(make_emu: Any, make_clients: Any, arm: Any) -> None:
    net = arm.network_for_cluster()
    slow: Emulator = make_emu(latency=1.0)
    status, _, _ = slow.request("PUT", arm.url(arm.cluster_path(), AKS_API), arm.cluster_body(net))
    assert status == 201
    clients = make_clients(slow)
    with pytest.raises(ResourceExistsError) as caught:
        clients.containerservice.managed_clusters.begin_create_or_update("rg1", "aks1", arm.cluster_body(net))
    assert caught.value.error.code == "OperationNotAllowed"
    assert "there's an in progress create managed cluster operation" in caught.value.error.message
    with pytest.raises(ResourceExistsError):
        clients.containerservice.managed_clusters.begin_delete("rg1", "aks1")


def test_clusters_are_listed_by_group_and_by_subscription(arm: Any, clients: Any) -> None:
    _create(clients, arm.cluster_body(arm.network_for_cluster()))
    assert [c.name for c in clients.containerservice.managed_clusters.list_by_resource_group("rg1")] == ["aks1"]
    assert [c.name for c in clients.containerservice.managed_clusters.list()] == ["aks1"]


def test_cluster_tags_can_be_patched(arm: Any, clients: Any) -> None:
    _create(clients, arm.cluster_body(arm.network_for_cluster()))
    tagged = clients.containerservice.managed_clusters.begin_update_tags("rg1", "aks1", {"tags": {"a": "b"}}).result()
    assert tagged.tags == {"a": "b"}


def test_the_windows_password_is_never_echoed_or_stored(arm: Any, clients: Any, db: Any) -> None:
    net = arm.network_for_cluster(route_table=False, prefix="192.168.0.0/20")
    body = arm.cluster_body(net, networkPlugin="azure", networkPluginMode="overlay")
    body["properties"]["windowsProfile"] = {"adminUsername": "azureuser", "adminPassword": "Sup3r-Secret-Passw0rd!"}
    result = _create(clients, body)
    assert result.properties.windows_profile.admin_username == "azureuser"
    assert result.properties.windows_profile.admin_password is None
    assert b"Sup3r-Secret" not in db.read_bytes()


def test_cluster_credentials_are_a_kubeconfig_in_base64_like_aks(tmp_path: Any) -> None:
    import base64

    import yaml

    from aksnet.emulator import Emulator
    from aksnet.emulator.aks_actions import kubeconfig

    emu = Emulator(str(tmp_path / "creds.db"))
    group = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
    cluster = f"{group}/providers/Microsoft.ContainerService/managedClusters/aks"
    status, _, body = emu.request(
        "POST", f"https://management.azure.com{cluster}/listClusterUserCredential?api-version=2026-08-01"
    )
    assert status == 404 and body["error"]["code"] in ("ResourceNotFound", "ResourceGroupNotFound")
    cluster_body = {"id": cluster, "name": "aks", "properties": {"fqdn": "aks-x.hcp.eastus.azmk8s.io"}}
    config = yaml.safe_load(kubeconfig(cluster_body, "clusterAdmin"))
    assert config["current-context"] == "aks-admin" and config["users"][0]["name"] == "clusterAdmin_rg_aks"
    assert config["clusters"][0]["cluster"]["server"] == "https://aks-x.hcp.eastus.azmk8s.io:443"
    assert base64.b64decode(config["clusters"][0]["cluster"]["certificate-authority-data"])
    emu.close()
