"""The caller's own permissions: at subscription, resource group and resource scope, and the faults that
take away the right to assign roles everywhere (`no_rbac_write`) or in some groups (`no_rbac_write_in`)."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest
from azure.mgmt.authorization.v2022_04_01 import models as auth_models

from aksnet.emulator import Emulator, Faults

SUB = "00000000-0000-0000-0000-000000000000"
NETWORK_CONTRIBUTOR = (
    f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7"
)
GUID = "33333333-3333-3333-3333-333333333333"
RBAC_WRITE_DENIED = "Microsoft.Authorization/*/Write"


def _assign(clients: Any, scope: str, principal: str) -> Any:
    params = auth_models.RoleAssignmentCreateParameters(
        role_definition_id=NETWORK_CONTRIBUTOR, principal_id=principal, principal_type="ServicePrincipal"
    )
    return clients.authorization.role_assignments.create(scope, GUID, params)


def test_the_caller_reads_its_permissions_at_subscription_scope_through_the_pipeline(clients: Any) -> None:
    request = HttpRequest(
        "GET",
        f"/subscriptions/{SUB}/providers/Microsoft.Authorization/permissions",
        params={"api-version": "2022-04-01"},
    )
    response = clients.resource.send_request(request)
    assert response.status_code == 200
    assert response.json()["value"][0]["actions"] == ["*"]


def test_no_rbac_write_in_denies_role_writes_only_inside_the_named_groups(
    make_emu: Any, make_clients: Any, arm: Any
) -> None:
    arm.rg("rg-net")
    arm.rg("rg-app")
    principal = arm.identity("rg-app")["properties"]["principalId"]
    limited: Emulator = make_emu(faults="no_rbac_write_in=RG-NET")
    clients = make_clients(limited)
    on_net = next(iter(clients.authorization.permissions.list_for_resource_group("rg-net")))
    on_app = next(iter(clients.authorization.permissions.list_for_resource_group("rg-app")))
    assert RBAC_WRITE_DENIED in on_net.not_actions
    assert on_app.not_actions == []
    with pytest.raises(HttpResponseError) as caught:
        _assign(clients, arm.rg_id("rg-net"), principal)
    assert caught.value.status_code == 403
    assert _assign(clients, arm.rg_id("rg-app"), principal).name == GUID


def test_no_rbac_write_in_reaches_resources_below_the_group(make_emu: Any, make_clients: Any, arm: Any) -> None:
    arm.rg("rg-net")
    arm.vnet("rg-net", "vnet1")
    clients = make_clients(make_emu(faults="no_rbac_write_in=rg-net"))
    on_vnet = clients.authorization.permissions.list_for_resource(
        "rg-net", "Microsoft.Network", "", "virtualNetworks", "vnet1"
    )
    assert RBAC_WRITE_DENIED in next(iter(on_vnet)).not_actions


def test_no_rbac_write_in_parses_a_list_of_groups() -> None:
    faults = Faults.parse("no_rbac_write_in=rg-a|rg-b")
    assert faults.no_rbac_write_in == ("rg-a", "rg-b")
    assert faults.denies_role_writes("RG-B") and not faults.denies_role_writes("rg-c")
    assert Faults.parse("no_rbac_write").denies_role_writes("")
