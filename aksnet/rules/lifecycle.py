"""Retirements: a warning before a feature's end of support, an error after it (arm-facts §4.1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from aksnet.findings import Finding, error, warning
from aksnet.rules.base import RuleContext
from aksnet.spec import Spec

KUBENET_END = date(2028, 3, 31)
NPM_LINUX_END = date(2028, 9, 30)
NPM_WINDOWS_END = date(2026, 9, 30)
MIGRATE = "`aksnet migrate-policy` moves existing clusters"


def _retired(ctx: RuleContext, field: str, feature: str, end: date, instead: str, *, moves: str) -> Finding:
    if ctx.today > end:
        return error(
            "RETIRED_FEATURE",
            field,
            f"{feature} reached end of support on {end.isoformat()}",
            f"use {instead}",
        )
    return warning(
        "RETIRED_FEATURE",
        field,
        f"{feature} reaches end of support on {end.isoformat()}",
        f"plan for {instead}; {moves}",
    )


def retirements(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    cluster = spec.cluster
    if cluster.plugin == "kubenet":
        yield _retired(
            ctx,
            "cluster.network_plugin",
            "kubenet",
            KUBENET_END,
            "Azure CNI Overlay (network_plugin: azure, network_plugin_mode: overlay)",
            moves="an existing cluster moves in place, one way, with `az aks update --network-plugin azure "
            "--network-plugin-mode overlay` (no network policy may be enabled then)",
        )
    if cluster.policy != "azure":
        return
    if any(p.os_type == "Linux" for p in cluster.node_pools):
        yield _retired(
            ctx,
            "cluster.network_policy",
            "Azure Network Policy Manager on Linux",
            NPM_LINUX_END,
            "Cilium (network_dataplane: cilium)",
            moves=MIGRATE,
        )
    if cluster.has_windows_pool:
        yield _retired(
            ctx,
            "cluster.network_policy",
            "Azure Network Policy Manager on Windows",
            NPM_WINDOWS_END,
            "Calico for clusters with Windows pools (network_policy: calico)",
            moves=MIGRATE,
        )


RULES = (retirements,)
