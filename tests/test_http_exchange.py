"""The HTTP exchange itself, pinned with `responses` through the default RequestsTransport (no emulator)."""

from __future__ import annotations

import json
import re
from typing import Any

import responses
from azure.core.credentials import AccessToken

from aksnet.azure.clients import Clients
from aksnet.azure.context import RunContext
from aksnet.azure.steps.group import ensure_resource_group
from aksnet.azure.steps.identity import ensure_grant, ensure_identity
from aksnet.clock import FakeClock
from aksnet.plan import build_plan
from helpers import ZERO_SUB, make_spec

ARM = "https://management.azure.com"
RG_URL = re.compile(rf"{ARM}/subscriptions/{ZERO_SUB}/resourcegroups/rg\?.*", re.IGNORECASE)


class StaticToken:
    """A credential with a fixed fake token: the pipeline's bearer policy runs for real."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("fake-token-for-tests", 4_102_444_800)


def context(clock: FakeClock | None = None) -> RunContext:
    plan = build_plan(make_spec())
    clients = Clients(StaticToken(), ZERO_SUB)  # the default transport: requests, with azure-core's retry policy
    return RunContext(clients=clients, plan=plan, clock=clock or FakeClock())


def arm_error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


@responses.activate
def test_429_with_retry_after_is_retried_by_the_pipeline_then_created() -> None:
    responses.add(responses.GET, RG_URL, status=404, json=arm_error("ResourceGroupNotFound", "not found"))
    responses.add(
        responses.PUT, RG_URL, status=429, headers={"Retry-After": "1"}, json=arm_error("TooManyRequests", "throttled")
    )
    responses.add(
        responses.PUT,
        RG_URL,
        status=201,
        json={"id": f"/subscriptions/{ZERO_SUB}/resourceGroups/rg", "name": "rg", "location": "eastus"},
    )
    result = ensure_resource_group(context(), build_plan(make_spec()).step("resource_group"))
    assert result.action == "created"
    assert [c.request.method for c in responses.calls] == ["GET", "PUT", "PUT"]
    assert responses.calls[1].request.headers["Authorization"] == "Bearer fake-token-for-tests"
    assert json.loads(responses.calls[2].request.body)["tags"]["aksnet-deployment"] == "test"


@responses.activate
def test_503_is_retried_by_the_pipeline_then_read() -> None:
    url = re.compile(
        rf"{ARM}/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/"
        r"Microsoft.ManagedIdentity/userAssignedIdentities/id\?.*"
    )
    responses.add(responses.GET, url, status=503, json=arm_error("ServiceUnavailable", "try again"))
    responses.add(
        responses.GET,
        url,
        status=200,
        json={
            "id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id",
            "name": "id",
            "location": "eastus",
            "tags": {"aksnet-deployment": "test", "managed-by": "aksnet"},
            "properties": {"principalId": "11111111-1111-1111-1111-111111111111", "clientId": "c", "tenantId": "t"},
        },
    )
    ctx = context()
    result = ensure_identity(ctx, ctx.plan.step("identity"))
    assert result.action == "unchanged"
    assert ctx.principal_id == "11111111-1111-1111-1111-111111111111"
    assert len(responses.calls) == 2


@responses.activate
def test_principal_not_found_is_retried_by_aksnet_then_granted() -> None:
    step = build_plan(make_spec()).step("role_assignment.subnet")
    url = re.compile(re.escape(ARM + step.resource_id) + r"\?.*", re.IGNORECASE)
    message = (
        "Principal 11111111111111111111111111111111 does not exist in the directory "
        f"{ZERO_SUB}. Check that you have the correct principal ID."
    )
    assignment = {
        "id": step.resource_id,
        "name": step.resource_id.rsplit("/", 1)[-1],
        "properties": {
            "principalId": "11111111-1111-1111-1111-111111111111",
            "roleDefinitionId": step.body["properties"]["roleDefinitionId"],
        },
    }  # type: ignore[index]
    responses.add(responses.GET, url, status=404, json=arm_error("RoleAssignmentNotFound", "not found"))
    responses.add(responses.PUT, url, status=400, json=arm_error("PrincipalNotFound", message))
    responses.add(responses.PUT, url, status=400, json=arm_error("PrincipalNotFound", message))
    responses.add(responses.PUT, url, status=201, json=assignment)
    responses.add(responses.GET, url, status=200, json=assignment)
    clock = FakeClock()
    ctx = context(clock)
    ctx.principal_id = "11111111-1111-1111-1111-111111111111"
    result = ensure_grant(ctx, step)
    assert result.action == "created"
    assert [c.request.method for c in responses.calls] == ["GET", "PUT", "PUT", "PUT", "GET"]
    sent = json.loads(responses.calls[3].request.body)
    assert sent["properties"]["principalType"] == "ServicePrincipal"
    assert sum(clock.slept) > 0  # the backoffs ran on aksnet's injected clock, not the wall clock
