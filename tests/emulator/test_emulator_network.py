"""Network RP: VNets, subnets, route tables, routes, peerings, NSGs, NAT gateways, NICs, and their LRO shapes."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from aksnet.emulator import Emulator


def _nic(arm: Any, subnet: str, name: str = "nic1") -> str:
    body = {
        "location": "eastus",
        "properties": {"ipConfigurations": [{"name": "ip1", "properties": {"subnet": {"id": subnet}}}]},
    }
    return str(arm.ok("PUT", arm.net_id("rg1", "networkInterfaces", name), body)["id"])


def test_a_network_put_answers_201_with_azure_async_operation_then_200(emu: Emulator, arm: Any) -> None:
    arm.rg()
    path = arm.net_id("rg1", "routeTables", "rt1")
    status, headers, body = emu.request("PUT", arm.url(path, "2026-03-01"), {"location": "eastus"})
    assert status == 201
    assert "/providers/Microsoft.Network/locations/eastus/operations/" in headers["Azure-AsyncOperation"]
    assert body["properties"]["provisioningState"] == "Updating"
    assert "retry-after-ms" not in headers
    assert emu.request("GET", headers["Azure-AsyncOperation"])[2]["status"] == "Succeeded"
    assert arm.get(path)["properties"]["provisioningState"] == "Succeeded"
    assert emu.request("PUT", arm.url(path, "2026-03-01"), {"location": "eastus"})[0] == 200


def test_a_network_delete_answers_202_with_location_then_204_once_gone(emu: Emulator, arm: Any) -> None:
    arm.rg()
    table = arm.route_table()
    status, headers, _ = emu.request("DELETE", arm.url(table, "2026-03-01"))
    assert status == 202
    assert "operationresults" in headers["Location"]
    assert "Azure-AsyncOperation" in headers
    assert emu.request("GET", headers["Location"])[0] == 200
    assert emu.request("DELETE", arm.url(table, "2026-03-01"))[0] == 204
    assert arm.call("GET", table)[0] == 404


def test_a_vnet_put_without_subnets_keeps_its_subnets(arm: Any, clients: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    arm.subnet(vnet, "a", "192.168.1.0/24")
    body = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["192.168.0.0/16"]}}}
    result = clients.network.virtual_networks.begin_create_or_update("rg1", "vnet1", body).result()
    assert [s.name for s in result.properties.subnets] == ["a"]


def test_a_vnet_put_with_subnets_deletes_the_missing_ones(arm: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    arm.subnet(vnet, "a", "192.168.1.0/24")
    subnets = [{"name": "b", "properties": {"addressPrefix": "192.168.2.0/24"}}]
    body = {
        "location": "eastus",
        "properties": {"addressSpace": {"addressPrefixes": ["192.168.0.0/16"]}, "subnets": subnets},
    }
    result = arm.ok("PUT", vnet, body)
    assert [s["name"] for s in result["properties"]["subnets"]] == ["b"]
    assert arm.call("GET", f"{vnet}/subnets/a")[0] == 404


def test_a_vnet_put_with_subnets_cannot_drop_an_in_use_subnet(arm: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    subnet = arm.subnet(vnet, "a", "192.168.1.0/24")
    _nic(arm, subnet)
    body = {
        "location": "eastus",
        "properties": {"addressSpace": {"addressPrefixes": ["192.168.0.0/16"]}, "subnets": []},
    }
    status, error = arm.call("PUT", vnet, body)
    assert status == 400
    assert error["error"]["code"] == "InUseSubnetCannotBeDeleted"


@pytest.mark.parametrize(
    ("prefix", "code"),
    [
        ("10.0.0.0/24", "NetcfgSubnetRangeOutsideVnet"),
        ("192.168.1.128/25", "NetcfgSubnetRangesOverlap"),
        ("192.168.2.1/24", "InvalidCIDRNotation"),
        ("not-a-cidr", "InvalidAddressPrefixFormat"),
    ],
)
def test_a_subnet_with_a_bad_range_is_rejected(arm: Any, clients: Any, prefix: str, code: str) -> None:
    arm.rg()
    arm.subnet(arm.vnet(), "a", "192.168.1.0/24")
    with pytest.raises(HttpResponseError) as caught:
        clients.network.subnets.begin_create_or_update("rg1", "vnet1", "b", {"properties": {"addressPrefix": prefix}})
    assert caught.value.status_code == 400
    assert caught.value.error.code == code


def test_subnet_errors_use_the_network_rps_messages(arm: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    _, error = arm.call("PUT", f"{vnet}/subnets/b", {"properties": {"addressPrefix": "10.0.0.0/24"}})
    assert error["error"]["message"] == (
        "Subnet 'b' is not valid because its IP address range is outside the IP address range of virtual "
        "network 'vnet1'."
    )
    _, error = arm.call("PUT", f"{vnet}/subnets/c", {"properties": {"addressPrefix": "192.168.2.1/24"}})
    assert "For the given prefix length, the address prefix should be 192.168.2.0/24." in error["error"]["message"]


def test_a_subnet_put_without_route_table_detaches_it(arm: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    table = arm.route_table()
    subnet = arm.subnet(vnet, "a", "192.168.1.0/24", routeTable=table)
    assert arm.get(table)["properties"]["subnets"] == [{"id": subnet}]
    arm.subnet(vnet, "a", "192.168.1.0/24")
    assert "routeTable" not in arm.get(subnet)["properties"]
    assert "subnets" not in arm.get(table)["properties"]


def test_a_subnet_shows_its_route_table_nsg_nat_gateway_and_delegations(arm: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    nsg = arm.ok("PUT", arm.net_id("rg1", "networkSecurityGroups", "nsg1"), {"location": "eastus"})["id"]
    natgw = arm.ok("PUT", arm.net_id("rg1", "natGateways", "ng1"), {"location": "eastus"})["id"]
    delegation = {"name": "d", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}
    props = {"addressPrefix": "192.168.1.0/24", "networkSecurityGroup": {"id": nsg}, "natGateway": {"id": natgw}}
    subnet = arm.ok("PUT", f"{vnet}/subnets/a", {"properties": props | {"delegations": [delegation]}})
    shown = arm.get(subnet["id"])["properties"]
    assert shown["networkSecurityGroup"] == {"id": nsg}
    assert shown["natGateway"] == {"id": natgw}
    assert shown["delegations"][0]["properties"]["serviceName"] == "Microsoft.Web/serverFarms"
    assert arm.get(nsg)["properties"]["subnets"] == [{"id": subnet["id"]}]


def test_an_nsg_lists_its_own_rules_and_azures_six_default_rules(arm: Any, clients: Any) -> None:
    arm.rg()
    rule = {"priority": 100, "direction": "Inbound", "access": "Deny", "protocol": "Tcp", "sourcePortRange": "*"}
    rule |= {"sourceAddressPrefix": "10.0.0.0/24", "destinationAddressPrefix": "*", "destinationPortRange": "443"}
    body = {"location": "eastus", "properties": {"securityRules": [{"name": "deny-443", "properties": rule}]}}
    nsg = arm.ok("PUT", arm.net_id("rg1", "networkSecurityGroups", "nsg1"), body)["id"]
    shown = arm.get(nsg)["properties"]
    assert shown["securityRules"][0]["id"] == f"{nsg}/securityRules/deny-443"
    assert shown["securityRules"][0]["properties"] == rule | {"provisioningState": "Succeeded"}
    defaults = {r["name"]: r["properties"] for r in shown["defaultSecurityRules"]}
    assert {n: (p["priority"], p["direction"], p["access"]) for n, p in defaults.items()} == {
        "AllowVnetInBound": (65000, "Inbound", "Allow"),
        "AllowAzureLoadBalancerInBound": (65001, "Inbound", "Allow"),
        "DenyAllInBound": (65500, "Inbound", "Deny"),
        "AllowVnetOutBound": (65000, "Outbound", "Allow"),
        "AllowInternetOutBound": (65001, "Outbound", "Allow"),
        "DenyAllOutBound": (65500, "Outbound", "Deny"),
    }
    assert defaults["AllowAzureLoadBalancerInBound"]["sourceAddressPrefix"] == "AzureLoadBalancer"
    assert defaults["AllowInternetOutBound"]["destinationAddressPrefix"] == "Internet"
    typed = clients.network.network_security_groups.get("rg1", "nsg1")
    assert len(typed.default_security_rules) == 6 and typed.security_rules[0].priority == 100


def test_a_subnet_reference_to_a_missing_route_table_is_rejected(arm: Any) -> None:
    arm.rg()
    missing = arm.net_id("rg1", "routeTables", "nope")
    status, error = arm.call(
        "PUT",
        f"{arm.vnet()}/subnets/a",
        {"properties": {"addressPrefix": "192.168.1.0/24", "routeTable": {"id": missing}}},
    )
    assert status == 400
    assert error["error"]["code"] == "InvalidResourceReference"


def test_a_subnet_with_ip_configurations_cannot_be_deleted(arm: Any, clients: Any) -> None:
    arm.rg()
    subnet = arm.subnet(arm.vnet(), "a", "192.168.1.0/24")
    nic = _nic(arm, subnet)
    assert arm.get(subnet)["properties"]["ipConfigurations"] == [{"id": f"{nic}/ipConfigurations/ip1"}]
    with pytest.raises(HttpResponseError) as caught:
        clients.network.subnets.begin_delete("rg1", "vnet1", "a")
    assert caught.value.error.code == "InUseSubnetCannotBeDeleted"
    assert f"is in use by {nic}/ipConfigurations/ip1 and cannot be deleted" in caught.value.error.message
    clients.network.network_interfaces.begin_delete("rg1", "nic1").result()
    clients.network.subnets.begin_delete("rg1", "vnet1", "a").result()


def test_a_vnet_with_an_in_use_subnet_cannot_be_deleted(arm: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    _nic(arm, arm.subnet(vnet, "a", "192.168.1.0/24"))
    status, error = arm.call("DELETE", vnet)
    assert (status, error["error"]["code"]) == (400, "InUseSubnetCannotBeDeleted")


def test_a_route_table_lists_its_routes_and_the_subnets_using_it(arm: Any, clients: Any) -> None:
    arm.rg()
    table = arm.route_table()
    subnet = arm.subnet(arm.vnet(), "a", "192.168.1.0/24", routeTable=table)
    got = clients.network.route_tables.get("rg1", "rt1")
    assert [r.name for r in got.properties.routes] == ["egress"]
    assert [s.id for s in got.properties.subnets] == [subnet]


def test_an_associated_route_table_cannot_be_deleted(arm: Any, clients: Any) -> None:
    arm.rg()
    table = arm.route_table()
    arm.subnet(arm.vnet(), "a", "192.168.1.0/24", routeTable=table)
    with pytest.raises(HttpResponseError) as caught:
        clients.network.route_tables.begin_delete("rg1", "rt1")
    assert caught.value.error.code == "InUseRouteTableCannotBeDeleted"


def test_routes_are_a_sub_resource_with_put_get_and_delete(arm: Any, clients: Any) -> None:
    arm.rg()
    arm.route_table()
    route = {"properties": {"addressPrefix": "10.1.0.0/16", "nextHopType": "VnetLocal"}}
    made = clients.network.routes.begin_create_or_update("rg1", "rt1", "local", route).result()
    assert made.properties.next_hop_type == "VnetLocal"
    assert clients.network.routes.get("rg1", "rt1", "local").properties.address_prefix == "10.1.0.0/16"
    assert sorted(r.name for r in clients.network.routes.list("rg1", "rt1")) == ["egress", "local"]
    clients.network.routes.begin_delete("rg1", "rt1", "local").result()
    assert [r.name for r in clients.network.routes.list("rg1", "rt1")] == ["egress"]


def test_a_route_table_put_with_routes_replaces_the_whole_set(arm: Any) -> None:
    arm.rg()
    table = arm.route_table()
    body = {
        "location": "eastus",
        "properties": {
            "routes": [{"name": "r2", "properties": {"addressPrefix": "10.0.0.0/8", "nextHopType": "None"}}]
        },
    }
    arm.ok("PUT", table, body)
    assert [r["name"] for r in arm.get(table)["properties"]["routes"]] == ["r2"]
    arm.ok("PUT", table, {"location": "eastus"})
    assert [r["name"] for r in arm.get(table)["properties"]["routes"]] == ["r2"]


def test_a_virtual_appliance_route_needs_a_next_hop_address(arm: Any) -> None:
    arm.rg()
    table = arm.route_table()
    status, error = arm.call(
        "PUT", f"{table}/routes/bad", {"properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance"}}
    )
    assert (status, error["error"]["code"]) == (400, "InvalidNextHopIpAddress")


def test_a_peering_shows_the_remote_address_space_and_connects_once_both_sides_exist(arm: Any, clients: Any) -> None:
    arm.rg()
    hub = arm.vnet(name="hub", prefixes=("10.0.0.0/16",))
    spoke = arm.vnet(name="spoke", prefixes=("10.1.0.0/16",))
    one = clients.network.virtual_network_peerings.begin_create_or_update(
        "rg1", "spoke", "to-hub", {"properties": {"remoteVirtualNetwork": {"id": hub}}}
    ).result()
    assert one.properties.remote_address_space.address_prefixes == ["10.0.0.0/16"]
    assert one.properties.peering_state == "Initiated"
    arm.ok("PUT", f"{hub}/virtualNetworkPeerings/to-spoke", {"properties": {"remoteVirtualNetwork": {"id": spoke}}})
    assert (
        clients.network.virtual_network_peerings.get("rg1", "spoke", "to-hub").properties.peering_state == "Connected"
    )
    shown = arm.get(spoke)["properties"]["virtualNetworkPeerings"]
    assert [p["name"] for p in shown] == ["to-hub"]
    clients.network.virtual_network_peerings.begin_delete("rg1", "hub", "to-spoke").result()
    assert (
        clients.network.virtual_network_peerings.get("rg1", "spoke", "to-hub").properties.peering_state
        == "Disconnected"
    )


def test_peering_overlapping_address_spaces_is_rejected(arm: Any) -> None:
    arm.rg()
    hub = arm.vnet(name="hub", prefixes=("10.0.0.0/16",))
    spoke = arm.vnet(name="spoke", prefixes=("10.0.0.0/24",))
    status, error = arm.call(
        "PUT", f"{spoke}/virtualNetworkPeerings/p", {"properties": {"remoteVirtualNetwork": {"id": hub}}}
    )
    assert (status, error["error"]["code"]) == (400, "VnetAddressSpacesOverlap")


@pytest.mark.parametrize(
    ("kind", "field", "code"),
    [
        ("networkSecurityGroups", "networkSecurityGroup", "InUseNetworkSecurityGroupCannotBeDeleted"),
        ("natGateways", "natGateway", "InUseNatGatewayCannotBeDeleted"),
    ],
)
def test_an_associated_nsg_or_nat_gateway_cannot_be_deleted(arm: Any, kind: str, field: str, code: str) -> None:
    arm.rg()
    thing = arm.ok("PUT", arm.net_id("rg1", kind, "x"), {"location": "eastus"})["id"]
    arm.subnet(arm.vnet(), "a", "192.168.1.0/24", **{field: thing})
    status, error = arm.call("DELETE", thing)
    assert (status, error["error"]["code"]) == (400, code)


def test_nsgs_and_nat_gateways_can_be_created_read_and_deleted(clients: Any, arm: Any) -> None:
    arm.rg()
    nsg = clients.network.network_security_groups.begin_create_or_update("rg1", "nsg1", {"location": "eastus"}).result()
    assert nsg.properties.provisioning_state == "Succeeded"
    natgw = clients.network.nat_gateways.begin_create_or_update("rg1", "ng1", {"location": "eastus"}).result()
    assert natgw.sku.name == "Standard"
    clients.network.network_security_groups.begin_delete("rg1", "nsg1").result()
    clients.network.nat_gateways.begin_delete("rg1", "ng1").result()
    assert [r.name for r in clients.resource.resources.list_by_resource_group("rg1")] == []


def test_network_resources_are_listed_and_tagged(arm: Any, clients: Any) -> None:
    arm.rg()
    arm.vnet()
    arm.route_table()
    assert [v.name for v in clients.network.virtual_networks.list("rg1")] == ["vnet1"]
    assert [v.name for v in clients.network.virtual_networks.list_all()] == ["vnet1"]
    tagged = clients.network.route_tables.update_tags("rg1", "rt1", {"tags": {"a": "b"}})
    assert tagged.tags == {"a": "b"}


def test_overlapping_address_prefixes_in_one_vnet_are_refused(arm: Any) -> None:
    arm.rg()
    body = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16", "10.0.128.0/17"]}}}
    status, error = arm.call("PUT", arm.net_id("rg1", "virtualNetworks", "v"), body)
    assert (status, error["error"]["code"]) == (400, "VnetAddressSpacesOverlap")
    body["properties"]["addressSpace"]["addressPrefixes"] = ["10.0.0.0/17", "10.0.128.0/17"]
    assert arm.call("PUT", arm.net_id("rg1", "virtualNetworks", "v"), body)[0] == 201


def test_a_next_hop_ip_is_refused_for_any_next_hop_but_an_appliance(arm: Any) -> None:
    arm.rg()
    route = {"addressPrefix": "10.9.0.0/16", "nextHopType": "Internet", "nextHopIpAddress": "10.0.0.4"}
    body = {"location": "eastus", "properties": {"routes": [{"name": "r", "properties": route}]}}
    status, error = arm.call("PUT", arm.net_id("rg1", "routeTables", "rt"), body)
    assert (status, error["error"]["code"]) == (400, "InvalidNextHopIpAddress")


def test_a_malformed_subscription_id_or_resource_group_name_is_refused_by_arm(arm: Any) -> None:
    status, error = arm.call("PUT", "/subscriptions/my-sub/resourceGroups/rg1", {"location": "eastus"}, "2025-04-01")
    assert (status, error["error"]["code"]) == (400, "InvalidSubscriptionId")
    status, error = arm.call("PUT", arm.rg_id("rg."), {"location": "eastus"}, "2025-04-01")
    assert (status, error["error"]["code"]) == (400, "InvalidResourceGroupName")


def test_a_subnet_smaller_than_a_29_is_refused_and_a_29_accepted(arm: Any) -> None:
    arm.rg()
    vnet = arm.vnet()
    status, error = arm.call("PUT", f"{vnet}/subnets/tiny", {"properties": {"addressPrefix": "192.168.9.0/30"}})
    assert (status, error["error"]["code"]) == (400, "NetcfgInvalidSubnet")
    assert arm.call("PUT", f"{vnet}/subnets/small", {"properties": {"addressPrefix": "192.168.9.0/29"}})[0] == 201
