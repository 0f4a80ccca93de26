"""Ingress rules: static public IPs' names (breadth.md §6)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aksnet.findings import Finding, error
from aksnet.rules.base import RuleContext
from aksnet.spec import Spec

# Microsoft.Network/publicIPAddresses naming (Azure resource name rules).
PUBLIC_IP_NAME = re.compile(r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-._a-zA-Z0-9]{0,78}[a-zA-Z0-9_]$")


def static_ips(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for i, ip in enumerate(spec.ingress.static_ips):
        field = f"ingress.static_ips.{i}.name"
        if not PUBLIC_IP_NAME.match(ip.name):
            yield error(
                "NAME_INVALID",
                field,
                f"public IP name {ip.name!r} is not valid",
                "use 1-80 letters, digits, '-', '.' or '_', starting with a letter or digit, not ending in '-' or '.'",
            )
        place = ((ip.resource_group or spec.resource_group).lower(), ip.name.lower())
        if place in seen:
            yield error(
                "SPEC_INVALID",
                field,
                f"static IP {ip.name} is listed twice in resource group {place[0]}",
                "list each public IP once",
            )
        seen.add(place)


RULES = (static_ips,)
