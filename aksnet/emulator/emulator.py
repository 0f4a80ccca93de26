"""The Emulator object: state, clock, switches, and the one code path every request takes."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aksnet.clock import Clock, SystemClock
from aksnet.emulator import (
    aks_actions,
    aks_pools,
    arc_clusters,
    arc_fixture,
    arc_instances,
    arc_lnets,
    arc_locations,
    attachments,
    authorization,
    containerservice,
    identity,
    ids,
    latency,
    locations,
    locks,
    lro,
    paging,
    private_dns,
    public_ips,
    resources,
    route_tables,
    subscriptions,
    vnets,
)
from aksnet.emulator.api_versions import check as check_api_version
from aksnet.emulator.context import Ctx, Settings, new_guid
from aksnet.emulator.errors import ArmError, invalid_body
from aksnet.emulator.faults import Dice, Faults
from aksnet.emulator.router import Request, Response, Route, Router
from aksnet.emulator.store import Store

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.core.pipeline.transport import HttpTransport

DEFAULT_DB = ".aksnet/emulator.db"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
TENANT_ID = "00000000-0000-0000-0000-000000000000"
# ARM's token buckets hold 250 reads and 200 writes per subscription (arm-facts §1.4); the emulator never drains them.
RATE_LIMIT_REMAINING = {"reads": "249", "writes": "199"}
CALLER_OBJECT_ID = "00000000-0000-0000-0000-00000000c0de"

# Scope-shaped routes (`/{scope}/providers/Microsoft.Authorization/...`) come first: they end in
# fixed segments that no other route has.
ROUTES: list[Route] = [
    *locks.ROUTES,
    *authorization.ROUTES,
    *lro.ROUTES,
    *subscriptions.ROUTES,
    *resources.ROUTES,
    *locations.ROUTES,
    *vnets.ROUTES,
    *route_tables.ROUTES,
    *attachments.ROUTES,
    *public_ips.ROUTES,
    *private_dns.ROUTES,
    *identity.ROUTES,
    *containerservice.ROUTES,
    *arc_fixture.seeded([*arc_locations.ROUTES, *arc_lnets.ROUTES, *arc_instances.ROUTES, *arc_clusters.ROUTES]),
    *aks_pools.ROUTES,
    *aks_actions.ROUTES,
]


class Emulator:
    """A local, in-process fake of Azure Resource Manager backed by one SQLite file."""

    tenant_id = TENANT_ID
    caller_object_id = CALLER_OBJECT_ID

    def __init__(
        self,
        db_path: str | Path,
        latency: float = 0.0,
        faults: Faults | None = None,
        clock: Clock | None = None,
        *,
        page_size: int = 0,
    ) -> None:
        if latency < 0:
            raise ValueError(f"emulator latency must be >= 0, not {latency}")
        if page_size < 0:
            raise ValueError(f"emulator page size must be >= 0, not {page_size}")
        self.page_size = page_size
        self.clock: Clock = clock or SystemClock()
        self.faults = faults or Faults()
        self.latency = latency
        self._store = Store(db_path)
        self._settings = Settings(latency, self.faults, TENANT_ID, CALLER_OBJECT_ID)
        self._router = Router(ROUTES)
        self._dice = Dice(self.faults)
        self._stats_lock = threading.Lock()
        self._by_method: Counter[str] = Counter()
        self._by_type: Counter[str] = Counter()
        self._transport: HttpTransport[Any, Any] | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str], clock: Clock | None = None) -> Emulator:
        """AKSNET_EMULATOR_DB (default .aksnet/emulator.db), _LATENCY (default 0), _FAULTS, _PAGE_SIZE (0: off)."""
        scale = _number(env, "AKSNET_EMULATOR_LATENCY", float)
        page_size = _number(env, "AKSNET_EMULATOR_PAGE_SIZE", int)
        faults = Faults.parse(env.get("AKSNET_EMULATOR_FAULTS"))
        return cls(env.get("AKSNET_EMULATOR_DB") or DEFAULT_DB, scale, faults, clock, page_size=page_size)

    @property
    def db_path(self) -> Path:
        return self._store.path

    def transport(self) -> HttpTransport[Any, Any]:
        """One azure-core transport into this emulator, shared by every client and thread."""
        from aksnet.emulator.transport import EmulatorTransport

        with self._stats_lock:
            if self._transport is None:
                self._transport = EmulatorTransport(self)
            return self._transport

    def credential(self) -> TokenCredential:
        from aksnet.emulator.transport import FakeCredential

        return FakeCredential()

    def stats(self) -> dict[str, Any]:
        with self._stats_lock:
            return {
                "requests": sum(self._by_method.values()),
                "by_method": dict(self._by_method),
                "by_type": dict(self._by_type),
            }

    def close(self) -> None:
        self._store.close()

    # --- requests ---------------------------------------------------------------------------

    def request(
        self, method: str, url: str, body: Any = None, headers: Mapping[str, str] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        """Send one request through the same path HTTP takes (minus authentication)."""
        response = self.dispatch(method, url, dict(headers or {}), body)
        return response.status, response.headers, response.body

    def handle_http(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        """What the transport calls: authenticate, parse JSON, dispatch, serialise, with ARM's headers."""
        req = Request.parse(method, url, dict(headers), None)
        response = None if req.path.lower() == subscriptions.METADATA else _authenticate(req)
        if response is None:
            try:
                body = json.loads(content) if content else None
            except ValueError:
                error = invalid_body("the body is not valid JSON")
                response = Response(error.status, error.body())
            else:
                response = self.dispatch(method, url, dict(headers), body)
        payload = b"" if response.body is None or method.upper() == "HEAD" else json.dumps(response.body).encode()
        return response.status, _arm_headers(req) | response.headers, payload

    def dispatch(self, method: str, url: str, headers: dict[str, str], body: Any) -> Response:
        req = Request.parse(method, url, headers, body)
        try:
            response = paging.page(req, self._answer(req), self.page_size)
        except ArmError as error:
            response = Response(error.status, error.body(), dict(error.headers))
        if response.delay > 0:
            # Simulated service time of a synchronous operation, slept outside every lock.
            self.clock.sleep(response.delay)
        return response

    def _answer(self, req: Request) -> Response:
        if "api-version" not in req.query and req.path.lower() != subscriptions.METADATA:
            self._count(req.method, "unknown")
            raise ArmError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        try:
            _check_subscription(req.path)
            found, params = self._router.match(req.method, req.path)
        except ArmError:
            self._count(req.method, "unknown")
            raise
        self._count(req.method, found.arm_type)
        fault = self._dice.transient(req.headers.get("x-ms-client-request-id"))
        if fault is not None:
            return self._fault(fault, found.arm_type)
        return self._run(found, params, req)

    def _run(self, found: Route, params: dict[str, str], req: Request) -> Response:
        with self._store.transaction() as tx:
            lro.settle_due(tx, self.clock.now())
        with self._store.transaction() as tx:
            ctx = Ctx(tx, self.clock.now(), self._settings, req)
            check_api_version(found.arm_type, req.query.get("api-version", ""), _location(ctx, params))
            resources.check_registered(ctx, found.arm_type)
            return found.handler(ctx, params)

    def _count(self, method: str, arm_type: str) -> None:
        with self._stats_lock:
            self._by_method[method] += 1
            self._by_type[arm_type] += 1

    def _fault(self, kind: str, arm_type: str) -> Response:
        wait = max(latency.THROTTLE_RETRY_AFTER * self.latency, 0.01)
        retry = {"Retry-After": f"{wait:g}"}
        if kind == "throttle":
            return Response(429, _throttled(arm_type, wait).body(), retry)
        if self._dice.coin():
            error = ArmError(
                500,
                "InternalServerError",
                f"Encountered internal server error. Diagnostic information: tracking id '{new_guid()}'.",
            )
            return Response(500, error.body())
        error = ArmError(503, "ServiceUnavailable", "The service is unavailable now, please try again later.")
        return Response(503, error.body(), retry)


