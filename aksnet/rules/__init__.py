"""Every offline rule, spec -> findings. Pure: no azure.* import, no I/O beyond the given env."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from aksnet.findings import Finding
from aksnet.rules import (
    addressing,
    api_server,
    capacity,
    compatibility,
    dual_stack,
    egress,
    ingress,
    lifecycle,
    load_balancer,
    nat_gateway,
    pod_subnets,
    pools,
    structure,
    subnets,
)
from aksnet.rules.base import Rule, RuleContext
from aksnet.spec import Spec

RULES: tuple[Rule, ...] = (
    *structure.RULES,
    *subnets.RULES,
    *addressing.RULES,
    *dual_stack.RULES,
    *compatibility.RULES,
    *pools.RULES,
    *pod_subnets.RULES,
    *capacity.RULES,
    *egress.RULES,
    *load_balancer.RULES,
    *nat_gateway.RULES,
    *api_server.RULES,
    *ingress.RULES,
    *lifecycle.RULES,
)


def check(
    spec: Spec,
    *,
    today: date | None = None,
    env: Mapping[str, str] | None = None,
    require_secrets: bool = False,
) -> list[Finding]:
    """Run every rule; errors first, each group in rule order."""
    ctx = RuleContext(today=today or date.today(), env=env, require_secrets=require_secrets)
    findings = [finding for rule in RULES for finding in rule(spec, ctx)]
    return sorted(findings, key=lambda f: f.severity != "error")
