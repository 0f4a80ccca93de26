"""The zone, NAT gateway, public IPs and prefixes the spec names: brought ones must exist, created ones
must be this deployment's (or be used untouched), and the groups they go in must exist."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet.arm import key, resource_group_of
from aksnet.findings import Finding, error
from aksnet.live.rules.base import LiveInput, located
from aksnet.live.rules.resources import adopt_or_refuse
from aksnet.plan import Step, build_plan

FIELDS = {
    "private_dns_zone": "cluster.api_server.private_dns_zone",
    "nat_gateway": "nat_gateway.name",
    "public_ip": "ingress.static_ips",
    "public_ip_prefix": "nat_gateway.public_ip_prefix",
}


def _network_steps(inp: LiveInput) -> list[Step]:
    plan = build_plan(inp.spec, subscription_id=inp.facts.subscription_id)
    return [s for s in plan.steps if s.kind in FIELDS]


def network_resources(inp: LiveInput) -> Iterator[Finding]:
    if not inp.facts.knows("vnet"):
        return  # the Network provider was not read
    for step in _network_steps(inp):
        found = inp.facts.network.get(key(step.resource_id), None)
        field, what = FIELDS[step.kind], f"{step.kind.replace('_', ' ')} {located(step.resource_id)}"
        if step.action == "use" and found is None:
            yield error(
                "RESOURCE_NOT_FOUND",
                field,
                f"{what} does not exist, but the spec brings it",
                "create it first or fix the name, or let aksnet create it",
            )
        elif step.action == "create" and found is not None:
            yield from adopt_or_refuse(
                inp, found, None, field=field, kind=step.kind.replace("_", " "), bring="existing"
            )
        elif step.action == "create" and not step.depends_on:
            yield from _group_exists(inp, step, field)


def _group_exists(inp: LiveInput, step: Step, field: str) -> Iterator[Finding]:
    group = resource_group_of(step.resource_id)
    if group.lower() in inp.facts.resource_groups and inp.facts.resource_groups[group.lower()] is None:
        yield error(
            "RESOURCE_NOT_FOUND",
            field,
            f"resource group {group} of {step.kind.replace('_', ' ')} {step.name} does not exist; aksnet creates "
            "only the deployment's own resource group",
            f"create resource group {group} first, or put {step.name} in {inp.spec.resource_group}",
        )
