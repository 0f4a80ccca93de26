"""Long-running operations: recorded with a start and a duration, settled lazily when polled.

No background thread runs. Every request first settles the operations whose time is up
(`settle_due`), so a status poll or a GET after the end sees the final state, in this
process or in a later one sharing the database.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from aksnet.emulator import ids
from aksnet.emulator.context import Ctx, iso, new_guid
from aksnet.emulator.errors import ArmError
from aksnet.emulator.router import ARM, Response, Route, route
from aksnet.emulator.store import Row, Tx

Completion = Callable[[Tx, dict[str, Any], bool], None]
COMPLETIONS: dict[str, Completion] = {}

# What an operation that the `lro_fail` fault breaks ends with, per resource type.
_INJECTED_FAILURES: dict[str, dict[str, str]] = {
    "managedclusters": {
        "code": "VMExtensionProvisioningError",
        "message": "Unable to establish outbound connection from agents, please see "
        "https://learn.microsoft.com/en-us/troubleshoot/azure/azure-kubernetes/"
        "error-code-outboundconnfailvmextensionerror "
        "and https://aka.ms/aks-required-ports-and-addresses for more information. Details: instance 0 has "
        "extension error details : {vmssCSE error messages : {vmssCSE exit status=50}}",
    },
}
_DEFAULT_FAILURE = {"code": "InternalServerError", "message": "An error occurred."}


def completion(name: str) -> Callable[[Completion], Completion]:
    """Register what happens to the resource when an operation of this kind ends."""

    def register(fn: Completion) -> Completion:
        COMPLETIONS[name] = fn
        return fn

    return register


def start(
    ctx: Ctx,
    resource_id: str,
    done: str,
    seconds: float,
    *,
    retry_base: float = 1.0,
    error: ArmError | None = None,
    payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Record an operation on `resource_id` that ends after `seconds` × latency."""
    failure = error.error_object() if error else _injected_failure(ctx, resource_id)
    op = {
        "id": new_guid(),
        "resource": resource_id,
        "completion": done,
        "start": ctx.now,
        "end": ctx.now + ctx.scaled(seconds),
        "status": "InProgress",
        "error": failure,
        "http_status": error.status if error else 400,
        "retry_ms": round(retry_base * ctx.settings.latency * 1000),
        "api_version": ctx.req.query.get("api-version", ""),
        "base": ctx.req.base,  # status URLs name the host the client called, as ARM's do
        "payload": payload or {},
    }
    ctx.tx.op_put(op)
    return op


def _injected_failure(ctx: Ctx, resource_id: str) -> dict[str, Any] | None:
    segment = ids.type_of(resource_id).rsplit("/", 1)[-1].lower()
    # Once per database for a write and once for a delete: a faulty `up` does not use up the fault its `down` meets.
    flag = f"lro_fail:{segment}:{'delete' if ctx.req.method == 'DELETE' else 'write'}"
    if not ctx.settings.faults.fails_lro(segment) or ctx.tx.kv_get(flag):
        return None
    ctx.tx.kv_set(flag, "consumed")
    if ctx.req.method == "DELETE":
        return dict(_DEFAULT_FAILURE)
    return dict(_INJECTED_FAILURES.get(segment, _DEFAULT_FAILURE))


def settle_due(tx: Tx, now: float) -> None:
    for op in tx.ops_due(now):
        finish(tx, op)


def finish(tx: Tx, op: dict[str, Any]) -> None:
    ok = op["error"] is None
    COMPLETIONS[op["completion"]](tx, op, ok)
    op["status"] = "Succeeded" if ok else "Failed"
    tx.op_put(op)


def current(tx: Tx, op: dict[str, Any]) -> Row | None:
    """The resource, if this operation is still the latest one started on it."""
    row = tx.get(op["resource"])
    return row if row is not None and row.meta.get("op") == op["id"] else None


def running(tx: Tx, resource_id: str) -> dict[str, Any] | None:
    ops = tx.ops_running(resource_id)
    return ops[-1] if ops else None


