"""Management locks (`Microsoft.Authorization/locks`) and the ScopeLocked checks they impose."""

from __future__ import annotations

from aksnet.emulator import ids
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, bad_request
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Row

LEVELS = ("CanNotDelete", "ReadOnly")


def _locks(ctx: Ctx) -> list[Row]:
    return ctx.tx.of_type(ids.LOCK)


def check_delete(ctx: Ctx, target: str) -> None:
    """Deleting `target` fails when a lock sits on it, above it, or anywhere inside it."""
    scopes = [
        r.meta["scope"]
        for r in _locks(ctx)
        if ids.is_within(target, r.meta["scope"]) or ids.is_within(r.meta["scope"], target)
    ]
    if scopes:
        raise _scope_locked(target, "delete", scopes)


def check_write(ctx: Ctx, target: str) -> None:
    """Writing `target` fails under a ReadOnly lock on it or above it."""
    scopes = [
        r.meta["scope"]
        for r in _locks(ctx)
        if r.body["properties"]["level"] == "ReadOnly" and ids.is_within(target, r.meta["scope"])
    ]
    if scopes:
        raise _scope_locked(target, "write", scopes)


def _scope_locked(target: str, action: str, scopes: list[str]) -> ArmError:
    listed = ", ".join(f"'{s}'" for s in scopes)
    return ArmError(
        409,
        "ScopeLocked",
        f"The scope '{target}' cannot perform {action} operation because following scope(s) are locked: "
        f"{listed}. Please remove the lock and try again.",
    )


def _lock_id(params: dict[str, str]) -> str:
    return f"/{params['scope']}/providers/Microsoft.Authorization/locks/{params['name']}"


def put_lock(ctx: Ctx, params: dict[str, str]) -> Response:
    scope = "/" + params["scope"]
    ctx.require_scope(scope)
    props = ctx.body().get("properties") or {}
    level = props.get("level")
    if level not in LEVELS:
        raise bad_request("LockLevelInvalid", f"The lock level '{level}' is not valid.", "properties.level")
    lock_id = _lock_id(params)
    existing = ctx.tx.get(lock_id)
    body = {
        "id": lock_id,
        "name": params["name"],
        "type": ids.LOCK,
        "properties": {"level": level, "notes": props.get("notes"), "owners": props.get("owners")},
    }
    ctx.tx.put(Row(lock_id, ids.LOCK, body, {"scope": scope}, existing.created if existing else ctx.now))
    return Response(200 if existing else 201, body)


def get_lock(ctx: Ctx, params: dict[str, str]) -> Response:
    row = ctx.tx.get(_lock_id(params))
    if row is None:
        raise ArmError(404, "LockNotFound", f"The lock '{params['name']}' could not be found.")
    return Response(200, row.body)


def delete_lock(ctx: Ctx, params: dict[str, str]) -> Response:
    lock_id = _lock_id(params)
    if ctx.tx.get(lock_id) is None:
        return Response(204)
    ctx.tx.delete(lock_id)
    return Response(200)


def list_locks(ctx: Ctx, params: dict[str, str]) -> Response:
    scope = "/" + params["scope"]
    ctx.require_scope(scope)
    found = [r.body for r in _locks(ctx) if ids.is_within(r.meta["scope"], scope)]
    return Response(200, {"value": found})


_LOCK = "/{scope*}/providers/Microsoft.Authorization/locks/{name}"
ROUTES: list[Route] = [
    route("PUT", _LOCK, put_lock, ids.LOCK),
    route("GET", _LOCK, get_lock, ids.LOCK),
    route("DELETE", _LOCK, delete_lock, ids.LOCK),
    route("GET", "/{scope*}/providers/Microsoft.Authorization/locks", list_locks, ids.LOCK),
]
