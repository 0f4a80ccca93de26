"""Fixtures for the emulator tests: an Emulator on a temp file, the real SDK clients, and `arm` helpers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aksnet.azure.clients import Clients
from aksnet.clock import FakeClock
from aksnet.emulator import Emulator, Faults

SUB = "00000000-0000-0000-0000-000000000000"
CUSTOM_LOCATION = (
    f"/subscriptions/{SUB}/resourceGroups/rg-azlocal/providers/Microsoft.ExtendedLocation/customLocations/cl-azlocal"
)
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
NETWORK_API = "2026-03-01"
AKS_API = "2026-08-01"
ROLE_DEFINITION = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{NETWORK_CONTRIBUTOR}"


class Arm:
    """Short-hands that seed and read emulator state through `Emulator.request` (no SDK)."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    @staticmethod
    def url(path: str, api: str) -> str:
        return f"https://management.azure.com{path}?api-version={api}"

    def call(self, method: str, path: str, body: Any = None, api: str = NETWORK_API) -> tuple[int, Any]:
        status, _, payload = self.emu.request(method, self.url(path, api), body)
        return status, payload

    def ok(self, method: str, path: str, body: Any = None, api: str = NETWORK_API) -> Any:
        status, payload = self.call(method, path, body, api)
        assert status < 300, payload
        return payload

    def get(self, path: str, api: str = NETWORK_API) -> Any:
        return self.ok("GET", path, api=api)

    @staticmethod
    def next_guid() -> str:
        return str(uuid.uuid4())

    @staticmethod
    def rg_id(rg: str) -> str:
        return f"/subscriptions/{SUB}/resourceGroups/{rg}"

    def net_id(self, rg: str, kind: str, name: str) -> str:
        return f"{self.rg_id(rg)}/providers/Microsoft.Network/{kind}/{name}"

    def rg(self, name: str = "rg1", location: str = "eastus") -> str:
        return str(self.ok("PUT", self.rg_id(name), {"location": location}, api="2025-04-01")["id"])

    def vnet(self, rg: str = "rg1", name: str = "vnet1", prefixes: tuple[str, ...] = ("192.168.0.0/16",)) -> str:
        body = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": list(prefixes)}}}
        return str(self.ok("PUT", self.net_id(rg, "virtualNetworks", name), body)["id"])

    def subnet(self, vnet_id: str, name: str, prefix: str, **refs: str | None) -> str:
        props: dict[str, Any] = {"addressPrefix": prefix}
        props |= {k: {"id": v} for k, v in refs.items() if v}
        return str(self.ok("PUT", f"{vnet_id}/subnets/{name}", {"properties": props})["id"])

    def route_table(self, rg: str = "rg1", name: str = "rt1", next_hop: str = "VirtualAppliance") -> str:
        route = {"addressPrefix": "0.0.0.0/0", "nextHopType": next_hop}
        if next_hop == "VirtualAppliance":
            route["nextHopIpAddress"] = "192.168.0.4"
        body = {"location": "eastus", "properties": {"routes": [{"name": "egress", "properties": route}]}}
        return str(self.ok("PUT", self.net_id(rg, "routeTables", name), body)["id"])

    def identity(self, rg: str = "rg1", name: str = "id1") -> dict[str, Any]:
        path = f"{self.rg_id(rg)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
        return dict(self.ok("PUT", path, {"location": "eastus"}, api="2024-11-30"))

    def grant(self, principal: str, scope: str, role: str = ROLE_DEFINITION) -> str:
        path = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{self.next_guid()}"
        props = {"roleDefinitionId": role, "principalId": principal, "principalType": "ServicePrincipal"}
        return str(self.ok("PUT", path, {"properties": props}, api="2022-04-01")["id"])

    def cluster_path(self, rg: str = "rg1", name: str = "aks1") -> str:
        return f"{self.rg_id(rg)}/providers/Microsoft.ContainerService/managedClusters/{name}"

    def network_for_cluster(
        self, rg: str = "rg1", *, route_table: bool = True, prefix: str = "192.168.1.0/24", grant: bool = True
    ) -> dict[str, Any]:
        """RG, VNet, subnet `aks` (+ route table rt1) and identity id1 holding Network Contributor."""
        self.rg(rg)
        vnet = self.vnet(rg)
        table = self.route_table(rg) if route_table else None
        subnet = self.subnet(vnet, "aks", prefix, routeTable=table)
        ident = self.identity(rg)
        principal = ident["properties"]["principalId"]
        if grant:
            self.grant(principal, subnet)
            if table:
                self.grant(principal, table)
        return {"vnet": vnet, "subnet": subnet, "route_table": table, "identity": ident}

    @staticmethod
    def cluster_body(
        net: dict[str, Any], *, pools: list[dict[str, Any]] | None = None, **network: Any
    ) -> dict[str, Any]:
        """A ManagedCluster PUT body on `net`'s subnet with its identity; `network` is the networkProfile."""
        profile = {"networkPlugin": "kubenet", "podCidr": "10.244.0.0/16", "serviceCidr": "10.0.0.0/16"}
        profile |= {"dnsServiceIP": "10.0.0.10"} | network
        default_pool = {"name": "nodepool1", "count": 3, "vmSize": "Standard_D2s_v5", "mode": "System"}
        default_pool["vnetSubnetID"] = net["subnet"]
        return {
            "location": "eastus",
            "identity": {"type": "UserAssigned", "userAssignedIdentities": {net["identity"]["id"]: {}}},
            "properties": {
                "dnsPrefix": "aks1",
                "agentPoolProfiles": pools or [default_pool],
                "networkProfile": {k: v for k, v in profile.items() if v is not None},
            },
        }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "arm.db"


