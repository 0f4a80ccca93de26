"""What a client reads before any resource: cloud metadata, its tenants and its subscriptions.

`GET /metadata/endpoints` is ARM's unauthenticated cloud discovery (`az cloud register` reads it);
on any host but management.azure.com it names that host as the resource manager, the Microsoft
Entra authority and the Graph endpoint, which is what a served emulator answers on. Every
subscription id is accepted; the list names the zero subscription and every one holding a group.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from aksnet.emulator import ids
from aksnet.emulator.context import Ctx
from aksnet.emulator.router import ARM, Response, Route, route

ZERO_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
PUBLIC_AUTHORITY = "https://login.microsoftonline.com"
DISPLAY_NAME = "aksnet emulator"
AUDIENCES = ["https://management.core.windows.net/", "https://management.azure.com/"]


def authority_of(base: str) -> str:
    """The Microsoft Entra authority for an ARM host: Azure's own, or the emulator's host itself."""
    return PUBLIC_AUTHORITY if urlsplit(base).netloc == urlsplit(ARM).netloc else base


def endpoints(base: str) -> dict[str, Any]:
    """The `/metadata/endpoints?api-version=2022-09-01` document (one cloud) for an ARM host."""
    public = authority_of(base) == PUBLIC_AUTHORITY
    graph = "https://graph.microsoft.com/" if public else f"{base}/graph/"
    return {
        "name": "AzureCloud" if public else "AksnetEmulator",
        "resourceManager": f"{base}/",
        "portal": "https://portal.azure.com",
        "authentication": {
            "loginEndpoint": f"{authority_of(base)}/",
            "audiences": AUDIENCES,
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "graph": "https://graph.windows.net/",
        "graphAudience": "https://graph.windows.net/",
        "microsoftGraphResourceId": graph,
        "gallery": "https://gallery.azure.com/",
        "media": "https://rest.media.azure.net",
        "sqlManagement": "https://management.core.windows.net:8443/",
        "batch": "https://batch.core.windows.net/",
        "suffixes": {
            "acrLoginServer": "azurecr.io",
            "keyVaultDns": "vault.azure.net",
            "sqlServerHostname": "database.windows.net",
            "storage": "core.windows.net",
        },
    }


def get_endpoints(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(200, endpoints(ctx.req.base))


def subscription_body(sub: str, tenant_id: str) -> dict[str, Any]:
    """A subscription as `GET /subscriptions/{id}` returns it (the fields `az account` shows)."""
    return {
        "id": ids.subscription_id(sub),
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": sub,
        "tenantId": tenant_id,
        "displayName": DISPLAY_NAME,
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
    }


def get_subscription(ctx: Ctx, params: dict[str, str]) -> Response:
    return Response(200, subscription_body(params["sub"], ctx.settings.tenant_id))


def list_subscriptions(ctx: Ctx, params: dict[str, str]) -> Response:
    seen = {ZERO_SUBSCRIPTION: ZERO_SUBSCRIPTION}
    for row in ctx.tx.of_type(ids.RESOURCE_GROUP):
        sub = ids.subscription_of(row.id)
        seen.setdefault(sub.lower(), sub)
    return Response(200, {"value": [subscription_body(s, ctx.settings.tenant_id) for s in seen.values()]})


def list_tenants(ctx: Ctx, params: dict[str, str]) -> Response:
    tenant = ctx.settings.tenant_id
    body = {
        "id": f"/tenants/{tenant}",
        "tenantId": tenant,
        "tenantCategory": "Home",
        "countryCode": "US",
        "displayName": DISPLAY_NAME,
        "domains": ["aksnet.invalid"],
        "defaultDomain": "aksnet.invalid",
        "tenantType": "AAD",
    }
    return Response(200, {"value": [body]})


METADATA = "/metadata/endpoints"
ROUTES: list[Route] = [
    route("GET", METADATA, get_endpoints, "metadata"),
    route("GET", "/subscriptions", list_subscriptions, "Microsoft.Resources/subscriptions"),
    route("GET", "/tenants", list_tenants, "Microsoft.Resources/tenants"),
    route("GET", "/subscriptions/{sub}", get_subscription, "Microsoft.Resources/subscriptions"),
]
