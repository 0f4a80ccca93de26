"""Every offline rule of `platform: azure-local`, spec -> findings (azure-local.md §3, §5.3). Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from aksnet.arc.rules import addressing, cluster, lifecycle, network
from aksnet.arc.spec import ArcSpec
from aksnet.findings import Finding
from aksnet.rules.base import RuleContext

ArcRule = Callable[[ArcSpec, RuleContext], Iterator[Finding]]

RULES: tuple[ArcRule, ...] = (*network.RULES, *addressing.RULES, *cluster.RULES, *lifecycle.RULES)


def check_arc(spec: ArcSpec, *, today: date | None = None) -> list[Finding]:
    """Run every rule; errors first, each group in rule order."""
    ctx = RuleContext(today=today or date.today())
    findings = [finding for rule in RULES for finding in rule(spec, ctx)]
    return sorted(findings, key=lambda f: f.severity != "error")
