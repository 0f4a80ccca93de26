"""What `up` does to each resource, decided once: `plan --live` shows it, and the executor carries it out.

Each `decide_*` is pure: a plan step and the resource as Azure holds it (ARM JSON, camelCase; None when
it does not exist) in, a `Decision` out: `create`, `update` (with every changed field), `unchanged`,
`adopt` (found as described, not this deployment's: used, never changed), `use` (brought by you) or
`refuse`. `plan --live` calls them with what preflight read; each executor step calls the same function
with what it reads just before it writes, so what `plan --live` shows is what `up` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from aksnet.arm import ARM_TYPES, key, name_of, owned_by, provisioning_state, same_id
from aksnet.errors import AksnetError, AzureOperationError, InvalidRequest
from aksnet.findings import Finding, error
from aksnet.live.drift import cluster_differences
from aksnet.plan import PRINCIPAL_PLACEHOLDER, Plan, Step
from aksnet.result import Action, Change
from aksnet.spec import Spec

ActionName = Literal["create", "update", "unchanged", "adopt", "use", "refuse"]
RESULT_ACTION: Mapping[ActionName, Action] = {
    "create": "created",
    "update": "updated",
    "unchanged": "unchanged",
    "adopt": "adopted",
    "use": "adopted",
}

BROUGHT = "brought by you; aksnet reads it and never changes or deletes it"
FOUND = "found, not created by this deployment; aksnet never changes or deletes it"
GROUP_FOUND = "existed before this deployment; aksnet never changes or deletes it"
Body = Mapping[str, Any]


@dataclass(frozen=True)
class Decision:
    """What `up` does to one resource; `writes` says whether it sends anything to Azure for it."""

    action: ActionName
    writes: bool = False
    changes: tuple[Change, ...] = ()
    reason: str = ""
    finding: Finding | None = None
    error: AksnetError | None = field(default=None, compare=False)  # what the executor raises on `refuse`
    repair: bool = False  # re-send as read, merged with the spec: it is this deployment's and Failed

    @property
    def result_action(self) -> Action:
        """The action `up` reports once this decision is carried out (`use` is reported as `adopted`)."""
        return RESULT_ACTION[self.action] if self.action != "refuse" else "failed"

    def refusal(self) -> AksnetError:
        """The error a `refuse` stops the run with."""
        if self.error is not None:
            return self.error
        found = self.finding
        code = found.code if found else "PREFLIGHT_FAILED"
        return InvalidRequest(self.reason, code=code, hint=found.hint if found else None)

    def as_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {"action": self.action, "changes": [c.as_dict() for c in self.changes]}
        if self.reason:
            document["reason"] = self.reason
        if self.finding is not None:
            document["finding"] = self.finding.as_dict()
        return document


CREATE = Decision("create", writes=True)
UNCHANGED = Decision("unchanged")
# Azure's recovery for a Network resource in Failed state: PUT it again, which keeps what others wrote into it.
REPAIR = Decision("update", writes=True, reason="was Failed; re-sent as read, with the spec's settings", repair=True)


def failed(current: Body) -> bool:
    return provisioning_state(current).lower() == "failed"


def _update(changes: Sequence[Change], reason: str = "") -> Decision:
    return Decision("update", writes=True, changes=tuple(changes), reason=reason) if changes else UNCHANGED


def _refuse(code: str, spec_field: str, message: str, hint: str, kind: type[AksnetError]) -> Decision:
    finding = error(code, spec_field, message, hint)
    return Decision("refuse", reason=message, finding=finding, error=kind(message, code=code, hint=hint))


def missing(step: Step) -> Decision:
    """A resource the step needs to find (brought, or to be associated) does not exist."""
    what = step.kind.replace("_", " ")
    return _refuse(
        "RESOURCE_NOT_FOUND",
        SPEC_FIELDS.get(step.kind, ""),
        f"{what} {step.name} is marked existing but does not exist: {step.resource_id}",
        "create it first or fix the name, or let aksnet create it",
        AzureOperationError,
    )


def _tags(current: Body) -> Mapping[str, str]:
    return current.get("tags") or {}


def _properties(current: Body) -> Mapping[str, Any]:
    return current.get("properties") or {}


def _ours_or_found(
    step: Step, current: Body | None, deployment: str, converge: Callable[[Body], Decision], found: str = FOUND
) -> Decision:
    """Brought: used (refused when missing); missing: created; not this deployment's: adopted; ours: converged."""
    if step.action == "use":
        return Decision("use", reason=BROUGHT) if current is not None else missing(step)
    if current is None:
        return CREATE
    if not owned_by(_tags(current), deployment):
        return Decision("adopt", reason=found)
    return REPAIR if failed(current) else converge(current)


