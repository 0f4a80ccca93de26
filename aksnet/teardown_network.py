"""What `down` does with the zone, NAT gateway, public IPs and prefix a deployment names: those it
created go (the NAT gateway after the subnets that use it, its IPs after it), those you brought stay.
Pure: decided over the bodies `down` read."""

from __future__ import annotations

from collections.abc import Mapping

from aksnet.arm import key
from aksnet.network_steps import NetworkIds
from aksnet.spec import Spec
from aksnet.spec_network import PrivateDnsZoneSpec
from aksnet.teardown_plan import Body, Target, TargetKind, ownership

Seen = Mapping[str, Body | None]  # by lower-case id


def egress_targets(spec: Spec, net: NetworkIds, seen: Seen) -> list[Target]:
    """The NAT gateway, then the public IPs and prefix aksnet made for it."""
    ng = spec.nat_gateway
    if ng is None or net.nat_gateway is None:
        return []
    brought = f"nat_gateway.existing ({ng.name})" if ng.existing else None
    targets = [_target(spec, "nat_gateway", net.nat_gateway, seen, brought)]
    targets += [_target(spec, "public_ip", rid, seen, None) for rid in net.nat_public_ips]
    if net.nat_prefix is not None:
        targets.append(_target(spec, "public_ip_prefix", net.nat_prefix, seen, None))
    return targets


def edge_targets(spec: Spec, net: NetworkIds, seen: Seen) -> list[Target]:
    """Ingress static IPs and the API server's private DNS zone, once the cluster is gone."""
    targets = [
        _target(spec, "public_ip", rid, seen, f"ingress.static_ips.{i}.existing" if ip.existing else None)
        for i, (ip, rid) in enumerate(zip(spec.ingress.static_ips, net.static_ips, strict=True))
    ]
    zone = spec.cluster.api_server.private_dns_zone
    if net.dns_zone is not None:
        created = isinstance(zone, PrivateDnsZoneSpec) and not zone.existing
        targets.append(_target(spec, "private_dns_zone", net.dns_zone, seen, None if created else "private_dns_zone"))
    return targets


def _target(spec: Spec, kind: TargetKind, rid: str, seen: Seen, brought_by: str | None) -> Target:
    return ownership(spec, kind, rid, seen.get(key(rid)), brought_by)


def network_ids_read(net: NetworkIds) -> list[tuple[str, str]]:
    """(kind, id) of everything `down` reads for these targets."""
    pairs = [("private_dns_zone", net.dns_zone), ("nat_gateway", net.nat_gateway), ("public_ip_prefix", net.nat_prefix)]
    pairs += [("public_ip", rid) for rid in (*net.nat_public_ips, *net.static_ips)]
    return [(kind, rid) for kind, rid in pairs if rid is not None]
