"""VNet, route table and subnet: create what this deployment owns, only read what the user brought.

A route table is never re-PUT once it exists: AKS writes its pod routes into it (kubenet), and a
PUT of the table would delete them. Missing or changed routes of the spec are PUT one by one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from aksnet.arm import ResourceId, subnet_record
from aksnet.azure.arm import arm_dict, get_or_none
from aksnet.azure.context import RunContext, decided
from aksnet.azure.errors import azure_call
from aksnet.azure.lro import wait_for
from aksnet.live.actions import (
    ASSOCIATIONS,
    Decision,
    decide_route_table,
    decide_subnet,
    decide_vnet,
    delegated,
    routes_to_set,
    step_field,
)
from aksnet.plan import Step
from aksnet.result import ResourceResult


def models() -> Any:
    """azure.mgmt.network.models, imported when a step first needs it."""
    from azure.mgmt.network import models as network_models

    return network_models


def lro(ctx: RunContext, step: Step, doing: str, start: Callable[[], Any]) -> None:
    """Start a long-running operation and wait for it, reporting progress and honouring Ctrl-C."""
    with azure_call(doing):
        poller = start()
    wait_for(poller, doing=doing, stop=ctx.stop, report=ctx.reporter(step))


Decide = Callable[[Step, Mapping[str, Any] | None, str], Decision]
Converge = Callable[[RunContext, Step, ResourceId, dict[str, Any]], None]


def nothing_to_converge(ctx: RunContext, step: Step, rid: ResourceId, current: dict[str, Any]) -> None:
    """For what is fixed once created: its decision never asks for an update."""


def ensure(
    ctx: RunContext,
    step: Step,
    label: str,
    *,
    read: Callable[[ResourceId], Any],
    create: Callable[[ResourceId, dict[str, Any]], Any],
    decide: Decide,
    converge: Converge,
) -> ResourceResult:
    """Read, decide (aksnet.live.actions), then create what is missing or converge what is ours."""
    rid = ResourceId.parse(step.resource_id)
    found = get_or_none(lambda: read(rid), f"reading {label} {rid.name}")
    current = arm_dict(found) if found is not None else None
    decision = decide(step, current, ctx.deployment)
    if decision.writes and current is None:
        lro(ctx, step, f"creating {label} {rid.name}", lambda: create(rid, dict(step.body or {})))
    elif decision.writes and current is not None:
        converge(ctx, step, rid, current)
    return decided(step, decision)


def ensure_vnet(ctx: RunContext, step: Step) -> ResourceResult:
    vnets = ctx.clients.network.virtual_networks
    result = ensure(
        ctx,
        step,
        "VNet",
        read=lambda rid: vnets.get(rid.resource_group, rid.name),
        create=lambda rid, body: vnets.begin_create_or_update(
            rid.resource_group, rid.name, models().VirtualNetwork(body)
        ),
        decide=decide_vnet,
        converge=_converge_vnet,
    )
    ctx.vnet_created = result.action == "created"
    ctx.vnet_owned = result.action in ("created", "updated", "unchanged")
    return result


def _converge_vnet(ctx: RunContext, step: Step, rid: ResourceId, current: dict[str, Any]) -> None:
    body = dict(step.body or {})
    # Without a `subnets` key (API >= 2023-11-01) a VNet PUT keeps every existing subnet.
    update = {**body, "properties": {k: v for k, v in body["properties"].items() if k != "subnets"}}
    vnets = ctx.clients.network.virtual_networks
    model = models().VirtualNetwork(update)
    lro(
        ctx,
        step,
        f"updating VNet {rid.name}",
        lambda: vnets.begin_create_or_update(rid.resource_group, rid.name, model),
    )


def ensure_route_table(ctx: RunContext, step: Step) -> ResourceResult:
    tables = ctx.clients.network.route_tables
    return ensure(
        ctx,
        step,
        "route table",
        read=lambda rid: tables.get(rid.resource_group, rid.name),
        create=lambda rid, body: tables.begin_create_or_update(rid.resource_group, rid.name, models().RouteTable(body)),
        decide=decide_route_table,
        converge=_converge_routes,
    )


def _converge_routes(ctx: RunContext, step: Step, rid: ResourceId, current: dict[str, Any]) -> None:
    """PUT each missing or changed route of the spec on its own; the table and its other routes stay."""
    for route in routes_to_set(current, dict(step.body or {})["properties"]["routes"]):
        name, model = route["name"], models().Route({"properties": route["properties"]})
        start = partial(ctx.clients.network.routes.begin_create_or_update, rid.resource_group, rid.name, name, model)
        lro(ctx, step, f"setting route {name}", start)


def ensure_subnet(ctx: RunContext, step: Step) -> ResourceResult:
    subnets, rid = ctx.clients.network.subnets, ResourceId.parse(step.resource_id)
    vnet = rid.parent or ""
    found = get_or_none(lambda: subnets.get(rid.resource_group, vnet, rid.name), f"reading subnet {rid.name}")
    current = arm_dict(found) if found is not None else None
    field = step_field(ctx.plan.spec, step) or "vnet.subnet"
    decision = decide_subnet(step, current, vnet_created=ctx.vnet_created, field=field)
    wanted: dict[str, Any] = dict((step.body or {}).get("properties", {}))
    if decision.writes and current is None:
        _put_subnet(ctx, step, rid, {"properties": wanted}, f"creating subnet {rid.name}")
        _record_subnet(ctx, rid)
    elif decision.writes and current is not None:
        merged = copy.deepcopy(current)  # a subnet PUT replaces the whole subnet: send back all it has
        attached = {f: wanted[f] for f in ASSOCIATIONS if f in wanted}
        if not delegated(merged.get("properties") or {}, wanted):
            attached["delegations"] = wanted["delegations"]
        merged.setdefault("properties", {}).update(attached)
        _put_subnet(ctx, step, rid, merged, f"associating subnet {rid.name}")
    return decided(step, decision)


def _put_subnet(ctx: RunContext, step: Step, rid: ResourceId, body: dict[str, Any], doing: str) -> None:
    subnets, model = ctx.clients.network.subnets, models().Subnet(body)
    lro(ctx, step, doing, lambda: subnets.begin_create_or_update(rid.resource_group, rid.parent or "", rid.name, model))


def _record_subnet(ctx: RunContext, rid: ResourceId) -> None:
    """Subnets carry no tags: one created in a VNet this deployment does not own is recorded on its identity."""
    if ctx.vnet_owned or ctx.plan.spec.identity.id:
        return
    identity = ctx.plan.step("identity")
    iid = ResourceId.parse(identity.resource_id)
    identities = ctx.clients.msi.user_assigned_identities
    with azure_call(f"recording subnet {rid.name} on identity {iid.name}"):
        current = identities.get(iid.resource_group, iid.name)
        tags = {**(current.tags or {}), **subnet_record(rid.parent or "", rid.name)}
        identities.update(iid.resource_group, iid.name, {"tags": tags})
