"""One function per step kind: read first, skip what matches, create or converge what this deployment owns."""

from __future__ import annotations

from collections.abc import Callable

from aksnet.azure.context import RunContext
from aksnet.azure.steps.cluster import ensure_cluster
from aksnet.azure.steps.dns import ensure_private_dns_zone
from aksnet.azure.steps.egress import ensure_nat_gateway, ensure_public_ip, ensure_public_ip_prefix
from aksnet.azure.steps.group import ensure_resource_group
from aksnet.azure.steps.identity import ensure_grant, ensure_identity
from aksnet.azure.steps.network import ensure_route_table, ensure_subnet, ensure_vnet
from aksnet.plan import Step
from aksnet.result import ResourceResult

Handler = Callable[[RunContext, Step], ResourceResult]

HANDLERS: dict[str, Handler] = {
    "resource_group": ensure_resource_group,
    "virtual_network": ensure_vnet,
    "route_table": ensure_route_table,
    "subnet": ensure_subnet,
    "identity": ensure_identity,
    "role_assignment": ensure_grant,
    "managed_cluster": ensure_cluster,
    "private_dns_zone": ensure_private_dns_zone,
    "public_ip": ensure_public_ip,
    "public_ip_prefix": ensure_public_ip_prefix,
    "nat_gateway": ensure_nat_gateway,
}
