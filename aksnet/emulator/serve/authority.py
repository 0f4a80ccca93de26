"""A fake Microsoft Entra authority on the served emulator's own host, so clients get tokens offline.

OIDC discovery (`/{tenant}/v2.0/.well-known/openid-configuration`) and the client-credentials token
endpoint (`/{tenant}/oauth2/v2.0/token`) are all MSAL needs for `az login --service-principal` and
azure-identity's ClientSecretCredential. Any client id and secret get a token: an unsigned JWT the
emulator accepts as any bearer token. Other grants (device code, password, interactive) are refused,
as Graph is (`/graph/...` answers 403 Authorization_RequestDenied): they are not emulated.
"""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any
from urllib.parse import parse_qs

from aksnet.emulator.emulator import CALLER_OBJECT_ID

TOKEN_SECONDS = 24 * 3600


Answer = tuple[int, dict[str, Any]]
_DISCOVERY = re.compile(r"^/([^/]+)/v2\.0/\.well-known/openid-configuration$", re.IGNORECASE)
_TOKEN = re.compile(r"^/([^/]+)/oauth2/v2\.0/token$", re.IGNORECASE)
_KEYS = re.compile(r"^/([^/]+)/discovery/v2\.0/keys$", re.IGNORECASE)


def answers(method: str, path: str) -> bool:
    """Whether this request is for the authority or Graph rather than for ARM."""
    return bool(path.startswith("/graph/") or any(p.match(path) for p in (_DISCOVERY, _TOKEN, _KEYS)))


def answer(method: str, path: str, base: str, form: bytes | None) -> Answer:
    if path.startswith("/graph/"):
        return 403, _graph_denied()
    if (found := _DISCOVERY.match(path)) and method == "GET":
        return 200, discovery(base, found.group(1))
    if (found := _KEYS.match(path)) and method == "GET":
        return 200, {"keys": []}
    if (found := _TOKEN.match(path)) and method == "POST":
        return token(base, found.group(1), form or b"")
    return 405, {"error": "invalid_request", "error_description": f"{method} is not supported on {path}."}


def discovery(base: str, tenant: str) -> dict[str, Any]:
    """The OpenID configuration MSAL reads before its first token request."""
    root = f"{base}/{tenant}"
    return {
        "issuer": f"{root}/v2.0",
        "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
        "token_endpoint": f"{root}/oauth2/v2.0/token",
        "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
        "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
        "jwks_uri": f"{root}/discovery/v2.0/keys",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "tenant_region_scope": "NA",
        "cloud_instance_name": "aksnet.invalid",
    }


def token(base: str, tenant: str, form: bytes) -> Answer:
    """A client-credentials token for whatever client and scope ask; other grants are refused."""
    fields = {k: v[0] for k, v in parse_qs(form.decode("utf-8", "replace")).items()}
    if fields.get("grant_type") != "client_credentials":
        return 400, {
            "error": "unsupported_grant_type",
            "error_description": "The aksnet emulator's authority issues client-credentials tokens only "
            "(az login --service-principal, a client secret or certificate).",
        }
    client = fields.get("client_id", "")
    scope = fields.get("scope", "")
    now = int(time.time())
    claims = {
        "aud": scope.removesuffix(".default").removesuffix("/") or base,
        "iss": f"{base}/{tenant}/v2.0",
        "iat": now,
        "nbf": now,
        "exp": now + TOKEN_SECONDS,
        "appid": client,
        "azp": client,
        "oid": CALLER_OBJECT_ID,
        "sub": CALLER_OBJECT_ID,
        "tid": tenant,
        "ver": "2.0",
    }
    body = {
        "token_type": "Bearer",
        "expires_in": TOKEN_SECONDS,
        "ext_expires_in": TOKEN_SECONDS,
        "access_token": _unsigned_jwt(claims),
    }
    return 200, body


def _unsigned_jwt(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _graph_denied() -> dict[str, Any]:
    return {
        "error": {
            "code": "Authorization_RequestDenied",
            "message": "Insufficient privileges to complete the operation.",
            "innerError": {"request-id": "00000000-0000-0000-0000-000000000000"},
        }
    }
