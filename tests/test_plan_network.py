"""The ManagedCluster parts and resource bodies for the API server, egress and ingress.

Each expected body is what `az aks create` (azure-cli 2.91.0) sends for the flags named beside it,
read from acs `managed_cluster_decorator.py` (`set_up_api_server_access_profile`,
`set_up_network_profile`, `set_up_ingress_web_app_routing`) and `_loadbalancer.py`
(`configure_load_balancer_profile`), serialised by azure-mgmt-containerservice's models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aksnet.arm import NETWORK_CONTRIBUTOR, PRIVATE_DNS_ZONE_CONTRIBUTOR, role_definition_id
from aksnet.plan import build_plan
from helpers import ZERO_SUB, make_spec

RG = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg"
ZONE_ID = f"{RG}/providers/Microsoft.Network/privateDnsZones/privatelink.eastus.azmk8s.io"


def cluster_properties(*overrides: str) -> dict[str, Any]:
    body = build_plan(make_spec(*overrides)).step("managed_cluster").body
    assert body is not None
    return dict(body["properties"])


def test_enable_private_cluster() -> None:
    # az aks create --enable-private-cluster
    props = cluster_properties("cluster.api_server.private=true")
    assert props["apiServerAccessProfile"] == {"authorizedIPRanges": [], "enablePrivateCluster": True}


def test_private_dns_zone_system_none_and_an_id() -> None:
    # --enable-private-cluster --private-dns-zone system|none|<id> [--disable-public-fqdn]
    for zone in ("system", "none"):
        access = cluster_properties("cluster.api_server.private=true", f"cluster.api_server.private_dns_zone={zone}")
        assert access["apiServerAccessProfile"]["privateDNSZone"] == zone
    access = cluster_properties(
        "cluster.api_server.private=true",
        f"cluster.api_server.private_dns_zone={ZONE_ID}",
        "cluster.api_server.public_fqdn=false",
    )["apiServerAccessProfile"]
    assert access == {
        "authorizedIPRanges": [],
        "enablePrivateCluster": True,
        "enablePrivateClusterPublicFQDN": False,
        "privateDNSZone": ZONE_ID,
    }


def test_a_zone_aksnet_creates_is_sent_by_id() -> None:
    access = cluster_properties(
        "cluster.api_server.private=true", "cluster.api_server.private_dns_zone={name: privatelink.eastus.azmk8s.io}"
    )["apiServerAccessProfile"]
    assert access["privateDNSZone"] == ZONE_ID


def test_authorized_ip_ranges() -> None:
    # az aks create --api-server-authorized-ip-ranges 20.30.40.0/24,20.30.50.7
    props = cluster_properties("cluster.api_server.authorized_ip_ranges=[20.30.40.0/24, 20.30.50.7]")
    assert props["apiServerAccessProfile"] == {"authorizedIPRanges": ["20.30.40.0/24", "20.30.50.7"]}


API_SUBNET = "vnet.subnets=[{name: api, address_prefix: 10.20.1.0/28}]"
INTEGRATED = ("cluster.api_server.vnet_integration=true", "cluster.api_server.subnet=api")
VNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet"
# az network vnet subnet create --delegations Microsoft.ContainerService/managedClusters --address-prefixes 10.20.1.0/28
DELEGATED_28 = {
    "addressPrefix": "10.20.1.0/28",
    "delegations": [{"name": "0", "properties": {"serviceName": "Microsoft.ContainerService/managedClusters"}}],
}


def test_apiserver_vnet_integration_with_its_subnet() -> None:
    # az aks create --enable-apiserver-vnet-integration --apiserver-subnet-id <api> [--enable-private-cluster]
    # (the bodies az 2.91.0 sent to the served emulator for these flags)
    props = cluster_properties(API_SUBNET, *INTEGRATED)
    assert props["apiServerAccessProfile"] == {"enableVnetIntegration": True, "subnetId": f"{VNET}/subnets/api"}
    props = cluster_properties(API_SUBNET, *INTEGRATED, "cluster.api_server.private=true")
    assert props["apiServerAccessProfile"] == {
        "authorizedIPRanges": [],
        "enablePrivateCluster": True,
        "enableVnetIntegration": True,
        "subnetId": f"{VNET}/subnets/api",
    }


def test_the_api_server_subnet_is_created_delegated_with_the_vnet_or_on_its_own() -> None:
    plan = build_plan(make_spec(API_SUBNET, *INTEGRATED))
    subnets = plan.step("virtual_network").body["properties"]["subnets"]  # type: ignore[index]
    assert subnets[1] == {"name": "api", "properties": DELEGATED_28}
    assert subnets[0] == {"name": "nodes", "properties": {"addressPrefix": "10.20.0.0/24"}}  # nodes: no delegation
    step = plan.step("subnet.api")
    assert (step.action, step.body) == ("create", {"properties": DELEGATED_28})
    new_api = "vnet.subnets=[{name: api, address_prefix: 10.20.1.0/28, existing: false}]"
    brought_vnet = build_plan(make_spec(new_api, *INTEGRATED, "vnet.existing=true", "vnet.subnet.existing=true"))
    step = brought_vnet.step("subnet.api")
    assert (step.action, step.body) == ("create", {"properties": DELEGATED_28})


def test_a_brought_api_server_subnet_is_used_as_it_is() -> None:
    spec = make_spec(
        "vnet.existing=true", "vnet.subnet.existing=true", "vnet.subnets=[{name: api, existing: true}]", *INTEGRATED
    )
    step = build_plan(spec).step("subnet.api")
    assert (step.action, step.body) == ("use", None)


def test_the_identity_gets_network_contributor_on_the_api_server_and_node_subnets() -> None:
    plan = build_plan(make_spec(API_SUBNET, *INTEGRATED))
    for label, subnet in (("subnet.api", "api"), ("subnet", "nodes")):
        grant = plan.step(f"role_assignment.{label}")
        assert grant.resource_id.startswith(f"{VNET}/subnets/{subnet}/providers/Microsoft.Authorization/")
        assert grant.body is not None and grant.body["properties"]["roleDefinitionId"].endswith(NETWORK_CONTRIBUTOR)
        assert grant.id in plan.step("managed_cluster").depends_on


def test_the_internal_load_balancer_subnet_is_granted_once_and_its_annotations_shown() -> None:
    plan = build_plan(
        make_spec("vnet.subnets=[{name: ilb, address_prefix: 10.20.2.0/27}]", "ingress.internal_subnet=ilb")
    )
    grant = plan.step("role_assignment.subnet.ilb")
    assert grant.resource_id.startswith(f"{VNET}/subnets/ilb/providers/Microsoft.Authorization/")
    assert any(
        'azure-load-balancer-internal: "true"' in note and 'azure-load-balancer-internal-subnet: "ilb"' in note
        for note in plan.notes
    )
    on_nodes = build_plan(make_spec("ingress.internal_subnet=nodes"))
    assert [s.id for s in on_nodes.steps if s.kind == "role_assignment"] == ["role_assignment.subnet"]


def test_capacity_lists_the_api_server_and_internal_load_balancer_subnets() -> None:
    subnets = "vnet.subnets=[{name: api, address_prefix: 10.20.1.0/28}, {name: ilb, address_prefix: 10.20.2.0/29}]"
    capacity = build_plan(make_spec(subnets, *INTEGRATED, "ingress.internal_subnet=ilb")).capacity
    assert capacity is not None
    found = {s.name: (s.role, s.usable, s.needed, s.free) for s in capacity.subnets}
    assert found["api"] == ("apiserver", 11, 9, 2)  # a /28: 11 usable, the API server reserves 9
    assert found["ilb"] == ("ilb", 3, 0, 3)  # a /29: 3 addresses for internal load balancer frontends
    shared = build_plan(make_spec("ingress.internal_subnet=nodes")).capacity
    assert shared is not None and shared.subnets[0].role == "nodes+ilb"


def test_load_balancer_flags() -> None:
    # --load-balancer-managed-outbound-ip-count 2 --load-balancer-outbound-ports 1000 --load-balancer-idle-timeout 10
    np = cluster_properties(
        "cluster.load_balancer={managed_outbound_ips: 2, allocated_outbound_ports: 1000, idle_timeout_minutes: 10}"
    )["networkProfile"]
    assert np["loadBalancerProfile"] == {
        "managedOutboundIPs": {"count": 2},
        "allocatedOutboundPorts": 1000,
        "idleTimeoutInMinutes": 10,
    }
    assert np["outboundType"] == "loadBalancer" and np["loadBalancerSku"] == "standard"


def test_load_balancer_ports_alone_and_brought_ips() -> None:
    # --load-balancer-outbound-ports 0: the profile carries only that (az sends no managed count then)
    np = cluster_properties("cluster.load_balancer={allocated_outbound_ports: 0}")["networkProfile"]
    assert np["loadBalancerProfile"] == {"allocatedOutboundPorts": 0}
    pip = f"{RG}/providers/Microsoft.Network/publicIPAddresses/egress"
    np = cluster_properties(f"cluster.load_balancer={{outbound_ips: [{pip}], backend_pool_type: NodeIP}}")[
        "networkProfile"
    ]
    assert np["loadBalancerProfile"] == {"outboundIPs": {"publicIPs": [{"id": pip}]}, "backendPoolType": "NodeIP"}


def test_no_load_balancer_settings_send_no_profile() -> None:
    assert "loadBalancerProfile" not in cluster_properties()["networkProfile"]


def test_outbound_type_user_assigned_nat_gateway() -> None:
    # --outbound-type userAssignedNATGateway (with --vnet-subnet-id)
    np = cluster_properties("cluster.outbound_type=userAssignedNATGateway", "nat_gateway={name: ng}")["networkProfile"]
    assert np["outboundType"] == "userAssignedNATGateway" and "loadBalancerProfile" not in np


def test_enable_app_routing() -> None:
    # az aks create --enable-app-routing
    assert cluster_properties("ingress.app_routing=true")["ingressProfile"] == {"webAppRouting": {"enabled": True}}


def test_nat_gateway_with_ips_and_prefix_before_the_subnet() -> None:
    plan = build_plan(
        make_spec(
            "cluster.outbound_type=userAssignedNATGateway",
            "nat_gateway={name: ng, public_ips: 2, public_ip_prefix: {name: pfx, length: 31}, "
            "idle_timeout_minutes: 10}",
        )
    )
    ng = plan.step("nat_gateway")
    assert ng.depends_on == ("resource_group", "public_ip.ng-pip-1", "public_ip.ng-pip-2", "public_ip_prefix")
    assert ng.body is not None and ng.body["properties"] == {
        "idleTimeoutInMinutes": 10,
        "publicIpAddresses": [{"id": f"{RG}/providers/Microsoft.Network/publicIPAddresses/ng-pip-{n}"} for n in (1, 2)],
        "publicIpPrefixes": [{"id": f"{RG}/providers/Microsoft.Network/publicIPPrefixes/pfx"}],
    }
    ip = plan.step("public_ip.ng-pip-1").body
    assert ip is not None and ip["sku"] == {"name": "Standard"}
    assert ip["properties"] == {"publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4"}
    subnet = plan.step("subnet")
    assert "nat_gateway" in subnet.depends_on
    assert subnet.body is not None and subnet.body["properties"]["natGateway"] == {"id": ng.resource_id}
    assert "role_assignment.nat_gateway" in plan.step("managed_cluster").depends_on


def test_custom_zone_grants_zone_contributor_and_network_contributor_on_the_vnet() -> None:
    plan = build_plan(
        make_spec(
            "cluster.api_server.private=true",
            "cluster.api_server.private_dns_zone={name: privatelink.eastus.azmk8s.io}",
        )
    )
    zone = plan.step("role_assignment.private_dns_zone")
    assert zone.resource_id.startswith(ZONE_ID + "/providers/Microsoft.Authorization/roleAssignments/")
    assert zone.body is not None
    assert zone.body["properties"]["roleDefinitionId"] == role_definition_id(ZERO_SUB, PRIVATE_DNS_ZONE_CONTRIBUTOR)
    assert zone.depends_on == ("identity", "private_dns_zone")
    vnet = plan.step("role_assignment.virtual_network")
    assert vnet.resource_id.startswith(f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/providers/")
    cluster = plan.step("managed_cluster").depends_on
    assert {"role_assignment.private_dns_zone", "role_assignment.virtual_network"} <= set(cluster)
    assert plan.step("private_dns_zone").body == {
        "location": "global",
        "tags": plan.step("resource_group").body["tags"],
    }  # type: ignore[index]


def test_static_ips_grant_network_contributor_on_their_group_once() -> None:
    plan = build_plan(
        make_spec("ingress.static_ips=[{name: a, resource_group: rg-in}, {name: b, resource_group: rg-in}]")
    )
    grants = [s for s in plan.steps if s.id.startswith("role_assignment.ingress")]
    assert [g.id for g in grants] == ["role_assignment.ingress.rg-in"]
    assert grants[0].resource_id.startswith(
        f"/subscriptions/{ZERO_SUB}/resourceGroups/rg-in/providers/Microsoft.Authorization/"
    )
    assert plan.step("public_ip.a").depends_on == ()  # another group: it must exist, aksnet does not create it


def test_brought_outbound_ips_get_join_rights() -> None:
    pip = f"{RG}/providers/Microsoft.Network/publicIPAddresses/egress"
    plan = build_plan(make_spec(f"cluster.load_balancer={{outbound_ips: [{pip}]}}"))
    assert plan.step("role_assignment.outbound_ip.0").resource_id.startswith(pip + "/providers/")


def _az_put(flow: str, path_tail: str) -> dict[str, Any]:
    """The body az 2.91.0 sent in a conformance flow (tests/fixtures/az-flows) for the PUT ending in `path_tail`."""
    document = json.loads((Path(__file__).parent / "fixtures" / "az-flows" / f"{flow}.json").read_text())
    return next(e["body"] for e in document["exchanges"] if e["method"] == "PUT" and e["path"].endswith(path_tail))


def test_the_api_server_bodies_are_the_ones_az_sent_for_the_same_flags() -> None:
    spec = make_spec(
        "resource_group=rg-apiserver",
        "vnet.name=myAKSVnet",
        "vnet.subnets=[{name: apiserver-subnet, address_prefix: 172.19.0.0/28}]",
        'vnet.address_prefixes=["172.19.0.0/16"]',
        "vnet.subnet.address_prefix=172.19.1.0/24",
        "cluster.api_server.private=true",
        "cluster.api_server.vnet_integration=true",
        "cluster.api_server.subnet=apiserver-subnet",
    )
    plan = build_plan(spec)
    cluster = _az_put("apiserver-vnet-integration", "/managedClusters/aksVnetInt")
    assert (
        plan.step("managed_cluster").body["properties"]["apiServerAccessProfile"]
        == (  # type: ignore[index]
            cluster["properties"]["apiServerAccessProfile"]
        )
    )
    subnet = _az_put("apiserver-vnet-integration", "/subnets/apiserver-subnet")["properties"]
    ours = plan.step("subnet.apiserver-subnet").body["properties"]  # type: ignore[index]
    assert ours == {k: subnet[k] for k in ours}  # az sends the two network policies' defaults besides


def test_the_ipv6_outbound_count_is_the_one_az_sent() -> None:
    np = cluster_properties(
        'vnet.address_prefixes=[10.20.0.0/16, "fd00:db8::/48"]',
        'vnet.subnet.address_prefix_ipv6="fd00:db8::/64"',
        "cluster.ip_families=[IPv4, IPv6]",
        "cluster.load_balancer={managed_outbound_ipv6: 2}",
    )["networkProfile"]
    # az aks create --ip-families ipv4,ipv6 --load-balancer-managed-outbound-ipv6-count 2
    az = _az_put("dual-stack-ipv6-outbound", "/managedClusters/aksDual")["properties"]["networkProfile"]
    assert (
        np["loadBalancerProfile"] == az["loadBalancerProfile"] == {"managedOutboundIPs": {"count": 1, "countIPv6": 2}}
    )
    assert [f.lower() for f in np["ipFamilies"]] == az["ipFamilies"]  # az sends them lower case
