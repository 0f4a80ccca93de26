"""Address-space rules: reserved ranges, overlaps, the subnet in its VNet, the DNS service IP."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Network

from aksnet.findings import Finding, error, warning
from aksnet.netcalc import RESERVED_RANGES, first_host, reserved_overlaps, too_small
from aksnet.rules.base import RuleContext
from aksnet.spec import Spec

RESERVED_TEXT = ", ".join(str(r) for r in RESERVED_RANGES)


def _pod_cidr(spec: Spec) -> IPv4Network | None:
    """The pod range AKS will use: none for flat Azure CNI (its pods live in the subnet)."""
    return None if spec.cluster.flat_azure_cni else spec.cluster.pod_cidr


def _subnet(spec: Spec) -> IPv4Network | None:
    return spec.vnet.subnet.address_prefix


def reserved_ranges(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    ranges: list[tuple[str, IPv4Network | None]] = [
        (f"vnet.address_prefixes.{i}", p) for i, p in enumerate(spec.vnet.address_prefixes)
    ]
    if not spec.vnet.address_prefixes:
        ranges.append(("vnet.subnet.address_prefix", _subnet(spec)))
    ranges += [("cluster.pod_cidr", _pod_cidr(spec)), ("cluster.service_cidr", spec.cluster.service_cidr)]
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
            if a.overlaps(prefixes[j]):
                yield error(
                    "CIDR_OVERLAP",
                    f"vnet.address_prefixes.{j}",
                    f"VNet address prefixes {a} and {prefixes[j]} overlap",
                    "list each address range of the VNet once, without overlap",
                )


def subnet_inside_vnet(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    subnet, prefixes = _subnet(spec), spec.vnet.address_prefixes
    if subnet is None:
        return
    if prefixes and not any(subnet.subnet_of(p) for p in prefixes):
        yield error(
            "SUBNET_OUTSIDE_VNET",
            "vnet.subnet.address_prefix",
            f"subnet {subnet} is not inside the VNet's address space {', '.join(map(str, prefixes))}",
            f"pick a subnet range inside {prefixes[0]}",
        )
    refused = too_small(subnet)
    if refused is not None:
        yield error(
            "SUBNET_TOO_SMALL",
            "vnet.subnet.address_prefix",
            refused,
            "use a /29 or larger; see the capacity section for the size",
        )


def service_cidr(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    service = spec.cluster.service_cidr
    if service is None:
        return
    if service.prefixlen <= 12:
        yield error(
            "SERVICE_CIDR_TOO_LARGE",
            "cluster.service_cidr",
            f"service range {service} is /12 or larger; AKS requires it to be smaller than /12",
            "use a prefix longer than /12, e.g. /16",
        )
    yield from _collisions("cluster.service_cidr", "service range", service, spec, strict_vnet=False)


def pod_cidr(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    pods, service = _pod_cidr(spec), spec.cluster.service_cidr
    if pods is None:
        return
    if service is not None and pods.overlaps(service):
        yield error(
            "CIDR_OVERLAP",
            "cluster.pod_cidr",
            f"pod range {pods} overlaps service range {service}",
            "pick disjoint pod and service ranges, e.g. pods 10.244.0.0/16 and services 10.0.0.0/16",
        )
    # kubenet must keep pods out of the whole VNet; overlay only out of its subnets (AKS 2025-01).
    yield from _collisions("cluster.pod_cidr", "pod range", pods, spec, strict_vnet=spec.cluster.plugin == "kubenet")


def _collisions(field: str, label: str, net: IPv4Network, spec: Spec, *, strict_vnet: bool) -> Iterator[Finding]:
    subnet = _subnet(spec)
    if subnet is not None and net.overlaps(subnet):
        yield error(
            "CIDR_OVERLAP",
            field,
            f"{label} {net} overlaps node subnet {subnet}",
            f"move the {label} out of the VNet's subnets",
        )
        return
    for prefix in spec.vnet.address_prefixes:
        if net.overlaps(prefix):
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
    subnet_inside_vnet,
    service_cidr,
    pod_cidr,
    dns_service_ip,
    pod_cidr_applicability,
)
