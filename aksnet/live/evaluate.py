"""From live facts to the plan `up` runs: what Azure fills into the spec, which scopes get grants,
where the caller's right to grant is read, and every finding. Pure: no azure.* import."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from aksnet.address_map import address_map
from aksnet.arm import is_terminal, key, owned_by, provisioning_state, records_subnet, split_assignment_id
from aksnet.errors import AksnetError, AuthError, InvalidRequest
from aksnet.findings import Finding
from aksnet.live.actions import (
    Decision,
    decide_cluster,
    decide_grant,
    decide_group,
    decide_kept,
    decide_nat_gateway,
    decide_route_table,
    decide_subnet,
    decide_vnet,
    refusals,
    step_field,
)
from aksnet.live.facts import LiveFacts
from aksnet.live.rules import (
    GRANT_RIGHTS_HINT,
    ROLE_ASSIGNMENT_DENIED,
    LiveInput,
    check_live,
    denied_grants,
    only_permission_errors,
)
from aksnet.plan import Ids, Plan, Step, build_plan
from aksnet.result import Change
from aksnet.rules import check
from aksnet.spec import Spec, SubnetSpec


@dataclass(frozen=True)
class Preflight:
    """The verdict of a live preflight: the plan to run (with every finding and what it does to each resource)."""

    spec: Spec
    facts: LiveFacts
    plan: Plan
    live_findings: tuple[Finding, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.plan.findings

    @property
    def cluster_changes(self) -> tuple[Change, ...]:
        """What `up` would change on this deployment's existing cluster (a change needs confirmation)."""
        decided = (self.plan.actions or {}).get("managed_cluster")
        return decided.changes if decided is not None and decided.action == "update" else ()

    @property
    def nothing_to_do(self) -> bool:
        """Every resource is there as the spec wants it and no operation runs on any: `up` has nothing to
        send, and what preflight read is its whole answer (the steps would read it all again to decide so)."""
        actions = self.plan.actions or {}
        return self.plan.error is None and all(
            (decision := actions.get(step.id)) is not None
            and not decision.writes
            and decision.action != "refuse"
            and is_terminal(provisioning_state(current_body(step, self.facts)))
            for step in self.plan.steps
        )


def fill_from_live(spec: Spec, facts: LiveFacts) -> Spec:
    """The spec with what it leaves to Azure: a brought VNet's address space, brought subnets' prefixes
    (IPv4 and IPv6), so that capacity and the offline rules judge the real ones."""
    vnet = spec.vnet
    if vnet.existing and facts.vnet is not None and facts.vnet.address_space:
        vnet = dataclasses.replace(vnet, address_prefixes=facts.vnet.address_space)
    vnet = dataclasses.replace(
        vnet, subnet=_filled(vnet.subnet, facts), subnets=tuple(_filled(s, facts) for s in vnet.subnets)
    )
    return spec if vnet == spec.vnet else dataclasses.replace(spec, vnet=vnet)


def _filled(subnet: SubnetSpec, facts: LiveFacts) -> SubnetSpec:
    found = facts.subnet(subnet.name)
    if found is None or subnet.address_prefix is not None:
        return subnet
    return dataclasses.replace(subnet, address_prefix=found.prefix, address_prefix_ipv6=found.prefix_ipv6)


def extra_grant_scopes(spec: Spec, facts: LiveFacts) -> list[tuple[str, str]]:
    """What the cluster's subnets already have attached, beyond the spec's route table: each gets a grant too
    (labelled `nsg`, `nat_gateway`, `route_table` on the default subnet, `<label>.<subnet>` on others)."""
    extra = []
    for spec_subnet in spec.cluster_subnets():
        subnet = facts.subnet(spec_subnet.name)
        if subnet is None:
            continue
        suffix = "" if spec_subnet is spec.vnet.subnet else f".{spec_subnet.name}"
        if spec.route_table is None and subnet.route_table:
            extra.append((f"route_table{suffix}", subnet.route_table))
        if subnet.network_security_group:
            extra.append((f"nsg{suffix}", subnet.network_security_group))
        if subnet.nat_gateway:
            extra.append((f"nat_gateway{suffix}", subnet.nat_gateway))
    return extra


