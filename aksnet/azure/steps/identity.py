"""The control-plane identity and its Network Contributor grants.

Grants retry exactly one condition, PrincipalNotFound (a fresh identity replicating), with capped
jittered backoff and a bound. RoleAssignmentExists counts as done. A failed grant is an error,
never a warning: the cluster create would fail ten minutes later without it.
"""

from __future__ import annotations

from typing import Any

from aksnet.arm import ResourceId, assignment_id, split_assignment_id
from aksnet.azure import by_id
from aksnet.azure.context import RunContext, decided, outcome
from aksnet.azure.errors import arm_code, azure_call, translate
from aksnet.azure.retry import principal_not_found, retrying
from aksnet.errors import AksnetError, AzureOperationError
from aksnet.live.actions import decide_grant, decide_kept
from aksnet.plan import PRINCIPAL_PLACEHOLDER, Step
from aksnet.result import ResourceResult


def ensure_identity(ctx: RunContext, step: Step) -> ResourceResult:
    rid = ResourceId.parse(step.resource_id)
    current = by_id.read(ctx.clients, step.resource_id, f"reading identity {rid.name}")
    decision = decide_kept(step, current, ctx.deployment)
    if current is not None:
        ctx.principal_id = (current.get("properties") or {}).get("principalId")
    if decision.writes:
        from azure.mgmt.msi.v2024_11_30.models import Identity

        identities = ctx.clients.msi.user_assigned_identities
        with azure_call(f"creating identity {rid.name}"):
            model = Identity.from_dict(dict(step.body or {}))
            ctx.principal_id = identities.create_or_update(rid.resource_group, rid.name, model).principal_id
    ctx.identity_owned = decision.action in ("create", "unchanged")  # it can hold the ledger
    return decided(step, decision)


def ensure_grant(ctx: RunContext, step: Step) -> ResourceResult:
    scope, name = split_assignment_id(step.resource_id)
    body = _with_principal(step, ctx.principal_id)
    current = by_id.read(ctx.clients, step.resource_id, f"reading role assignment {name}")
    decision = decide_grant(step, current, ctx.principal_id)
    if not decision.writes:
        return decided(step, decision)
    if current is not None:
        # The name is this deployment's (deterministic): an old principal (a recreated identity) is replaced.
        with azure_call(f"replacing role assignment {name}"):
            ctx.clients.authorization.role_assignments.delete(scope, name)
    started = ctx.clock.now()
    action, reason = _create_grant(ctx, step, scope, name, body)
    _wait_until_visible(ctx, scope, name, action)
    ctx.grant_readable[step.id.removeprefix("role_assignment.")] = ctx.clock.now() - started
    return decided(step, decision) if action == "created" else outcome(step, action, reason)


def _with_principal(step: Step, principal_id: str | None) -> dict[str, Any]:
    if not principal_id:
        raise AzureOperationError("the identity has no principal id yet", code="PRINCIPAL_MISSING")
    properties = dict((step.body or {})["properties"])
    assert properties["principalId"] == PRINCIPAL_PLACEHOLDER
    return {"properties": {**properties, "principalId": principal_id}}


def _create_grant(ctx: RunContext, step: Step, scope: str, name: str, body: dict[str, Any]) -> tuple[Any, str]:
    from azure.core.exceptions import HttpResponseError
    from azure.mgmt.authorization.v2022_04_01.models import RoleAssignmentCreateParameters

    def noted(attempt: int, error: BaseException) -> None:
        ctx.progress.waiting(ctx.deployment, step.id, f"principal not replicated yet (attempt {attempt})")

    retry = retrying(principal_not_found, clock=ctx.clock, max_seconds=ctx.bounds.principal_seconds, on_retry=noted)
    try:
        retry(
            ctx.clients.authorization.role_assignments.create,
            scope,
            name,
            RoleAssignmentCreateParameters.from_dict(body),
        )
    except HttpResponseError as exc:
        if arm_code(exc) == "RoleAssignmentExists":
            return (
                "adopted",
                "an equal assignment (not made by aksnet) already grants it; aksnet leaves it alone",
            )
        raise _grant_error(exc, scope, ctx) from exc
    return "created", ""


def _grant_error(exc: BaseException, scope: str, ctx: RunContext) -> AksnetError:
    error = translate(exc, f"granting Network Contributor on {scope}")
    if principal_not_found(exc):
        return AzureOperationError(
            f"{error.message}. The identity's principal {ctx.principal_id} was still unknown to Entra ID after "
            f"{ctx.bounds.principal_seconds:.0f}s; check that it exists, then re-run (aksnet resumes)",
            code="PrincipalNotFound",
        )
    return error


def _wait_until_visible(ctx: RunContext, scope: str, name: str, action: str) -> None:
    """Read the grant back before the cluster PUT relies on it (ARM reads are eventually consistent)."""
    if action != "created":
        return
    deadline = ctx.clock.now() + ctx.bounds.visible_seconds
    while by_id.read(ctx.clients, assignment_id(scope, name), f"reading role assignment {name}") is None:
        if ctx.clock.now() >= deadline:
            raise AzureOperationError(
                f"role assignment {name} on {scope} is not readable after its creation",
                code="GRANT_NOT_VISIBLE",
            )
        ctx.clock.sleep(1.0)
