"""The official AKS REST examples round-trip: request body in, the example response's fields out."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from aksnet.emulator import Emulator

# Official ManagedClusters examples from Azure/azure-rest-api-specs, copied unchanged (see their README).
EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "rest-examples"
CREATE_EXAMPLES = sorted(
    p
    for p in EXAMPLES.glob("stable-*/*.json")
    if json.loads(p.read_text()).get("operationId") != "ManagedClusters_Delete"
)

# Values the examples show but the service chooses (versions, hashes, GUIDs, IP ids), and four
# places where the illustrative examples contradict the documented service (arm-facts §3.1, §4.3):
# an omitted networkPlugin is Azure CNI Overlay today, not kubenet; overlay pools default to
# maxPods 250; a 200 body showing loadBalancerSku "basic" for a "standard" request; dual-stack IPv6
# defaults fd11:1234::/64 and fd00:1234::/108, where the docs give fd12:3456:789a::/64 and
# fd12:3456:789a:1::/108 (breadth.md §0.2; asserted in test_emulator_dual_stack). One 201 body
# shows provisioningState Succeeded; the states are asserted on their own instead.
SERVER_CHOSEN = {
    "id",
    "type",
    "properties.kubernetesVersion",
    "properties.currentKubernetesVersion",
    "properties.maxAgentPools",
    "properties.fqdn",
    "properties.agentPoolProfiles.*.orchestratorVersion",
    "properties.agentPoolProfiles.*.currentOrchestratorVersion",
    "properties.agentPoolProfiles.*.nodeImageVersion",
    "properties.agentPoolProfiles.*.maxPods",
    "properties.networkProfile.networkPlugin",
    "properties.networkProfile.podCidrs",
    "properties.networkProfile.serviceCidrs",
    "properties.networkProfile.loadBalancerSku",
    "properties.networkProfile.loadBalancerProfile.effectiveOutboundIPs",
    "properties.networkProfile.loadBalancerProfile.allocatedOutboundPorts",
    "properties.networkProfile.loadBalancerProfile.idleTimeoutInMinutes",
    "properties.networkProfile.natGatewayProfile.effectiveOutboundIPs",
    "properties.provisioningState",
    "properties.agentPoolProfiles.*.provisioningState",
    "identity.userAssignedIdentities.*.clientId",
    "identity.userAssignedIdentities.*.principalId",
}


def _normal(path: str) -> str:
    path = re.sub(r"\.\d+(?=\.|$)", ".*", path)
    return re.sub(
        r"userAssignedIdentities\./subscriptions/.*/userAssignedIdentities/[^.]+", "userAssignedIdentities.*", path
    )


def _differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every field the example shows must be present; its value must match unless the server chooses it."""
    if _normal(path) in SERVER_CHOSEN:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        out = []
        for key, value in expected.items():
            where = f"{path}.{key}" if path else key
            out += [f"{where}: missing"] if key not in actual else _differences(value, actual[key], where)
        return out
    if isinstance(expected, list) and expected and isinstance(expected[0], dict):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {actual!r}"]
        return [
            d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in _differences(e, a, f"{path}.{i}")
        ]
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


def _seed(arm: Any, request: dict[str, Any], rg: str) -> None:
    arm.rg(rg)
    for identity_id in (request.get("identity") or {}).get("userAssignedIdentities") or {}:
        parts = identity_id.split("/")
        arm.rg(parts[4])
        arm.identity(parts[4], parts[-1])


@pytest.mark.parametrize("example", CREATE_EXAMPLES, ids=lambda p: p.stem)
def test_an_official_create_example_round_trips(example: Path, emu: Emulator, arm: Any, clients: Any) -> None:
    spec = json.loads(example.read_text())
    params, responses = spec["parameters"], spec["responses"]
    request, rg, name = params["parameters"], params["resourceGroupName"], params["resourceName"]
    _seed(arm, request, rg)
    path = arm.cluster_path(rg, name)
    status, headers, created = emu.request("PUT", arm.url(path, params["api-version"]), request)
    assert status == 201
    assert "Azure-AsyncOperation" in headers
    assert _differences(responses["201"]["body"], created) == []
    assert created["properties"]["provisioningState"] == "Creating"
    final = arm.get(path, params["api-version"])
    assert _differences(responses["200"]["body"], final) == []
    assert final["properties"]["provisioningState"] == "Succeeded"
    assert clients.containerservice.managed_clusters.get(rg, name).name == name


def test_the_official_delete_example_shapes_hold(emu: Emulator, arm: Any, clients: Any) -> None:
    spec = json.loads((EXAMPLES / "stable-2026-08-01" / "ManagedClustersDelete.json").read_text())
    net = arm.network_for_cluster()
    clients.containerservice.managed_clusters.begin_create_or_update(
        "rg1", "clustername1", arm.cluster_body(net)
    ).result()
    path = arm.cluster_path("rg1", "clustername1")
    status, headers, _ = emu.request("DELETE", arm.url(path, spec["parameters"]["api-version"]))
    assert status == 202
    pattern = spec["responses"]["202"]["headers"]["location"].replace("00000000-0000-0000-0000-000000000000?", "[^?]+?")
    assert re.fullmatch(pattern.replace("?api", r"\?api"), headers["Location"])
    assert emu.request("DELETE", arm.url(path, "2026-08-01"))[0] == 204


def test_example_secrets_are_not_echoed(emu: Emulator, arm: Any) -> None:
    example = EXAMPLES / "stable-2026-08-01" / "ManagedClustersCreate_ManagedNATGateway.json"
    params = json.loads(example.read_text())["parameters"]
    arm.rg("rg1")
    _, _, created = emu.request("PUT", arm.url(arm.cluster_path("rg1", "clustername1"), AKS_API), params["parameters"])
    assert "adminPassword" not in created["properties"]["windowsProfile"]
    assert "secret" not in created["properties"]["servicePrincipalProfile"]


AKS_API = "2026-08-01"
