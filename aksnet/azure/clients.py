"""The one I/O seam: every Azure SDK client is built here from a credential and a transport."""

from __future__ import annotations

import importlib
import queue
import threading
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from aksnet import stopping

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.core.pipeline.transport import HttpTransport
    from azure.mgmt.authorization import AuthorizationManagementClient
    from azure.mgmt.containerservice import ContainerServiceClient
    from azure.mgmt.msi import ManagedServiceIdentityClient
    from azure.mgmt.network import NetworkManagementClient
    from azure.mgmt.privatedns import PrivateDnsManagementClient
    from azure.mgmt.resource.resources import ResourceManagementClient

# What each client needs imported before its first use. Every live command reads through the shared
# pieces and the resource client (aksnet.azure.by_id): READS. A run that writes creates identities,
# grants and clusters with their typed clients: WRITES, imported once the preflight found something
# to do. The network and private DNS packages are imported only by what converges an existing
# resource, `down`'s deletes or `status`.
SDK_IMPORTS: dict[str, tuple[str, ...]] = {
    "core": (
        "requests",
        "azure.core.credentials",
        "azure.core.exceptions",
        "azure.core.pipeline.transport",
        "azure.mgmt.core",
    ),
    "resource": ("azure.mgmt.resource.resources",),
    # The API versions aksnet uses: the umbrella `models` modules load every version (~85 ms more).
    "msi": ("azure.mgmt.msi", "azure.mgmt.msi.v2024_11_30.models"),
    "authorization": ("azure.mgmt.authorization", "azure.mgmt.authorization.v2022_04_01.models", "tenacity"),
    "containerservice": ("azure.mgmt.containerservice",),
    "network": ("azure.mgmt.network",),  # ~0.2 s: one models module of every network resource type
    "privatedns": ("azure.mgmt.privatedns",),
}
READS = ("core", "resource")
WRITES = ("msi", "authorization", "containerservice")

ARM_ENDPOINT = "https://management.azure.com"
ARM_SCOPE = "https://management.azure.com/.default"
USER_AGENT = "aksnet/0.1.0"
# Cluster operations take minutes; a 5 s poll notices the end promptly without crowding the
# AKS operation-status throttle (200 tokens, 2/s per subscription). Azure's Retry-After wins.
CLUSTER_POLL_SECONDS = 5.0
NETWORK_POLL_SECONDS = 2.0
READY_CHECK_SECONDS = 0.05


class _Preloader:
    """Imports the parts asked for (`want`) on one background thread, in the order asked; each part is
    marked ready once imported (or once its import failed: whoever needs it then imports it again and
    reports what is wrong)."""

    def __init__(self) -> None:
        self.ready = {part: threading.Event() for part in SDK_IMPORTS}
        self.asked: list[str] = []
        self._queue: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._load, name="aksnet-sdk-import", daemon=True)

    def want(self, parts: Sequence[str]) -> None:
        with self._lock:
            for part in parts:
                if part not in self.asked:
                    self.asked.append(part)
                    self._queue.put(part)

    def waits_for(self, part: str) -> list[threading.Event]:
        """What a user of `part` waits for: the part, if asked for; else every part asked for, since
        nothing else may import while the preloader does."""
        with self._lock:
            return [self.ready[p] for p in ([part] if part in self.asked else self.asked)]

    def _load(self) -> None:
        while True:
            part = self._queue.get()
            try:
                for name in SDK_IMPORTS[part]:
                    importlib.import_module(name)
            except Exception:
                pass
            finally:
                self.ready[part].set()


_PRELOADER: list[_Preloader] = []  # at most one per process
_PRELOADER_LOCK = threading.Lock()


def warm_up(parts: Sequence[str] = READS) -> None:
    """Import `parts` of the SDK in the background (one importing thread per process), in that order.

    Why: each SDK package costs 0.01-0.2 s of CPU to import. Imported on first use, that time lands on
    the critical path of every `up`; imported here, it overlaps a wait: READS the token and metadata
    requests of the credential, WRITES (asked for once the preflight found something to do) the
    first steps' waits for Azure, and a run with nothing to do never imports WRITES. Only a wait
    hides an import: two threads busy at once only contend for the interpreter lock (an `up` on the
    in-process emulator spent ~0.1 s more CPU with READS imported beside its start-up). The cost is
    the import-lock discipline of `sdk_ready`: nothing else may import a part while the preloader
    holds it.
    """
    with _PRELOADER_LOCK:
        if not _PRELOADER:
            _PRELOADER.append(_Preloader())
            _PRELOADER[0].thread.start()
    _PRELOADER[0].want(parts)


