"""Dual-stack as Azure handles it: IPv6 VNets and /64 subnets, the documented IPv6 defaults, and the refusals."""

from __future__ import annotations

from typing import Any

import pytest

AKS_API = "2026-08-01"
DUAL = {"networkPlugin": "azure", "networkPluginMode": "overlay", "ipFamilies": ["IPv4", "IPv6"]}


def dual_network(arm: Any, *, v6: str | None = "fd00:db8:0:1::/64", **subnet_refs: Any) -> dict[str, Any]:
    """rg1, a dual-stack VNet, subnet `aks` (IPv4 + `v6`) and identity id1 holding Network Contributor on it."""
    arm.rg()
    vnet = arm.vnet(prefixes=("192.168.0.0/16", "fd00:db8::/48"))
    prefixes = {"addressPrefixes": ["192.168.1.0/24", v6]} if v6 else {"addressPrefix": "192.168.1.0/24"}
    props = prefixes | {k: {"id": v} for k, v in subnet_refs.items()}
    subnet = arm.ok("PUT", f"{vnet}/subnets/aks", {"properties": props})["id"]
    identity = arm.identity()
    arm.grant(identity["properties"]["principalId"], subnet)
    return {"vnet": vnet, "subnet": subnet, "identity": identity}


def put(arm: Any, net: dict[str, Any], **network: Any) -> tuple[int, Any]:
    version = network.pop("kubernetesVersion", None)
    body = arm.cluster_body(net, **({"podCidr": None} | DUAL | network))
    if version:
        body["properties"]["kubernetesVersion"] = version
    return arm.call("PUT", arm.cluster_path(), body, AKS_API)  # type: ignore[no-any-return]


def test_a_dual_stack_subnet_takes_an_ipv4_and_a_64_ipv6_prefix(arm: Any) -> None:
    net = dual_network(arm)
    assert arm.get(net["subnet"])["properties"]["addressPrefixes"] == ["192.168.1.0/24", "fd00:db8:0:1::/64"]


@pytest.mark.parametrize(
    ("v6", "code"),
    [("fd00:db8:0:2::/80", "SubnetIPv6PrefixMustBe64"), ("fd00:db9::/64", "NetcfgSubnetRangeOutsideVnet")],
)
def test_an_ipv6_subnet_prefix_must_be_a_64_inside_the_vnet(arm: Any, v6: str, code: str) -> None:
    net = dual_network(arm)
    body = {"properties": {"addressPrefixes": ["192.168.2.0/24", v6]}}
    status, answer = arm.call("PUT", f"{net['vnet']}/subnets/second", body)
    assert (status, answer["error"]["code"]) == (400, code)


def test_a_dual_stack_cluster_gets_the_documented_ipv6_defaults(arm: Any) -> None:
    net = dual_network(arm)
    status, body = put(arm, net, serviceCidr=None)
    assert status == 201, body
    profile = arm.get(arm.cluster_path(), AKS_API)["properties"]["networkProfile"]
    assert profile["podCidrs"] == ["10.244.0.0/16", "fd12:3456:789a::/64"]
    assert profile["serviceCidrs"] == ["10.0.0.0/16", "fd12:3456:789a:1::/108"]
    assert profile["loadBalancerProfile"]["managedOutboundIPs"]["countIPv6"] == 1


def test_the_range_lists_a_client_sends_are_kept(arm: Any) -> None:
    net = dual_network(arm)
    lists = {"podCidrs": ["10.244.0.0/16", "fd12:3456:789a::/64"], "serviceCidrs": ["10.0.0.0/16", "fd00:1::/108"]}
    status, body = put(arm, net, serviceCidr=None, **lists)
    assert status == 201, body
    profile = arm.get(arm.cluster_path(), AKS_API)["properties"]["networkProfile"]
    assert (profile["podCidrs"], profile["serviceCidrs"], profile["podCidr"]) == (
        lists["podCidrs"],
        lists["serviceCidrs"],
        "10.244.0.0/16",
    )


CASES = [
    ("ipv6-only", {"ipFamilies": ["IPv6"]}, "InvalidParameter"),
    ("one-pod-range", {"podCidrs": ["10.244.0.0/16"]}, "InvalidParameter"),
    ("kubenet", {"networkPlugin": "kubenet", "networkPluginMode": None}, "DualStackRequiresAzureCNIOverlay"),
    ("calico", {"networkPolicy": "calico"}, "NetworkPolicyNotSupportedWithDualStack"),
    (
        "cilium-1-28",
        {"networkDataplane": "cilium", "networkPolicy": "cilium", "kubernetesVersion": "1.28.5"},
        "FeatureRequiresNewerKubernetesVersion",
    ),
    ("ipv6-services-107", {"serviceCidrs": ["10.0.0.0/16", "fd00:1::/107"]}, "ServiceCidrTooLarge"),
]


