"""Public IPs, public IP prefixes and NAT gateways: created and converged when this deployment owns them,
only read when you bring them. A public IP or prefix is never re-PUT: its address and size are fixed."""

from __future__ import annotations

from typing import Any

from aksnet.arm import ResourceId, key
from aksnet.azure.arm import arm_dict
from aksnet.azure.context import RunContext, outcome
from aksnet.azure.steps.network import ensure, lro, models
from aksnet.plan import Step
from aksnet.result import ResourceResult


def _unchanged(ctx: RunContext, step: Step, rid: ResourceId, current: Any) -> ResourceResult:
    return outcome(step, "unchanged")


def ensure_public_ip(ctx: RunContext, step: Step) -> ResourceResult:
    ips = ctx.clients.network.public_ip_addresses
    return ensure(
        ctx,
        step,
        "public IP",
        read=lambda rid: ips.get(rid.resource_group, rid.name),
        create=lambda rid, body: ips.begin_create_or_update(
            rid.resource_group, rid.name, models().PublicIPAddress(body)
        ),
        converge=_unchanged,
    )


def ensure_public_ip_prefix(ctx: RunContext, step: Step) -> ResourceResult:
    prefixes = ctx.clients.network.public_ip_prefixes
    return ensure(
        ctx,
        step,
        "public IP prefix",
        read=lambda rid: prefixes.get(rid.resource_group, rid.name),
        create=lambda rid, body: prefixes.begin_create_or_update(
            rid.resource_group, rid.name, models().PublicIPPrefix(body)
        ),
        converge=_unchanged,
    )


def ensure_nat_gateway(ctx: RunContext, step: Step) -> ResourceResult:
    gateways = ctx.clients.network.nat_gateways
    return ensure(
        ctx,
        step,
        "NAT gateway",
        read=lambda rid: gateways.get(rid.resource_group, rid.name),
        create=lambda rid, body: gateways.begin_create_or_update(
            rid.resource_group, rid.name, models().NatGateway(body)
        ),
        converge=_converge_nat_gateway,
    )


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
