"""Credentials: DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aksnet.errors import AuthError

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

ARM_SCOPE = "https://management.azure.com/.default"
LOGIN_HELP = (
    "log in with `az login`, or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET (or a federated token "
    "for workload identity), or run where a managed identity is available"
)


def default_credential() -> TokenCredential:
    """The credential chain, checked once so a missing login fails fast with exit 4."""
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import DefaultAzureCredential

    credential = DefaultAzureCredential(exclude_interactive_browser_credential=True)
    try:
        credential.get_token(ARM_SCOPE)
    except ClientAuthenticationError:
        # The chain's own text lists each source it tried; it holds no secret, but it is long.
        raise AuthError("no usable Azure credential", code="NO_CREDENTIAL", details=LOGIN_HELP) from None
    return credential
