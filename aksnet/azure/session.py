"""Where a run talks to: Azure or the emulator. Only the transport and the credential differ."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
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


EMULATOR_NETWORK_POLL = 1.0  # the emulator's own Retry-After bases, scaled by its latency
EMULATOR_CLUSTER_POLL = 5.0


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

    return Session(default_credential(), None, clock or SystemClock())


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
