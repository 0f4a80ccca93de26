"""Public IPs, public IP prefixes and NAT gateways: created and converged when this deployment owns them,
only read when you bring them. A public IP or prefix is never re-PUT: its address and size are fixed."""

from __future__ import annotations

from typing import Any

from aksnet.arm import ResourceId
from aksnet.azure.context import RunContext
from aksnet.azure.steps.network import Converge, Decide, ensure, lro, models, nothing_to_converge
from aksnet.live.actions import decide_kept, decide_nat_gateway
from aksnet.plan import Step
from aksnet.result import ResourceResult


def _network_resource(
    label: str, operations: str, model: str, decide: Decide = decide_kept, converge: Converge = nothing_to_converge
) -> Any:
    """The step handler of one Network resource type: its operations group and SDK model by name."""

    def handler(ctx: RunContext, step: Step) -> ResourceResult:
        return ensure(
            ctx,
            step,
            label,
            put=lambda rid, body: getattr(ctx.clients.network, operations).begin_create_or_update(
                rid.resource_group, rid.name, getattr(models(), model)(body)
            ),
            decide=decide,
            converge=converge,
        )

    return handler


def _converge_nat_gateway(ctx: RunContext, step: Step, rid: ResourceId, current: dict[str, Any]) -> None:
    gateways, model = ctx.clients.network.nat_gateways, models().NatGateway(dict(step.body or {}))
    doing = f"updating NAT gateway {rid.name}"
    lro(ctx, step, doing, lambda: gateways.begin_create_or_update(rid.resource_group, rid.name, model))


ensure_public_ip = _network_resource("public IP", "public_ip_addresses", "PublicIPAddress")
ensure_public_ip_prefix = _network_resource("public IP prefix", "public_ip_prefixes", "PublicIPPrefix")
ensure_nat_gateway = _network_resource(
    "NAT gateway", "nat_gateways", "NatGateway", decide_nat_gateway, _converge_nat_gateway
)
