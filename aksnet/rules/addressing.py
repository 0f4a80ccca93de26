"""Address-space rules, per address family: reserved ranges, overlaps, the service and pod ranges, the DNS IP."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet.findings import Finding, error, warning
from aksnet.netcalc import RESERVED_RANGES, Network, first_host, overlaps, reserved_overlaps
from aksnet.rules.base import RuleContext
from aksnet.spec import Spec

RESERVED_TEXT = ", ".join(str(r) for r in RESERVED_RANGES)
IPV6_SERVICE_PREFIX = 108  # "The IPv6 subnet assigned to --service-cidrs can be no larger than a /108"


def pod_ranges(spec: Spec) -> list[tuple[str, Network]]:
    """(field, range) of the pod ranges AKS will use: none for flat Azure CNI (pods live in subnets);
    with dual-stack the IPv6 one too."""
    cluster = spec.cluster
    if cluster.flat_azure_cni or cluster.pod_cidr is None:
        return []
    ranges: list[tuple[str, Network]] = [("cluster.pod_cidr", cluster.pod_cidr)]
    if cluster.pod_cidr_ipv6 is not None:
        ranges.append((_ipv6_field("cluster.pod_cidrs", cluster.pod_cidrs), cluster.pod_cidr_ipv6))
    return ranges


def service_ranges(spec: Spec) -> list[tuple[str, Network]]:
    """(field, range) of the service ranges: the IPv4 one, and the IPv6 one of a dual-stack cluster."""
    cluster = spec.cluster
    ranges: list[tuple[str, Network]] = []
    if cluster.service_cidr is not None:
        ranges.append(("cluster.service_cidr", cluster.service_cidr))
    if cluster.service_cidr_ipv6 is not None:
        ranges.append((_ipv6_field("cluster.service_cidrs", cluster.service_cidrs), cluster.service_cidr_ipv6))
    return ranges


def _ipv6_field(field: str, ranges: tuple[Network, ...] | None) -> str:
    index = next((i for i, r in enumerate(ranges or ()) if r.version == 6), 1)
    return f"{field}.{index}"


def reserved_ranges(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    ranges: list[tuple[str, Network | None]] = [
        (f"vnet.address_prefixes.{i}", p) for i, p in enumerate(spec.vnet.address_prefixes)
    ]
    if not spec.vnet.address_prefixes:
        ranges += [(f"{spec.vnet.subnet_field(s)}.address_prefix", s.address_prefix) for s in spec.vnet.all_subnets]
    ranges += [*pod_ranges(spec), *service_ranges(spec)]
    for field, net in ranges:
        for reserved in reserved_overlaps(net) if net is not None else ():
            yield error(
                "RESERVED_RANGE",
                field,
                f"{net} overlaps {reserved}, which AKS reserves",
                f"choose a range that overlaps none of {RESERVED_TEXT}",
            )


def vnet_prefixes_disjoint(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    prefixes = spec.vnet.address_prefixes
    for i, a in enumerate(prefixes):
        for j in range(i + 1, len(prefixes)):
            if overlaps(a, prefixes[j]):
                yield error(
                    "CIDR_OVERLAP",
                    f"vnet.address_prefixes.{j}",
                    f"VNet address prefixes {a} and {prefixes[j]} overlap",
                    "list each address range of the VNet once, without overlap",
                )


def service_cidr(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    for field, service in service_ranges(spec):
        if service.version == 4 and service.prefixlen <= 12:
            yield error(
                "SERVICE_CIDR_TOO_LARGE",
                field,
                f"service range {service} is /12 or larger; AKS requires it to be smaller than /12",
                "use a prefix longer than /12, e.g. /16",
            )
        if service.version == 6 and service.prefixlen < IPV6_SERVICE_PREFIX:
            yield error(
                "SERVICE_CIDR_TOO_LARGE",
                field,
                f"IPv6 service range {service} is larger than /108, the largest AKS allows",
                f"use a /108 or smaller, e.g. {next(service.subnets(new_prefix=IPV6_SERVICE_PREFIX))}",
            )
        yield from _collisions(field, "service range", service, spec, strict_vnet=False)


def pod_cidr(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    services = service_ranges(spec)
    for field, pods in pod_ranges(spec):
        service = next((s for _, s in services if s.version == pods.version), None)
        if service is not None and overlaps(pods, service):
            yield error(
                "CIDR_OVERLAP",
                field,
                f"pod range {pods} overlaps service range {service}",
                "pick disjoint pod and service ranges, e.g. pods 10.244.0.0/16 and services 10.0.0.0/16",
            )
        # kubenet must keep pods out of the whole VNet; overlay only out of its subnets (AKS 2025-01).
        yield from _collisions(field, "pod range", pods, spec, strict_vnet=spec.cluster.plugin == "kubenet")


def _collisions(field: str, label: str, net: Network, spec: Spec, *, strict_vnet: bool) -> Iterator[Finding]:
    for subnet in spec.vnet.all_subnets:
        hit = next((p for p in subnet.prefixes if overlaps(net, p)), None)
        if hit is not None:
            yield error(
                "CIDR_OVERLAP",
                field,
                f"{label} {net} overlaps subnet {subnet.name} ({hit})",
                f"move the {label} out of the VNet's subnets",
            )
            return
    for prefix in spec.vnet.address_prefixes:
        if overlaps(net, prefix):
            make = error if strict_vnet else warning
            why = (
                "kubenet pods must not use the VNet's address space"
                if strict_vnet
                else ("allowed, but any subnet added there later will collide with it")
            )
            yield make(
                "CIDR_OVERLAP",
                field,
                f"{label} {net} overlaps VNet address space {prefix}: {why}",
                f"move the {label} outside {prefix}",
            )


def dns_service_ip(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    dns, service = spec.cluster.dns_service_ip, spec.cluster.service_cidr
    if dns is None or service is None:
        return
    if dns not in service:
        yield error(
            "DNS_IP_OUTSIDE_SERVICE_CIDR",
            "cluster.dns_service_ip",
            f"DNS service IP {dns} is outside the service range {service}",
            f"use an address inside it, by convention {service.network_address + 10}",
        )
    elif dns in (service.network_address, first_host(service)):
        yield error(
            "DNS_IP_RESERVED",
            "cluster.dns_service_ip",
            f"DNS service IP {dns} is the "
            f"{'network' if dns == service.network_address else 'first'} address of {service}, which "
            "Kubernetes keeps for kubernetes.default",
            f"use {service.network_address + 10}",
        )


def pod_cidr_applicability(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    cluster = spec.cluster
    if cluster.flat_azure_cni and cluster.pod_cidr is not None:
        yield error(
            "POD_CIDR_NOT_APPLICABLE",
            "cluster.pod_cidr",
            f"pod range {cluster.pod_cidr} is set, but flat Azure CNI gives pods addresses from the node subnet",
            "drop cluster.pod_cidr, or set cluster.network_plugin_mode: overlay",
        )


RULES = (
    reserved_ranges,
    vnet_prefixes_disjoint,
    service_cidr,
    pod_cidr,
    dns_service_ip,
    pod_cidr_applicability,
)
