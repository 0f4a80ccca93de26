"""Built-in roles by name and GUID, role-definition ids as Azure returns them, and resource lists by group."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.emulator.builtin_roles import ROLES

SUB = "00000000-0000-0000-0000-000000000000"
AUTH_API = "2022-04-01"
ROLE_NAMES = [
    "Owner",
    "Contributor",
    "Reader",
    "Network Contributor",
    "Managed Identity Operator",
    "Private DNS Zone Contributor",
    "AcrPull",
    "User Access Administrator",
    "Role Based Access Control Administrator",
    "Azure Kubernetes Service Cluster Admin Role",
    "Azure Kubernetes Service Cluster User Role",
    "Azure Kubernetes Service Contributor Role",
    "Azure Kubernetes Service RBAC Admin",
    "Azure Kubernetes Service RBAC Cluster Admin",
    "Azure Kubernetes Service RBAC Reader",
    "Azure Kubernetes Service RBAC Writer",
]


@pytest.mark.parametrize("name", ROLE_NAMES)
def test_a_built_in_role_is_found_by_name_at_a_resource_scope_with_a_subscription_level_id(arm: Any, name: str) -> None:
    net = arm.network_for_cluster(grant=False)
    path = f"{net['subnet']}/providers/Microsoft.Authorization/roleDefinitions"
    found = arm.get(path, "2022-05-01-preview")
    (definition,) = [d for d in found["value"] if d["properties"]["roleName"] == name]
    guid = definition["name"]
    assert definition["id"] == f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
    by_guid = arm.get(f"{path}/{guid}", AUTH_API)
    assert by_guid["properties"]["roleName"] == name


def test_the_role_filter_narrows_the_list(emu: Any) -> None:
    url = (
        f"https://management.azure.com/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions"
        f"?api-version={AUTH_API}&$filter=roleName%20eq%20%27AcrPull%27"
    )
    status, _, body = emu.request("GET", url)
    assert status == 200
    assert [d["properties"]["roleName"] for d in body["value"]] == ["AcrPull"]


def test_every_built_in_role_can_be_assigned_by_guid(arm: Any) -> None:
    arm.rg()
    principal = arm.identity()["properties"]["principalId"]
    for role in ROLES:
        role_id = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role.guid}"
        arm.grant(principal, arm.rg_id("rg1"), role_id)


def test_a_resource_list_filtered_by_group_lists_only_that_group(arm: Any) -> None:
    for group in ("a", "b"):
        arm.rg(group)
        arm.vnet(group, f"vnet-{group}")
    url = f"/subscriptions/{SUB}/resources"
    status, _, body = arm.emu.request(
        "GET", f"https://management.azure.com{url}?api-version=2025-04-01&$filter=resourceGroup%20eq%20%27a%27"
    )
    assert status == 200
    assert [r["name"] for r in body["value"]] == ["vnet-a"]
