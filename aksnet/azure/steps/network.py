"""VNet, route table and subnet: create what this deployment owns, only read what the user brought.

Each resource to create or converge is read once no operation runs on it: a re-run after a stop waits
for the operation the stopped run left. One of this deployment's left in provisioningState Failed is
PUT again, as read and merged with the spec (`repair_failed`): Azure's recovery for a Network resource
in Failed state, which keeps what others wrote into it (AKS's kubenet routes, a subnet's associations).

Otherwise a route table is never re-PUT once it exists: AKS writes its pod routes into it (kubenet),
and a PUT of the table would delete them. Missing or changed routes of the spec are PUT one by one.

A subnet created in a VNet this deployment does not own is recorded on its ledger before its PUT
(aksnet.azure.steps.ledger), so a re-run and `down` know it even if the run stops mid-create.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from aksnet.arm import ResourceId
from aksnet.azure import by_id
from aksnet.azure.context import RunContext, decided
from aksnet.azure.errors import azure_call
from aksnet.azure.lro import wait_for
from aksnet.azure.steps.ledger import intent_recorded, recorded
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

Body = dict[str, Any]
Put = Callable[[ResourceId, Body], Any]
Decide = Callable[[Step, Mapping[str, Any] | None, str], Decision]
Converge = Callable[[RunContext, Step, ResourceId, Body], None]


def models() -> Any:
    """azure.mgmt.network.models, imported when a step first needs it."""
    from azure.mgmt.network import models as network_models

    return network_models


def lro(ctx: RunContext, step: Step, doing: str, start: Callable[[], Any]) -> None:
    """Start a long-running operation and wait for it, reporting progress and honouring Ctrl-C."""
    with azure_call(doing):
        poller = start()
    wait_for(poller, doing=doing, watch=ctx.watch, report=ctx.reporter(step), resource_id=step.resource_id)


def current_of(ctx: RunContext, step: Step, label: str) -> Body | None:
    """The resource as ARM JSON (None when missing), read by id; one to create or converge once no operation
    runs on it, one brought as it is (it is only read)."""
    doing = f"reading {label} {step.name}"
    if step.action == "use":
        return by_id.read(ctx.clients, step.resource_id, doing)
    read = partial(by_id.read, ctx.clients, step.resource_id, doing)
    return ctx.settled(step, f"{label} {step.name}", read, ctx.clients.polling_interval).body


def nothing_to_converge(ctx: RunContext, step: Step, rid: ResourceId, current: Body) -> None:
    """For what is fixed once created: its decision never asks for an update."""


def ensure(
    ctx: RunContext,
    step: Step,
    label: str,
    *,
    put: Put,
    decide: Decide,
    converge: Converge,
) -> ResourceResult:
    """Read, decide (aksnet.live.actions), then create what is missing (the plan's body, by id), re-send what
    of ours is Failed, or converge what is ours (`put`: the typed client, for bodies built from a read)."""
    rid = ResourceId.parse(step.resource_id)
    current = current_of(ctx, step, label)
    decision = decide(step, current, ctx.deployment)
    if decision.writes and current is None:
        lro(ctx, step, f"creating {label} {rid.name}", create(ctx, step))
    elif decision.writes and current is not None and decision.repair:
        repair(ctx, step, label, current, put)
    elif decision.writes and current is not None:
        converge(ctx, step, rid, current)
    return decided(step, decision)


def create(ctx: RunContext, step: Step) -> Callable[[], Any]:
    """The start of the step's resource's creation: the plan's body PUT by id."""
    return partial(by_id.begin_put, ctx.clients, step.resource_id, dict(step.body or {}))


def repair(ctx: RunContext, step: Step, label: str, have: Body, put: Put) -> None:
    """PUT again, as read and merged with the spec, a resource of this deployment left in Failed state."""
    rid = ResourceId.parse(step.resource_id)
    body = merged_with_spec(have, dict(step.body or {}))
    lro(ctx, step, f"re-sending {label} {rid.name}, which was Failed", lambda: put(rid, body))


def merged_with_spec(have: Body, spec: Body) -> Body:
    """The resource as read with the spec's settings over it: others' additions stay (routes by name).

    A VNet's `subnets` are left out: a VNet PUT without them keeps every existing subnet (API >= 2023-11-01).
    """
    merged = copy.deepcopy(have)
    merged.pop("etag", None)
    if "tags" in spec:
        merged["tags"] = {**(have.get("tags") or {}), **spec["tags"]}
    props = merged.setdefault("properties", {})
    for name, value in (spec.get("properties") or {}).items():
        props[name] = _by_name(props.get(name) or [], value) if name == "routes" else value
    if "subnets" in (spec.get("properties") or {}):
        del props["subnets"]
    return merged


def _by_name(have: list[Body], wanted: list[Body]) -> list[Body]:
    merged = {str(item["name"]).lower(): item for item in have}
    merged.update({str(item["name"]).lower(): item for item in wanted})
    return list(merged.values())


def ensure_vnet(ctx: RunContext, step: Step) -> ResourceResult:
    result = ensure(
        ctx,
        step,
        "VNet",
        put=lambda rid, body: ctx.clients.network.virtual_networks.begin_create_or_update(
            rid.resource_group, rid.name, models().VirtualNetwork(body)
        ),
        decide=decide_vnet,
        converge=_converge_vnet,
    )
    ctx.vnet_created = result.action == "created"
    ctx.vnet_owned = result.action in ("created", "updated", "unchanged")
    return result


def _converge_vnet(ctx: RunContext, step: Step, rid: ResourceId, current: Body) -> None:
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
    return ensure(
        ctx,
        step,
        "route table",
        put=lambda rid, body: ctx.clients.network.route_tables.begin_create_or_update(
            rid.resource_group, rid.name, models().RouteTable(body)
        ),
        decide=decide_route_table,
        converge=_converge_routes,
    )


def _converge_routes(ctx: RunContext, step: Step, rid: ResourceId, current: Body) -> None:
    """PUT each missing or changed route of the spec on its own; the table and its other routes stay."""
    for route in routes_to_set(current, dict(step.body or {})["properties"]["routes"]):
        name, model = route["name"], models().Route({"properties": route["properties"]})
        start = partial(ctx.clients.network.routes.begin_create_or_update, rid.resource_group, rid.name, name, model)
        lro(ctx, step, f"setting route {name}", start)


def ensure_subnet(ctx: RunContext, step: Step) -> ResourceResult:
    rid = ResourceId.parse(step.resource_id)
    current = current_of(ctx, step, "subnet")
    # This deployment's: in a VNet it owns, or recorded on its ledger (a VNet of others).
    ours = step.action == "create" and (ctx.vnet_owned or (current is not None and recorded(ctx, step.resource_id)))
    field = step_field(ctx.plan.spec, step) or "vnet.subnet"
    decision = decide_subnet(step, current, vnet_created=ctx.vnet_created, ours=ours, field=field)
    wanted: Body = dict((step.body or {}).get("properties", {}))
    if decision.writes and current is None:
        _create_subnet(ctx, step, rid)
    elif decision.writes and current is not None and decision.repair:
        repair(ctx, step, "subnet", current, _subnet_put(ctx))
    elif decision.writes and ctx.vnet_created:
        # Made moments ago by this run's VNet PUT from the plan's own properties, so the plan's subnet body
        # is all it holds, association included: sent by id, as a create is.
        lro(ctx, step, f"associating subnet {rid.name}", create(ctx, step))
    elif decision.writes and current is not None:
        merged = copy.deepcopy(current)  # a subnet PUT replaces the whole subnet: send back all it has
        attached = {f: wanted[f] for f in ASSOCIATIONS if f in wanted}
        if not delegated(merged.get("properties") or {}, wanted):
            attached["delegations"] = wanted["delegations"]
        merged.setdefault("properties", {}).update(attached)
        lro(ctx, step, f"associating subnet {rid.name}", partial(_subnet_put(ctx), rid, merged))
    return decided(step, decision)


def _create_subnet(ctx: RunContext, step: Step, rid: ResourceId) -> None:
    """Create the subnet; in a VNet this deployment does not own, recorded on its ledger first."""
    doing = f"creating subnet {rid.name}"
    if ctx.vnet_owned:
        lro(ctx, step, doing, create(ctx, step))
        return
    with intent_recorded(ctx, step.resource_id), azure_call(doing):
        poller = create(ctx, step)()
    wait_for(poller, doing=doing, watch=ctx.watch, report=ctx.reporter(step), resource_id=step.resource_id)


def _subnet_put(ctx: RunContext) -> Put:
    subnets = ctx.clients.network.subnets
    return lambda rid, body: subnets.begin_create_or_update(
        rid.resource_group, rid.parent or "", rid.name, models().Subnet(body)
    )
