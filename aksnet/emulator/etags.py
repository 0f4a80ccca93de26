"""Optimistic concurrency: `If-Match` / `If-None-Match` against a resource's eTag, with each RP's answer.

AKS (managed clusters, agent pools) answers a mismatch with its unwrapped 409 `EtagMismatch`, and an
If-Match on a resource that does not exist with 412 `PreconditionFailed` (texts from Azure/terraform-
azurerm-aks#604 and Azure/azure-cli#30309). The Network RP answers 412 `PreconditionFailed` with a
`PreconditionFailedEtagMismatch` detail (kubernetes-sigs/cloud-provider-azure#9729). If-None-Match
on an existing resource is 412 `PreconditionFailed` for both (its text is the emulator's own).
"""

from __future__ import annotations

from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError

EXISTS = "The resource already exists and the If-None-Match header does not allow that."


def check_aks(ctx: Ctx, current: str | None) -> None:
    """AKS's checks of a PUT or DELETE on a cluster or agent pool whose eTag is `current` (None: absent)."""
    wanted, unwanted = _conditions(ctx)
    if wanted is not None and current is None:
        raise ArmError(
            412,
            "PreconditionFailed",
            "Resource not found but ETag header is provided. If this is a request to create, please do not "
            "provide ETag.",
            wrapped=False,
        )
    if wanted is not None and wanted not in ("*", current):
        raise ArmError(
            409,
            "EtagMismatch",
            "Operation is not allowed: Another operation is in progress",
            details=[{"code": "Unspecified", "message": "rpc error: code = FailedPrecondition desc = Etag mismatched"}],
            wrapped=False,
        )
    if current is not None and unwanted in ("*", current):
        raise ArmError(412, "PreconditionFailed", EXISTS, wrapped=False)


def check_network(ctx: Ctx, resource_id: str, current: str | None) -> None:
    """The Network RP's checks of a PUT or DELETE on a resource whose etag is `current` (None: absent)."""
    wanted, unwanted = _conditions(ctx)
    if wanted is not None and (current is None or wanted not in ("*", current)):
        detail = {
            "code": "PreconditionFailedEtagMismatch",
            "message": f"Etag provided in if-match header {wanted} does not match etag {current} of resource "
            f"{resource_id} in NRP data store.",
        }
        raise ArmError(412, "PreconditionFailed", "Precondition failed.", details=[detail])
    if current is not None and unwanted in ("*", current):
        raise ArmError(412, "PreconditionFailed", EXISTS)


def _conditions(ctx: Ctx) -> tuple[str | None, str | None]:
    headers = ctx.req.headers
    return headers.get("if-match") or None, headers.get("if-none-match") or None
