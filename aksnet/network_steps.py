"""Steps for what the cluster's network reaches beyond its subnet: the private DNS zone of the API
server, the NAT gateway with its public IPs or prefix, and ingress static IPs; and the grants the
cluster identity needs on them (breadth.md R4.3, R5.11, R6.1, R7.2). Pure."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aksnet.arm import NETWORK_CONTRIBUTOR, PRIVATE_DNS_ZONE_CONTRIBUTOR, name_of, provider_id, resource_group_of
from aksnet.plan import Step
from aksnet.spec import Spec
from aksnet.spec_network import PrivateDnsZoneSpec

ZONE_TYPE = "Microsoft.Network/privateDnsZones"
PUBLIC_IP_TYPE = "Microsoft.Network/publicIPAddresses"
PREFIX_TYPE = "Microsoft.Network/publicIPPrefixes"
NAT_GATEWAY_TYPE = "Microsoft.Network/natGateways"
STANDARD = {"name": "Standard"}


@dataclass(frozen=True)
class Grant:
    """One role the cluster identity gets: label (the step id's tail), scope, the step it waits for, role."""

    label: str
    scope: str
    after: str | None
    role: str = NETWORK_CONTRIBUTOR


@dataclass(frozen=True)
class NetworkIds:
    """The ids of the zone, NAT gateway, public IPs and prefix a spec names or creates."""

    dns_zone: str | None
    nat_gateway: str | None
    nat_public_ips: tuple[str, ...]
    nat_prefix: str | None
    static_ips: tuple[str, ...]

    @classmethod
    def of(cls, spec: Spec, sub: str) -> NetworkIds:
        ng = spec.nat_gateway
        ng_rg = (ng.resource_group if ng else None) or spec.resource_group
        created_ng = ng is not None and not ng.existing
        return cls(
            dns_zone=_zone_id(spec, sub),
            nat_gateway=provider_id(sub, ng_rg, NAT_GATEWAY_TYPE, ng.name) if ng else None,
            nat_public_ips=tuple(
                provider_id(sub, ng_rg, PUBLIC_IP_TYPE, name) for name in (nat_ip_names(spec) if created_ng else ())
            ),
            nat_prefix=provider_id(sub, ng_rg, PREFIX_TYPE, ng.public_ip_prefix.name)
            if created_ng and ng and ng.public_ip_prefix
            else None,
            static_ips=tuple(
                provider_id(sub, ip.resource_group or spec.resource_group, PUBLIC_IP_TYPE, ip.name)
                for ip in spec.ingress.static_ips
            ),
        )


def _zone_id(spec: Spec, sub: str) -> str | None:
    zone = spec.cluster.api_server.private_dns_zone
    if isinstance(zone, PrivateDnsZoneSpec):
        return provider_id(sub, zone.resource_group or spec.resource_group, ZONE_TYPE, zone.name)
    return zone if spec.cluster.api_server.custom_zone else None


def zone_value(spec: Spec, ids: NetworkIds) -> str | None:
    """The cluster's privateDNSZone: system, none, or the custom zone's id."""
    zone = spec.cluster.api_server.private_dns_zone
    return ids.dns_zone if spec.cluster.api_server.custom_zone else zone if isinstance(zone, str) else None


def nat_ip_names(spec: Spec) -> list[str]:
    """The public IPs aksnet creates for its NAT gateway: `<gateway>-pip-<n>`."""
    ng = spec.nat_gateway
    if ng is None or ng.existing:
        return []
    count = ng.public_ips if ng.public_ips is not None else (0 if ng.public_ip_prefix else 1)
    return [f"{ng.name}-pip-{n}" for n in range(1, count + 1)]


def network_steps(spec: Spec, ids: NetworkIds, tags: Mapping[str, str]) -> Iterator[Step]:
    """Zone, NAT gateway (with its IPs and prefix) and static IPs, each after the group it goes in."""
    yield from _zone_step(spec, ids, tags)
    yield from _nat_steps(spec, ids, tags)
    for ip, rid in zip(spec.ingress.static_ips, ids.static_ips, strict=True):
        if ip.existing:
            yield Step(f"public_ip.{ip.name}", "public_ip", "use", ip.name, rid)
        else:
            yield Step(
                f"public_ip.{ip.name}", "public_ip", "create", ip.name, rid, _in_group(spec, rid), _ip(spec, tags)
            )


def _in_group(spec: Spec, rid: str) -> tuple[str, ...]:
    """A resource in the deployment's own group waits for it; one elsewhere needs its group to exist."""
    return ("resource_group",) if resource_group_of(rid).lower() == spec.resource_group.lower() else ()


def _ip(spec: Spec, tags: Mapping[str, str]) -> dict[str, Any]:
    properties = {"publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4"}
    return {"location": spec.location, "tags": dict(tags), "sku": dict(STANDARD), "properties": properties}


def _zone_step(spec: Spec, ids: NetworkIds, tags: Mapping[str, str]) -> Iterator[Step]:
    zone, rid = spec.cluster.api_server.private_dns_zone, ids.dns_zone
    if rid is None:
        return
    if isinstance(zone, PrivateDnsZoneSpec) and not zone.existing:
        body = {"location": "global", "tags": dict(tags)}
        yield Step("private_dns_zone", "private_dns_zone", "create", zone.name, rid, _in_group(spec, rid), body)
    else:
        yield Step("private_dns_zone", "private_dns_zone", "use", name_of(rid), rid)


def _nat_steps(spec: Spec, ids: NetworkIds, tags: Mapping[str, str]) -> Iterator[Step]:
    ng, rid = spec.nat_gateway, ids.nat_gateway
    if ng is None or rid is None:
        return
    if ng.existing:
        yield Step("nat_gateway", "nat_gateway", "use", ng.name, rid)
        return
    group = _in_group(spec, rid)
    ip_steps = [f"public_ip.{name_of(ip)}" for ip in ids.nat_public_ips]
    for step_id, ip in zip(ip_steps, ids.nat_public_ips, strict=True):
        yield Step(step_id, "public_ip", "create", name_of(ip), ip, group, _ip(spec, tags))
    properties: dict[str, Any] = {"idleTimeoutInMinutes": ng.idle_timeout_minutes or 4}
    if ids.nat_public_ips:
        properties["publicIpAddresses"] = [{"id": ip} for ip in ids.nat_public_ips]
    if ids.nat_prefix and ng.public_ip_prefix:
        prefix = {"prefixLength": ng.public_ip_prefix.length, "publicIPAddressVersion": "IPv4"}
        body = {"location": spec.location, "tags": dict(tags), "sku": dict(STANDARD), "properties": prefix}
        yield Step(
            "public_ip_prefix", "public_ip_prefix", "create", ng.public_ip_prefix.name, ids.nat_prefix, group, body
        )
        properties["publicIpPrefixes"] = [{"id": ids.nat_prefix}]
        ip_steps.append("public_ip_prefix")
    body = {"location": spec.location, "tags": dict(tags), "sku": dict(STANDARD), "properties": properties}
    yield Step("nat_gateway", "nat_gateway", "create", ng.name, rid, (*group, *ip_steps), body)


def network_grants(spec: Spec, ids: NetworkIds, vnet_id: str) -> Iterator[Grant]:
    """What the cluster identity needs beyond its subnet and route table."""
    if ids.dns_zone is not None:
        created = isinstance(spec.cluster.api_server.private_dns_zone, PrivateDnsZoneSpec)
        yield Grant(
            "private_dns_zone", ids.dns_zone, "private_dns_zone" if created else None, PRIVATE_DNS_ZONE_CONTRIBUTOR
        )
        yield Grant("virtual_network", vnet_id, "virtual_network")
    if ids.nat_gateway is not None:
        yield Grant("nat_gateway", ids.nat_gateway, "nat_gateway")
    lb = spec.cluster.load_balancer
    for n, rid in enumerate(lb.outbound_ips if lb else ()):
        yield Grant(f"outbound_ip.{n}", rid, None)
    for n, rid in enumerate(lb.outbound_ip_prefixes if lb else ()):
        yield Grant(f"outbound_ip_prefix.{n}", rid, None)
    # Network Contributor on each static IP's group, the documented scope (R6.1), once per group.
    groups = {resource_group_of(rid).lower(): rid for rid in reversed(ids.static_ips)}
    for rid in groups.values():
        group = rid.rsplit("/providers/", 1)[0]
        yield Grant(f"ingress.{name_of(group)}", group, f"public_ip.{name_of(rid)}")
