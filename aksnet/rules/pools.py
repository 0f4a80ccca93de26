"""Node pool rules: names, modes, counts, autoscaler bounds, maxPods and surge (arm-facts §3.2, §4.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aksnet.findings import Finding, error
from aksnet.netcalc import parse_surge
from aksnet.rules.base import RuleContext, pool_field
from aksnet.spec import NodePoolSpec, Spec

POOL_NAME = re.compile(r"^[a-z][a-z0-9]{0,11}$")
WINDOWS_POOL_NAME_MAX = 6
MAX_POOL_COUNT = 1000
MAX_PODS_RANGE = (10, 250)
MIN_PODS_PER_POOL = 30


def system_pool(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    pools = spec.cluster.node_pools
    if not pools:
        yield error("NO_SYSTEM_POOL", "cluster.node_pools", "the cluster has no node pool", "add a System node pool")
    elif not any(p.mode == "System" for p in pools):
        yield error(
            "NO_SYSTEM_POOL",
            "cluster.node_pools",
            "no node pool has mode System; AKS needs at least one",
            "set mode: System on one Linux pool",
        )
    for i, pool in enumerate(pools):
        if pool.mode == "System" and pool.os_type != "Linux":
            yield error(
                "SYSTEM_POOL_MUST_BE_LINUX",
                pool_field(i, "mode"),
                f"pool {pool.name} is a {pool.os_type} System pool; System pools run Linux",
                "make it a User pool and add a Linux System pool",
            )


def pool_names(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, pool in enumerate(spec.cluster.node_pools):
        if not POOL_NAME.match(pool.name):
            yield error(
                "POOL_NAME_INVALID",
                pool_field(i, "name"),
                f"pool name {pool.name!r} is not valid",
                "use 1-12 lower-case letters and digits, starting with a letter",
            )
        elif pool.os_type == "Windows" and len(pool.name) > WINDOWS_POOL_NAME_MAX:
            yield error(
                "POOL_NAME_INVALID",
                pool_field(i, "name"),
                f"Windows pool name {pool.name!r} is longer than 6 characters",
                "shorten it to at most 6 characters",
            )
        if pool.name in seen:
            yield error(
                "POOL_NAME_INVALID",
                pool_field(i, "name"),
                f"pool name {pool.name!r} is used twice",
                "give every pool its own name",
            )
        seen.add(pool.name)


def pool_counts(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    for i, pool in enumerate(spec.cluster.node_pools):
        low = 1 if pool.mode == "System" else 0
        if not low <= pool.count <= MAX_POOL_COUNT:
            yield error(
                "NODE_COUNT_OUT_OF_RANGE",
                pool_field(i, "count"),
                f"pool {pool.name} count {pool.count} is outside {low}-{MAX_POOL_COUNT} for a {pool.mode} pool",
                f"use {low} to {MAX_POOL_COUNT}",
            )
        yield from _autoscaler(i, pool)


def _autoscaler(i: int, pool: NodePoolSpec) -> Iterator[Finding]:
    low, high = pool.min_count, pool.max_count
    if not pool.enable_auto_scaling:
        if low is not None or high is not None:
            yield error(
                "AUTOSCALER_INVALID",
                pool_field(i, "enable_auto_scaling"),
                f"pool {pool.name} sets min_count/max_count without enable_auto_scaling",
                "set enable_auto_scaling: true or drop them",
            )
        return
    if low is None or high is None:
        yield error(
            "AUTOSCALER_INVALID",
            pool_field(i, "max_count"),
            f"pool {pool.name} enables the autoscaler without min_count and max_count",
            "set both min_count and max_count",
        )
    elif not (0 <= low <= pool.count <= high <= MAX_POOL_COUNT):
        yield error(
            "AUTOSCALER_INVALID",
            pool_field(i, "max_count"),
            f"pool {pool.name}: min_count {low}, count "
            f"{pool.count}, max_count {high} must satisfy 0 <= min <= count <= max <= 1000",
            "adjust the three so that min_count <= count <= max_count",
        )


def max_pods(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    low, high = MAX_PODS_RANGE
    for i, pool in enumerate(spec.cluster.node_pools):
        pods = pool.max_pods or 0
        if not low <= pods <= high:
            yield error(
                "MAX_PODS_OUT_OF_RANGE",
                pool_field(i, "max_pods"),
                f"pool {pool.name} max_pods {pods} is outside {low}-{high}",
                f"use {low} to {high}",
            )
        elif pods < MIN_PODS_PER_POOL and pods * pool.node_floor < MIN_PODS_PER_POOL:
            # Below 30 only "if and only if each node pool has space for a minimum of 30 pods".
            need = -(-MIN_PODS_PER_POOL // pods)
            yield error(
                "MAX_PODS_OUT_OF_RANGE",
                pool_field(i, "max_pods"),
                f"pool {pool.name} holds "
                f"{pods * pool.node_floor} pods ({pool.node_floor} nodes x {pods}); AKS allows max_pods "
                "below 30 only when the pool holds at least 30",
                f"run at least {need} nodes, or raise max_pods to 30",
            )


def max_surge(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    for i, pool in enumerate(spec.cluster.node_pools):
        if pool.max_surge is None:
            continue
        ok, why = parse_surge(pool.max_surge)
        if not ok:
            yield error(
                "SPEC_INVALID",
                pool_field(i, "max_surge"),
                f"pool {pool.name} max_surge {why}",
                'use a node count such as "1" or a percentage such as "33%"',
            )


RULES = (system_pool, pool_names, pool_counts, max_pods, max_surge)
