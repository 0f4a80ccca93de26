"""What AKS rejects at PUT time: synchronous, unwrapped 400s with a target (and 403 for permissions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from aksnet.emulator.errors import EMULATED_CODES

AKS_API = "2026-08-01"
Setup = Callable[[Any, dict[str, Any]], dict[str, Any]]


def _put(arm: Any, body: dict[str, Any], name: str = "aks1") -> tuple[int, Any]:
    return arm.call("PUT", arm.cluster_path(name=name), body, AKS_API)  # type: ignore[no-any-return]


def _pool(net: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"name": "nodepool1", "count": 3, "mode": "System", "vnetSubnetID": net["subnet"]} | fields


def _windows(net: dict[str, Any]) -> list[dict[str, Any]]:
    return [_pool(net), _pool(net, name="win1", osType="Windows", mode="User", count=1)]


def _overlay(**extra: Any) -> dict[str, Any]:
    return {"networkPlugin": "azure", "networkPluginMode": "overlay"} | extra


def _delegate(arm: Any, net: dict[str, Any]) -> dict[str, Any]:
    delegation = {"name": "d", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}
    props = {"addressPrefix": "192.168.1.0/24", "routeTable": {"id": net["route_table"]}, "delegations": [delegation]}
    arm.ok("PUT", net["subnet"], {"properties": props})
    return {}


def _add_nic(arm: Any, net: dict[str, Any]) -> dict[str, Any]:
    config = {"name": "ip1", "properties": {"subnet": {"id": net["subnet"]}}}
    arm.ok(
        "PUT",
        arm.net_id("rg1", "networkInterfaces", "nic1"),
        {"location": "eastus", "properties": {"ipConfigurations": [config]}},
    )
    return {}


def _drop_route_table(arm: Any, net: dict[str, Any]) -> dict[str, Any]:
    arm.subnet(net["vnet"], "aks", "192.168.1.0/24")
    return {}


def _internet_default(arm: Any, net: dict[str, Any]) -> dict[str, Any]:
    arm.route_table(next_hop="Internet")
    return {}


def _no_default(arm: Any, net: dict[str, Any]) -> dict[str, Any]:
    arm.call("DELETE", f"{net['route_table']}/routes/egress")
    return {}


CASES: dict[str, tuple[dict[str, Any], Setup | None, str, str | None]] = {
    # name: (networkProfile overrides, body tweak, code, subcode)
    "max_pods_too_high": ({}, lambda arm, n: {"pools": [_pool(n, maxPods=300)]}, "InvalidParameter", None),
    "max_pods_too_low": ({}, lambda arm, n: {"pools": [_pool(n, maxPods=5)]}, "InvalidParameter", None),
    "system_pool_of_zero": ({}, lambda arm, n: {"pools": [_pool(n, count=0)]}, "InvalidParameter", None),
    "overlay_without_azure": ({"networkPluginMode": "overlay"}, None, "NetworkPluginModeRequiresAzure", None),
    "pod_cidr_with_flat_cni": ({"networkPlugin": "azure"}, None, "PodCidrNotSupportedWithAzureCNI", None),
    "plugin_none_with_policy": (
        {"networkPlugin": "none", "podCidr": None, "networkPolicy": "calico"},
        None,
        "NetworkPolicyRequiresNetworkPlugin",
        None,
    ),
    "azure_policy_on_kubenet": ({"networkPolicy": "azure"}, None, "NetworkPolicyAzureNotSupportedForKubenet", None),
    "cilium_policy_without_dataplane": (
        _overlay(networkPolicy="cilium"),
        None,
        "NetworkPolicyNotSupported",
        "NetworkPolicyCiliumRequiresCiliumDataplane",
    ),
    "cilium_dataplane_with_calico": (
        _overlay(networkDataplane="cilium", networkPolicy="calico"),
        None,
        "BadRequest",
        "CiliumDataplaneRequiresNetworkPolicyCilium",
    ),
    "cilium_dataplane_with_none": (
        _overlay(networkDataplane="cilium", networkPolicy="none"),
        None,
        "BadRequest",
        "CiliumDataplaneRequiresNetworkPolicyCilium",
    ),
    "cilium_on_kubenet": (
        {"networkDataplane": "cilium", "networkPolicy": "cilium"},
        None,
        "CiliumDataplaneRequiresAzureCNI",
        None,
    ),
    "windows_on_kubenet": ({}, lambda arm, n: {"pools": _windows(n)}, "WindowsNotSupportedWithKubenet", None),
    "windows_with_cilium": (
        _overlay(networkDataplane="cilium", networkPolicy="cilium"),
        lambda arm, n: {"pools": _windows(n)},
        "CiliumNotSupportedWithWindows",
        None,
    ),
    "windows_with_azure_npm": (
        _overlay(networkPolicy="azure"),
        lambda arm, n: {"pools": _windows(n), "windows": "Sup3r-Secret-Passw0rd!"},
        "AzureNetworkPolicyRetiredForWindows",
        None,
    ),
    "windows_without_profile": (_overlay(), lambda arm, n: {"pools": _windows(n)}, "WindowsProfileRequired", None),
    "weak_windows_password": (
        _overlay(),
        lambda arm, n: {"pools": _windows(n), "windows": "short"},
        "InvalidWindowsAdminPassword",
        None,
    ),
    "reserved_pod_cidr": ({"podCidr": "172.16.0.0/12"}, None, "ReservedAddressRangeOverlap", None),
    "reserved_service_cidr": (
        {"serviceCidr": "169.254.0.0/16", "dnsServiceIP": "169.254.0.10"},
        None,
        "ReservedAddressRangeOverlap",
        None,
    ),
    "dns_ip_outside_service_cidr": ({"serviceCidr": "10.200.0.0/16"}, None, "DnsServiceIpOutOfServiceCidr", None),
    "dns_ip_is_the_network_address": ({"dnsServiceIP": "10.0.0.0"}, None, "DnsServiceIpIsReserved", None),
    "dns_ip_is_the_first_address": ({"dnsServiceIP": "10.0.0.1"}, None, "DnsServiceIpIsReserved", None),
    "service_cidr_slash_12": ({"serviceCidr": "10.0.0.0/12"}, None, "ServiceCidrTooLarge", None),
    "pod_cidr_overlaps_service_cidr": (
        {"podCidr": "10.0.0.0/16", "serviceCidr": "10.0.0.0/16"},
        None,
        "PodCidrOverlapsServiceCidr",
        None,
    ),
    "service_cidr_overlaps_a_subnet": (
        {"serviceCidr": "192.168.1.0/24", "dnsServiceIP": "192.168.1.10"},
        None,
        "ServiceCidrOverlapExistingSubnetsCidr",
        None,
    ),
    "kubenet_pod_cidr_overlaps_vnet": ({"podCidr": "192.168.200.0/24"}, None, "NetworkProfileCIDROverlapVNET", None),
    "overlay_pod_cidr_overlaps_a_subnet": (
        _overlay(podCidr="192.168.0.0/20"),
        None,
        "NetworkProfileCIDROverlapVNET",
        None,
    ),
    "flat_cni_subnet_too_small": (
        {"networkPlugin": "azure", "podCidr": None},
        lambda arm, n: {"pools": [_pool(n, maxPods=110)]},
        "InsufficientSubnetSize",
        None,
    ),
    "flat_cni_autoscaler_max_count_counts": (
        {"networkPlugin": "azure", "podCidr": None},
        lambda arm, n: {"pools": [_pool(n, count=1, maxPods=30, enableAutoScaling=True, minCount=1, maxCount=9)]},
        "InsufficientSubnetSize",
        None,
    ),
    "pod_cidr_too_small": ({"podCidr": "10.244.0.0/23"}, None, "InsufficientSubnetSize", None),
    "kubenet_over_400_nodes": (
        {"podCidr": "10.0.0.0/8", "serviceCidr": "172.20.0.0/16", "dnsServiceIP": "172.20.0.10"},
        lambda arm, n: {"pools": [_pool(n, count=401)]},
        "KubenetNodeLimitExceeded",
        None,
    ),
    "missing_subnet": (
        {},
        lambda arm, n: {"pools": [_pool(n, vnetSubnetID=n["vnet"] + "/subnets/nope")]},
        "VnetSubnetNotFound",
        None,
    ),
    "delegated_subnet": (
        {},
        _delegate,
        "SubnetWithExternalResourcesCannotBeUsedByOtherResources",
        None,
    ),
    "subnet_with_a_nic": (
        {},
        _add_nic,
        "SubnetWithExternalResourcesCannotBeUsedByOtherResources",
        None,
    ),
    "udr_without_route_table": (
        {"outboundType": "userDefinedRouting"},
        _drop_route_table,
        "ExistingRouteTableNotAssociatedWithSubnet",
        None,
    ),
    "udr_to_internet": (
        {"outboundType": "userDefinedRouting"},
        _internet_default,
        "RouteTableInvalidNextHop",
        None,
    ),
    "udr_without_default_route": (
        {"outboundType": "userDefinedRouting"},
        _no_default,
        "RouteTableMissingDefaultRoute",
        None,
    ),
    "managed_nat_with_own_subnet": (
        {"outboundType": "managedNATGateway"},
        None,
        "ManagedNATGatewayNotSupportedWithCustomVnet",
        None,
    ),
    "user_nat_without_gateway": (
        {"outboundType": "userAssignedNATGateway"},
        None,
        "NatGatewayNotAssociatedWithSubnet",
        None,
    ),
    "system_identity_with_own_route_table": (
        {},
        lambda arm, n: {"identity": {"type": "SystemAssigned"}},
        "CustomRouteTableWithUnsupportedMSIType",
        None,
    ),
    "missing_identity": (
        {},
        lambda arm, n: {
            "identity": {"type": "UserAssigned", "userAssignedIdentities": {n["identity"]["id"] + "x": {}}}
        },
        "UserAssignedIdentityNotFound",
        None,
    ),
    # Names, versions, pools and the Windows profile (aks_pool_rules).
    "kubernetes_version_not_a_version": ({}, lambda arm, n: {"version": "latest"}, "InvalidKubernetesVersion", None),
    "no_system_pool": ({}, lambda arm, n: {"pools": [_pool(n, mode="User")]}, "SystemPoolRequired", None),
    "pool_name_upper_case": ({}, lambda arm, n: {"pools": [_pool(n, name="Pool1")]}, "InvalidAgentPoolName", None),
    "windows_pool_name_of_7": (
        _overlay(),
        lambda arm, n: {"pools": [_pool(n), _pool(n, name="windows", osType="Windows", mode="User")]},
        "InvalidAgentPoolName",
        None,
    ),
    "duplicate_pool_names": ({}, lambda arm, n: {"pools": [_pool(n), _pool(n)]}, "DuplicateAgentPoolName", None),
    "windows_system_pool": (
        _overlay(),
        lambda arm, n: {"pools": [_pool(n, name="win1", osType="Windows")]},
        "SystemPoolMustBeLinux",
        None,
    ),
    "autoscaler_without_bounds": (
        {},
        lambda arm, n: {"pools": [_pool(n, enableAutoScaling=True, minCount=1)]},
        "InvalidAutoscalerProfile",
        None,
    ),
    "autoscaler_count_above_max": (
        {},
        lambda arm, n: {"pools": [_pool(n, enableAutoScaling=True, minCount=1, maxCount=2)]},
        "InvalidAutoscalerProfile",
        None,
    ),
    "bounds_without_autoscaler": (
        {},
        lambda arm, n: {"pools": [_pool(n, minCount=1, maxCount=5)]},
        "InvalidAutoscalerProfile",
        None,
    ),
    "max_pods_10_on_2_nodes": ({}, lambda arm, n: {"pools": [_pool(n, count=2, maxPods=10)]}, "InvalidParameter", None),
    "max_surge_not_a_number": (
        {},
        lambda arm, n: {"pools": [_pool(n, upgradeSettings={"maxSurge": "lots"})]},
        "InvalidMaxSurge",
        None,
    ),
    "max_surge_of_0_percent": (
        {},
        lambda arm, n: {"pools": [_pool(n, upgradeSettings={"maxSurge": "0%"})]},
        "InvalidMaxSurge",
        None,
    ),
    "reserved_windows_username": (
        _overlay(),
        lambda arm, n: {"pools": _windows(n), "windows": "Sup3r-Secret-Passw0rd!", "user": "admin"},
        "InvalidWindowsAdminUsername",
        None,
    ),
}


def _body(arm: Any, net: dict[str, Any], network: dict[str, Any], tweak: dict[str, Any]) -> dict[str, Any]:
    body = arm.cluster_body(net, pools=tweak.get("pools"), **network)
    if "identity" in tweak:
        body["identity"] = tweak["identity"]
    if "windows" in tweak:
        user = tweak.get("user", "azureuser")
        body["properties"]["windowsProfile"] = {"adminUsername": user, "adminPassword": tweak["windows"]}
    if "version" in tweak:
        body["properties"]["kubernetesVersion"] = tweak["version"]
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_invalid_cluster_is_rejected_synchronously_with_akss_code(arm: Any, case: str) -> None:
    network, setup, code, subcode = CASES[case]
    net = arm.network_for_cluster(prefix="192.168.1.0/24")
    tweak = setup(arm, net) if setup else {}
    status, error = _put(arm, _body(arm, net, network, tweak))
    assert status == 400, error
    assert error["code"] == code, error
    assert set(error) == {"code", "message", "subcode", "target", "details"}
    if subcode:
        assert error["subcode"] == subcode
    emulated = error["details"] is not None and error["details"][0]["code"] == "EmulatedErrorCode"
    assert emulated == (code in EMULATED_CODES)
    assert arm.call("GET", arm.cluster_path(), api=AKS_API)[0] == 404


def test_validation_errors_parse_into_the_sdks_error_with_target(arm: Any, clients: Any) -> None:
    net = arm.network_for_cluster()
    with pytest.raises(HttpResponseError) as caught:
        clients.containerservice.managed_clusters.begin_create_or_update(
            "rg1", "aks1", arm.cluster_body(net, serviceCidr="10.200.0.0/16")
        )
    assert caught.value.status_code == 400
    assert caught.value.error.code == "DnsServiceIpOutOfServiceCidr"
    assert (
        caught.value.error.message
        == "The DNS service IP 10.0.0.10 is out of the range defined by service CIDR 10.200.0.0/16."
    )
    assert caught.value.error.target == "networkProfile.dnsServiceIP"


def test_insufficient_subnet_size_reports_pre_allocated_ips_against_usable_ones(arm: Any) -> None:
    net = arm.network_for_cluster(route_table=False)
    status, error = _put(
        arm, arm.cluster_body(net, pools=[_pool(net, maxPods=110)], networkPlugin="azure", podCidr=None)
    )
    assert status == 400
    assert error["message"].startswith(
        "Pre-allocated IPs 333 exceeds IPs available 251 in Subnet Cidr 192.168.1.0/24, Subnet Name aks."
    )


def test_pod_cidr_too_small_targets_network_profile_pod_cidr(arm: Any) -> None:
    net = arm.network_for_cluster()
    pools = [_pool(net, count=5)]
    _status, error = _put(arm, arm.cluster_body(net, pools=pools, podCidr="10.244.0.0/22"))
    assert error["target"] == "networkProfile.podCIDR"
    assert error["message"].startswith("Pre-allocated IPs 1280 exceeds IPs available 1024 in Subnet Cidr 10.244.0.0/22")


def test_a_flat_cni_subnet_that_fits_exactly_is_accepted(arm: Any) -> None:
    net = arm.network_for_cluster(route_table=False)
    # 8 nodes x 31 = 248 <= 251 usable in a /24 (the seeds' worked example).
    assert (
        _put(arm, arm.cluster_body(net, pools=[_pool(net, count=8, maxPods=30)], networkPlugin="azure", podCidr=None))[
            0
        ]
        == 201
    )


def test_an_identity_without_network_contributor_on_the_subnet_is_linked_authorization_failed(arm: Any) -> None:
    net = arm.network_for_cluster(grant=False)
    status, error = _put(arm, arm.cluster_body(net))
    assert status == 403
    message = error["error"]["message"]
    assert error["error"]["code"] == "LinkedAuthorizationFailed"
    assert f"with object id '{net['identity']['properties']['principalId']}'" in message
    assert (
        f"'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '{net['subnet']}'" in message
    )


def test_kubenet_with_a_route_table_also_needs_rights_on_the_route_table(arm: Any) -> None:
    net = arm.network_for_cluster(grant=False)
    arm.grant(net["identity"]["properties"]["principalId"], net["subnet"])
    status, error = _put(arm, arm.cluster_body(net))
    assert status == 403
    assert net["route_table"] in error["error"]["message"]


def test_a_role_at_the_resource_group_covers_the_subnet_and_route_table(arm: Any) -> None:
    net = arm.network_for_cluster(grant=False)
    arm.grant(net["identity"]["properties"]["principalId"], arm.rg_id("rg1"))
    assert _put(arm, arm.cluster_body(net))[0] == 201


def test_a_second_cluster_cannot_use_a_subnet_another_cluster_uses(arm: Any) -> None:
    net = arm.network_for_cluster()
    assert _put(arm, arm.cluster_body(net))[0] == 201
    status, error = _put(arm, arm.cluster_body(net), name="aks2")
    assert (status, error["code"]) == (400, "SubnetUsedByAnotherCluster")


def test_a_second_cluster_cannot_use_another_clusters_route_table(arm: Any) -> None:
    net = arm.network_for_cluster()
    assert _put(arm, arm.cluster_body(net))[0] == 201
    other = arm.subnet(net["vnet"], "aks2", "192.168.2.0/24", routeTable=net["route_table"])
    arm.grant(net["identity"]["properties"]["principalId"], other)
    body = arm.cluster_body(net | {"subnet": other}, podCidr="10.245.0.0/16")
    status, error = _put(arm, body, name="aks2")
    assert (status, error["code"]) == (400, "RouteTableUsedByAnotherCluster")


@pytest.mark.parametrize("name", ["-aks", "aks-", "a" * 64, "aks.1"])
def test_an_invalid_cluster_name_is_refused(arm: Any, name: str) -> None:
    net = arm.network_for_cluster()
    status, error = _put(arm, arm.cluster_body(net), name=name)
    assert (status, error["code"], error["target"]) == (400, "InvalidClusterName", "name")


@pytest.mark.parametrize("name", ["a", "aks_1", "a" * 63])
def test_a_valid_cluster_name_is_accepted(arm: Any, name: str) -> None:
    assert _put(arm, arm.cluster_body(arm.network_for_cluster()), name=name)[0] == 201


def test_a_valid_pool_set_passes_every_pool_check(arm: Any) -> None:
    net = arm.network_for_cluster()
    pools = [
        _pool(net, count=3, maxPods=10, upgradeSettings={"maxSurge": "100%"}),
        _pool(net, name="user1", mode="User", count=0, enableAutoScaling=True, minCount=0, maxCount=5),
    ]
    assert _put(arm, arm.cluster_body(net, pools=pools))[0] == 201


def test_a_system_assigned_identity_in_your_own_subnet_is_accepted_as_azure_does(arm: Any) -> None:
    """Azure accepts it (az grants the identity Network Contributor after the create); preferring a
    user-assigned identity is aksnet's planner's choice (tests/test_plan.py), not the emulator's."""
    net = arm.network_for_cluster(route_table=False, grant=False)
    body = _body(arm, net, _overlay(), {"identity": {"type": "SystemAssigned"}})
    status, cluster = _put(arm, body)
    assert status == 201, cluster
    assert cluster["identity"]["type"] == "SystemAssigned"
    assert cluster["identity"]["principalId"]
