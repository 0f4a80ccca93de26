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
