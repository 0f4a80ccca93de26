"""API server VNet integration as AKS handles it: the delegated API server subnet, its size, the nine addresses
each cluster's API server takes there, what else may not be in it, the identity's rights, and the dual-stack
Kubernetes floor (api-server-vnet-integration; breadth.md R7.7-R7.11)."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from aksnet.emulator.errors import EMULATED_CODES

AKS_API = "2026-08-01"
AKS = "Microsoft.ContainerService/managedClusters"
OVERLAY = {"networkPlugin": "azure", "networkPluginMode": "overlay", "podCidr": "10.244.0.0/16"}


def api_network(
    arm: Any, *, prefix: str = "192.168.2.0/28", delegated: bool = True, grant: bool = True
) -> dict[str, Any]:
    """network_for_cluster without a route table, plus subnet `api` (delegated to AKS, granted)."""
    net = arm.network_for_cluster(route_table=False)
    net["api"] = api_subnet(arm, net, "api", prefix, delegated=delegated, grant=grant)
    return dict(net)


def api_subnet(
    arm: Any, net: dict[str, Any], name: str, prefix: str, *, delegated: bool = True, grant: bool = True
) -> str:
    """A subnet of `net`'s VNet for API servers, delegated to AKS (or not) and granted to its identity (or not)."""
    delegations = [{"name": "0", "properties": {"serviceName": AKS}}] if delegated else []
    subnet = str(
        arm.ok(
            "PUT",
            f"{net['vnet']}/subnets/{name}",
            {"properties": {"addressPrefix": prefix, "delegations": delegations}},
        )["id"]
    )
    if grant:
        arm.grant(net["identity"]["properties"]["principalId"], subnet)
    return subnet


def body(arm: Any, net: dict[str, Any], *, subnet: str | None = None, **network: Any) -> dict[str, Any]:
    out = arm.cluster_body(net, **(OVERLAY | network))
    out["properties"]["apiServerAccessProfile"] = {"enableVnetIntegration": True, "subnetId": subnet or net["api"]}
    return dict(out)


def put(arm: Any, net: dict[str, Any], name: str = "aks1", **fields: Any) -> tuple[int, Any]:
    version = fields.pop("kubernetesVersion", None)
    request = body(arm, net, **fields)
    if version:
        request["properties"]["kubernetesVersion"] = version
    return arm.call("PUT", arm.cluster_path(name=name), request, AKS_API)  # type: ignore[no-any-return]


def refused(arm: Any, net: dict[str, Any], **fields: Any) -> str:
    status, answer = put(arm, net, **fields)
    assert status == 400, answer
    return str(answer["code"])


def test_a_cluster_takes_nine_addresses_of_its_delegated_28_on_the_kube_apiserver_load_balancer(arm: Any) -> None:
    net = api_network(arm)
    assert put(arm, net)[0] == 201
    configs = [c["id"] for c in arm.get(net["api"])["properties"]["ipConfigurations"]]
    assert len(configs) == 9
    assert all(
        "/providers/Microsoft.Network/loadBalancers/kube-apiserver/frontendIPConfigurations/" in c for c in configs
    )
    assert all("/resourceGroups/MC_rg1_aks1_eastus/" in c for c in configs)
    status, error = arm.call("DELETE", net["api"])
    assert (status, error["error"]["code"]) == (400, "InUseSubnetCannotBeDeleted")
    arm.ok("DELETE", arm.cluster_path(), api=AKS_API)
    assert "ipConfigurations" not in arm.get(net["api"])["properties"]
    assert arm.call("DELETE", net["api"])[0] == 202


@pytest.mark.parametrize(("prefix", "code"), [("192.168.2.0/29", "ApiServerSubnetTooSmall"), ("192.168.2.0/28", None)])
def test_the_api_server_subnet_is_a_28_or_larger(arm: Any, prefix: str, code: str | None) -> None:
    status, answer = put(arm, api_network(arm, prefix=prefix))
    assert (status, answer.get("code")) == ((400, code) if code else (201, None)), answer


def test_the_api_server_subnet_must_be_delegated_to_aks(arm: Any) -> None:
    assert refused(arm, api_network(arm, delegated=False)) == "ApiServerSubnetNotDelegated"


def test_the_api_server_subnet_cannot_be_a_node_subnet_or_a_pod_subnet(arm: Any) -> None:
    net = api_network(arm)
    assert refused(arm, net, subnet=net["subnet"]) == "ApiServerSubnetNotDelegated"  # a node subnet is not delegated
    pools = [
        {"name": "nodepool1", "count": 1, "mode": "System", "vnetSubnetID": net["subnet"], "podSubnetID": net["api"]}
    ]
    flat = {"networkPluginMode": None, "podCidr": None}
    assert refused(arm, net, pools=pools, **flat) == "ApiServerSubnetUsedByAgentPool"


