"""Credentials: DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from aksnet.clouds import CLOUDS, DEFAULT_CLOUD, Cloud
from aksnet.errors import AuthError

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

LOGIN_HELP = (
    "log in with `az login`, or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET (or a federated token "
    "for workload identity), or run where a managed identity is available"
)


def default_credential(cloud: Cloud | None = None) -> TokenCredential:
    """The credential chain behind one shared token, fetched now so a missing login fails fast with exit 4.

    A named cloud uses DefaultAzureCredential with its authority; a custom endpoint's authority (Azure
    Stack Hub, a served emulator) is unknown to Microsoft's instance discovery, so there the chain is the
    environment's service principal (AZURE_CLIENT_ID/SECRET/TENANT_ID) without it, then the Azure CLI.
    """
    from azure.core.exceptions import ClientAuthenticationError

    target = cloud or CLOUDS[DEFAULT_CLOUD]
    credential = SharedToken(_chain(target))
    try:
        credential.get_token_info(target.scope)  # the call azure-core's bearer policy makes: it is cached for it
    except ClientAuthenticationError:
        # The chain's own text lists each source it tried; it holds no secret, but it is long.
        raise AuthError(
            f"no usable Azure credential for {target.describe()}", code="NO_CREDENTIAL", hint=LOGIN_HELP
        ) from None
    return credential


def _chain(cloud: Cloud) -> Any:
    from azure.identity import AzureCliCredential, ChainedTokenCredential, DefaultAzureCredential, EnvironmentCredential

    if cloud.known:
        return DefaultAzureCredential(authority=cloud.authority, exclude_interactive_browser_credential=True)
    environment = EnvironmentCredential(authority=cloud.authority, disable_instance_discovery=True)
    return ChainedTokenCredential(environment, AzureCliCredential())


# A cached token is renewed this long before it expires (azure-core's own policies use 300 s too).
TOKEN_REFRESH_SECONDS = 300.0


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
