"""AKS address-range rules: reserved ranges, the DNS service IP, and the cluster's CIDRs against its VNet."""

from __future__ import annotations

from aksnet.emulator import ids, netaddr, subnet_usage
from aksnet.emulator.aks_model import Net
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import aks_bad_request
from aksnet.emulator.store import Row

RESERVED = tuple(netaddr.parse(c) for c in ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"))


def parse_cidr(text: str | None, target: str) -> netaddr.Network | None:
    if text is None:
        return None
    net = netaddr.parse(text)
    if net is None:
        raise aks_bad_request("InvalidParameter", f"The value of parameter {target} is invalid.", target)
    return net


def check_reserved(net: netaddr.Network | None, what: str, target: str) -> None:
    hit = netaddr.any_overlap(net, [r for r in RESERVED if r is not None]) if net else None
    if hit is not None:
        raise aks_bad_request(
            "ReservedAddressRangeOverlap",
            f"The {what} {net} overlaps the range {hit} that AKS reserves; 169.254.0.0/16, 172.30.0.0/16, "
            "172.31.0.0/16 and 192.0.2.0/24 cannot be used.",
            target,
        )


def check_cidrs(net: Net) -> None:
    service = parse_cidr(net.service_cidr, "networkProfile.serviceCidr")
    pod = parse_cidr(net.pod_cidr, "networkProfile.podCidr")
    assert service is not None
    check_reserved(service, "service CIDR", "networkProfile.serviceCidr")
    check_reserved(pod, "pod CIDR", "networkProfile.podCidr")
    check_dns_ip(net.dns_service_ip, service)
    if service.prefixlen <= 12:
        raise aks_bad_request(
            "ServiceCidrTooLarge",
            f"The service CIDR {service} is too large; it must be smaller than /12.",
            "networkProfile.serviceCidr",
        )
    if pod is not None and netaddr.overlaps(pod, service):
        raise aks_bad_request(
            "PodCidrOverlapsServiceCidr",
            f"The pod CIDR {pod} overlaps the service CIDR {service}.",
            "networkProfile.podCidr",
        )


def check_dns_ip(dns_ip: str, service: netaddr.Network) -> None:
    target = "networkProfile.dnsServiceIP"
    if not netaddr.in_network(dns_ip, service):
        raise aks_bad_request(
            "DnsServiceIpOutOfServiceCidr",
            f"The DNS service IP {dns_ip} is out of the range defined by service CIDR {service}.",
            target,
        )
    if dns_ip in (netaddr.host(service, 0), netaddr.host(service, 1)):
        raise aks_bad_request(
            "DnsServiceIpIsReserved",
            f"The DNS service IP {dns_ip} is the network or the first address of {service}, which Kubernetes "
            "reserves (kubernetes.default.svc); use another address such as the .10 one.",
            target,
        )


def check_against_vnet(ctx: Ctx, net: Net, vnet: Row) -> None:
    space = [n for n in (netaddr.parse(p) for p in vnet.body["properties"]["addressSpace"]["addressPrefixes"]) if n]
    for prefix in space:
        check_reserved(prefix, "virtual network range", "agentPoolProfile.vnetSubnetID")
    rows = ctx.tx.children(vnet.id, ids.SUBNET)
    subnets = [n for n in (netaddr.parse(subnet_usage.subnet_prefix(s)) for s in rows) if n]
    _check_service_cidr(net, [n for s in rows for n in map(netaddr.parse, subnet_usage.subnet_prefixes(s)) if n])
    # kubenet: against the VNet address space; overlay: against its subnets (2025-01 behaviour).
    if net.plugin == "kubenet":
        _check_pod_cidr(net, space)
    elif net.overlay:
        _check_pod_cidr(net, subnets)


def _check_service_cidr(net: Net, subnets: list[netaddr.Network]) -> None:
    """Every service range (IPv4, and IPv6 on dual-stack) against every prefix of the VNet's subnets."""
    for text in dict.fromkeys((net.service_cidr, *net.service_cidrs)):
        service = netaddr.parse(text)
        same_family = [s for s in subnets if service is not None and s.version == service.version]
        hit = netaddr.any_overlap(service, same_family) if service else None
        if hit is not None:
            raise aks_bad_request(
                "ServiceCidrOverlapExistingSubnetsCidr",
                f"The specified service CIDR {service} is conflicted with an existing subnet CIDR {hit}",
                "networkProfile.serviceCIDR",
            )


def _check_pod_cidr(net: Net, ranges: list[netaddr.Network]) -> None:
    pod = netaddr.parse(net.pod_cidr) if net.pod_cidr else None
    hit = netaddr.any_overlap(pod, ranges) if pod else None
    if hit is not None:
        raise aks_bad_request(
            "NetworkProfileCIDROverlapVNET",
            f"NetworkProfile CIDR {pod} overlaps with reserved VNET CIDR {hit}",
            "networkProfile.podCIDR",
        )
