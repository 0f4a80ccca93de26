"""The emulator's public IPs, prefixes, NAT gateways, private DNS zones, and AKS's API server and
load balancer refusals, through raw ARM requests."""

from __future__ import annotations

from typing import Any

from aksnet.emulator import Emulator

SUB = "00000000-0000-0000-0000-000000000000"
ARM = "https://management.azure.com"
RG = f"/subscriptions/{SUB}/resourceGroups/rg"
NET = f"{RG}/providers/Microsoft.Network"
API = "?api-version=2026-03-01"


def _api(path: str) -> str:
    """Private DNS is served at its own api-versions (azure-mgmt-privatedns sends 2024-06-01)."""
    return "?api-version=2024-06-01" if "/privateDnsZones/" in path else API


def put(emu: Emulator, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    status, _, answer = emu.request("PUT", f"{ARM}{path}{_api(path)}", body)
    return status, answer


def delete(emu: Emulator, path: str) -> tuple[int, Any]:
    status, _, answer = emu.request("DELETE", f"{ARM}{path}{_api(path)}")
    return status, answer


def group(emu: Emulator) -> None:
    status, _, answer = emu.request("PUT", f"{ARM}{RG}?api-version=2025-04-01", {"location": "eastus"})
    assert status in (200, 201), answer


def pip(emu: Emulator, name: str) -> str:
    body = {"location": "eastus", "sku": {"name": "Standard"}, "properties": {"publicIPAllocationMethod": "Static"}}
    status, answer = put(emu, f"{NET}/publicIPAddresses/{name}", body)
    assert status == 201, answer
    return str(answer["id"])


def prefix(emu: Emulator, name: str, length: int) -> tuple[int, Any]:
    return put(emu, f"{NET}/publicIPPrefixes/{name}", {"location": "eastus", "properties": {"prefixLength": length}})


def nat(emu: Emulator, **props: Any) -> tuple[int, Any]:
    return put(emu, f"{NET}/natGateways/ng", {"location": "eastus", "properties": props})


def test_public_ip_gets_a_static_address_and_refuses_a_bad_name(emu: Emulator) -> None:
    group(emu)
    rid = pip(emu, "pip1")
    status, _, body = emu.request("GET", f"{ARM}{rid}{API}")
    assert status == 200 and body["properties"]["ipAddress"].count(".") == 3
    assert put(emu, f"{NET}/publicIPAddresses/-bad", {"location": "eastus"})[1]["error"]["code"] == (
        "InvalidResourceName"
    )


def test_nat_gateway_takes_at_most_16_addresses_and_prefixes_of_28_to_31(emu: Emulator) -> None:
    group(emu)
    ips = [{"id": pip(emu, f"p{n}")} for n in range(17)]
    assert nat(emu, publicIpAddresses=ips)[1]["error"]["code"] == "NatGatewayTooManyPublicIpAddresses"
    assert nat(emu, publicIpAddresses=ips[:16])[0] == 201
    assert prefix(emu, "wide", 27)[0] == 201
    wide = {"id": f"{NET}/publicIPPrefixes/wide"}
    assert nat(emu, publicIpPrefixes=[wide])[1]["error"]["code"] == "NatGatewayPublicIpPrefixLengthNotSupported"
    assert nat(emu, idleTimeoutInMinutes=121)[1]["error"]["code"] == "InvalidIdleTimeoutInMinutes"
    assert nat(emu, idleTimeoutInMinutes=120, publicIpAddresses=ips[:1])[0] == 200


def test_a_public_ip_in_use_by_a_nat_gateway_cannot_be_deleted(emu: Emulator) -> None:
    group(emu)
    rid = pip(emu, "p")
    assert nat(emu, publicIpAddresses=[{"id": rid}])[0] == 201
    status, answer = delete(emu, rid.removeprefix(""))
    assert status == 400 and answer["error"]["code"] == "PublicIPAddressCannotBeDeleted"


def test_a_zone_with_virtual_network_links_cannot_be_deleted(emu: Emulator) -> None:
    group(emu)
    vnet = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    assert put(emu, f"{NET}/virtualNetworks/v", vnet)[0] == 201
    zone = f"{NET}/privateDnsZones/privatelink.eastus.azmk8s.io"
    assert put(emu, zone, {"location": "global"})[0] == 201
    link = {"location": "global", "properties": {"virtualNetwork": {"id": f"{NET}/virtualNetworks/v"}}}
    assert put(emu, f"{zone}/virtualNetworkLinks/l", link)[0] == 201
    assert delete(emu, zone)[1]["error"]["code"] == "ZoneHasVirtualNetworkLinks"
    assert delete(emu, f"{zone}/virtualNetworkLinks/l")[0] == 202
    assert delete(emu, zone)[0] == 202
