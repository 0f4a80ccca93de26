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
from collections.abc import Callable
from functools import partial
from typing import Any

from aksnet.arm import ResourceId, owned_by, provisioning_state, same_id
from aksnet.azure.arm import get_or_none
from aksnet.azure.context import RunContext, outcome
from aksnet.azure.errors import azure_call
from aksnet.azure.lro import wait_for
from aksnet.azure.steps.ledger import intent_recorded, recorded
from aksnet.errors import AzureOperationError
from aksnet.plan import Step
from aksnet.result import ResourceResult

BROUGHT = "brought by you; aksnet reads it and never changes or deletes it"
FOUND = "found, not created by this deployment; aksnet never changes or deletes it"
REPAIRED = "was Failed; re-sent as read, with the spec's settings"

Body = dict[str, Any]
Put = Callable[[ResourceId, Body], Any]


def models() -> Any:
    """azure.mgmt.network.models, imported when a step first needs it."""
    from azure.mgmt.network import models as network_models

    return network_models


def _missing(step: Step) -> AzureOperationError:
    return AzureOperationError(
        f"{step.kind.replace('_', ' ')} {step.name} is marked existing but does not exist: {step.resource_id}",
        code="RESOURCE_NOT_FOUND",
    )


def _lro(ctx: RunContext, step: Step, doing: str, start: Callable[[], Any]) -> None:
    """Start a long-running operation and wait for it, reporting progress and honouring Ctrl-C."""
    with azure_call(doing):
        poller = start()
    wait_for(poller, doing=doing, watch=ctx.watch, report=ctx.reporter(step), resource_id=step.resource_id)


def _settled(ctx: RunContext, step: Step, label: str, read: Callable[[], Any]) -> Body | None:
    return ctx.settled(step, f"{label} {step.name}", read, ctx.clients.polling_interval).body


def failed(body: Body) -> bool:
    return provisioning_state(body) == "failed"


def repair_failed(ctx: RunContext, step: Step, label: str, have: Body, put: Put) -> ResourceResult:
    """PUT again, as read and merged with the spec, a resource of this deployment left in Failed state."""
    rid = ResourceId.parse(step.resource_id)
    body = merged_with_spec(have, dict(step.body or {}))
    _lro(ctx, step, f"re-sending {label} {rid.name}, which was Failed", lambda: put(rid, body))
    return outcome(step, "updated", REPAIRED)


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


Converge = Callable[[RunContext, Step, ResourceId, Body], ResourceResult]


def _ensure(
    ctx: RunContext,
    step: Step,
    label: str,
    *,
    read: Callable[[ResourceId], Any],
    put: Put,
    converge: Converge,
) -> ResourceResult:
    """A brought one is checked; a missing one created; a found one left alone; a Failed one of ours
    re-sent; ours converged."""
    rid = ResourceId.parse(step.resource_id)
    if step.action == "use":
        if get_or_none(lambda: read(rid), f"reading {label} {rid.name}") is None:
            raise _missing(step)
        return outcome(step, "adopted", BROUGHT)
    current = _settled(ctx, step, label, lambda: read(rid))
    if current is None:
        _lro(ctx, step, f"creating {label} {rid.name}", lambda: put(rid, dict(step.body or {})))
        return outcome(step, "created")
    if not owned_by(current.get("tags"), ctx.deployment):
        return outcome(step, "adopted", FOUND)
    if failed(current):
        return repair_failed(ctx, step, label, current, put)
    return converge(ctx, step, rid, current)


def ensure_vnet(ctx: RunContext, step: Step) -> ResourceResult:
    vnets = ctx.clients.network.virtual_networks
    result = _ensure(
        ctx,
        step,
        "VNet",
        read=lambda rid: vnets.get(rid.resource_group, rid.name),
        put=lambda rid, body: vnets.begin_create_or_update(rid.resource_group, rid.name, models().VirtualNetwork(body)),
        converge=_converge_vnet,
    )
    ctx.vnet_created = result.action == "created"
    ctx.vnet_owned = result.action in ("created", "updated", "unchanged")
    return result


def _converge_vnet(ctx: RunContext, step: Step, rid: ResourceId, current: Body) -> ResourceResult:
    body = dict(step.body or {})
    have = [str(p) for p in current.get("properties", {}).get("addressSpace", {}).get("addressPrefixes") or []]
    if sorted(have) == sorted(body["properties"]["addressSpace"]["addressPrefixes"]) and _tags_hold(
        current.get("tags"), body.get("tags", {})
    ):
        return outcome(step, "unchanged")
    # Without a `subnets` key (API >= 2023-11-01) a VNet PUT keeps every existing subnet.
    update = {**body, "properties": {k: v for k, v in body["properties"].items() if k != "subnets"}}
    vnets = ctx.clients.network.virtual_networks
    model = models().VirtualNetwork(update)
    _lro(
        ctx,
        step,
        f"updating VNet {rid.name}",
        lambda: vnets.begin_create_or_update(rid.resource_group, rid.name, model),
    )
    return outcome(step, "updated", "address space or tags changed to match the spec")