def grant_scopes(plan: Plan) -> list[tuple[str, str, str]]:
    """(label, scope, role assignment name) of every grant the plan makes."""
    grants = []
    for step in plan.steps:
        if step.kind == "role_assignment":
            scope, name = split_assignment_id(step.resource_id)
            grants.append((step.id.removeprefix("role_assignment."), scope, name))
    return grants


def known_ids(facts: LiveFacts) -> set[str]:
    """Ids of everything preflight saw exist (lower case)."""
    found: set[str] = {f"/subscriptions/{facts.subscription_id}".lower()}
    found |= {key(g.id) for g in facts.resource_groups.values() if g is not None}
    for table in (facts.route_table, facts.subnet_route_table):
        if table is not None:
            found.add(key(table.id))
    found |= {k for k, v in facts.network.items() if v is not None}
    if facts.vnet is not None:
        found.add(key(facts.vnet.id))
        for subnet in facts.vnet.subnets:
            found.add(key(subnet.id))
            found |= {key(r) for r in (subnet.route_table, subnet.network_security_group, subnet.nat_gateway) if r}
    return found


def _ancestors(scope: str, subscription_id: str) -> Iterator[str]:
    """`scope`, then each parent: a subnet's VNet, the resource group, the subscription."""
    head, sep, tail = scope.partition("/providers/")
    if sep:
        namespace, *rest = tail.split("/")
        while rest:
            yield f"{head}/providers/{namespace}/{'/'.join(rest)}"
            rest = rest[:-2]
    yield head
    yield f"/subscriptions/{subscription_id}"


def access_scope(scope: str, facts: LiveFacts) -> str:
    """The nearest existing scope at or above `scope`: the caller's rights there are the ones a new
    resource below it inherits."""
    found = known_ids(facts)
    return next(s for s in _ancestors(scope, facts.subscription_id) if key(s) in found or s.count("/") == 2)


def evaluate(
    spec: Spec,
    facts: LiveFacts,
    offline: Sequence[Finding],
    *,
    env: Mapping[str, str] | None = None,
    require_secrets: bool = False,
    today: date | None = None,
) -> Preflight:
    """Every finding, offline and live, and the plan built on what Azure holds."""
    filled = fill_from_live(spec, facts)
    if filled != spec:  # the offline rules see the real subnet and address space now
        offline = check(filled, today=today, env=env, require_secrets=require_secrets)
    extra = extra_grant_scopes(filled, facts)
    draft = build_plan(filled, subscription_id=facts.subscription_id, extra_grant_scopes=extra)
    body = draft.step("managed_cluster").body or {}
    inp = LiveInput(filled, facts, Ids.of(filled, facts.subscription_id), body)
    live = check_live(inp)
    findings = sorted([*offline, *live], key=lambda f: f.severity != "error")
    plan = build_plan(filled, findings, subscription_id=facts.subscription_id, extra_grant_scopes=extra)
    plan = dataclasses.replace(
        plan,
        error=live_refusal(filled.deployment, findings, facts),
        actions=decide_steps(plan, facts, findings),
        address_map=address_map(filled, facts.vnet.subnets if facts.vnet is not None else ()),
    )
    return Preflight(filled, facts, plan, tuple(live))


def decide_steps(plan: Plan, facts: LiveFacts, findings: Sequence[Finding]) -> dict[str, Decision]:
    """What `up` will do to each step's resource, from what preflight read (an error about it: refuse)."""
    refused = refusals(plan.spec, plan.steps, findings)
    vnet = plan.find("virtual_network")
    decided: dict[str, Decision] = {}
    for step in plan.steps:
        decided[step.id] = refused.get(step.id) or _decide(plan.spec, step, facts, decided, vnet)
    return decided


DECIDERS = {
    "resource_group": decide_group,
    "virtual_network": decide_vnet,
    "route_table": decide_route_table,
    "identity": decide_kept,
    "managed_cluster": decide_cluster,
    "private_dns_zone": decide_kept,
    "public_ip": decide_kept,
    "public_ip_prefix": decide_kept,
    "nat_gateway": decide_nat_gateway,
}


