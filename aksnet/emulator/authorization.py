"""Authorization (api 2022-04-01): role assignments at any scope, built-in role definitions, permissions."""

from __future__ import annotations

import re
import uuid
from typing import Any

from aksnet.emulator import identity, ids, latency
from aksnet.emulator.builtin_roles import (
    BY_GUID,
    CONTRIBUTOR,
    CONTRIBUTOR_NOT_ACTIONS,
    NETWORK_CONTRIBUTOR,
    OWNER,
    PRIVATE_DNS_ZONE_CONTRIBUTOR,
    Role,
)
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row, Tx

NETWORK_WRITERS = (NETWORK_CONTRIBUTOR, CONTRIBUTOR, OWNER)
ZONE_WRITERS = (PRIVATE_DNS_ZONE_CONTRIBUTOR, CONTRIBUTOR, OWNER)


def _permission(
    actions: tuple[str, ...], not_actions: tuple[str, ...] = (), data: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {"actions": list(actions), "notActions": list(not_actions), "dataActions": list(data), "notDataActions": []}


def role_guid(role_definition_id: str) -> str:
    return role_definition_id.rstrip("/").rsplit("/", 1)[-1].lower()


# --- role definitions -----------------------------------------------------------------------


def definition_id(scope: str, guid: str) -> str:
    """A built-in role's id as ARM returns it for `scope`: subscription-level at or below a subscription
    (whatever scope it was read at), tenant-level above one."""
    sub = ids.subscription_of(scope)
    prefix = ids.subscription_id(sub) if sub else ""
    return f"{prefix}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def _definition(scope: str, role: Role) -> dict[str, Any]:
    return {
        "id": definition_id(scope, role.guid),
        "name": role.guid,
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": role.name,
            "type": "BuiltInRole",
            "description": role.description,
            "assignableScopes": ["/"],
            "permissions": [_permission(role.actions, role.not_actions, role.data_actions)],
        },
    }


def get_definition(ctx: Ctx, params: dict[str, str]) -> Response:
    role = BY_GUID.get(params["name"].lower())
    if role is None:
        raise _no_such_role(params["name"])
    return Response(200, _definition("/" + params["scope"], role))


def list_definitions(ctx: Ctx, params: dict[str, str]) -> Response:
    text = ctx.req.query.get("$filter", "")
    wanted = {n.lower() for n in re.findall(r"roleName\s+eq\s+'([^']*)'", text, re.IGNORECASE)}
    found = [_definition("/" + params["scope"], r) for r in BY_GUID.values() if not wanted or r.name.lower() in wanted]
    return Response(200, {"value": found})


def _no_such_role(guid: str) -> ArmError:
    return bad_request("RoleDefinitionDoesNotExist", f"The specified role definition with ID '{guid}' does not exist.")


# --- permissions ----------------------------------------------------------------------------


def get_permissions(ctx: Ctx, params: dict[str, str]) -> Response:
    """The caller's effective actions: Owner-like, or Contributor-like under `no_rbac_write` (or
    `no_rbac_write_in` naming the scope's resource group)."""
    scope = "/" + params["scope"]
    ctx.require_scope(scope)
    not_actions = CONTRIBUTOR_NOT_ACTIONS if _denies_role_writes(ctx, scope) else ()
    return Response(200, {"value": [_permission(("*",), not_actions)]})


# --- role assignments -----------------------------------------------------------------------


def _assignment_id(params: dict[str, str]) -> str:
    return f"/{params['scope']}/providers/Microsoft.Authorization/roleAssignments/{params['name']}"


def _is_guid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36


def put_assignment(ctx: Ctx, params: dict[str, str]) -> Response:
    scope, rid = "/" + params["scope"], _assignment_id(params)
    if not _is_guid(params["name"]):
        raise bad_request(
            "InvalidRoleAssignmentId",
            f"The role assignment ID '{params['name']}' is not valid. The role assignment ID must be a GUID.",
        )
    ctx.require_scope(scope)
    if _denies_role_writes(ctx, scope):
        raise authorization_failed(ctx, "Microsoft.Authorization/roleAssignments/write", rid)
    props = _assignment_properties(ctx)
    _check_principal(ctx, props)
    existing = ctx.tx.get(rid)
    if existing is not None:
        return _re_put(existing, scope, props)
    _check_duplicate(ctx.tx, scope, props)
    row = Row(rid, ids.ROLE_ASSIGNMENT, _assignment_body(ctx, rid, scope, props), {"scope": scope}, ctx.now)
    ctx.tx.put(row)
    return Response(201, row.body, delay=ctx.scaled(latency.write_seconds("roleAssignments")))


def _denies_role_writes(ctx: Ctx, scope: str) -> bool:
    return ctx.settings.faults.denies_role_writes(ids.rg_of(scope))


def authorization_failed(ctx: Ctx, action: str, scope: str) -> ArmError:
    caller = ctx.settings.caller_object_id
    return ArmError(
        403,
        "AuthorizationFailed",
        f"The client '{caller}' with object id '{caller}' does not have authorization to perform action "
        f"'{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please "
        "refresh your credentials.",
    )


def _assignment_properties(ctx: Ctx) -> dict[str, Any]:
    props = ctx.body().get("properties") or {}
    role_id, principal = props.get("roleDefinitionId"), props.get("principalId")
    if not isinstance(role_id, str) or not isinstance(principal, str):
        raise bad_request("InvalidRoleAssignmentRequest", "roleDefinitionId and principalId are required.")
    if role_guid(role_id) not in BY_GUID:
        raise _no_such_role(role_guid(role_id))
    return dict(props)


