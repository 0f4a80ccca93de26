"""`listClusterUserCredential` / `listClusterAdminCredential`: a cluster's kubeconfig, as AKS returns it.

The answer is `{"kubeconfigs": [{"name": "clusterUser"|"clusterAdmin", "value": <base64 of the YAML>}]}`
(ManagedClusters_ListClusterUserCredentials in the AKS REST examples): a cluster named after the
managed cluster with its API server FQDN, a user `clusterUser_<rg>_<name>` (or `clusterAdmin_...`) and a
context (`<name>`, or `<name>-admin` for the admin credential) that is current. The certificates and
token are made-up bytes: the emulator runs no API server, so nothing can use them.
"""

from __future__ import annotations

import base64
import hashlib

import yaml

from aksnet.emulator import ids
from aksnet.emulator.context import Ctx
from aksnet.emulator.router import Response, Route, route

_CLUSTER = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}"


def user_credentials(ctx: Ctx, params: dict[str, str]) -> Response:
    return _credentials(ctx, params, admin=False)


def admin_credentials(ctx: Ctx, params: dict[str, str]) -> Response:
    return _credentials(ctx, params, admin=True)


def _credentials(ctx: Ctx, params: dict[str, str], *, admin: bool) -> Response:
    cluster = ctx.require(ids.provider_id(params["sub"], params["rg"], ids.MANAGED_CLUSTER, params["name"]))
    fqdn = str(cluster.body.get("properties", {}).get("fqdn") or f"{params['name']}.hcp.azmk8s.io")
    kind = "clusterAdmin" if admin else "clusterUser"
    config = kubeconfig(cluster.body["name"], params["rg"], fqdn, kind)
    value = base64.b64encode(config.encode()).decode()
    return Response(200, {"kubeconfigs": [{"name": kind, "value": value}]})


def kubeconfig(name: str, resource_group: str, fqdn: str, kind: str) -> str:
    """A kubeconfig in the shape AKS returns."""
    user = f"{kind}_{resource_group}_{name}"
    context = f"{name}-admin" if kind == "clusterAdmin" else name
    fake = base64.b64encode(hashlib.sha256(f"{fqdn}/{kind}".encode()).digest()).decode()
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {"certificate-authority-data": fake, "server": f"https://{fqdn}:443"}}],
        "contexts": [{"name": context, "context": {"cluster": name, "user": user}}],
        "current-context": context,
        "preferences": {},
        "users": [{"name": user, "user": {"client-certificate-data": fake, "client-key-data": fake, "token": fake}}],
    }
    return str(yaml.safe_dump(document, default_flow_style=False, sort_keys=False))


ROUTES: list[Route] = [
    route("POST", _CLUSTER + "/listClusterUserCredential", user_credentials, ids.MANAGED_CLUSTER),
    route("POST", _CLUSTER + "/listClusterAdminCredential", admin_credentials, ids.MANAGED_CLUSTER),
]
