"""The private DNS zone of a private cluster's API server: created when this deployment owns it, read
when you bring it. AKS writes the API server's record and its VNet link into the zone itself."""

from __future__ import annotations

from typing import Any

from aksnet.arm import ResourceId
from aksnet.azure.context import RunContext
from aksnet.azure.steps.network import ensure, nothing_to_converge
from aksnet.live.actions import decide_kept
from aksnet.plan import Step
from aksnet.result import ResourceResult


def ensure_private_dns_zone(ctx: RunContext, step: Step) -> ResourceResult:
    def put(rid: ResourceId, body: dict[str, Any]) -> Any:
        from azure.mgmt.privatedns.models import PrivateZone

        return ctx.clients.privatedns.private_zones.begin_create_or_update(
            rid.resource_group, rid.name, PrivateZone(body)
        )

    return ensure(
        ctx,
        step,
        "private DNS zone",
        put=put,
        decide=decide_kept,
        converge=nothing_to_converge,
    )