def _check_principal(ctx: Ctx, props: dict[str, Any]) -> None:
    """A principal unknown to the directory, or too fresh under the `propagation` fault, is not found."""
    principal = props["principalId"]
    owner = identity.find_by_principal(ctx.tx, principal)
    fresh = owner is not None and ctx.now - owner.created < ctx.settings.faults.propagation
    known = owner is not None or principal.lower() == ctx.settings.caller_object_id.lower()
    if fresh or (not known and not props.get("principalType")):
        raise bad_request(
            "PrincipalNotFound",
            f"Principal {principal.replace('-', '')} does not exist in the directory "
            f"{ctx.settings.tenant_id}. "
            "Check that you have the correct principal ID. If you are creating this principal and then "
            "immediately assigning a role, this error might be related to a replication delay. In this case, "
            "set the role assignment principalType property to a value, such as ServicePrincipal, User, or "
            "Group.  See https://aka.ms/docs-principaltype",
        )


def _trio(scope: str, props: dict[str, Any]) -> tuple[str, str, str]:
    return ids.key(scope), role_guid(props["roleDefinitionId"]), props["principalId"].lower()


def _re_put(existing: Row, scope: str, props: dict[str, Any]) -> Response:
    # Assumption (arm-facts §2.1 leaves it open): an identical re-PUT under the same name is 201.
    if _trio(existing.meta["scope"], existing.body["properties"]) == _trio(scope, props):
        return Response(201, existing.body)
    raise bad_request(
        "RoleAssignmentUpdateNotPermitted",
        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
    )


def _check_duplicate(tx: Tx, scope: str, props: dict[str, Any]) -> None:
    for row in tx.of_type(ids.ROLE_ASSIGNMENT):
        if _trio(row.meta["scope"], row.body["properties"]) == _trio(scope, props):
            raise ArmError(409, "RoleAssignmentExists", "The role assignment already exists.")


def _assignment_body(ctx: Ctx, rid: str, scope: str, props: dict[str, Any]) -> dict[str, Any]:
    stamp = ctx.timestamp()
    return {
        "id": rid,
        "name": ids.name_of(rid),
        "type": ids.ROLE_ASSIGNMENT,
        "properties": {
            "scope": scope,
            "roleDefinitionId": props["roleDefinitionId"],
            "principalId": props["principalId"],
            "principalType": props.get("principalType") or "ServicePrincipal",
            "description": props.get("description"),
            "condition": props.get("condition"),
            "conditionVersion": props.get("conditionVersion"),
            "createdOn": stamp,
            "updatedOn": stamp,
            "createdBy": ctx.settings.caller_object_id,
            "updatedBy": ctx.settings.caller_object_id,
            "delegatedManagedIdentityResourceId": None,
        },
    }


def get_assignment(ctx: Ctx, params: dict[str, str]) -> Response:
    row = ctx.tx.get(_assignment_id(params))
    if row is None:
        raise ArmError(404, "RoleAssignmentNotFound", f"The role assignment '{params['name']}' is not found.")
    return Response(200, row.body)


def delete_assignment(ctx: Ctx, params: dict[str, str]) -> Response:
    row = ctx.tx.get(_assignment_id(params))
    if row is None:
        return Response(204)
    if _denies_role_writes(ctx, row.meta["scope"]):
        raise authorization_failed(ctx, "Microsoft.Authorization/roleAssignments/delete", row.id)
    ctx.tx.delete(row.id)
    return Response(200, row.body)


_PRINCIPAL = re.compile(r"(?:principalId\s+eq\s+'([^']*)'|assignedTo\('([^']*)'\))", re.IGNORECASE)


def list_assignments(ctx: Ctx, params: dict[str, str]) -> Response:
    """`atScope()`: at the scope and above; otherwise above and below too. Filter by principal."""
    scope = "/" + params["scope"]
    ctx.require_scope(scope)
    text = ctx.req.query.get("$filter", "")
    at_scope = "atscope()" in text.lower()
    principals = {(a or b).lower() for a, b in _PRINCIPAL.findall(text)}
    found = []
    for row in ctx.tx.of_type(ids.ROLE_ASSIGNMENT):
        where = row.meta["scope"]
        related = ids.is_within(scope, where) or (not at_scope and ids.is_within(where, scope))
        if related and (not principals or row.body["properties"]["principalId"].lower() in principals):
            found.append(row.body)
    return Response(200, {"value": found})


def holds_role(tx: Tx, principal: str, target: str, roles: tuple[str, ...], *, older_than: float) -> bool:
    """Whether `principal` holds one of `roles` at `target` or above, assigned at or before `older_than`."""
    for row in tx.of_type(ids.ROLE_ASSIGNMENT):
        props = row.body["properties"]
        if (
            props["principalId"].lower() == principal.lower()
            and role_guid(props["roleDefinitionId"]) in roles
            and ids.is_within(target, row.meta["scope"])
            and row.created <= older_than
        ):
            return True
    return False


_AUTH = "/{scope*}/providers/Microsoft.Authorization"
ROUTES: list[Route] = [
    route("PUT", _AUTH + "/roleAssignments/{name}", put_assignment, ids.ROLE_ASSIGNMENT),
    route("GET", _AUTH + "/roleAssignments/{name}", get_assignment, ids.ROLE_ASSIGNMENT),
    route("DELETE", _AUTH + "/roleAssignments/{name}", delete_assignment, ids.ROLE_ASSIGNMENT),
    route("GET", _AUTH + "/roleAssignments", list_assignments, ids.ROLE_ASSIGNMENT),
    route("GET", _AUTH + "/roleDefinitions/{name}", get_definition, "Microsoft.Authorization/roleDefinitions"),
    route("GET", _AUTH + "/roleDefinitions", list_definitions, "Microsoft.Authorization/roleDefinitions"),
    route("GET", _AUTH + "/permissions", get_permissions, "Microsoft.Authorization/permissions"),
]
