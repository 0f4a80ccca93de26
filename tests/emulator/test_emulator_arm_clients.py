"""What any ARM client needs: its own host in LRO URLs, ARM's headers, cloud metadata, subscriptions,
tenants, nextLink paging and api-versions checked per resource type."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.emulator import Emulator
from aksnet.emulator.api_versions import supported

SUB = "00000000-0000-0000-0000-000000000000"
SERVED = "https://127.0.0.1:8443"
RG_API = "2025-04-01"
TOKEN = {"Authorization": "Bearer x"}


def _http(emu: Emulator, method: str, url: str, headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
    import json

    status, out, payload = emu.handle_http(method, url, headers if headers is not None else TOKEN, None)
    return status, out, json.loads(payload) if payload else None


def test_operation_urls_name_the_host_the_request_came_to(emu: Emulator, arm: Any) -> None:
    arm.rg()
    body = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    url = f"{SERVED}{arm.net_id('rg1', 'virtualNetworks', 'v')}?api-version=2026-03-01"
    _, headers, _ = emu.request("PUT", url, body)
    assert headers["Azure-AsyncOperation"].startswith(f"{SERVED}/subscriptions/{SUB}/providers/Microsoft.Network/")
    _, headers, _ = emu.request("DELETE", url)
    assert headers["Location"].startswith(f"{SERVED}/subscriptions/")
    _, headers, _ = emu.request("PUT", arm.url(arm.net_id("rg1", "virtualNetworks", "w"), "2026-03-01"), body)
    assert headers["Azure-AsyncOperation"].startswith("https://management.azure.com/")


def test_every_answer_carries_arms_ids_and_request_budget(emu: Emulator) -> None:
    url = f"{SERVED}/subscriptions/{SUB}/resourcegroups?api-version={RG_API}"
    status, headers, _ = _http(emu, "GET", url, TOKEN | {"x-ms-correlation-request-id": "corr-1"})
    assert status == 200
    assert headers["x-ms-correlation-request-id"] == "corr-1"
    assert headers["x-ms-request-id"]
    assert int(headers["x-ms-ratelimit-remaining-subscription-reads"]) > 0
    status, headers, _ = _http(emu, "PUT", f"{SERVED}/subscriptions/{SUB}/resourcegroups/g?api-version={RG_API}")
    assert "x-ms-ratelimit-remaining-subscription-writes" in headers


def test_a_401_carries_the_bearer_challenge_of_the_hosts_authority(emu: Emulator) -> None:
    status, headers, body = _http(emu, "GET", f"{SERVED}/subscriptions?api-version=2022-12-01", {})
    assert (status, body["error"]["code"]) == (401, "AuthenticationFailed")
    assert headers["WWW-Authenticate"].startswith(f'Bearer authorization_uri="{SERVED}/')
    _, headers, _ = _http(emu, "GET", "https://management.azure.com/subscriptions?api-version=2022-12-01", {})
    assert 'authorization_uri="https://login.microsoftonline.com/' in headers["WWW-Authenticate"]


def test_cloud_metadata_needs_no_token_and_points_at_the_host(emu: Emulator) -> None:
    status, _, body = _http(emu, "GET", f"{SERVED}/metadata/endpoints?api-version=2022-09-01", {})
    assert status == 200
    assert body["resourceManager"] == f"{SERVED}/"
    assert body["authentication"]["loginEndpoint"] == f"{SERVED}/"
    assert body["authentication"]["audiences"][0] == "https://management.core.windows.net/"
    assert body["microsoftGraphResourceId"] == f"{SERVED}/graph/"
    public = _http(emu, "GET", "https://management.azure.com/metadata/endpoints?api-version=2022-09-01", {})[2]
    assert public["authentication"]["loginEndpoint"] == "https://login.microsoftonline.com/"


def test_subscriptions_and_tenants_answer_with_the_fields_az_reads(emu: Emulator, arm: Any) -> None:
    other = "11111111-1111-1111-1111-111111111111"
    arm.ok("PUT", f"/subscriptions/{other}/resourceGroups/g", {"location": "eastus"}, api=RG_API)
    listed = arm.get("/subscriptions", "2022-12-01")["value"]
    assert [s["subscriptionId"] for s in listed] == [SUB, other]
    one = arm.get(f"/subscriptions/{other}", "2022-12-01")
    assert one["state"] == "Enabled" and one["tenantId"] == emu.tenant_id
    assert one["managedByTenants"] == [] and one["authorizationSource"] == "RoleBased"
    assert one["subscriptionPolicies"]["spendingLimit"] == "Off"
    tenants = arm.get("/tenants", "2022-12-01")["value"]
    assert tenants[0]["tenantId"] == emu.tenant_id


def test_small_pages_carry_next_links_that_the_sdk_follows(make_emu: Any, make_clients: Any) -> None:
    emu = make_emu()
    emu.page_size = 2
    arm_clients = make_clients(emu)
    for name in ("a", "b", "c", "d", "e"):
        arm_clients.resource.resource_groups.create_or_update(name, {"location": "eastus"})
    status, _, first = emu.request(
        "GET", f"https://management.azure.com/subscriptions/{SUB}/resourcegroups?api-version={RG_API}"
    )
    assert status == 200 and len(first["value"]) == 2
    assert "%24skiptoken=2" in first["nextLink"] or "$skiptoken=2" in first["nextLink"]
    names = [g.name for g in arm_clients.resource.resource_groups.list()]
    assert names == ["a", "b", "c", "d", "e"]


def test_an_unknown_api_version_of_arms_own_types_is_invalid_api_version_parameter(arm: Any) -> None:
    status, body = arm.call("PUT", arm.rg_id("g"), {"location": "eastus"}, api="1999-01-01")
    assert status == 400
    assert body["error"]["code"] == "InvalidApiVersionParameter"
    message = body["error"]["message"]
    assert message.startswith("The api-version '1999-01-01' is invalid. The supported versions are '2025-04-01,")
    assert arm.call("GET", arm.rg_id("g"), api=RG_API)[0] == 404  # nothing was written


def test_an_unknown_api_version_of_a_providers_type_names_the_type_and_its_versions(arm: Any) -> None:
    arm.rg()
    body = {"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    status, error = arm.call("PUT", arm.net_id("rg1", "virtualNetworks", "v"), body, api="2099-01-01")
    assert status == 400
    assert error["error"]["code"] == "NoRegisteredProviderFound"
    assert error["error"]["message"].startswith(
        "No registered resource provider found for location 'westeurope' and API version '2099-01-01' for type "
        "'virtualNetworks'. The supported api-versions are '2015-06-15, "
    )
    assert arm.call("GET", arm.net_id("rg1", "virtualNetworks", "v"), api="2026-03-01")[0] == 404


# The versions az 2.91 sent in the docs' flows (az-vs-emulator.md H5) and the ones aksnet's SDKs send.
CLIENT_VERSIONS = [
    ("Microsoft.Resources/resourceGroups", "2024-11-01"),
    ("Microsoft.Resources/subscriptions", "2022-12-01"),
    ("Microsoft.Network/virtualNetworks", "2025-07-01"),
    ("Microsoft.Network/virtualNetworks/subnets", "2024-07-01"),
    ("Microsoft.Network/routeTables", "2026-03-01"),
    ("Microsoft.ManagedIdentity/userAssignedIdentities", "2025-05-31-preview"),
    ("Microsoft.ManagedIdentity/userAssignedIdentities", "2024-11-30"),
    ("Microsoft.Authorization/roleDefinitions", "2022-05-01-preview"),
    ("Microsoft.Authorization/roleAssignments", "2022-04-01"),
    ("Microsoft.Authorization/locks", "2016-09-01"),
    ("Microsoft.Authorization/locks", "2020-05-01"),
    ("Microsoft.ContainerService/managedClusters", "2026-06-01"),
    ("Microsoft.ContainerService/managedClusters", "2026-08-01"),
    ("Microsoft.ContainerService/managedClusters/agentPools", "2026-06-01"),
]


@pytest.mark.parametrize(("arm_type", "version"), CLIENT_VERSIONS)
def test_the_versions_clients_send_are_served(arm_type: str, version: str) -> None:
    versions = supported(arm_type)
    assert versions is not None and version in versions


@pytest.mark.parametrize(
    ("latency", "expected"), [(1.0, {"retry-after-ms": "5000", "Retry-After": "5"}), (0.02, {"retry-after-ms": "100"})]
)
def test_operations_carry_retry_after_in_whole_seconds_from_one_second_up(
    make_emu: Any, latency: float, expected: dict[str, str]
) -> None:
    from conftest import Arm

    arm = Arm(make_emu(latency=latency))
    net = arm.network_for_cluster()
    _, headers, _ = arm.emu.request("PUT", arm.url(arm.cluster_path(), "2026-08-01"), arm.cluster_body(net))
    assert {k: v for k, v in headers.items() if k.lower() in ("retry-after", "retry-after-ms")} == expected
