"""Cluster actions beside PUT: credentials (a kubeconfig), stop and start, and the Kubernetes versions on offer.

`listClusterUserCredential` / `listClusterAdminCredential` answer as the real API does: the kubeconfig
YAML, base64-encoded, in `kubeconfigs[].value`. Its certificates and token are placeholders derived
from the cluster id (no cluster runs behind the emulator), in the places and encodings kubectl reads.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from aksnet.emulator import aks_model, containerservice, ids, latency, lro
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError
from aksnet.emulator.router import Response, Route, route
from aksnet.emulator.store import Tx

# (minor, patches, default): what `locations/{location}/kubernetesVersions` offers; the default is what a
# cluster gets without kubernetesVersion (aks_model.DEFAULT_KUBERNETES_VERSION).
KUBERNETES_VERSIONS = (
    ("1.31", ("1.31.10", "1.31.11"), False),
    ("1.32", ("1.32.6", "1.32.7"), False),
    ("1.33", ("1.33.2", "1.33.3"), True),
)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _placeholder_pem(kind: str, seed: str) -> str:
    digest = hashlib.sha256(f"{kind}:{seed}".encode()).digest() * 8
    body = base64.b64encode(digest).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {kind}-----", *lines, f"-----END {kind}-----", ""])


def kubeconfig(mc: dict[str, Any], user: str) -> str:
    """A kubeconfig for the cluster's API server (`user` is clusterUser or clusterAdmin), as az writes it."""
    name, rg = mc["name"], ids.rg_of(mc["id"])
    account = f"{user}_{rg}_{name}"
    context = f"{name}-admin" if user == "clusterAdmin" else name  # az aks get-credentials --admin names it so
    token = hashlib.sha256(f"token:{user}:{mc['id']}".lower().encode()).hexdigest()
    return "\n".join(
        [
            "apiVersion: v1",
            "clusters:",
            "- cluster:",
            f"    certificate-authority-data: {_b64(_placeholder_pem('CERTIFICATE', mc['id']))}",
            f"    server: https://{mc['properties']['fqdn']}:443",
            f"  name: {name}",
            "contexts:",
            "- context:",
            f"    cluster: {name}",
            f"    user: {account}",
            f"  name: {context}",
            f"current-context: {context}",
            "kind: Config",
            "preferences: {}",
            "users:",
            f"- name: {account}",
            "  user:",
            f"    client-certificate-data: {_b64(_placeholder_pem('CERTIFICATE', account))}",
            f"    client-key-data: {_b64(_placeholder_pem('RSA PRIVATE KEY', account))}",
            f"    token: {token}",
            "",
        ]
    )


def _credentials(ctx: Ctx, params: dict[str, str], user: str) -> Response:
    mc = ctx.require(containerservice.cluster_id(params)).body
    if user == "clusterAdmin" and mc["properties"].get("disableLocalAccounts"):
        raise ArmError(
            400,
            "BadRequest",
            "Getting static credential is not allowed because this cluster is set to disable local accounts.",
            wrapped=False,
        )
    return Response(200, {"kubeconfigs": [{"name": user, "value": _b64(kubeconfig(mc, user))}]})


def list_user_credential(ctx: Ctx, params: dict[str, str]) -> Response:
    return _credentials(ctx, params, "clusterUser")


def list_admin_credential(ctx: Ctx, params: dict[str, str]) -> Response:
    return _credentials(ctx, params, "clusterAdmin")


def _power(ctx: Ctx, params: dict[str, str], code: str) -> Response:
    """Stop or start: 202 with Azure-AsyncOperation and Location; the power state changes at the end."""
    cluster = ctx.require(containerservice.cluster_id(params))
    containerservice.check_idle(ctx, cluster)
    state = "Stopping" if code == "Stopped" else "Starting"
    op = containerservice.start_operation(ctx, cluster, "cluster_power", latency.CLUSTER_STOP_START, state, power=code)
    return Response(202, None, lro.headers(op, location=True))


def stop(ctx: Ctx, params: dict[str, str]) -> Response:
    return _power(ctx, params, "Stopped")


def start(ctx: Ctx, params: dict[str, str]) -> Response:
    return _power(ctx, params, "Running")


@lro.completion("cluster_power")
def _powered(tx: Tx, op: dict[str, Any], ok: bool) -> None:
    row = lro.current(tx, op)
    if row is None:
        return
    if ok:
        power = {"code": op["payload"]["power"]}
        row.body["properties"]["powerState"] = power
        for pool in row.body["properties"].get("agentPoolProfiles") or []:
            pool["powerState"] = dict(power)
    aks_model.set_state(row.body, "Succeeded" if ok else "Failed")
    tx.put(row)


def kubernetes_versions(ctx: Ctx, params: dict[str, str]) -> Response:
    """`values`, newest last, each minor with its patches and the upgrades each patch may take."""
    patches = [p for _, ps, _ in KUBERNETES_VERSIONS for p in ps]
    values = [
        {
            "version": minor,
            "capabilities": {"supportPlan": ["KubernetesOfficial"]},
            "isDefault": default,
            "isPreview": False,
            "patchVersions": {p: {"upgrades": patches[patches.index(p) + 1 :]} for p in ps},
        }
        for minor, ps, default in KUBERNETES_VERSIONS
    ]
    return Response(200, {"values": values})


_CLUSTER = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}"
_TYPE = ids.MANAGED_CLUSTER
ROUTES: list[Route] = [
    route("POST", _CLUSTER + "/listClusterUserCredential", list_user_credential, _TYPE),
    route("POST", _CLUSTER + "/listClusterAdminCredential", list_admin_credential, _TYPE),
    route("POST", _CLUSTER + "/stop", stop, _TYPE),
    route("POST", _CLUSTER + "/start", start, _TYPE),
    route(
        "GET",
        "/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions",
        kubernetes_versions,
        "Microsoft.ContainerService/locations/kubernetesVersions",
    ),
]