@pytest.fixture
def make_emu(db: Path, clock: FakeClock) -> Iterator[Any]:
    """Build emulators on the test's database (same clock); all are closed afterwards."""
    made: list[Emulator] = []

    def make(latency: float = 0.0, faults: str = "") -> Emulator:
        made.append(Emulator(db, latency=latency, faults=Faults.parse(faults), clock=clock))
        return made[-1]

    yield make
    for emu in made:
        emu.close()


@pytest.fixture
def emu(make_emu: Any) -> Emulator:
    return make_emu()  # type: ignore[no-any-return]


def sdk(emu: Emulator) -> Clients:
    return Clients(emu.credential(), SUB, transport=emu.transport(), polling_interval=0, cluster_polling_interval=0)


@pytest.fixture
def make_clients() -> Any:
    """The five real SDK clients over a given emulator's transport."""
    return sdk


@pytest.fixture
def clients(emu: Emulator) -> Clients:
    return sdk(emu)


@pytest.fixture
def arm(emu: Emulator) -> Arm:
    return Arm(emu)


# AKS on Azure Local through the emulator's wire: request bodies as the SDKs send them.
RG_API = "2025-04-01"
LNET_API = "2024-01-01"
CC_API = "2026-05-01"
HCS_API = "2024-01-01"
DEFAULT_DNS = ["10.1.0.2"]