def tag_changes(current: Mapping[str, str] | None, wanted: Mapping[str, str]) -> list[Change]:
    """The spec's tags a resource lacks or holds with another value (its other tags stay)."""
    have = current or {}
    return [Change(f"tags.{k}", have.get(k), v) for k, v in wanted.items() if have.get(k) != v]


# --- one decision per step kind --------------------------------------------------------------------


def decide_group(step: Step, current: Body | None, deployment: str) -> Decision:
    """A resource group: created if missing (then owned); one that existed is adopted, never changed."""
    return _ours_or_found(step, current, deployment, lambda _: UNCHANGED, found=GROUP_FOUND)


def decide_vnet(step: Step, current: Body | None, deployment: str) -> Decision:
    """A VNet: ours converges its address space and tags; its subnets are the subnet step's."""
    return _ours_or_found(step, current, deployment, lambda have: _vnet_changes(step, have))


def _vnet_changes(step: Step, current: Body) -> Decision:
    body = step.body or {}
    want = list(body["properties"]["addressSpace"]["addressPrefixes"])
    have = [str(p) for p in (_properties(current).get("addressSpace") or {}).get("addressPrefixes") or []]
    changes = [] if sorted(have) == sorted(want) else [Change("properties.addressSpace.addressPrefixes", have, want)]
    changes += tag_changes(_tags(current), body.get("tags") or {})
    return _update(changes)


def decide_route_table(step: Step, current: Body | None, deployment: str) -> Decision:
    """A route table: ours gets the spec's missing or changed routes, one PUT each; other routes stay
    (AKS writes its pod routes into the table; a PUT of the whole table would delete them)."""
    return _ours_or_found(step, current, deployment, lambda have: _route_changes(step, have))


