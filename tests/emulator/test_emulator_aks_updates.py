"""Cluster updates by full PUT: network-policy moves, Cilium, kubenet -> Azure CNI Overlay, immutables, scale."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from aksnet.emulator import Emulator

AKS_API = "2026-08-01"


def _update(arm: Any, network: dict[str, Any], **props: Any) -> tuple[int, Any]:
    body = {"location": "eastus", "properties": {"networkProfile": network} | props}
    return arm.call("PUT", arm.cluster_path(), body, AKS_API)  # type: ignore[no-any-return]


def _cluster(arm: Any, net: dict[str, Any] | None = None, **network: Any) -> dict[str, Any]:
    net = net or arm.network_for_cluster()
    status, body = arm.call("PUT", arm.cluster_path(), arm.cluster_body(net, **network), AKS_API)
    assert status == 201, body
    return net


def _overlay_cluster(arm: Any, **network: Any) -> dict[str, Any]:
    net = arm.network_for_cluster(route_table=False)
    return _cluster(arm, net, networkPlugin="azure", networkPluginMode="overlay", **network)


def _np(arm: Any) -> dict[str, Any]:
    return arm.get(arm.cluster_path(), AKS_API)["properties"]["networkProfile"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("start", "target"), [("none", "azure"), ("azure", "none"), ("none", "calico"), ("calico", "none")]
)
def test_network_policy_moves_through_none_are_allowed(arm: Any, start: str, target: str) -> None:
    _overlay_cluster(arm, networkPolicy=start)
    status, body = _update(arm, {"networkPolicy": target})
    assert status == 200, body
    assert body["properties"]["provisioningState"] == "Updating"
    assert _np(arm)["networkPolicy"] == target


@pytest.mark.parametrize(("start", "target"), [("azure", "calico"), ("calico", "azure")])
def test_a_direct_switch_between_azure_and_calico_is_rejected(arm: Any, start: str, target: str) -> None:
    _overlay_cluster(arm, networkPolicy=start)
    status, error = _update(arm, {"networkPolicy": target})
    assert (status, error["code"]) == (400, "NetworkPolicyDirectSwitchNotAllowed")


@pytest.mark.parametrize("start", ["none", "azure", "calico"])
def test_moving_to_cilium_sets_dataplane_and_policy_in_one_put(arm: Any, start: str) -> None:
    _overlay_cluster(arm, networkPolicy=start)
    status, body = _update(arm, {"networkDataplane": "cilium", "networkPolicy": "cilium"})
    assert status == 200, body
    assert (_np(arm)["networkDataplane"], _np(arm)["networkPolicy"]) == ("cilium", "cilium")


def test_setting_only_the_cilium_dataplane_fails_on_the_back_filled_policy(arm: Any) -> None:
    _overlay_cluster(arm)
    status, error = _update(arm, {"networkDataplane": "cilium"})
    assert (status, error["subcode"]) == (400, "CiliumDataplaneRequiresNetworkPolicyCilium")


def test_moving_to_cilium_is_rejected_with_a_windows_pool(arm: Any) -> None:
    net = arm.network_for_cluster(route_table=False, prefix="192.168.0.0/20")
    pools = [
        {"name": "nodepool1", "count": 1, "mode": "System", "vnetSubnetID": net["subnet"]},
        {"name": "win1", "count": 1, "mode": "User", "osType": "Windows", "vnetSubnetID": net["subnet"]},
    ]
    body = arm.cluster_body(net, pools=pools, networkPlugin="azure", networkPluginMode="overlay")
    body["properties"]["windowsProfile"] = {"adminUsername": "azureuser", "adminPassword": "Sup3r-Secret-Passw0rd!"}
    assert arm.call("PUT", arm.cluster_path(), body, AKS_API)[0] == 201
    status, error = _update(arm, {"networkDataplane": "cilium", "networkPolicy": "cilium"})
    assert (status, error["code"]) == (400, "CiliumNotSupportedWithWindows")


def test_leaving_the_cilium_dataplane_is_rejected(arm: Any) -> None:
    _overlay_cluster(arm, networkDataplane="cilium", networkPolicy="cilium")
    status, error = _update(arm, {"networkDataplane": "azure", "networkPolicy": "none"})
    assert (status, error["code"]) == (400, "CiliumDataplaneCannotBeRemoved")


def test_kubenet_moves_to_overlay_keeping_its_pod_cidr_and_losing_its_routes(arm: Any) -> None:
    net = _cluster(arm)
    assert len(arm.get(net["route_table"])["properties"]["routes"]) == 4
    status, body = _update(arm, {"networkPlugin": "azure", "networkPluginMode": "overlay"})
    assert status == 200, body
    np = _np(arm)
    assert (np["networkPlugin"], np["networkPluginMode"], np["podCidr"]) == ("azure", "overlay", "10.244.0.0/16")
    assert [r["name"] for r in arm.get(net["route_table"])["properties"]["routes"]] == ["egress"]
    assert arm.get(net["subnet"])["properties"]["routeTable"] == {"id": net["route_table"]}


def test_kubenet_to_overlay_deletes_an_aks_managed_route_table(arm: Any) -> None:
    net = _cluster(arm, arm.network_for_cluster(route_table=False))
    table = arm.get(net["subnet"])["properties"]["routeTable"]["id"]
    assert _update(arm, {"networkPlugin": "azure", "networkPluginMode": "overlay"})[0] == 200
    assert "routeTable" not in arm.get(net["subnet"])["properties"]
    assert arm.call("GET", table)[0] == 404


def test_kubenet_to_overlay_is_rejected_while_a_policy_engine_is_installed(arm: Any) -> None:
    _cluster(arm, networkPolicy="calico")
    status, error = _update(arm, {"networkPlugin": "azure", "networkPluginMode": "overlay"})
    assert (status, error["code"]) == (400, "ValidationError")
    assert (
        error["message"] == "Cannot update cluster to Azure CNI Overlay while using network policies with Azure CNI v1."
    )


def test_kubenet_to_overlay_is_rejected_with_a_system_assigned_identity(arm: Any) -> None:
    arm.rg()
    body = arm.cluster_body(
        {"subnet": None, "identity": {"id": "x"}}, pools=[{"name": "nodepool1", "count": 1, "mode": "System"}]
    )
    body["identity"] = {"type": "SystemAssigned"}
    assert arm.call("PUT", arm.cluster_path(), body, AKS_API)[0] == 201
    status, error = _update(arm, {"networkPlugin": "azure", "networkPluginMode": "overlay"})
    assert (status, error["code"]) == (400, "OverlayMigrationRequiresUserAssignedIdentity")


def test_the_ipam_change_and_the_dataplane_change_cannot_share_a_put(arm: Any) -> None:
    _cluster(arm)
    change = {
        "networkPlugin": "azure",
        "networkPluginMode": "overlay",
        "networkDataplane": "cilium",
        "networkPolicy": "cilium",
    }
    status, error = _update(arm, change)
    assert (status, error["code"]) == (400, "IpamAndDataplaneChangeNotAllowed")


@pytest.mark.parametrize(
    ("network", "field"),
    [
        ({"serviceCidr": "10.1.0.0/16", "dnsServiceIP": "10.1.0.10"}, "networkProfile.serviceCidr"),
        ({"dnsServiceIP": "10.0.0.11"}, "networkProfile.dnsServiceIP"),
        ({"podCidr": "10.245.0.0/16"}, "networkProfile.podCidr"),
        ({"networkPlugin": "azure"}, "networkProfile.networkPlugin"),
        ({"outboundType": "none"}, "networkProfile.outboundType"),
    ],
)
def test_immutable_network_settings_cannot_change(arm: Any, network: dict[str, Any], field: str) -> None:
    _cluster(arm)
    status, error = _update(arm, network)
    assert (status, error["code"], error["target"]) == (400, "PropertyChangeNotAllowed", field)
    assert error["message"] == f"Changing property '{field}' is not allowed."


def test_a_pools_subnet_cannot_change(arm: Any) -> None:
    net = _cluster(arm)
    other = arm.subnet(net["vnet"], "other", "192.168.2.0/24")
    status, error = _update(arm, {}, agentPoolProfiles=[{"name": "nodepool1", "vnetSubnetID": other}])
    assert (status, error["code"]) == (400, "PropertyChangeNotAllowed")


def test_scaling_past_the_free_ips_fails_the_operation_with_subnet_is_full(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster(prefix="192.168.1.0/29")
    _cluster(arm, net, podCidr="10.244.0.0/16")
    scale = {"location": "eastus", "properties": {"agentPoolProfiles": [{"name": "nodepool1", "count": 5}]}}
    with pytest.raises(HttpResponseError) as caught:
        clients.containerservice.managed_clusters.begin_create_or_update("rg1", "aks1", scale).result()
    assert caught.value.error.code == "SubnetIsFull"
    assert (
        caught.value.error.message
        == "Subnet aks with address prefix 192.168.1.0/29 does not have enough capacity for 2 IP addresses."
    )
    cluster = arm.get(arm.cluster_path(), AKS_API)
    assert cluster["properties"]["provisioningState"] == "Failed"
    assert len(arm.get(net["subnet"])["properties"]["ipConfigurations"]) == 3


def test_a_network_policy_update_takes_600_seconds_at_latency_1(make_emu: Any, arm: Any, clock: Any) -> None:
    _overlay_cluster(arm)
    slow: Emulator = make_emu(latency=1.0)
    status, headers, _ = slow.request(
        "PUT",
        arm.url(arm.cluster_path(), AKS_API),
        {"location": "eastus", "properties": {"networkProfile": {"networkPolicy": "calico"}}},
    )
    assert status == 200
    clock.sleep(599)
    assert slow.request("GET", headers["Azure-AsyncOperation"])[2]["status"] == "InProgress"
    clock.sleep(1)
    assert slow.request("GET", headers["Azure-AsyncOperation"])[2]["status"] == "Succeeded"


def test_other_updates_take_300_seconds_at_latency_1(make_emu: Any, arm: Any, clock: Any) -> None:
    _overlay_cluster(arm)
    slow: Emulator = make_emu(latency=1.0)
    body = {"location": "eastus", "properties": {"agentPoolProfiles": [{"name": "nodepool1", "count": 4}]}}
    _, headers, _ = slow.request("PUT", arm.url(arm.cluster_path(), AKS_API), body)
    clock.sleep(300)
    assert slow.request("GET", headers["Azure-AsyncOperation"])[2]["status"] == "Succeeded"
