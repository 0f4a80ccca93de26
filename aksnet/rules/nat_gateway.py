"""NAT gateway rules: when it applies, its public IPs, prefix and idle timeout (breadth.md R5.1-R5.6)."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet.findings import Finding, error
from aksnet.network_steps import nat_ip_names
from aksnet.rules.base import RuleContext
from aksnet.rules.load_balancer import idle_timeout_finding
from aksnet.spec import Spec

FIELD = "nat_gateway"
MAX_IPS = 16
PREFIX_LENGTHS = (28, 31)
IDLE_TIMEOUT = (4, 120)


def applies(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    outbound = spec.cluster.outbound_type
    if spec.nat_gateway is not None and outbound != "userAssignedNATGateway":
        managed = " (AKS makes its own for managedNATGateway)" if outbound == "managedNATGateway" else ""
        yield error(
            "NAT_GATEWAY_NOT_APPLICABLE",
            FIELD,
            f"nat_gateway {spec.nat_gateway.name} is set, but outbound type {outbound} does not use it{managed}",
            "set cluster.outbound_type: userAssignedNATGateway, or drop nat_gateway",
        )


def dual_stack(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    """A NAT gateway aksnet creates is a Standard one, which supports only IPv4: not for a dual-stack cluster."""
    ng = spec.nat_gateway
    if (
        ng is None
        or ng.existing
        or not spec.cluster.dual_stack
        or spec.cluster.outbound_type != "userAssignedNATGateway"
    ):
        return
    yield error(
        "DUAL_STACK_UNSUPPORTED_BY_NAT_GATEWAY",
        FIELD,
        f"the cluster is dual-stack, but NAT gateway {ng.name} would be a Standard NAT gateway, which supports only "
        "IPv4; dual-stack egress needs a StandardV2 NAT gateway with StandardV2 IPv4 and IPv6 public IPs, which "
        "aksnet does not create (zones and regional availability decide them)",
        f"bring a StandardV2 NAT gateway ({FIELD}.existing: true; preflight checks its SKU), or use "
        "outbound_type: loadBalancer (managed_outbound_ipv6 sets the IPv6 outbound IPs, 1 by default)",
    )


def brought_settings(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    ng = spec.nat_gateway
    if ng is None or not ng.existing:
        return
    given = [k for k in ("public_ips", "public_ip_prefix", "idle_timeout_minutes") if getattr(ng, k) is not None]
    if given:
        yield error(
            "SPEC_INVALID",
            f"{FIELD}.{given[0]}",
            f"{', '.join(given)} set on NAT gateway {ng.name}, which you bring; aksnet never changes what you own",
            f"drop {', '.join(f'{FIELD}.{k}' for k in given)}, or let aksnet create the NAT gateway (existing: false)",
        )


def public_ips(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    ng = spec.nat_gateway
    if ng is None or ng.existing:
        return
    prefix = ng.public_ip_prefix
    low, high = PREFIX_LENGTHS
    if prefix is not None and not low <= prefix.length <= high:
        yield error(
            "NAT_GATEWAY_PREFIX_INVALID",
            f"{FIELD}.public_ip_prefix.length",
            f"a NAT gateway takes a public IP prefix of /{low} to /{high}, not /{prefix.length}",
            f"set {FIELD}.public_ip_prefix.length between {low} and {high} (/{low}: 16 addresses)",
        )
    addresses = len(nat_ip_names(spec)) + (2 ** (32 - prefix.length) if prefix and low <= prefix.length <= high else 0)
    if not 1 <= addresses <= MAX_IPS:
        yield error(
            "NAT_GATEWAY_IP_COUNT_OUT_OF_RANGE",
            f"{FIELD}.public_ips",
            f"NAT gateway {ng.name} would have {addresses} public IP addresses; it takes 1 to {MAX_IPS} "
            "(64,512 ports each)",
            f"use 1-{MAX_IPS} addresses in all, public IPs plus the prefix's",
        )


def idle_timeout(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    ng = spec.nat_gateway
    minutes = ng.idle_timeout_minutes if ng else None
    yield from idle_timeout_finding(f"{FIELD}.idle_timeout_minutes", "NAT gateway", minutes, IDLE_TIMEOUT)


RULES = (applies, dual_stack, brought_settings, public_ips, idle_timeout)
