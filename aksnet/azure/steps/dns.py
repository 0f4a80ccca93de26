"""The private DNS zone of a private cluster's API server: created when this deployment owns it, read
when you bring it. AKS writes the API server's record and its VNet link into the zone itself."""

from __future__ import annotations

from aksnet.azure.context import RunContext
from aksnet.azure.steps.network import ensure, nothing_to_converge
from aksnet.live.actions import decide_kept
from aksnet.plan import Step
from aksnet.result import ResourceResult


def ensure_private_dns_zone(ctx: RunContext, step: Step) -> ResourceResult:
    from azure.mgmt.privatedns.models import PrivateZone

    zones = ctx.clients.privatedns.private_zones
    return ensure(
        ctx,
        step,
        "private DNS zone",
        read=lambda rid: zones.get(rid.resource_group, rid.name),
        put=lambda rid, body: zones.begin_create_or_update(rid.resource_group, rid.name, PrivateZone(body)),
        decide=decide_kept,
        converge=nothing_to_converge,
    )