def _check_subscription(path: str) -> None:
    """ARM refuses a malformed subscription id before any resource provider sees the request."""
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and parts[0].lower() == "subscriptions" and not GUID.match(parts[1]):
        raise ArmError(
            400, "InvalidSubscriptionId", f"The provided subscription identifier '{parts[1]}' is malformed or invalid."
        )


def _number(env: Mapping[str, str], name: str, kind: type[float] | type[int]) -> Any:
    raw = env.get(name, "").strip() or "0"
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not {'a whole number' if kind is int else 'a number'}") from None


def _authenticate(req: Request) -> Response | None:
    """Any non-empty bearer token passes; otherwise ARM's 401 with its WWW-Authenticate challenge."""
    value = req.headers.get("authorization", "")
    if value.startswith("Bearer ") and value[7:].strip():
        return None
    problem = "is missing" if not value else "is provided in an invalid format"
    message = f"Authentication failed. The 'Authorization' header {problem}."
    challenge = (
        f'Bearer authorization_uri="{subscriptions.authority_of(req.base)}/{TENANT_ID}", '
        f'error="invalid_token", error_description="{message}"'
    )
    return Response(401, ArmError(401, "AuthenticationFailed", message).body(), {"WWW-Authenticate": challenge})


def _arm_headers(req: Request) -> dict[str, str]:
    """What ARM puts on every answer: ids to quote to support, and the remaining request budget."""
    kind = "reads" if req.method in ("GET", "HEAD") else "writes"
    return {
        "Content-Type": "application/json; charset=utf-8",
        "x-ms-request-id": new_guid(),
        "x-ms-correlation-request-id": req.headers.get("x-ms-correlation-request-id") or new_guid(),
        f"x-ms-ratelimit-remaining-subscription-{kind}": RATE_LIMIT_REMAINING[kind],
    }


def _location(ctx: Ctx, params: dict[str, str]) -> str:
    """The location ARM names in a provider's api-version error: the body's, else the group's."""
    body = ctx.req.body if isinstance(ctx.req.body, dict) else {}
    if isinstance(body.get("location"), str):
        return str(body["location"])
    group = ctx.tx.get(ids.rg_id(params["sub"], params["rg"])) if "sub" in params and "rg" in params else None
    return str(group.body["location"]) if group is not None else "global"


def _throttled(arm_type: str, wait: float) -> ArmError:
    if arm_type.startswith("Microsoft.ContainerService"):
        message = (
            f"The request limit has been exceeded for {arm_type}, please retry again in {wait:g} seconds. "
            "For more information, please visit aka.ms/aks/throttling"
        )
        return ArmError(429, "Throttled", message)
    message = f"Number of requests for {arm_type} exceeded the limit. Please try again after '{wait:g}' seconds."
    return ArmError(429, "Throttled", message)