@pytest.mark.parametrize(("case", "network", "code"), CASES, ids=[c[0] for c in CASES])
def test_the_service_refuses_what_dual_stack_rules_out(arm: Any, case: str, network: dict[str, Any], code: str) -> None:
    status, answer = put(arm, dual_network(arm), serviceCidr=None, **network)
    assert (status, answer["code"]) == (400, code), answer


def test_cilium_dual_stack_on_1_29_is_accepted(arm: Any) -> None:
    cilium = {"networkDataplane": "cilium", "networkPolicy": "cilium", "kubernetesVersion": "1.29.2"}
    assert put(arm, dual_network(arm), serviceCidr=None, **cilium)[0] == 201


def test_a_dual_stack_cluster_needs_a_dual_stack_subnet(arm: Any) -> None:
    status, answer = put(arm, dual_network(arm, v6=None), serviceCidr=None)
    assert (status, answer["code"]) == (400, "SubnetNotDualStack")


@pytest.mark.parametrize(("sku", "status"), [("Standard", 400), ("StandardV2", 201)])
def test_a_dual_stack_cluster_refuses_a_standard_nat_gateway(arm: Any, sku: str, status: int) -> None:
    arm.rg()
    gateway = arm.ok("PUT", arm.net_id("rg1", "natGateways", "ng"), {"location": "eastus", "sku": {"name": sku}})
    net = dual_network(arm, natGateway=gateway["id"])
    got, answer = put(arm, net, serviceCidr=None, outboundType="userAssignedNATGateway")
    assert got == status, answer


@pytest.mark.parametrize("families", [["IPv4", "IPv6"], ["ipv4", "ipv6"]])
def test_ip_families_compare_case_insensitively_as_az_sends_them(arm: Any, families: list[str]) -> None:
    # az aks create --ip-families ipv4,ipv6 --load-balancer-managed-outbound-ipv6-count 2 sends lower case.
    lbp = {"managedOutboundIPs": {"count": 1, "countIPv6": 2}}
    status, answer = put(arm, dual_network(arm), serviceCidr=None, ipFamilies=families, loadBalancerProfile=lbp)
    assert status == 201, answer
    profile = arm.get(arm.cluster_path(), AKS_API)["properties"]["networkProfile"]["loadBalancerProfile"]
    assert profile["managedOutboundIPs"] == {"count": 1, "countIPv6": 2}
    assert len(profile["effectiveOutboundIPs"]) == 3


def test_a_lower_case_dual_stack_cluster_gets_its_default_ipv6_outbound_ip(arm: Any) -> None:
    status, answer = put(arm, dual_network(arm), serviceCidr=None, ipFamilies=["ipv4", "ipv6"])
    assert status == 201, answer
    profile = arm.get(arm.cluster_path(), AKS_API)["properties"]["networkProfile"]["loadBalancerProfile"]
    assert profile["managedOutboundIPs"] == {"count": 1, "countIPv6": 1}


def test_an_ipv6_outbound_count_needs_a_dual_stack_cluster(arm: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    subnet = arm.subnet(vnet, "aks", "192.168.1.0/24")
    identity = arm.identity()
    arm.grant(identity["properties"]["principalId"], subnet)
    net = {"vnet": vnet, "subnet": subnet, "identity": identity}
    lbp = {"managedOutboundIPs": {"count": 1, "countIPv6": 1}}
    body = arm.cluster_body(net, networkPlugin="azure", networkPluginMode="overlay", loadBalancerProfile=lbp)
    status, answer = arm.call("PUT", arm.cluster_path(), body, AKS_API)
    assert (status, answer["code"]) == (400, "InvalidParameter"), answer


def test_an_ipv6_outbound_count_is_the_managed_option_and_excludes_your_own_ips(arm: Any) -> None:
    net = dual_network(arm)
    pip = arm.ok(
        "PUT", arm.net_id("rg1", "publicIPAddresses", "pip"), {"location": "eastus", "sku": {"name": "Standard"}}
    )
    lbp = {"managedOutboundIPs": {"count": 1, "countIPv6": 1}, "outboundIPs": {"publicIPs": [{"id": pip["id"]}]}}
    status, answer = put(arm, net, serviceCidr=None, loadBalancerProfile=lbp)
    assert (status, answer["code"]) == (400, "LoadBalancerProfileOutboundIPOptionsExclusive"), answer
