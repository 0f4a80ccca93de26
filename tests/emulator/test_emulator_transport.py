"""The emulator as an HTTP endpoint: authentication, routing, api-version, and what importing it costs."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import requests
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

from aksnet.emulator import Emulator

ARM = "https://management.azure.com"
ZERO = "00000000-0000-0000-0000-000000000000"


def test_importing_the_emulator_loads_no_azure_sdk_package() -> None:
    code = "import sys, aksnet.emulator; print(sorted(m for m in sys.modules if m.startswith('azure')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_a_request_without_a_bearer_token_is_refused_with_authentication_failed(emu: Emulator) -> None:
    session = emu.transport().session
    reply = session.get(f"{ARM}/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups?api-version=x")
    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "AuthenticationFailed"


def test_the_sdk_sends_a_bearer_token_and_reads_the_answer(clients: Any) -> None:
    clients.resource.resource_groups.create_or_update("rg1", {"location": "eastus"})
    assert clients.resource.resource_groups.get("rg1").location == "eastus"


def test_an_authentication_failure_surfaces_as_the_sdks_client_authentication_error(emu: Emulator) -> None:
    from azure.mgmt.resource.resources import ResourceManagementClient

    class NoToken:
        def get_token(self, *scopes: str, **kwargs: Any) -> Any:
            from azure.core.credentials import AccessToken

            return AccessToken("", 2**31)

    client = ResourceManagementClient(NoToken(), "00000000-0000-0000-0000-000000000000", transport=emu.transport())
    with pytest.raises(ClientAuthenticationError):
        client.resource_groups.get("rg1")


def test_a_missing_api_version_is_a_400(emu: Emulator) -> None:
    status, _, body = emu.request("GET", f"{ARM}/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups")
    assert status == 400
    assert body["error"]["code"] == "MissingApiVersionParameter"


def test_an_unknown_route_is_a_clear_400_and_not_a_silent_success(emu: Emulator) -> None:
    path = f"/subscriptions/{ZERO}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1"
    status, _, body = emu.request("PUT", f"{ARM}{path}?api-version=2024-01-01", {"location": "eastus"})
    assert status == 400
    assert body["error"]["code"] == "InvalidResourceType"
    assert "not emulated" in body["error"]["message"]


def test_paths_match_whatever_the_case_of_their_fixed_segments(arm: Any) -> None:
    arm.rg("MyGroup")
    status, body = arm.call(
        "GET", "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/mygroup", api="2025-04-01"
    )
    assert status == 200
    assert body["id"].endswith("/resourceGroups/MyGroup")


def test_hosts_other_than_management_azure_com_are_never_reached(emu: Emulator) -> None:
    with pytest.raises(requests.ConnectionError):
        emu.transport().session.get("https://example.com/")


def test_the_transport_sleeps_on_the_emulator_clock(emu: Emulator, clock: Any) -> None:
    emu.transport().sleep(42)
    assert clock.slept == [42]


def test_stats_count_requests_by_method_and_by_resource_type(arm: Any, emu: Emulator) -> None:
    arm.rg()
    arm.get(arm.rg_id("rg1"), api="2025-04-01")
    stats = emu.stats()
    assert stats["requests"] == 2
    assert stats["by_method"] == {"PUT": 1, "GET": 1}
    assert stats["by_type"] == {"Microsoft.Resources/resourceGroups": 2}


def test_an_invalid_json_body_is_a_400(emu: Emulator) -> None:
    path = f"{ARM}/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1?api-version=x"
    status, _, body = emu.handle_http("PUT", path, {"Authorization": "Bearer t"}, b"{not json")
    assert status == 400
    assert b"InvalidRequestContent" in body


def test_an_http_error_from_the_emulator_parses_into_the_sdks_error_object(clients: Any) -> None:
    with pytest.raises(HttpResponseError) as caught:
        clients.network.virtual_networks.get("missing", "vnet1")
    assert caught.value.error.code == "ResourceGroupNotFound"
