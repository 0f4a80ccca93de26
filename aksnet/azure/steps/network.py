"""VNet, route table and subnet: create what this deployment owns, only read what the user brought.

A route table is never re-PUT once it exists: AKS writes its pod routes into it (kubenet), and a
PUT of the table would delete them. Missing or changed routes of the spec are PUT one by one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

from aksnet.arm import LEDGER_TAG, ResourceId, owned_by, same_id
from aksnet.azure.arm import arm_dict, get_or_none
from aksnet.azure.context import RunContext, outcome
from aksnet.azure.errors import azure_call
from aksnet.azure.lro import wait_for
from aksnet.errors import AzureOperationError
from aksnet.plan import Step
from aksnet.result import ResourceResult

BROUGHT = "brought by you; aksnet reads it and never changes or deletes it"
FOUND = "found, not created by this deployment; aksnet never changes or deletes it"


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


Converge = Callable[[RunContext, Step, ResourceId, Any], ResourceResult]


def _ensure(
    ctx: RunContext,
    step: Step,
    label: str,
    *,
    read: Callable[[ResourceId], Any],
    create: Callable[[ResourceId, dict[str, Any]], Any],
    converge: Converge,
) -> ResourceResult:
    """Read; a brought one is adopted, a missing one created, a found one left alone, ours converged."""
    rid = ResourceId.parse(step.resource_id)
    current = get_or_none(lambda: read(rid), f"reading {label} {rid.name}")
    if step.action == "use":
        if current is None:
            raise _missing(step)
        return outcome(step, "adopted", BROUGHT)
    if current is None:
        _lro(ctx, step, f"creating {label} {rid.name}", lambda: create(rid, dict(step.body or {})))
        return outcome(step, "created")
    if not owned_by(current.tags, ctx.deployment):
        return outcome(step, "adopted", FOUND)
    return converge(ctx, step, rid, current)


def ensure_vnet(ctx: RunContext, step: Step) -> ResourceResult:
    vnets = ctx.clients.network.virtual_networks
    result = _ensure(
        ctx,
        step,
        "VNet",
        read=lambda rid: vnets.get(rid.resource_group, rid.name),
        create=lambda rid, body: vnets.begin_create_or_update(
            rid.resource_group, rid.name, models().VirtualNetwork(body)
        ),
        converge=_converge_vnet,
    )
    ctx.vnet_created = result.action == "created"
    ctx.vnet_owned = result.action in ("created", "updated", "unchanged")
    return result


def _converge_vnet(ctx: RunContext, step: Step, rid: ResourceId, current: Any) -> ResourceResult:
    body = dict(step.body or {})
    address_space = arm_dict(current).get("properties", {}).get("addressSpace", {})
    have = [str(p) for p in address_space.get("addressPrefixes") or []]
    if sorted(have) == sorted(body["properties"]["addressSpace"]["addressPrefixes"]) and _tags_hold(
        current.tags, body.get("tags", {})
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
        create=lambda rid, body: tables.begin_create_or_update(rid.resource_group, rid.name, models().RouteTable(body)),
        converge=_converge_route_table,
    )


def _converge_route_table(ctx: RunContext, step: Step, rid: ResourceId, current: Any) -> ResourceResult:
    changed = _converge_routes(ctx, step, rid, arm_dict(current), dict(step.body or {})["properties"]["routes"])
    if not changed:
        return outcome(step, "unchanged")
    return outcome(step, "updated", f"route(s) {', '.join(changed)} set to match the spec; other routes kept")


def _converge_routes(
    ctx: RunContext, step: Step, rid: ResourceId, current: dict[str, Any], wanted: list[Any]
) -> list[str]:
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
    vnet = rid.parent or ""
    current = get_or_none(lambda: subnets.get(rid.resource_group, vnet, rid.name), f"reading subnet {rid.name}")
    if step.action == "use":
        if current is None:
            raise _missing(step)
        return outcome(step, "adopted", BROUGHT)
    wanted: dict[str, Any] = dict((step.body or {}).get("properties", {}))
    if current is None:
        if step.action == "associate":
            raise _missing(step)
        _put_subnet(ctx, step, rid, {"properties": wanted}, f"creating subnet {rid.name}")
        _record_subnet(ctx, rid)
        return outcome(step, "created")
    have = arm_dict(current)
    if _subnet_matches(have.get("properties", {}), wanted):
        if ctx.vnet_created:
            return outcome(step, "created", "created with its VNet")
        return outcome(
            step,
            "unchanged" if step.action == "create" else "adopted",
            "" if step.action == "create" else BROUGHT,
        )
    if "addressPrefix" in wanted and have.get("properties", {}).get("addressPrefix") != wanted["addressPrefix"]:
        raise AzureOperationError(
            f"subnet {rid.name} exists with prefix {have['properties'].get('addressPrefix')}, the spec says "
            f"{wanted['addressPrefix']}; a subnet in use cannot be resized",
            code="IMMUTABLE_CHANGE",
        )
    merged = copy.deepcopy(have)  # a subnet PUT replaces the whole subnet: send back all it has
    merged.setdefault("properties", {})["routeTable"] = wanted["routeTable"]
    _put_subnet(ctx, step, rid, merged, f"associating route table with subnet {rid.name}")
    associated = f"route table {wanted['routeTable']['id'].rsplit('/', 1)[-1]} associated"
    if ctx.vnet_created:
        return outcome(step, "created", f"created with its VNet; {associated}")
    return outcome(step, "updated", associated)


def _subnet_matches(have: dict[str, Any], wanted: dict[str, Any]) -> bool:
    if "addressPrefix" in wanted and have.get("addressPrefix") != wanted["addressPrefix"]:
        return False
    if "routeTable" in wanted:
        return same_id((have.get("routeTable") or {}).get("id"), wanted["routeTable"]["id"])
    return True


def _put_subnet(ctx: RunContext, step: Step, rid: ResourceId, body: dict[str, Any], doing: str) -> None:
    subnets, model = ctx.clients.network.subnets, models().Subnet(body)
    _lro(
        ctx, step, doing, lambda: subnets.begin_create_or_update(rid.resource_group, rid.parent or "", rid.name, model)
    )


def _record_subnet(ctx: RunContext, rid: ResourceId) -> None:
    """Subnets carry no tags: one created in a VNet this deployment does not own is recorded on its identity."""
    if ctx.vnet_owned or ctx.plan.spec.identity.id:
        return
    identity = ctx.plan.step("identity")
    iid = ResourceId.parse(identity.resource_id)
    identities = ctx.clients.msi.user_assigned_identities
    with azure_call(f"recording subnet {rid.name} on identity {iid.name}"):
        current = identities.get(iid.resource_group, iid.name)
        tags = {**(current.tags or {}), LEDGER_TAG: f"{rid.parent}/{rid.name}"}
        identities.update(iid.resource_group, iid.name, {"tags": tags})


def _tags_hold(have: dict[str, str] | None, want: dict[str, str]) -> bool:
    return all((have or {}).get(k) == v for k, v in want.items())