def routes_to_set(current: Body, wanted: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The spec's routes the table lacks or holds with other properties."""
    have = {str(r.get("name", "")).lower(): _properties(r) for r in _properties(current).get("routes") or []}
    return [route for route in wanted if not _route_holds(have.get(str(route["name"]).lower()), route)]


def _route_holds(have: Mapping[str, Any] | None, route: Mapping[str, Any]) -> bool:
    return have is not None and all(
        str(have.get(k, "")).lower() == str(v).lower() for k, v in route["properties"].items()
    )


def _route_changes(step: Step, current: Body) -> Decision:
    routes = routes_to_set(current, (step.body or {})["properties"]["routes"])
    have = {str(r.get("name", "")).lower(): _properties(r) for r in _properties(current).get("routes") or []}
    changes = [
        Change(f"properties.routes[{r['name']}].properties", have.get(str(r["name"]).lower()), r["properties"])
        for r in routes
    ]
    names = ", ".join(str(r["name"]) for r in routes)
    return _update(changes, f"route(s) {names} set to match the spec; other routes kept")


def decide_kept(step: Step, current: Body | None, deployment: str) -> Decision:
    """What is fixed once created (the identity, a DNS zone, a public IP or prefix): brought, created,
    found, or ours and left as it is."""
    return _ours_or_found(step, current, deployment, lambda _: UNCHANGED)


def decide_nat_gateway(step: Step, current: Body | None, deployment: str) -> Decision:
    """A NAT gateway: ours converges its idle timeout and its public IPs and prefixes."""
    return _ours_or_found(step, current, deployment, lambda have: _nat_gateway_changes(step, have))


def _nat_gateway_changes(step: Step, current: Body) -> Decision:
    want, have = (step.body or {})["properties"], _properties(current)
    changes = []
    if have.get("idleTimeoutInMinutes") != want["idleTimeoutInMinutes"]:
        changes.append(
            Change("properties.idleTimeoutInMinutes", have.get("idleTimeoutInMinutes"), want["idleTimeoutInMinutes"])
        )
    for name in ("publicIpAddresses", "publicIpPrefixes"):
        had, wanted = _ref_ids(have.get(name)), _ref_ids(want.get(name))
        if sorted(map(key, had)) != sorted(map(key, wanted)):
            changes.append(Change(f"properties.{name}", had, wanted))
    return _update(changes, "idle timeout or public IPs set to match the spec")


def _ref_ids(refs: Any) -> list[str]:
    return [str(r["id"]) for r in refs or ()]


# What aksnet attaches to a subnet, and how a message names it.
ASSOCIATIONS = {"routeTable": "route table", "natGateway": "NAT gateway"}


def decide_subnet(
    step: Step, current: Body | None, *, vnet_created: bool, ours: bool, field: str = "vnet.subnet"
) -> Decision:
    """A subnet: created (inline with a new VNet, or on its own), or given aksnet's route table, NAT gateway
    and delegation; its prefixes never change once it exists. `ours`: in a VNet this deployment owns, or
    recorded on its ledger; `field`: where the spec declares it."""
    if step.action == "use":
        return Decision("use", reason=BROUGHT) if current is not None else missing(step)
    wanted = (step.body or {}).get("properties") or {}
    if current is None:
        return missing(step) if step.action == "associate" else CREATE
    if failed(current) and (ours or any(name in wanted for name in ASSOCIATIONS)):
        return REPAIR  # Failed after our PUT (of our association at least)
    have = _properties(current)
    want = subnet_prefixes(wanted)
    if want and sorted(p.lower() for p in subnet_prefixes(have)) != sorted(p.lower() for p in want):
        return _resized(step, field, subnet_prefixes(have), want)
    changes = _associations(have, wanted)
    done = [f"{ASSOCIATIONS[c.path.split('.')[1]]} {name_of(str(c.after))} associated" for c in changes]
    if not delegated(have, wanted):
        changes.append(Change("properties.delegations", _services(have), _services(wanted)))
        done.append(f"delegated to {', '.join(_services(wanted))}")
    if vnet_created:  # made inline with the VNet this run created: reported as created, association and all
        reason = "; ".join(["created with its VNet", *done])
        return Decision("create", writes=bool(changes), changes=tuple(changes), reason=reason)
    if not changes:
        if step.action == "associate":
            return Decision("use", reason=BROUGHT)
        return UNCHANGED if ours else Decision("adopt", reason=FOUND)
    return _update(changes, "; ".join(done))


def _services(properties: Mapping[str, Any]) -> list[str]:
    """The services a subnet is delegated to."""
    return [str((d.get("properties") or {}).get("serviceName", "")) for d in properties.get("delegations") or ()]


def delegated(have: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """Whether the subnet is delegated as the step asks (the API server subnet to AKS), whatever the names."""
    return "delegations" not in wanted or {s.lower() for s in _services(wanted)} <= {s.lower() for s in _services(have)}


def subnet_prefixes(properties: Mapping[str, Any]) -> list[str]:
    """A subnet's prefixes: `addressPrefix`, or `addressPrefixes` (dual-stack)."""
    if properties.get("addressPrefix"):
        return [str(properties["addressPrefix"])]
    return [str(p) for p in properties.get("addressPrefixes") or ()]


def _associations(have: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[Change]:
    changes = []
    for name in ASSOCIATIONS:
        if name in wanted:
            current, target = (have.get(name) or {}).get("id"), wanted[name]["id"]
            if not same_id(current, target):
                changes.append(Change(f"properties.{name}.id", current, target))
    return changes


def _resized(step: Step, field: str, have: list[str], want: list[str]) -> Decision:
    shown, wanted = ", ".join(have) or "none", ", ".join(want)
    return _refuse(
        "IMMUTABLE_CHANGE",
        f"{field}.address_prefix",
        f"subnet {step.name} exists with prefix(es) {shown}, the spec says {wanted}; a subnet in use cannot be resized",
        f"set {field}.address_prefix to {have[0] if have else 'its prefix'}, or use another subnet name",
        AzureOperationError,
    )


def decide_grant(step: Step, current: Body | None, principal_id: str | None) -> Decision:
    """A role assignment (deterministic name): created, kept, or replaced when it names an old principal."""
    if current is None:
        return CREATE
    have = _properties(current)
    want = (step.body or {})["properties"]
    principal = principal_id or PRINCIPAL_PLACEHOLDER
    if have.get("principalId") == principal and same_id(have.get("roleDefinitionId"), want["roleDefinitionId"]):
        return UNCHANGED
    changes = [Change("properties.principalId", have.get("principalId"), principal)]
    if not same_id(have.get("roleDefinitionId"), want["roleDefinitionId"]):
        changes.append(Change("properties.roleDefinitionId", have.get("roleDefinitionId"), want["roleDefinitionId"]))
    return _update(changes, "replaced: it named another principal or role (a recreated identity)")


def decide_cluster(step: Step, current: Body | None, deployment: str) -> Decision:
    """The cluster: created; this deployment's converged by one PUT; anyone else's refused."""
    if current is None:
        return CREATE
    name = step.name
    if not owned_by(_tags(current), deployment):
        return _refuse(
            "CLUSTER_NOT_OWNED",
            "cluster.name",
            f"cluster {name} exists and was not created by deployment {deployment}; aksnet will not take it over",
            "use another cluster.name or resource_group",
            InvalidRequest,
        )
    differences = cluster_differences(step.body or {}, current)
    fixed = [d for d in differences if not d.changeable]
    if fixed:
        message = "the existing cluster differs in settings that cannot change: " + "; ".join(
            f"{d.describe()} ({d.hint})" if d.hint else d.describe() for d in fixed
        )
        return _refuse("IMMUTABLE_CHANGE", "cluster", message, fixed[0].hint or "", InvalidRequest)
    state = provisioning_state(current)
    changes = tuple(Change(d.path, d.have, d.want) for d in differences)
    if not changes and state.lower() == "succeeded":
        return UNCHANGED
    reason = "" if changes else f"was {state.capitalize() or 'in an unknown state'}; re-sent"
    return Decision("update", writes=True, changes=changes, reason=reason)


# --- every step of a plan, from what preflight read ------------------------------------------------

SPEC_FIELDS = {
    "resource_group": "resource_group",
    "virtual_network": "vnet",
    "subnet": "vnet.subnet",
    "route_table": "route_table",
    "identity": "identity",
    "managed_cluster": "cluster",
    "private_dns_zone": "cluster.api_server.private_dns_zone",
    "nat_gateway": "nat_gateway",
    "public_ip": "ingress.static_ips",
    "public_ip_prefix": "nat_gateway.public_ip_prefix",
}


def step_field(spec: Spec, step: Step) -> str | None:
    """Where the spec declares the step's resource (`vnet.subnets.1`, `ingress.static_ips.0`); None for a grant."""
    if step.kind == "subnet":
        subnet = next((s for s in spec.vnet.all_subnets if s.name.lower() == step.name.lower()), None)
        return spec.vnet.subnet_field(subnet) if subnet is not None else SPEC_FIELDS["subnet"]
    if step.kind == "public_ip":
        names = [ip.name.lower() for ip in spec.ingress.static_ips]
        return (
            f"ingress.static_ips.{names.index(step.name.lower())}"
            if step.name.lower() in names
            else ("nat_gateway.public_ips")
        )
    return SPEC_FIELDS.get(step.kind)


def refusals(spec: Spec, steps: Sequence[Step], findings: Sequence[Finding]) -> dict[str, Decision]:
    """`refuse`, by step id, for each step an error finding is about: the step whose spec field is the
    longest prefix of the finding's (`vnet.subnet.name` is the subnet's, `vnet.address_prefixes` the VNet's)."""
    fields = {s.id: f for s in steps if (f := step_field(spec, s)) is not None}
    refused: dict[str, Decision] = {}
    for finding in findings:
        if finding.severity != "error":
            continue
        under = [f for f in fields.values() if _under(finding.field, f)]
        if not under:
            continue
        best = max(under, key=len)
        for step_id, f in fields.items():
            if f == best:
                refused.setdefault(step_id, Decision("refuse", reason=finding.message, finding=finding))
    return refused


def _under(spec_field: str, prefix: str) -> bool:
    return spec_field == prefix or spec_field.startswith(prefix + ".")


# --- as text, where no renderer can be used (the confirmation `up` asks before it writes) ----------


def describe_actions(plan: Plan) -> list[str]:
    """What `up` does to each resource of `plan`, with its changes: `  update  managedClusters aks`."""
    lines = []
    for step in plan.steps:
        decision = (plan.actions or {}).get(step.id)
        lines.append(f"  {plan.action_of(step):<9} {ARM_TYPES[step.kind].rsplit('/', 1)[-1]} {step.name}")
        lines += [f"    {c.describe()}" for c in (decision.changes if decision else ())]
    return lines
