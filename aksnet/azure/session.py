"""Where a run talks to: one credential, one transport, one clock. Whoever builds it (the CLI's
`connect`, or a test) decides between Azure and the emulator; nothing here knows which it is."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aksnet.azure.clients import ARM_ENDPOINT, ARM_SCOPE, CLUSTER_POLL_SECONDS, NETWORK_POLL_SECONDS, Clients
from aksnet.clock import Clock
from aksnet.subscription import resolve_subscription

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.core.pipeline.transport import HttpTransport


log = logging.getLogger(__name__)


def _nothing() -> None:
    return None


@dataclass
class Session:
    """One credential, one HTTP transport, one clock; clients per subscription (a fleet may span several).

    `default_subscription` (an id and where it comes from) is used when neither the flag, the spec nor the
    environment names one; `on_close` releases what the builder opened (the emulator's database).
    """

    credential: TokenCredential
    transport: HttpTransport[Any, Any] | None
    clock: Clock
    base_url: str = ARM_ENDPOINT
    credential_scopes: tuple[str, ...] = (ARM_SCOPE,)
    cloud: str = "AzureCloud"
    polling_interval: float = NETWORK_POLL_SECONDS
    cluster_polling_interval: float = CLUSTER_POLL_SECONDS
    default_subscription: tuple[str, str] | None = None
    on_close: Callable[[], None] = _nothing
    _clients: dict[str, Clients] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def clients(self, subscription_id: str) -> Clients:
        with self._lock:
            if subscription_id not in self._clients:
                if self.transport is None:
                    from aksnet.azure.clients import shared_transport

                    self.transport = shared_transport()
                self._clients[subscription_id] = Clients(
                    self.credential,
                    subscription_id,
                    transport=self.transport,
                    base_url=self.base_url,
                    credential_scopes=self.credential_scopes,
                    polling_interval=self.polling_interval,
                    cluster_polling_interval=self.cluster_polling_interval,
                )
            return self._clients[subscription_id]

    def close(self) -> None:
        self.on_close()

    def subscription(self, flag: str | None, spec_value: str | None, env: Mapping[str, str]) -> tuple[str, str]:
        """The subscription and its source: flag > spec > environment > the session's default > the CLI's."""
        subscription, source = resolve_subscription(flag, spec_value, env, default=self.default_subscription)
        log.info("subscription %s (from %s) in cloud %s at %s", subscription, source, self.cloud, self.base_url)
        return subscription, source
