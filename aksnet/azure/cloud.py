"""A custom ARM endpoint's cloud, read from its unauthenticated `/metadata/endpoints`, as az does."""

from __future__ import annotations

from aksnet.clouds import Cloud, scope_of
from aksnet.errors import AuthError

METADATA_API = "2022-09-01"
TIMEOUT = 30


def discover(arm_endpoint: str) -> Cloud:
    """The authority and token audience `arm_endpoint` names; AuthError (exit 4) when it cannot say."""
    import requests

    base = arm_endpoint.rstrip("/")
    url = f"{base}/metadata/endpoints?api-version={METADATA_API}"
    try:
        reply = requests.get(url, timeout=TIMEOUT)
        reply.raise_for_status()
        document = reply.json()
        auth = document["authentication"]
        authority, audience = str(auth["loginEndpoint"]).rstrip("/"), str(auth["audiences"][0])
        name = str(document.get("name") or "custom")
    except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as exc:
        raise AuthError(
            f"cannot read the cloud's endpoints from {url}: {type(exc).__name__}",
            code="ARM_ENDPOINT_UNREACHABLE",
            hint="check --arm-endpoint (or AKSNET_ARM_ENDPOINT); for a self-signed certificate, point "
            "REQUESTS_CA_BUNDLE at its CA bundle (aksnet emulator serve prints it)",
        ) from None
    return Cloud(name, base, authority, scope_of(audience), known=False)