def _decide(
    spec: Spec, step: Step, facts: LiveFacts, decided: Mapping[str, Decision], plan_vnet: Step | None
) -> Decision:
    current = current_body(step, facts)
    if step.kind == "subnet":
        vnet = decided.get("virtual_network")
        created = vnet is not None and vnet.action == "create"
        if created and current is None:
            current = _inline(step, plan_vnet)
        owned = vnet is not None and vnet.action in ("create", "update", "unchanged")
        ours = step.action == "create" and (owned or _on_ledger(spec, facts, step.resource_id))
        field = step_field(spec, step) or "vnet.subnet"
        return decide_subnet(step, current, vnet_created=created, ours=ours, field=field)
    if step.kind == "role_assignment":
        identity = facts.identity.body if facts.identity is not None else {}
        return decide_grant(step, current, (identity.get("properties") or {}).get("principalId"))
    return DECIDERS[step.kind](step, current, spec.deployment)


def _on_ledger(spec: Spec, facts: LiveFacts, subnet_id: str) -> bool:
    """Whether this deployment's ledger (its identity, else its resource group) records the subnet."""
    group = facts.resource_groups.get(spec.resource_group.lower())
    for ledger in (facts.identity, group):
        if ledger is not None and owned_by(ledger.tags, spec.deployment):
            return records_subnet(ledger.tags, subnet_id)
    return False


def _inline(step: Step, vnet: Step | None) -> Mapping[str, Any] | None:
    """A subnet as the VNet this run creates makes it: inline, with its prefixes and nothing attached yet."""
    inline = ((vnet.body or {}).get("properties") or {}).get("subnets") if vnet is not None else None
    return next((s for s in inline or () if str(s["name"]).lower() == step.name.lower()), None)


def current_body(step: Step, facts: LiveFacts) -> Mapping[str, Any] | None:
    """The ARM JSON preflight read for the step's resource; None when it does not exist (or was not read)."""
    found: Any
    if step.kind == "resource_group":
        found = facts.resource_groups.get(step.name.lower())
    elif step.kind == "subnet":
        found = facts.subnet(step.name)
    elif step.kind == "role_assignment":
        label = step.id.removeprefix("role_assignment.")
        return next((a.assignment for a in facts.access if a.label == label), None)
    elif step.kind == "managed_cluster":
        return facts.cluster
    elif step.kind in ("virtual_network", "route_table", "identity"):
        found = {"virtual_network": facts.vnet, "route_table": facts.route_table, "identity": facts.identity}[step.kind]
    else:  # a DNS zone, NAT gateway, public IP or prefix
        found = facts.network.get(key(step.resource_id))
    return found.body if found is not None and key(found.id) == key(step.resource_id) else None


def live_refusal(deployment: str, findings: Sequence[Finding], facts: LiveFacts) -> AksnetError | None:
    """Why `up` writes nothing: exit 4 when the only problem is the right to grant, else 2; None when clear."""
    errors = [f for f in findings if f.severity == "error"]
    if not errors:
        return None
    if only_permission_errors(errors):
        denied = denied_grants(facts)
        return AuthError(
            f"{deployment}: you may not create the cluster identity's role assignments on "
            f"{', '.join(a.scope for a in denied)}; nothing was written",
            code=ROLE_ASSIGNMENT_DENIED,
            hint=GRANT_RIGHTS_HINT.format(scope=", ".join(dict.fromkeys(a.checked_at for a in denied))),
        )
    return findings_refusal(deployment, findings)


def findings_refusal(deployment: str, findings: Sequence[Finding]) -> InvalidRequest | None:
    """Exit 2 for the error findings of a live check: their code when they share one, else PREFLIGHT_FAILED."""
    errors = [f for f in findings if f.severity == "error"]
    if not errors:
        return None
    codes = list(dict.fromkeys(f.code for f in errors))
    return InvalidRequest(
        f"{deployment}: {len(errors)} error(s) found against what exists in Azure ({', '.join(codes)}); "
        "nothing was written",
        findings=findings,
        code=codes[0] if len(codes) == 1 else "PREFLIGHT_FAILED",
    )
