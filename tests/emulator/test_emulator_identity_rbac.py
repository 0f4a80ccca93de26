"""Managed identities, role assignments, role definitions and permissions."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.authorization.v2022_04_01 import models as auth_models
from azure.mgmt.msi import models as msi_models

from aksnet.emulator import Emulator

SUB = "00000000-0000-0000-0000-000000000000"
NETWORK_CONTRIBUTOR = (
    f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7"
)
READER = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"
GUID_A = "11111111-1111-1111-1111-111111111111"
GUID_B = "22222222-2222-2222-2222-222222222222"


def _assign(
    clients: Any, scope: str, name: str, principal: str, *, role: str = NETWORK_CONTRIBUTOR, typed: bool = True
) -> Any:
    params = auth_models.RoleAssignmentCreateParameters(
        role_definition_id=role, principal_id=principal, principal_type="ServicePrincipal" if typed else None
    )
    return clients.authorization.role_assignments.create(scope, name, params)


@pytest.fixture
def principal(arm: Any) -> str:
    arm.rg()
    return str(arm.identity()["properties"]["principalId"])


def test_an_identity_is_created_with_minted_ids_that_survive_updates(arm: Any, clients: Any) -> None:
    arm.rg()
    made = clients.msi.user_assigned_identities.create_or_update("rg1", "id1", msi_models.Identity(location="eastus"))
    assert made.tenant_id == SUB
    again = clients.msi.user_assigned_identities.create_or_update(
        "rg1", "id1", msi_models.Identity(location="eastus", tags={"a": "b"})
    )
    assert (again.principal_id, again.client_id) == (made.principal_id, made.client_id)
    assert again.tags == {"a": "b"}
    assert clients.msi.user_assigned_identities.get("rg1", "id1").principal_id == made.principal_id


def test_an_identity_put_answers_201_then_200_and_delete_200_then_204(arm: Any) -> None:
    arm.rg()
    path = f"{arm.rg_id('rg1')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"
    assert arm.call("PUT", path, {"location": "eastus"}, "2024-11-30")[0] == 201
    assert arm.call("PUT", path, {"location": "eastus"}, "2024-11-30")[0] == 200
    assert arm.call("PATCH", path, {"tags": {"x": "y"}}, "2024-11-30")[1]["tags"] == {"x": "y"}
    assert arm.call("DELETE", path, api="2024-11-30")[0] == 200
    assert arm.call("DELETE", path, api="2024-11-30")[0] == 204


def test_a_role_assignment_is_created_at_a_subnet_scope(arm: Any, clients: Any, principal: str) -> None:
    subnet = arm.subnet(arm.vnet(), "aks", "192.168.1.0/24")
    made = _assign(clients, subnet, GUID_A, principal)
    assert made.id == f"{subnet}/providers/Microsoft.Authorization/roleAssignments/{GUID_A}"
    assert made.scope == subnet
    assert made.principal_type == "ServicePrincipal"
    assert clients.authorization.role_assignments.get(subnet, GUID_A).principal_id == principal


def test_the_same_role_for_the_same_principal_under_another_name_is_role_assignment_exists(
    arm: Any, clients: Any, principal: str
) -> None:
    scope = arm.rg_id("rg1")
    _assign(clients, scope, GUID_A, principal)
    with pytest.raises(ResourceExistsError) as caught:
        _assign(clients, scope, GUID_B, principal)
    assert caught.value.error.code == "RoleAssignmentExists"
    assert caught.value.error.message == "The role assignment already exists."


def test_changing_an_existing_assignment_is_role_assignment_update_not_permitted(
    arm: Any, clients: Any, principal: str
) -> None:
    scope = arm.rg_id("rg1")
    _assign(clients, scope, GUID_A, principal)
    with pytest.raises(HttpResponseError) as caught:
        _assign(clients, scope, GUID_A, principal, role=READER)
    assert caught.value.status_code == 400
    assert caught.value.error.code == "RoleAssignmentUpdateNotPermitted"


def test_an_identical_re_put_under_the_same_name_answers_201(arm: Any, principal: str) -> None:
    path = f"{arm.rg_id('rg1')}/providers/Microsoft.Authorization/roleAssignments/{GUID_A}"
    body = {"properties": {"roleDefinitionId": NETWORK_CONTRIBUTOR, "principalId": principal}}
    assert arm.call("PUT", path, body, "2022-04-01")[0] == 201
    assert arm.call("PUT", path, body, "2022-04-01")[0] == 201


def test_a_role_assignment_name_must_be_a_guid(arm: Any, principal: str) -> None:
    path = f"{arm.rg_id('rg1')}/providers/Microsoft.Authorization/roleAssignments/not-a-guid"
    status, error = arm.call(
        "PUT", path, {"properties": {"roleDefinitionId": READER, "principalId": principal}}, "2022-04-01"
    )
    assert (status, error["error"]["code"]) == (400, "InvalidRoleAssignmentId")


def test_a_role_assignment_on_a_missing_scope_is_not_found(clients: Any, principal: str) -> None:
    missing = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/nope"
    with pytest.raises(ResourceNotFoundError):
        _assign(clients, missing, GUID_A, principal)


def test_an_unknown_role_definition_is_rejected(arm: Any, clients: Any, principal: str) -> None:
    bogus = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{GUID_B}"
    with pytest.raises(HttpResponseError) as caught:
        _assign(clients, arm.rg_id("rg1"), GUID_A, principal, role=bogus)
    assert caught.value.error.code == "RoleDefinitionDoesNotExist"


def test_an_unknown_principal_without_principal_type_is_principal_not_found(
    arm: Any, clients: Any, principal: str
) -> None:
    stranger = "33333333-3333-3333-3333-333333333333"
    with pytest.raises(HttpResponseError) as caught:
        _assign(clients, arm.rg_id("rg1"), GUID_A, stranger, typed=False)
    assert caught.value.status_code == 400
    assert caught.value.error.code == "PrincipalNotFound"
    assert caught.value.error.message.startswith(
        "Principal 33333333333333333333333333333333 does not exist in the directory"
    )
    assert "Group.  See https://aka.ms/docs-principaltype" in caught.value.error.message
    _assign(clients, arm.rg_id("rg1"), GUID_A, stranger, typed=True)


def test_list_for_scope_filters_at_scope_and_by_principal(arm: Any, clients: Any, principal: str) -> None:
    vnet = arm.vnet()
    subnet = arm.subnet(vnet, "aks", "192.168.1.0/24")
    other = arm.identity(name="id2")["properties"]["principalId"]
    _assign(clients, arm.rg_id("rg1"), GUID_A, principal)
    _assign(clients, subnet, GUID_B, other)
    at_vnet = clients.authorization.role_assignments.list_for_scope(vnet, filter="atScope()")
    assert [a.name for a in at_vnet] == [GUID_A]
    below = clients.authorization.role_assignments.list_for_scope(vnet)
    assert sorted(a.name for a in below) == [GUID_A, GUID_B]
    mine = clients.authorization.role_assignments.list_for_scope(subnet, filter=f"principalId eq '{other}'")
    assert [a.name for a in mine] == [GUID_B]
    assigned = clients.authorization.role_assignments.list_for_scope(
        subnet, filter=f"atScope() and assignedTo('{principal}')"
    )
    assert [a.name for a in assigned] == [GUID_A]
    assert len(list(clients.authorization.role_assignments.list_for_subscription())) == 2


def test_a_role_assignment_delete_answers_200_then_204(arm: Any, clients: Any, principal: str) -> None:
    _assign(clients, arm.rg_id("rg1"), GUID_A, principal)
    assert clients.authorization.role_assignments.delete(arm.rg_id("rg1"), GUID_A).name == GUID_A
    assert clients.authorization.role_assignments.delete(arm.rg_id("rg1"), GUID_A) is None


def test_builtin_role_definitions_can_be_read_and_found_by_name(clients: Any) -> None:
    scope = f"/subscriptions/{SUB}"
    got = clients.authorization.role_definitions.get(scope, "4d97b98b-1d4f-4787-a291-c67834d212e7")
    assert got.role_name == "Network Contributor"
    assert "Microsoft.Network/*" in got.permissions[0].actions
    found = list(clients.authorization.role_definitions.list(scope, filter="roleName eq 'Owner'"))
    assert [d.role_name for d in found] == ["Owner"]


def test_the_caller_has_owner_like_permissions_by_default(arm: Any, clients: Any) -> None:
    arm.rg()
    perms = list(clients.authorization.permissions.list_for_resource_group("rg1"))
    assert perms[0].actions == ["*"]
    assert perms[0].not_actions == []
    arm.vnet()
    on_vnet = clients.authorization.permissions.list_for_resource(
        "rg1", "Microsoft.Network", "", "virtualNetworks", "vnet1"
    )
    assert next(iter(on_vnet)).actions == ["*"]


def test_no_rbac_write_makes_the_caller_a_contributor_who_cannot_assign_roles(
    make_emu: Any, make_clients: Any, arm: Any
) -> None:
    arm.rg()
    principal = arm.identity()["properties"]["principalId"]
    limited: Emulator = make_emu(faults="no_rbac_write")
    clients = make_clients(limited)
    perms = next(iter(clients.authorization.permissions.list_for_resource_group("rg1")))
    assert "Microsoft.Authorization/*/Write" in perms.not_actions
    with pytest.raises(HttpResponseError) as caught:
        _assign(clients, arm.rg_id("rg1"), GUID_A, principal)
    assert caught.value.status_code == 403
    assert caught.value.error.code == "AuthorizationFailed"
    assert "does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write'" in (
        caught.value.error.message
    )
