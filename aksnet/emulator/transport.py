"""The azure-core side: a RequestsTransport whose session talks to the emulator, and a fake credential.

Only this module imports azure.core and requests; `aksnet.emulator` imports it lazily.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING, Any

import requests
import urllib3
from azure.core.credentials import AccessToken, AccessTokenInfo
from azure.core.pipeline.transport import RequestsTransport
from requests.adapters import BaseAdapter, HTTPAdapter

if TYPE_CHECKING:
    from aksnet.emulator.emulator import Emulator

ARM_PREFIX = "https://management.azure.com/"
# A fixed placeholder, not a secret; the emulator only checks that a bearer token is present.
FAKE_TOKEN = "aksnet-emulator-token"
_REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
}


class _EmulatorAdapter(BaseAdapter):
    """A requests adapter that answers from the emulator instead of the network."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__()
        self._emulator = emulator
        self._builder = HTTPAdapter()

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        content = request.body.encode() if isinstance(request.body, str) else request.body
        status, headers, payload = self._emulator.handle_http(
            request.method or "GET", request.url or "", dict(request.headers), content if content else None
        )
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(payload),
            headers=headers,
            status=status,
            reason=_REASONS.get(status, "Error"),
            preload_content=False,
        )
        return self._builder.build_response(request, raw)

    def close(self) -> None:
        self._builder.close()


class _NoNetworkAdapter(BaseAdapter):
    """Anything not addressed to ARM fails: the emulator never reaches the network."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        raise requests.ConnectionError(f"the aksnet emulator only serves {ARM_PREFIX}, not {request.url}")

    def close(self) -> None:
        return None


class EmulatorTransport(RequestsTransport):  # type: ignore[misc]
    """azure-core's RequestsTransport over the emulator; its sleep is the emulator's clock."""

    def __init__(self, emulator: Emulator) -> None:
        session = requests.Session()
        session.trust_env = False  # no proxy or ~/.netrc lookups per request: nothing leaves the process
        session.mount("https://", _NoNetworkAdapter())
        session.mount("http://", _NoNetworkAdapter())
        session.mount(ARM_PREFIX, _EmulatorAdapter(emulator))
        super().__init__(session=session, session_owner=False)
        self._emulator = emulator

    def sleep(self, duration: float) -> None:
        # azure-core routes every retry back-off and LRO poll wait through transport.sleep.
        self._emulator.clock.sleep(duration)


class FakeCredential:
    """A TokenCredential that hands out a fixed fake token valid for an hour."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(FAKE_TOKEN, int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        return AccessTokenInfo(FAKE_TOKEN, int(time.time()) + 3600)
