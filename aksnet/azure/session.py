"""Where a run talks to: Azure or the emulator. Only the transport and the credential differ."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aksnet.azure.clients import Clients, sdk_ready
from aksnet.clock import Clock, SystemClock
from aksnet.plan import ZERO_SUBSCRIPTION
from aksnet.subscription import resolve_subscription

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.core.pipeline.transport import HttpTransport

    from aksnet.emulator import Emulator

# A cached token is renewed this long before it expires (azure-core's own policies use 300 s too).
TOKEN_REFRESH_SECONDS = 300.0
EMULATOR_NETWORK_POLL = 1.0  # the emulator's own Retry-After bases, scaled by its latency
EMULATOR_CLUSTER_POLL = 5.0


class SharedToken:
    """One access token per scope for every client of a run, renewed shortly before it expires.

    Each SDK client's pipeline asks the credential for its own token, and some credentials do not
    cache (the Azure CLI one runs `az account get-access-token`, about a second, every time): five
    clients made five such calls at the start of every `up`, on its critical path. A claims
    challenge (continuous access evaluation) always goes to the credential itself.
    """

    def __init__(self, credential: Any) -> None:
        self._credential = credential
        self._lock = threading.Lock()
        self._tokens: dict[tuple[Any, ...], Any] = {}

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        if kwargs.get("claims"):
            return self._credential.get_token(*scopes, **kwargs)
        return self._cached(("token", scopes, _frozen(kwargs)), lambda: self._credential.get_token(*scopes, **kwargs))

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        if options and options.get("claims"):
            return self._token_info(scopes, options)
        return self._cached(("info", scopes, _frozen(options or {})), lambda: self._token_info(scopes, options))

    def _token_info(self, scopes: tuple[str, ...], options: Any) -> Any:
        if hasattr(self._credential, "get_token_info"):
            return self._credential.get_token_info(*scopes, options=options)
        from azure.core.credentials import AccessTokenInfo

        token = self._credential.get_token(*scopes, **dict(options or {}))
        return AccessTokenInfo(token.token, token.expires_on)

    def _cached(self, key: tuple[Any, ...], fetch: Callable[[], Any]) -> Any:
        with self._lock:  # concurrent first requests wait for one fetch instead of each making its own
            token = self._tokens.get(key)
            if token is None or token.expires_on - time.time() < TOKEN_REFRESH_SECONDS:
                token = self._tokens[key] = fetch()
            return token


def _frozen(options: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, repr(v)) for k, v in options.items()))


@dataclass
class Session:
    """One credential, one HTTP transport, one clock; clients per subscription (a fleet may span several)."""

    credential: TokenCredential
    transport: HttpTransport[Any, Any] | None
    clock: Clock
    emulator: Emulator | None = None
    polling_interval: float = 2.0
    cluster_polling_interval: float = 5.0
    _clients: dict[str, Clients] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def clients(self, subscription_id: str) -> Clients:
        with self._lock:
            if subscription_id not in self._clients:
                self._clients[subscription_id] = Clients(
                    self.credential,
                    subscription_id,
                    transport=self.transport,
                    polling_interval=self.polling_interval,
                    cluster_polling_interval=self.cluster_polling_interval,
                )
                self.transport = self._clients[subscription_id].transport
            return self._clients[subscription_id]

    def close(self) -> None:
        """Release the emulator's database (its write-ahead log is folded back in); Azure needs nothing."""
        if self.emulator is not None:
            self.emulator.close()

    def subscription(self, flag: str | None, spec_value: str | None, env: Mapping[str, str]) -> tuple[str, str]:
        """The subscription and its source; the emulator falls back to the zero GUID."""
        if self.emulator is not None and not (flag or spec_value or env.get("AZURE_SUBSCRIPTION_ID")):
            return ZERO_SUBSCRIPTION, "the emulator's default"
        return resolve_subscription(flag, spec_value, env)


def open_session(*, emulator: bool, env: Mapping[str, str] | None = None, clock: Clock | None = None) -> Session:
    env = os.environ if env is None else env
    if emulator:
        return emulator_session(env, clock)
    sdk_ready("core")
    from aksnet.azure.auth import default_credential

    return Session(SharedToken(default_credential()), None, clock or SystemClock())


def emulator_session(env: Mapping[str, str], clock: Clock | None = None) -> Session:
    from aksnet.emulator import Emulator

    emu = Emulator.from_env(env, clock=clock)
    sdk_ready("core")  # the emulator's transport is azure-core's, over requests
    scale = max(emu.latency, 0.01)
    return Session(
        emu.credential(),
        emu.transport(),
        emu.clock,
        emulator=emu,
        polling_interval=EMULATOR_NETWORK_POLL * scale,
        cluster_polling_interval=EMULATOR_CLUSTER_POLL * scale,
    )