def ensure_route_table(ctx: RunContext, step: Step) -> ResourceResult:
    tables = ctx.clients.network.route_tables
    return _ensure(
        ctx,
        step,
        "route table",
        read=lambda rid: tables.get(rid.resource_group, rid.name),
        put=lambda rid, body: tables.begin_create_or_update(rid.resource_group, rid.name, models().RouteTable(body)),
        converge=_converge_route_table,
    )


def _converge_route_table(ctx: RunContext, step: Step, rid: ResourceId, current: Body) -> ResourceResult:
    changed = _converge_routes(ctx, step, rid, current, dict(step.body or {})["properties"]["routes"])
    if not changed:
        return outcome(step, "unchanged")
    return outcome(step, "updated", f"route(s) {', '.join(changed)} set to match the spec; other routes kept")


def _converge_routes(ctx: RunContext, step: Step, rid: ResourceId, current: Body, wanted: list[Any]) -> list[str]:
    have = {r["name"].lower(): r.get("properties", {}) for r in current.get("properties", {}).get("routes", [])}
    changed = []
    for route in wanted:
        props = have.get(route["name"].lower())
        if props is not None and all(
            str(props.get(k, "")).lower() == str(v).lower() for k, v in route["properties"].items()
        ):
            continue
        name, model = route["name"], models().Route({"properties": route["properties"]})
        start = partial(ctx.clients.network.routes.begin_create_or_update, rid.resource_group, rid.name, name, model)
        _lro(ctx, step, f"setting route {name}", start)
        changed.append(name)
    return changed


def ensure_subnet(ctx: RunContext, step: Step) -> ResourceResult:
    subnets, rid = ctx.clients.network.subnets, ResourceId.parse(step.resource_id)
    read = partial(subnets.get, rid.resource_group, rid.parent or "", rid.name)
    if step.action == "use":
        if get_or_none(read, f"reading subnet {rid.name}") is None:
            raise _missing(step)
        return outcome(step, "adopted", BROUGHT)
    wanted: Body = dict((step.body or {}).get("properties", {}))
    have = _settled(ctx, step, "subnet", read)
    if have is None:
        if step.action == "associate":
            raise _missing(step)
        return _create_subnet(ctx, step, rid, {"properties": wanted})
    ours = step.action == "create" and (ctx.vnet_owned or recorded(ctx, step.resource_id))
    if failed(have) and (ours or "routeTable" in wanted):  # Failed after our PUT (its association at least)
        return repair_failed(ctx, step, "subnet", have, _subnet_put(ctx))
    if _subnet_matches(have.get("properties", {}), wanted):
        return _matching_subnet(ctx, step, ours)
    if "addressPrefix" in wanted and have.get("properties", {}).get("addressPrefix") != wanted["addressPrefix"]:
        raise AzureOperationError(
            f"subnet {rid.name} exists with prefix {have['properties'].get('addressPrefix')}, the spec says "
            f"{wanted['addressPrefix']}; a subnet in use cannot be resized",
            code="IMMUTABLE_CHANGE",
        )
    merged = copy.deepcopy(have)  # a subnet PUT replaces the whole subnet: send back all it has
    merged.setdefault("properties", {})["routeTable"] = wanted["routeTable"]
    _lro(ctx, step, f"associating route table with subnet {rid.name}", partial(_subnet_put(ctx), rid, merged))
    associated = f"route table {wanted['routeTable']['id'].rsplit('/', 1)[-1]} associated"
    if ctx.vnet_created:
        return outcome(step, "created", f"created with its VNet; {associated}")
    return outcome(step, "updated", associated)


def _create_subnet(ctx: RunContext, step: Step, rid: ResourceId, body: Body) -> ResourceResult:
    """Create the subnet; in a VNet this deployment does not own, recorded on its ledger first."""
    doing = f"creating subnet {rid.name}"
    if ctx.vnet_owned:
        _lro(ctx, step, doing, partial(_subnet_put(ctx), rid, body))
        return outcome(step, "created")
    with intent_recorded(ctx, step.resource_id), azure_call(doing):
        poller = _subnet_put(ctx)(rid, body)
    wait_for(poller, doing=doing, watch=ctx.watch, report=ctx.reporter(step), resource_id=step.resource_id)
    return outcome(step, "created")


def _matching_subnet(ctx: RunContext, step: Step, ours: bool) -> ResourceResult:
    if ctx.vnet_created:
        return outcome(step, "created", "created with its VNet")
    if ours:
        return outcome(step, "unchanged")
    return outcome(step, "adopted", BROUGHT if step.action == "associate" else FOUND)


def _subnet_matches(have: Body, wanted: Body) -> bool:
    if "addressPrefix" in wanted and have.get("addressPrefix") != wanted["addressPrefix"]:
        return False
    if "routeTable" in wanted:
        return same_id((have.get("routeTable") or {}).get("id"), wanted["routeTable"]["id"])
    return True


def _subnet_put(ctx: RunContext) -> Put:
    subnets = ctx.clients.network.subnets
    return lambda rid, body: subnets.begin_create_or_update(
        rid.resource_group, rid.parent or "", rid.name, models().Subnet(body)
    )


def _tags_hold(have: dict[str, str] | None, want: dict[str, str]) -> bool:
    return all((have or {}).get(k) == v for k, v in want.items())
