"""Public IPs, public IP prefixes and NAT gateways: created and converged when this deployment owns them,
only read when you bring them. A public IP or prefix is never re-PUT: its address and size are fixed."""

from __future__ import annotations

from typing import Any

from aksnet.arm import ResourceId, key
from aksnet.azure.arm import arm_dict
from aksnet.azure.context import RunContext, outcome
from aksnet.azure.steps.network import Converge, ensure, lro, models, unchanged
from aksnet.plan import Step
from aksnet.result import ResourceResult


def _network_resource(label: str, operations: str, model: str, converge: Converge = unchanged) -> Any:
    """The step handler of one Network resource type: its operations group and SDK model by name."""

    def handler(ctx: RunContext, step: Step) -> ResourceResult:
        ops = getattr(ctx.clients.network, operations)
        return ensure(
            ctx,
            step,
            label,
            read=lambda rid: ops.get(rid.resource_group, rid.name),
            create=lambda rid, body: ops.begin_create_or_update(
                rid.resource_group, rid.name, getattr(models(), model)(body)
            ),
            converge=converge,
        )

    return handler


def _ids(items: Any) -> set[str]:
    return {key(str(i["id"])) for i in items or ()}


def _converge_nat_gateway(ctx: RunContext, step: Step, rid: ResourceId, current: Any) -> ResourceResult:
    want, have = dict(step.body or {})["properties"], arm_dict(current).get("properties", {})
    same = have.get("idleTimeoutInMinutes") == want["idleTimeoutInMinutes"] and all(
        _ids(have.get(field)) == _ids(want.get(field)) for field in ("publicIpAddresses", "publicIpPrefixes")
    )
    if same:
        return outcome(step, "unchanged")
    gateways, model = ctx.clients.network.nat_gateways, models().NatGateway(dict(step.body or {}))
    doing = f"updating NAT gateway {rid.name}"
    lro(ctx, step, doing, lambda: gateways.begin_create_or_update(rid.resource_group, rid.name, model))
    return outcome(step, "updated", "idle timeout or public IPs set to match the spec")


ensure_public_ip = _network_resource("public IP", "public_ip_addresses", "PublicIPAddress")
ensure_public_ip_prefix = _network_resource("public IP prefix", "public_ip_prefixes", "PublicIPPrefix")
ensure_nat_gateway = _network_resource("NAT gateway", "nat_gateways", "NatGateway", _converge_nat_gateway)
