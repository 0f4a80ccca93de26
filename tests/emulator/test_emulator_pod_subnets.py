"""Pod subnets and per-pool subnets as AKS handles them: delegation and service association link, the
addresses nodes take in batches or blocks, sharing, and the service's refusals."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.emulator.errors import EMULATED_CODES

AKS_API = "2026-08-01"
AKS = "Microsoft.ContainerService/managedClusters"
FLAT = {"networkPlugin": "azure", "podCidr": None}


def pod_network(arm: Any, *, pods: str = "192.168.16.0/20", grant_pods: bool = True) -> dict[str, Any]:
    """network_for_cluster without a route table, plus subnet `pods` (granted to the identity)."""
    net = arm.network_for_cluster(route_table=False)
    net["pods"] = arm.subnet(net["vnet"], "pods", pods)
    if grant_pods:
        arm.grant(net["identity"]["properties"]["principalId"], net["pods"])
    return dict(net)


def pool(net: dict[str, Any], name: str = "nodepool1", **fields: Any) -> dict[str, Any]:
    base = {"name": name, "count": 3, "mode": "System" if name == "nodepool1" else "User", "maxPods": 30}
    return base | {"vnetSubnetID": net["subnet"], "podSubnetID": net["pods"]} | fields


def put(arm: Any, net: dict[str, Any], pools: list[dict[str, Any]], name: str = "aks1", **network: Any) -> Any:
    body = arm.cluster_body(net, pools=pools, **(FLAT | network))
    return arm.call("PUT", arm.cluster_path(name=name), body, AKS_API)


def created(arm: Any, net: dict[str, Any], pools: list[dict[str, Any]], name: str = "aks1", **network: Any) -> Any:
    status, body = put(arm, net, pools, name, **network)
    assert status in (200, 201), body
    return arm.get(arm.cluster_path(name=name), AKS_API)


def refusal(arm: Any, net: dict[str, Any], pools: list[dict[str, Any]], **network: Any) -> dict[str, Any]:
    status, body = put(arm, net, pools, **network)
    assert status == 400, body
    return dict(body)


def test_aks_delegates_and_links_the_pod_subnet_and_counts_16_per_node_there(arm: Any) -> None:
    net = pod_network(arm)
    created(arm, net, [pool(net)])
    pods, nodes = arm.get(net["pods"]), arm.get(net["subnet"])
    assert [d["properties"]["serviceName"] for d in pods["properties"]["delegations"]] == [AKS]
    links = pods["properties"]["serviceAssociationLinks"]
    assert [(s["name"], s["properties"]["linkedResourceType"]) for s in links] == [("AzureKubernetesService", AKS)]
    assert len(pods["properties"]["ipConfigurations"]) == 3 * 16  # each node's first batch
    assert len(nodes["properties"]["ipConfigurations"]) == 3  # nodes only: pods live in the pod subnet
    assert nodes["properties"]["delegations"] == []


@pytest.mark.parametrize(("max_pods", "blocks"), [(30, 2), (31, 2), (32, 3)])
def test_static_block_takes_ceil_of_max_pods_plus_one_over_16_blocks_per_node(
    arm: Any, max_pods: int, blocks: int
) -> None:
    net = pod_network(arm)
    created(arm, net, [pool(net, count=2, maxPods=max_pods, podIPAllocationMode="StaticBlock")])
    assert len(arm.get(net["pods"])["properties"]["ipConfigurations"]) == 2 * blocks * 16


def test_a_linked_pod_subnet_cannot_be_deleted_or_lose_its_delegation_until_the_cluster_goes(arm: Any) -> None:
    net = pod_network(arm)
    created(arm, net, [pool(net)])
    status, body = arm.call("DELETE", net["pods"])
    assert (status, body["error"]["code"]) == (400, "InUseSubnetCannotBeDeleted")
    status, body = arm.call("PUT", net["pods"], {"properties": {"addressPrefix": "192.168.16.0/20"}})
    assert (status, body["error"]["code"]) == (400, "SubnetMissingRequiredDelegation")
    arm.ok("DELETE", arm.cluster_path(), api=AKS_API)
    pods = arm.get(net["pods"])
    assert "serviceAssociationLinks" not in pods["properties"]
    assert [d["properties"]["serviceName"] for d in pods["properties"]["delegations"]] == [AKS]  # AKS leaves it
    assert arm.call("DELETE", net["pods"])[0] == 202


def test_pools_and_clusters_share_a_pod_subnet_and_it_stays_linked_while_one_is_left(arm: Any) -> None:
    net = pod_network(arm)
    created(arm, net, [pool(net), pool(net, "user", count=2)])
    created(arm, net, [pool(net)], name="aks2", networkPlugin="azure")
    assert len(arm.get(net["pods"])["properties"]["ipConfigurations"]) == (3 + 2 + 3) * 16
    arm.ok("DELETE", arm.cluster_path(), api=AKS_API)
    assert arm.get(net["pods"])["properties"]["serviceAssociationLinks"]


def test_a_pool_on_its_own_node_subnet_takes_its_addresses_there(arm: Any) -> None:
    net = pod_network(arm)
    windows_nodes = arm.subnet(net["vnet"], "win", "192.168.2.0/24")
    arm.grant(net["identity"]["properties"]["principalId"], windows_nodes)
    created(arm, net, [pool(net), pool(net, "user", count=2, vnetSubnetID=windows_nodes)])
    assert len(arm.get(windows_nodes)["properties"]["ipConfigurations"]) == 2
    assert len(arm.get(net["subnet"])["properties"]["ipConfigurations"]) == 3


def test_a_pod_subnet_too_small_for_the_nodes_fails_the_operation(arm: Any) -> None:
    net = pod_network(arm, pods="192.168.16.0/24")  # 251 usable: 15 nodes of 16, not 16
    assert put(arm, net, [pool(net, count=16)])[0] == 201
    final = arm.get(arm.cluster_path(), AKS_API)
    assert final["properties"]["provisioningState"] == "Failed"
    assert created(arm, net, [pool(net, count=15)])["properties"]["provisioningState"] == "Succeeded"


def test_the_identity_needs_network_contributor_on_the_pod_subnet_too(arm: Any) -> None:
    net = pod_network(arm, grant_pods=False)
    status, body = put(arm, net, [pool(net)])
    assert (status, body["error"]["code"]) == (403, "LinkedAuthorizationFailed")
    assert net["pods"] in body["error"]["message"]


def _another_vnet(arm: Any, net: dict[str, Any]) -> dict[str, Any]:
    vnet = arm.vnet(name="vnet2", prefixes=("172.16.0.0/16",))
    return {"podSubnetID": arm.subnet(vnet, "pods", "172.16.0.0/20")}


CASES = [
    ("kubenet", lambda arm, net: {}, {"networkPlugin": "kubenet", "podCidr": "10.244.0.0/16"}, "InvalidParameter"),
    ("overlay", lambda arm, net: {}, {"networkPluginMode": "overlay"}, "PodSubnetNotSupportedWithOverlay"),
    (
        "mode-without-subnet",
        lambda arm, net: {"podSubnetID": None, "podIPAllocationMode": "StaticBlock"},
        {},
        "PodIPAllocationModeRequiresPodSubnet",
    ),
    ("pod-subnet-is-node-subnet", lambda arm, net: {"podSubnetID": net["subnet"]}, {}, "PodSubnetCannotBeNodeSubnet"),
    ("another-vnet", _another_vnet, {}, "SubnetsMustBeInSameVnet"),
    (
        "static-block-1-27",
        lambda arm, net: {"podIPAllocationMode": "StaticBlock"},
        {"kubernetesVersion": "1.27.9"},
        "FeatureRequiresNewerKubernetesVersion",
    ),
    ("missing", lambda arm, net: {"podSubnetID": f"{net['vnet']}/subnets/nope"}, {}, "PodSubnetNotFound"),
]


@pytest.mark.parametrize(("case", "pool_fields", "network", "code"), CASES, ids=[c[0] for c in CASES])
def test_the_service_refuses_what_the_docs_rule_out(
    arm: Any, case: str, pool_fields: Any, network: Any, code: str
) -> None:
    net = pod_network(arm)
    fields = pool_fields(arm, net)
    version = network.pop("kubernetesVersion", None)
    body = arm.cluster_body(net, pools=[pool(net, **fields)], **(FLAT | network))
    if version:
        body["properties"]["kubernetesVersion"] = version
    status, answer = arm.call("PUT", arm.cluster_path(), body, AKS_API)
    assert (status, answer["code"]) == (400, code), answer
    assert (code in EMULATED_CODES) == (code != "InvalidParameter")
    if case == "kubenet":
        assert answer["message"] == "Can only specify a pod subnet when using network plugin Azure or None"


def test_every_pool_uses_a_pod_subnet_or_none_does(arm: Any) -> None:
    net = pod_network(arm)
    answer = refusal(arm, net, [pool(net), pool(net, "user", podSubnetID=None)])
    assert answer["code"] == "AllAgentPoolsMustUsePodSubnet"


def test_a_pod_subnet_serves_one_allocation_mode_across_clusters(arm: Any) -> None:
    net = pod_network(arm)
    created(arm, net, [pool(net)])
    answer = refusal_named(arm, net, [pool(net, podIPAllocationMode="StaticBlock")], "aks2")
    assert answer["code"] == "PodSubnetAllocationModeConflict"


def refusal_named(arm: Any, net: dict[str, Any], pools: list[dict[str, Any]], name: str) -> dict[str, Any]:
    status, body = put(arm, net, pools, name)
    assert status == 400, body
    return dict(body)


def test_static_block_refuses_a_pod_subnet_larger_than_12(arm: Any) -> None:
    arm.rg()
    vnet = arm.vnet(prefixes=("10.0.0.0/8",))
    identity = arm.identity()
    net = {"vnet": vnet, "subnet": arm.subnet(vnet, "aks", "10.1.0.0/24"), "identity": identity}
    net["pods"] = arm.subnet(vnet, "pods", "10.64.0.0/11")
    answer = refusal(arm, net, [pool(net, podIPAllocationMode="StaticBlock")])
    assert answer["code"] == "PodSubnetTooLargeForStaticBlock"


def test_a_pod_subnet_delegated_to_another_service_is_refused(arm: Any) -> None:
    net = pod_network(arm)
    delegation = {"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}
    arm.ok("PUT", net["pods"], {"properties": {"addressPrefix": "192.168.16.0/20", "delegations": [delegation]}})
    answer = refusal(arm, net, [pool(net)])
    assert answer["code"] == "SubnetWithExternalResourcesCannotBeUsedByOtherResources"


def test_azure_cni_clusters_share_a_node_subnet(arm: Any) -> None:
    net = arm.network_for_cluster(route_table=False)
    overlay = {"networkPlugin": "azure", "networkPluginMode": "overlay"}
    for name in ("aks1", "aks2"):
        status, body = arm.call("PUT", arm.cluster_path(name=name), arm.cluster_body(net, **overlay), AKS_API)
        assert status == 201, body
    assert len(arm.get(net["subnet"])["properties"]["ipConfigurations"]) == 6