def lnet_body(
    *,
    prefix: str = "10.1.0.0/24",
    gateway: str | None = "10.1.0.1",
    dns: list[str] | None = DEFAULT_DNS,
    vlan: int = 10,
    pool: tuple[str, str] | None = ("10.1.0.10", "10.1.0.29"),
    switch: str = "ConvergedSwitch(management_compute_storage)",
    custom_location: str = CUSTOM_LOCATION,
    addressPrefixes: list[str] | None = None,
) -> dict[str, Any]:
    """A logical network's PUT body (a pool of 20 by default)."""
    subnet: dict[str, Any] = {"addressPrefix": prefix, "ipAllocationMethod": "Static", "vlan": vlan}
    if addressPrefixes:
        subnet["addressPrefixes"] = addressPrefixes
    if pool:
        subnet["ipPools"] = [{"start": pool[0], "end": pool[1]}]
    if gateway:
        route = {"name": "default", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopIpAddress": gateway}}
        subnet["routeTable"] = {"properties": {"routes": [route]}}
    properties: dict[str, Any] = {"vmSwitchName": switch, "subnets": [{"name": "lnet", "properties": subnet}]}
    if dns is not None:
        properties["dhcpOptions"] = {"dnsServers": dns}
    return {
        "location": "eastus",
        "extendedLocation": {"type": "CustomLocation", "name": custom_location},
        "properties": properties,
    }


def instance_body(lnet_id: str, *, host_ip: str | None = None, workers: int = 3) -> dict[str, Any]:
    """A provisioned cluster instance's PUT body as hybridcontainerservice sends it."""
    plane: dict[str, Any] = {"count": 1, "vmSize": "Standard_A4_v2"}
    if host_ip:
        plane["controlPlaneEndpoint"] = {"hostIP": host_ip}
    pool = {"name": "nodepool1", "count": workers, "vmSize": "Standard_A4_v2", "osType": "Linux", "osSKU": "CBLMariner"}
    return {
        "extendedLocation": {"type": "CustomLocation", "name": CUSTOM_LOCATION},
        "properties": {
            "controlPlane": plane,
            "networkProfile": {
                "loadBalancerProfile": {"count": 0},
                "networkPolicy": "calico",
                "podCidr": "10.244.0.0/16",
            },
            "agentPoolProfiles": [{**pool, "enableAutoScaling": False}],
            "cloudProviderProfile": {"infraNetworkProfile": {"vnetSubnetIds": [lnet_id]}},
        },
    }


class ArcArm:
    """Short-hands for Azure Local requests through `Emulator.request`."""

    def __init__(self, emu: Any) -> None:
        self.emu = emu

    def call(self, method: str, path: str, body: Any = None, api: str = LNET_API) -> tuple[int, Any]:
        status, _, payload = self.emu.request(method, f"https://management.azure.com{path}?api-version={api}", body)
        return status, payload

    def ok(self, method: str, path: str, body: Any = None, api: str = LNET_API) -> Any:
        status, payload = self.call(method, path, body, api)
        assert status < 300, payload
        return payload

    def put_raw(self, path: str, body: Any, api: str = HCS_API) -> tuple[int, Any, dict[str, str]]:
        status, headers, payload = self.emu.request(
            "PUT", f"https://management.azure.com{path}?api-version={api}", body
        )
        return status, payload, headers

    def follow(self, url: str) -> Any:
        return self.emu.request("GET", url)[2]

    @staticmethod
    def lnet_id(name: str, rg: str = "rg1") -> str:
        return f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.AzureStackHCI/logicalNetworks/{name}"

    @staticmethod
    def connected_id(name: str, rg: str = "rg1") -> str:
        return f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.Kubernetes/connectedClusters/{name}"

    def instance_id(self, name: str, rg: str = "rg1") -> str:
        instances = "providers/Microsoft.HybridContainerService/provisionedClusterInstances"
        return f"{self.connected_id(name, rg)}/{instances}/default"

    @staticmethod
    def connected_body() -> dict[str, Any]:
        identity = {"type": "SystemAssigned"}
        return {
            "location": "eastus",
            "kind": "ProvisionedCluster",
            "identity": identity,
            "properties": {"agentPublicKeyCertificate": ""},
        }

    @staticmethod
    def pool_info(lnet: dict[str, Any]) -> dict[str, str]:
        return dict(lnet["properties"]["subnets"][0]["properties"]["ipPools"][0]["info"])

    def network(self) -> None:
        self.ok("PUT", self.lnet_id("lnet1"), lnet_body(), LNET_API)

    def network_and_cluster(self) -> Any:
        self.network()
        self.ok("PUT", self.connected_id("arc1"), self.connected_body(), CC_API)
        return self.ok("PUT", self.instance_id("arc1"), instance_body(self.lnet_id("lnet1")), HCS_API)


ArcArm.lnet_body = staticmethod(lnet_body)  # type: ignore[attr-defined]
ArcArm.instance_body = staticmethod(instance_body)  # type: ignore[attr-defined]


@pytest.fixture
def make_arc(make_emu: Any) -> Any:
    """Azure Local requests on an emulator of the given latency and faults, with resource group rg1."""

    def make(latency: float = 0.0, faults: str = "") -> ArcArm:
        site = ArcArm(make_emu(latency=latency, faults=faults))
        site.call("PUT", f"/subscriptions/{SUB}/resourceGroups/rg1", {"location": "eastus"}, RG_API)
        return site

    return make


@pytest.fixture
def arc(make_arc: Any) -> ArcArm:
    return make_arc()  # type: ignore[no-any-return]