def test_another_clusters_api_server_subnet_cannot_hold_pods(arm: Any) -> None:
    net = api_network(arm, prefix="192.168.2.0/27")
    assert put(arm, net)[0] == 201
    pools = [
        {"name": "nodepool1", "count": 1, "mode": "System", "vnetSubnetID": net["subnet"], "podSubnetID": net["api"]}
    ]
    request = arm.cluster_body(net, pools=pools, networkPlugin="azure", podCidr=None)
    status, answer = arm.call("PUT", arm.cluster_path(name="aks2"), request, AKS_API)
    assert (status, answer["code"]) == (400, "ApiServerSubnetUsedByAgentPool"), answer


def test_nothing_but_api_servers_may_be_in_the_api_server_subnet(arm: Any) -> None:
    net = api_network(arm)
    nic = arm.net_id("rg1", "networkInterfaces", "vm1-nic")
    config = {"name": "ipconfig1", "properties": {"subnet": {"id": net["api"]}}}
    arm.ok("PUT", nic, {"location": "eastus", "properties": {"ipConfigurations": [config]}})
    assert refused(arm, net) == "ApiServerSubnetInUse"
    arm.ok("DELETE", nic)
    assert put(arm, net)[0] == 201


def test_clusters_share_an_api_server_subnet_while_nine_addresses_each_fit(arm: Any, clients: Any) -> None:
    # A /28 has 11 usable addresses: one cluster's nine fit, a second's do not; a /27 (27) holds two.
    net = api_network(arm)
    assert put(arm, net)[0] == 201
    second = body(arm, net)
    with pytest.raises(HttpResponseError) as caught:
        clients.containerservice.managed_clusters.begin_create_or_update("rg1", "aks2", second).result()
    assert caught.value.error.code == "SubnetIsFull"
    assert "does not have enough capacity for 7 IP addresses" in caught.value.error.message
    roomy = api_subnet(arm, net, "api27", "192.168.4.0/27")
    assert put(arm, net, name="aks3", subnet=roomy)[0] == 201
    clients.containerservice.managed_clusters.begin_create_or_update(
        "rg1", "aks4", body(arm, net, subnet=roomy)
    ).result()
    assert len(arm.get(roomy)["properties"]["ipConfigurations"]) == 18


def test_the_identity_needs_rights_on_the_api_server_subnet(arm: Any) -> None:
    status, answer = put(arm, api_network(arm, grant=False))
    assert (status, answer["error"]["code"]) == (403, "LinkedAuthorizationFailed"), answer


@pytest.mark.parametrize(("version", "status"), [("1.26.2", 400), ("1.26.3", 201), ("1.26", 201)])
def test_dual_stack_vnet_integration_needs_kubernetes_1_26_3(arm: Any, version: str, status: int) -> None:
    arm.rg()
    vnet = arm.vnet(prefixes=("192.168.0.0/16", "fd00:db8::/48"))
    nodes = {"properties": {"addressPrefixes": ["192.168.1.0/24", "fd00:db8:0:1::/64"]}}
    subnet = arm.ok("PUT", f"{vnet}/subnets/aks", nodes)["id"]
    api = {
        "properties": {
            "addressPrefix": "192.168.2.0/28",
            "delegations": [{"name": "0", "properties": {"serviceName": AKS}}],
        }
    }
    api_id = arm.ok("PUT", f"{vnet}/subnets/api", api)["id"]
    identity = arm.identity()
    for scope in (subnet, api_id):
        arm.grant(identity["properties"]["principalId"], scope)
    net = {"vnet": vnet, "subnet": subnet, "identity": identity, "api": api_id}
    got, answer = put(arm, net, kubernetesVersion=version, ipFamilies=["IPv4", "IPv6"])
    assert got == status, answer
    if status == 400:
        assert answer["code"] == "FeatureRequiresNewerKubernetesVersion"
        assert "1.26.3" in answer["message"]


def test_integration_without_a_subnet_in_your_own_vnet_and_in_qatarcentral_is_refused(arm: Any) -> None:
    net = api_network(arm)
    request = body(arm, net)
    del request["properties"]["apiServerAccessProfile"]["subnetId"]
    status, answer = arm.call("PUT", arm.cluster_path(), request, AKS_API)
    assert (status, answer["code"]) == (400, "ApiServerSubnetIdRequired")
    request = body(arm, net) | {"location": "qatarcentral"}
    status, answer = arm.call("PUT", arm.cluster_path(name="aks2"), request, AKS_API)
    assert (status, answer["code"]) == (400, "VnetIntegrationNotSupportedInRegion")


def test_the_invented_codes_are_marked() -> None:
    assert {
        "ApiServerSubnetIdRequired",
        "ApiServerSubnetNotDelegated",
        "ApiServerSubnetTooSmall",
        "ApiServerSubnetUsedByAgentPool",
        "ApiServerSubnetInUse",
        "VnetIntegrationNotSupportedInRegion",
    } <= EMULATED_CODES
