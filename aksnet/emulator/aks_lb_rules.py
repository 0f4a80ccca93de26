"""AKS rules about the Standard load balancer's outbound profile, SNAT ports included (breadth.md §4).

The SNAT check counts what the RP counts: every pool at its autoscaler maximum plus its upgrade surge
(Azure/azure-cli#22374 reports `--node-count 3` as "Total node count 4").
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from aksnet.emulator import authorization, ids
from aksnet.emulator.aks_identity_rules import user_identity
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, aks_bad_request

if TYPE_CHECKING:
    from aksnet.emulator.aks_validation import Subject

TARGET = "networkProfile.loadBalancerProfile"
PORTS_PER_IP, MAX_PORTS = 64_000, 64_000
IP_COUNT = (1, 100)
IDLE = (4, 120)
OPTIONS = ("managedOutboundIPs", "outboundIPs", "outboundIPPrefixes")


def lb_profile(mc: dict[str, Any]) -> dict[str, Any]:
    return ((mc.get("properties") or {}).get("networkProfile") or {}).get("loadBalancerProfile") or {}


def check_request(request: dict[str, Any]) -> None:
    """One outbound IP option per request (checked before the body is filled: filling an update that brings
    IPs drops the managed count the cluster had)."""
    given = [k for k in OPTIONS if lb_profile(request).get(k)]
    if len(given) > 1:
        raise aks_bad_request(
            "LoadBalancerProfileOutboundIPOptionsExclusive",
            f"Only one of {', '.join(OPTIONS)} may be set; got {', '.join(given)}.",
            TARGET,
        )


def check_load_balancer(ctx: Ctx, subject: Subject) -> None:
    np = subject.mc["properties"]["networkProfile"]
    lbp = lb_profile(subject.mc)
    if np.get("outboundType") != "loadBalancer" or not lbp:
        return
    _check_counts(lbp, subject.net.dual_stack)
    _check_ports_and_idle(lbp)
    ips = _outbound_ips(ctx, subject, lbp)
    _check_snat(subject.mc, lbp, ips)


def _check_counts(lbp: dict[str, Any], dual: bool) -> None:
    managed = lbp.get("managedOutboundIPs") or {}
    for key in ("count", "countIPv6"):
        value = managed.get(key)
        low = IP_COUNT[0] if key == "count" else 0
        if value is not None and not low <= int(value) <= IP_COUNT[1]:
            raise aks_bad_request(
                "InvalidParameter",
                f"The value of parameter loadBalancerProfile.managedOutboundIPs.{key} is invalid: {value}.",
                f"{TARGET}.managedOutboundIPs.{key}",
            )
    if managed.get("countIPv6") and not dual:
        raise aks_bad_request(
            "InvalidParameter",
            "loadBalancerProfile.managedOutboundIPs.countIPv6 requires an IPv6 ip family (dual-stack).",
            f"{TARGET}.managedOutboundIPs.countIPv6",
        )


def _check_ports_and_idle(lbp: dict[str, Any]) -> None:
    ports = int(lbp.get("allocatedOutboundPorts") or 0)
    if ports % 8:
        raise aks_bad_request(
            "SpecifiedAllocatedOutboundPortsForOutboundRuleIsNotAMultipleOfEight",
            f"Specified AllocatedOutboundPorts {ports} for outbound rule is not a multiple of 8.",
            f"{TARGET}.allocatedOutboundPorts",
        )
    if not 0 <= ports <= MAX_PORTS:
        raise aks_bad_request(
            "InvalidLoadBalancerProfileAllocatedOutboundPorts",
            f"Load balancer profile allocated ports {ports} is not in an allowable range [0, {MAX_PORTS}].",
            f"{TARGET}.allocatedOutboundPorts",
        )
    idle = lbp.get("idleTimeoutInMinutes")
    if idle is not None and not IDLE[0] <= int(idle) <= IDLE[1]:
        raise aks_bad_request(
            "InvalidParameter",
            f"The value of parameter loadBalancerProfile.idleTimeoutInMinutes is invalid: {idle}.",
            f"{TARGET}.idleTimeoutInMinutes",
        )


def _outbound_ips(ctx: Ctx, subject: Subject, lbp: dict[str, Any]) -> int:
    """IPv4 outbound addresses; brought IPs and prefixes must exist, and the identity may join them."""
    ips = [r["id"] for r in (lbp.get("outboundIPs") or {}).get("publicIPs") or []]
    prefixes = [r["id"] for r in (lbp.get("outboundIPPrefixes") or {}).get("publicIPPrefixes") or []]
    total = 0
    for rid, arm_type in [*((i, ids.PUBLIC_IP) for i in ips), *((p, ids.PUBLIC_IP_PREFIX) for p in prefixes)]:
        row = ctx.tx.get(rid)
        if row is None or row.type.lower() != arm_type.lower():
            raise aks_bad_request("InvalidLoadBalancerProfileOutboundIPs", f"Outbound IP {rid} does not exist.", TARGET)
        _require_join(ctx, subject, rid, arm_type)
        total += 2 ** (32 - int(row.body["properties"]["prefixLength"])) if arm_type == ids.PUBLIC_IP_PREFIX else 1
    return total or int((lbp.get("managedOutboundIPs") or {}).get("count") or 1)


def _require_join(ctx: Ctx, subject: Subject, rid: str, arm_type: str) -> None:
    identity = user_identity(ctx, subject.net)
    if identity is None:
        return
    props = identity.body["properties"]
    cutoff = ctx.now - ctx.settings.faults.rbac_delay
    if authorization.holds_role(ctx.tx, props["principalId"], rid, authorization.NETWORK_WRITERS, older_than=cutoff):
        return
    raise ArmError(
        403,
        "LinkedAuthorizationFailed",
        f"The client '{props['clientId']}' with object id '{props['principalId']}' has permission to perform "
        f"action 'Microsoft.Network/loadBalancers/write'; however, it does not have permission to perform "
        f"action(s) '{arm_type}/join/action' on the linked scope(s) '{rid}' (respectively) or the linked "
        "scope(s) are invalid.",
    )


def surge(pool: dict[str, Any], nodes: int) -> int:
    text = str(((pool.get("upgradeSettings") or {}).get("maxSurge")) or "10%").strip()
    return math.ceil(nodes * float(text[:-1]) / 100) if text.endswith("%") else int(text)


def counted_nodes(mc: dict[str, Any]) -> int:
    """Every pool at its autoscaler maximum, plus the surge of its upgrade."""
    total = 0
    for pool in mc["properties"].get("agentPoolProfiles") or []:
        nodes = int(pool.get("maxCount") or 0) if pool.get("enableAutoScaling") else int(pool.get("count") or 0)
        total += nodes + surge(pool, nodes)
    return total


def _check_snat(mc: dict[str, Any], lbp: dict[str, Any], ips: int) -> None:
    ports, nodes = int(lbp.get("allocatedOutboundPorts") or 0), counted_nodes(mc)
    if ports == 0 or ports * nodes <= PORTS_PER_IP * ips:
        return
    raise aks_bad_request(
        "InvalidLoadBalancerProfileAllocatedOutboundPorts",
        f"Load balancer profile allocated ports {ports} is not in an allowable range given the number of nodes "
        f"and IPs provisioned. Total node count {nodes} requires {ports * nodes} ports but only "
        f"{PORTS_PER_IP * ips} ports are available given {ips} outbound public IPs. Refer to "
        "https://aka.ms/aks/slb-ports",
        f"{TARGET}.allocatedOutboundPorts",
    )