def sdk_ready(part: str) -> None:
    """Wait until the background import has finished `part` (if one runs) before using it.

    Only one thread may import a package at a time: two threads entering a package's circular
    imports at once can see it half-initialised ("cannot import name ... from partially
    initialized module"). So while the preloader runs, everyone else waits for it instead.
    """
    if not _PRELOADER:
        return
    for event in _PRELOADER[0].waits_for(part):
        # In slices, never unbounded: a stop (Ctrl-C, SIGTERM) ends the wait even if the import is stuck.
        while not event.wait(READY_CHECK_SECONDS):
            stopping.check(f"importing the Azure SDK ({part})")


def shared_transport(pool_size: int = 256) -> HttpTransport[Any, Any]:
    """One requests session (one connection pool) shared by every client of a run.

    The pool keeps up to `pool_size` idle connections per host and opens them only on demand. A
    fleet at --parallel 20 has ~120 requests in flight at its peak (preflight reads, steps and
    pollers of each deployment); with a pool of 64 the rest were closed after one use (a new TLS
    handshake each time) and urllib3 warned "Connection pool is full" on stderr.
    """
    sdk_ready("core")
    import requests
    from azure.core.pipeline.transport import RequestsTransport

    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
    session.mount("https://", adapter)
    transport: HttpTransport[Any, Any] = RequestsTransport(session=session, session_owner=False)
    return transport


class Clients:
    """The management clients, each built on first use from one credential and one transport."""

    def __init__(
        self,
        credential: TokenCredential,
        subscription_id: str,
        *,
        transport: HttpTransport[Any, Any] | None = None,
        base_url: str = ARM_ENDPOINT,
        credential_scopes: tuple[str, ...] = (ARM_SCOPE,),
        polling_interval: float = NETWORK_POLL_SECONDS,
        cluster_polling_interval: float = CLUSTER_POLL_SECONDS,
    ) -> None:
        self.credential = credential
        self.subscription_id = subscription_id
        self.base_url = base_url
        self.credential_scopes = credential_scopes
        self.polling_interval = polling_interval
        self.cluster_polling_interval = cluster_polling_interval
        self._transport = transport
        self._lock = threading.Lock()

    @property
    def transport(self) -> HttpTransport[Any, Any]:
        with self._lock:
            if self._transport is None:
                self._transport = shared_transport()
            return self._transport

    def _kwargs(self, polling_interval: float) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "credential_scopes": list(self.credential_scopes),
            "transport": self.transport,
            "polling_interval": polling_interval,
            "user_agent": USER_AGENT,
        }

    @cached_property
    def resource(self) -> ResourceManagementClient:
        sdk_ready("resource")
        from azure.mgmt.resource.resources import ResourceManagementClient

        return ResourceManagementClient(self.credential, self.subscription_id, **self._kwargs(self.polling_interval))

    @cached_property
    def network(self) -> NetworkManagementClient:
        sdk_ready("network")
        from azure.mgmt.network import NetworkManagementClient

        return NetworkManagementClient(self.credential, self.subscription_id, **self._kwargs(self.polling_interval))

    @cached_property
    def msi(self) -> ManagedServiceIdentityClient:
        sdk_ready("msi")
        from azure.mgmt.msi import ManagedServiceIdentityClient

        return ManagedServiceIdentityClient(
            self.credential, self.subscription_id, **self._kwargs(self.polling_interval)
        )

    @cached_property
    def authorization(self) -> AuthorizationManagementClient:
        sdk_ready("authorization")
        from azure.mgmt.authorization import AuthorizationManagementClient

        return AuthorizationManagementClient(
            self.credential, self.subscription_id, **self._kwargs(self.polling_interval)
        )

    @cached_property
    def containerservice(self) -> ContainerServiceClient:
        sdk_ready("containerservice")
        from azure.mgmt.containerservice import ContainerServiceClient

        return ContainerServiceClient(
            self.credential, self.subscription_id, **self._kwargs(self.cluster_polling_interval)
        )

    @cached_property
    def privatedns(self) -> PrivateDnsManagementClient:
        sdk_ready("privatedns")
        from azure.mgmt.privatedns import PrivateDnsManagementClient

        return PrivateDnsManagementClient(self.credential, self.subscription_id, **self._kwargs(self.polling_interval))
