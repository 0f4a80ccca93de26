"""VNet, route table and subnet: create what this deployment owns, only read what the user brought.

A route table is never re-PUT once it exists: AKS writes its pod routes into it (kubenet), and a
PUT of the table would delete them. Missing or changed routes of the spec are PUT one by one.
"""

from __future__ import annotations

import copy
from typing import Any

from aksnet.azure.arm import ResourceId, arm_dict, get_or_none, owned_by, same_id
from aksnet.azure.context import RunContext, outcome
from aksnet.azure.errors import azure_call
from aksnet.azure.lro import wait_for
from aksnet.errors import AzureOperationError
from aksnet.plan import Step
from aksnet.result import ResourceResult

LEDGER_TAG = "aksnet-created-subnet"
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


def ensure_vnet(ctx: RunContext, step: Step) -> ResourceResult:
    vnets, rid = ctx.clients.network.virtual_networks, ResourceId.parse(step.resource_id)
    current = get_or_none(lambda: vnets.get(rid.resource_group, rid.name), f"reading VNet {rid.name}")
    if step.action == "use":
        if current is None:
            raise _missing(step)
        return outcome(step, "adopted", BROUGHT)
    body = dict(step.body or {})
    if current is None:
        with azure_call(f"creating VNet {rid.name}"):
            poller = vnets.begin_create_or_update(rid.resource_group, rid.name, models().VirtualNetwork(body))
        wait_for(poller, doing=f"creating VNet {rid.name}", stop=ctx.stop, report=ctx.reporter(step))
        ctx.vnet_created = ctx.vnet_owned = True
        return outcome(step, "created")
    if not owned_by(current.tags, ctx.deployment):
        return outcome(step, "adopted", FOUND)
    ctx.vnet_owned = True
    have = [
        str(p) for p in (arm_dict(current).get("properties", {}).get("addressSpace", {}).get("addressPrefixes") or [])
    ]
    want = body["properties"]["addressSpace"]["addressPrefixes"]
    if sorted(have) == sorted(want) and _tags_hold(current.tags, body.get("tags", {})):
        return outcome(step, "unchanged")
    # Without a `subnets` key (API >= 2023-11-01) a VNet PUT keeps every existing subnet.
    update = {**body, "properties": {k: v for k, v in body["properties"].items() if k != "subnets"}}
    with azure_call(f"updating VNet {rid.name}"):
        poller = vnets.begin_create_or_update(rid.resource_group, rid.name, models().VirtualNetwork(update))
    wait_for(poller, doing=f"updating VNet {rid.name}", stop=ctx.stop, report=ctx.reporter(step))
    return outcome(step, "updated", "address space or tags changed to match the spec")


def ensure_route_table(ctx: RunContext, step: Step) -> ResourceResult:
    tables, rid = ctx.clients.network.route_tables, ResourceId.parse(step.resource_id)
    current = get_or_none(lambda: tables.get(rid.resource_group, rid.name), f"reading route table {rid.name}")
    if step.action == "use":
        if current is None:
            raise _missing(step)
        return outcome(step, "adopted", BROUGHT)
    body = dict(step.body or {})
    if current is None:
        with azure_call(f"creating route table {rid.name}"):
            poller = tables.begin_create_or_update(rid.resource_group, rid.name, models().RouteTable(body))
        wait_for(poller, doing=f"creating route table {rid.name}", stop=ctx.stop, report=ctx.reporter(step))
        return outcome(step, "created")
    if not owned_by(current.tags, ctx.deployment):
        return outcome(step, "adopted", FOUND)
    changed = _converge_routes(ctx, step, rid, arm_dict(current), body["properties"]["routes"])
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
        with azure_call(f"setting route {route['name']}"):
            poller = ctx.clients.network.routes.begin_create_or_update(
                rid.resource_group,
                rid.name,
                route["name"],
                models().Route({"properties": route["properties"]}),
            )
        wait_for(poller, doing=f"setting route {route['name']}", stop=ctx.stop, report=ctx.reporter(step))
        changed.append(route["name"])
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
    with azure_call(doing):
        poller = ctx.clients.network.subnets.begin_create_or_update(
            rid.resource_group, rid.parent or "", rid.name, models().Subnet(body)
        )
    wait_for(poller, doing=doing, stop=ctx.stop, report=ctx.reporter(step))


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