def headers(op: dict[str, Any], *, location: bool = False, async_header: bool = True) -> dict[str, str]:
    """Azure-AsyncOperation and/or Location for the initial response, plus retry-after-ms."""
    out: dict[str, str] = {}
    if async_header:
        out["Azure-AsyncOperation"] = status_url(op)
    if location:
        out["Location"] = result_url(op)
    return out | retry_after(op)


def retry_after(op: dict[str, Any]) -> dict[str, str]:
    """The scaled retry-after-ms and, from one second up, ARM's Retry-After in whole seconds (rounded up).

    The SDKs read Retry-After as an integer (azure-mgmt-network deserialises it with int()), and
    Python's azure-core prefers it to retry-after-ms; so a wait under a second (small latencies)
    is sent in milliseconds only, rather than rounded up to 1 s, which would slow every poll tenfold.
    """
    ms = op["retry_ms"]
    if ms <= 0:
        return {}
    whole = {"Retry-After": str(math.ceil(ms / 1000))} if ms >= 1000 else {}
    return {"retry-after-ms": str(ms)} | whole


def _namespace(op: dict[str, Any]) -> str:
    return ids.type_of(op["resource"]).split("/", 1)[0]


def _base(op: dict[str, Any]) -> str:
    return str(op.get("base") or ARM)


def status_url(op: dict[str, Any]) -> str:
    sub = ids.subscription_of(op["resource"])
    loc = op["payload"].get("location", "eastus")
    return (
        f"{_base(op)}/subscriptions/{sub}/providers/{_namespace(op)}/locations/{loc}/operations/{op['id']}"
        f"?api-version={op['api_version']}"
    )


def result_url(op: dict[str, Any]) -> str:
    sub = ids.subscription_of(op["resource"])
    if _namespace(op) == "Microsoft.Resources":
        return f"{_base(op)}/subscriptions/{sub}/operationresults/{op['id']}?api-version={op['api_version']}"
    loc = op["payload"].get("location", "eastus")
    return (
        f"{_base(op)}/subscriptions/{sub}/providers/{_namespace(op)}/locations/{loc}/operationresults/{op['id']}"
        f"?api-version={op['api_version']}"
    )


def _operation(ctx: Ctx, op_id: str) -> dict[str, Any]:
    op = ctx.tx.op_get(op_id)
    if op is None:
        raise ArmError(404, "OperationNotFound", f"The operation '{op_id}' could not be found.")
    return op


def operation_status(ctx: Ctx, params: dict[str, str]) -> Response:
    """The Azure-AsyncOperation URL: 200 with `status` InProgress, Succeeded or Failed."""
    op = _operation(ctx, params["op"])
    body: dict[str, Any] = {"id": ctx.req.path, "name": op["id"], "status": op["status"]}
    body["startTime"] = iso(op["start"])
    if op["status"] == "InProgress":
        return Response(200, body, retry_after(op))
    body["endTime"] = iso(op["end"])
    if op["status"] == "Failed":
        body["error"] = op["error"]
    return Response(200, body)


def operation_result(ctx: Ctx, params: dict[str, str]) -> Response:
    """The Location URL: 202 while running, 200 when done, the error status when it failed."""
    op = _operation(ctx, params["op"])
    if op["status"] == "InProgress":
        return Response(202, None, {"Location": result_url(op)} | retry_after(op))
    if op["status"] == "Failed":
        return Response(op["http_status"], {"error": op["error"]})
    return Response(200, None)


ROUTES: list[Route] = [
    route(
        "GET",
        "/subscriptions/{sub}/providers/{ns}/locations/{loc}/operations/{op}",
        operation_status,
        "operations",
    ),
    route(
        "GET",
        "/subscriptions/{sub}/providers/{ns}/locations/{loc}/operationresults/{op}",
        operation_result,
        "operations",
    ),
    route("GET", "/subscriptions/{sub}/operationresults/{op}", operation_result, "operations"),
]
