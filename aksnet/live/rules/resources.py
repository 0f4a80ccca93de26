"""Declared resources: the ones the spec brings must exist, and the ones it creates must be aksnet's."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from aksnet.findings import Finding, error, warning
from aksnet.live.facts import Found, Network, RouteTableFacts
from aksnet.live.rules.base import LiveInput, located


def declared_resources_exist(inp: LiveInput) -> Iterator[Finding]:
    spec, facts = inp.spec, inp.facts
    if spec.vnet.existing and facts.knows("vnet") and facts.vnet is None:
        yield _not_found(
            "vnet.name", f"VNet {located(inp.ids.vnet)}", "vnet.existing: true", "set vnet.existing: false"
        )
    elif facts.vnet is not None:
        for subnet in spec.vnet.all_subnets:
            where = spec.vnet.subnet_field(subnet)
            if spec.is_existing(subnet) and facts.subnet(subnet.name) is None:
                yield _not_found(
                    f"{where}.name",
                    f"subnet {subnet.name} of VNet {spec.vnet.name}",
                    f"{where}.existing: true" if subnet.existing else "vnet.existing: true",
                    f"set {where}.existing: false with an address_prefix",
                )
    rt = spec.route_table
    if rt is not None and rt.existing and facts.knows("route_table") and facts.route_table is None:
        assert inp.ids.route_table is not None
        yield _not_found(
            "route_table.name", f"route table {located(inp.ids.route_table)}", "existing: true", "set existing: false"
        )
    if spec.identity.id and facts.knows("identity") and facts.identity is None:
        yield _not_found("identity.id", f"identity {spec.identity.id}", "identity.id", "name one with identity.name")


def _not_found(field: str, what: str, declared: str, create_instead: str) -> Finding:
    return error(
        "RESOURCE_NOT_FOUND",
        field,
        f"{what} does not exist, but the spec brings it ({declared})",
        f"create it first or fix the name; or {create_instead} to let aksnet create it",
    )


def found_resources_owned(inp: LiveInput) -> Iterator[Finding]:
    """Adopt-or-refuse for what the spec says aksnet creates but already exists without its tags.

    Found as the spec describes it: used untouched, with a warning (aksnet never changes or deletes
    it). Found different, or created by another aksnet deployment: refused, because the spec's
    settings would silently not apply, or that deployment's `down` would delete it under this cluster.
    """
    spec, facts = inp.spec, inp.facts
    if not spec.vnet.existing and facts.vnet is not None:
        have, want = set(facts.vnet.address_space), set(spec.vnet.address_prefixes)
        differs = f"has address space {_nets(have)}, the spec says {_nets(want)}" if have != want else None
        yield from adopt_or_refuse(inp, facts.vnet, differs, field="vnet.name", kind="VNet", bring="vnet.existing")
    rt = spec.route_table
    if rt is not None and not rt.existing and facts.route_table is not None:
        missing = _missing_routes(rt.routes, facts.route_table)
        differs = f"lacks route(s) {', '.join(missing)} of the spec" if missing else None
        yield from adopt_or_refuse(
            inp, facts.route_table, differs, field="route_table.name", kind="route table", bring="route_table.existing"
        )
    if not spec.identity.id and facts.identity is not None:
        yield from adopt_or_refuse(
            inp, facts.identity, None, field="identity.name", kind="identity", bring="identity.id"
        )


def _nets(nets: Iterable[Network]) -> str:
    return ", ".join(sorted(str(n) for n in nets)) or "none"


def _missing_routes(wanted: Iterable[Any], table: RouteTableFacts) -> list[str]:
    have = {
        (r.name.lower(), r.address_prefix, r.next_hop_type.lower(), r.next_hop_ip_address or "") for r in table.routes
    }
    return [
        r.name
        for r in wanted
        if (r.name.lower(), str(r.address_prefix), r.next_hop_type.lower(), str(r.next_hop_ip_address or ""))
        not in have
    ]


def adopt_or_refuse(
    inp: LiveInput, found: Found, differs: str | None, *, field: str, kind: str, bring: str
) -> Iterator[Finding]:
    owner = found.deployment
    if owner == inp.spec.deployment:
        return
    what = f"{kind} {located(found.id)}"
    if owner is not None:
        yield error(
            "RESOURCE_NOT_OWNED",
            field,
            f"{what} belongs to aksnet deployment {owner}; its `aksnet down` would delete it under this cluster",
            f"use another name, or bring it ({_bring_hint(bring, found)}) to share it knowingly",
        )
    elif differs is not None:
        yield error(
            "RESOURCE_NOT_OWNED",
            field,
            f"{what} exists, was not created by aksnet, and {differs}; aksnet does not change what it did not create",
            f"bring it ({_bring_hint(bring, found)}) to use it as it is, match the spec to it, or use another name",
        )
    else:
        yield warning(
            "RESOURCE_NOT_OWNED",
            field,
            f"{what} already exists and was not created by this deployment; aksnet uses it as it is and never "
            "changes or deletes it",
            f"bring it ({_bring_hint(bring, found)}) to say so",
        )


def _bring_hint(bring: str, found: Found) -> str:
    return f"{bring}: {found.id}" if bring == "identity.id" else f"{bring}: true"


def new_subnet_recordable(inp: LiveInput) -> Iterator[Finding]:
    """A subnet aksnet creates in a VNet it does not own needs a ledger of this deployment to be recorded on.

    Subnets carry no tags: `up` records such a subnet on the deployment's identity or, the identity
    being brought, its resource group. Owning neither, `down` could never remove the subnet.
    """
    spec, facts = inp.spec, inp.facts
    new = [s for s in spec.vnet.all_subnets if not spec.is_existing(s) and facts.subnet(s.name) is None]
    if not new or not _vnet_of_others(inp):
        return
    identity_ours = not spec.identity.id and _ours_or_new(inp, facts.identity, "identity")
    group = facts.resource_groups.get(spec.resource_group.lower())
    if identity_ours or _ours_or_new(inp, group, "resource_group"):
        return
    vnet = facts.vnet.id if facts.vnet is not None else inp.ids.vnet
    for subnet in new:
        field = spec.vnet.subnet_field(subnet)
        yield error(
            "SUBNET_NOT_RECORDABLE",
            f"{field}.name",
            f"aksnet would create subnet {subnet.name} in VNet {located(vnet)}, which this deployment does not "
            f"own; aksnet records such a subnet on the deployment's identity or resource group so that `aksnet "
            f"down` removes it, but it owns neither: {_not_ours(inp, group)}",
            "let aksnet create the identity (identity.name) or a new resource group; or create the subnet yourself "
            f"and bring it ({field}.existing: true)",
        )


def _vnet_of_others(inp: LiveInput) -> bool:
    vnet = inp.facts.vnet
    return inp.spec.vnet.existing or (vnet is not None and vnet.deployment != inp.spec.deployment)


def _ours_or_new(inp: LiveInput, found: Found | None, what: str) -> bool:
    return inp.facts.knows(what) and (found is None or found.deployment == inp.spec.deployment)


def _not_ours(inp: LiveInput, group: Found | None) -> str:
    spec = inp.spec
    identity = (
        f"identity.id brings {spec.identity.id}" if spec.identity.id else f"identity {spec.identity.name} existed"
    )
    owner = group.deployment if group is not None else None
    made = f"by deployment {owner}" if owner else "before it"
    return f"{identity}, and resource group {spec.resource_group} was created {made}"
