"""What the subscription and the caller allow: providers registered, clusters listable, and the right
to create the cluster identity's role assignments."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from aksnet.arm import key
from aksnet.findings import Finding, error, warning
from aksnet.live.facts import REQUIRED_PROVIDERS, GrantAccess, LiveFacts, Permission
from aksnet.live.rules.base import LiveInput

ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write"
ROLE_ASSIGNMENT_DENIED = "ROLE_ASSIGNMENT_DENIED"
GRANT_FIELDS = {"subnet": "vnet.subnet.name", "route_table": "route_table.name"}


def grant_field(inp: LiveInput, label: str) -> str:
    """The spec field a grant is about: `subnet.<name>` (and `nsg.<name>`, ...) name a declared subnet."""
    subnet = inp.spec.vnet.find_subnet(label.partition(".")[2] or None)
    if subnet is not None:
        return f"{inp.spec.vnet.subnet_field(subnet)}.name"
    return GRANT_FIELDS.get(label, "vnet.subnet.name")


GRANT_RIGHTS_HINT = (
    "ask an Owner or User Access Administrator to give you 'Role Based Access Control Administrator' "
    "(or 'User Access Administrator') on {scope}, then re-run"
)


def providers_registered(inp: LiveInput) -> Iterator[Finding]:
    yield from unregistered(REQUIRED_PROVIDERS, inp.facts.providers, inp.facts.subscription_id)


def unregistered(namespaces: Iterable[str], states: Mapping[str, str], sub: str) -> Iterator[Finding]:
    """PROVIDER_NOT_REGISTERED for each of `namespaces` read as not registered."""
    for namespace in namespaces:
        state = states.get(namespace)
        if state is not None and state.lower() != "registered":
            yield error(
                "PROVIDER_NOT_REGISTERED",
                "subscription_id",
                f"resource provider {namespace} is {state} in subscription {sub}: Azure refuses to create its "
                "resources (MissingSubscriptionRegistration), so nothing of it was read or will be written",
                f"run `az provider register --namespace {namespace} --subscription {sub} --wait` once, then re-run",
            )


def _matches(pattern: str, action: str) -> bool:
    regex = re.escape(pattern).replace(r"\*", ".*")
    return re.fullmatch(regex, action, flags=re.IGNORECASE) is not None


def allows(permissions: Iterable[Permission], action: str) -> bool:
    """Whether any permission block grants `action` (an action wildcard, minus that block's notActions)."""
    return any(
        any(_matches(a, action) for a in p.actions) and not any(_matches(n, action) for n in p.not_actions)
        for p in permissions
    )


def denied_grants(facts: LiveFacts) -> list[GrantAccess]:
    """The grants the caller may not create (and that are not there already)."""
    return [a for a in facts.access if not a.already_granted and not allows(a.permissions, ROLE_ASSIGNMENT_WRITE)]


def caller_can_grant(inp: LiveInput) -> Iterator[Finding]:
    for access in denied_grants(inp.facts):
        at = "" if key(access.checked_at) == key(access.scope) else f" (read at {access.checked_at}, its parent)"
        yield error(
            ROLE_ASSIGNMENT_DENIED,
            grant_field(inp, access.label),
            f"you may not create role assignments on {access.scope}{at}: your roles there lack "
            f"{ROLE_ASSIGNMENT_WRITE}, and the cluster identity needs Network Contributor on this "
            f"{access.label.replace('_', ' ')}",
            GRANT_RIGHTS_HINT.format(scope=access.checked_at),
        )


def clusters_listed(inp: LiveInput) -> Iterator[Finding]:
    if not inp.facts.knows("clusters"):
        yield warning(
            "PREFLIGHT_INCOMPLETE",
            "subscription_id",
            "the subscription's clusters could not be listed (no read access at subscription scope); another "
            "cluster in the subnet is recognised only by its nodes' addresses there",
            "grant yourself Reader on the subscription for a complete check",
        )
