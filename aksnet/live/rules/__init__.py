"""Live rules: what already exists in Azure against what the spec asks for. Pure: facts in, findings out.

Each rule catches, before anything is written, an error Azure would return minutes into a create
(arm-facts §2.2, §2.3) or a setting aksnet could not honour without changing what is not its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from aksnet.findings import Finding
from aksnet.live.rules.access import (
    GRANT_FIELDS,
    GRANT_RIGHTS_HINT,
    ROLE_ASSIGNMENT_DENIED,
    ROLE_ASSIGNMENT_WRITE,
    allows,
    caller_can_grant,
    clusters_listed,
    denied_grants,
    providers_registered,
)
from aksnet.live.rules.addressing import new_subnet_fits, ranges_clear_of_network
from aksnet.live.rules.api_server import api_server_subnet_found
from aksnet.live.rules.api_server_nsg import api_server_nsgs_allow
from aksnet.live.rules.base import LiveInput, LiveRule
from aksnet.live.rules.cluster import existing_cluster
from aksnet.live.rules.edges import network_resources
from aksnet.live.rules.egress import dual_stack_network_found, egress_matches_network
from aksnet.live.rules.location import location_offered
from aksnet.live.rules.resources import declared_resources_exist, found_resources_owned, new_subnet_recordable
from aksnet.live.rules.subnet import (
    pod_subnet_mode_shared,
    route_table_associated,
    route_table_shared,
    subnet_in_use,
)

__all__ = [
    "GRANT_FIELDS",
    "GRANT_RIGHTS_HINT",
    "LIVE_RULES",
    "ROLE_ASSIGNMENT_DENIED",
    "ROLE_ASSIGNMENT_WRITE",
    "LiveInput",
    "LiveRule",
    "allows",
    "api_server_nsgs_allow",
    "api_server_subnet_found",
    "caller_can_grant",
    "check_live",
    "clusters_listed",
    "declared_resources_exist",
    "denied_grants",
    "dual_stack_network_found",
    "egress_matches_network",
    "existing_cluster",
    "found_resources_owned",
    "location_offered",
    "network_resources",
    "new_subnet_fits",
    "new_subnet_recordable",
    "only_permission_errors",
    "pod_subnet_mode_shared",
    "providers_registered",
    "ranges_clear_of_network",
    "route_table_associated",
    "route_table_shared",
    "subnet_in_use",
]

LIVE_RULES: tuple[LiveRule, ...] = (
    providers_registered,
    location_offered,
    declared_resources_exist,
    found_resources_owned,
    new_subnet_recordable,
    existing_cluster,
    subnet_in_use,
    api_server_subnet_found,
    api_server_nsgs_allow,
    pod_subnet_mode_shared,
    route_table_shared,
    route_table_associated,
    new_subnet_fits,
    ranges_clear_of_network,
    egress_matches_network,
    dual_stack_network_found,
    network_resources,
    caller_can_grant,
    clusters_listed,
)


def check_live(inp: LiveInput) -> list[Finding]:
    """Every live rule; errors first, each group in rule order."""
    findings = [f for rule in LIVE_RULES for f in rule(inp)]
    return sorted(findings, key=lambda f: f.severity != "error")


def only_permission_errors(findings: Iterable[Finding]) -> bool:
    """True when every error is a missing right to grant: exit 4 (authorization), not 2."""
    errors = [f for f in findings if f.severity == "error"]
    return bool(errors) and all(f.code == ROLE_ASSIGNMENT_DENIED for f in errors)
