"""AKS rules about dual-stack clusters: the families and range lists, the network model and engine, and
dual-stack subnets. Codes other than InvalidParameter are in `errors.EMULATED_CODES`."""

from __future__ import annotations

from aksnet.emulator import netaddr
from aksnet.emulator.aks_model import Net
from aksnet.emulator.aks_pod_subnet_rules import older_than, too_old
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import aks_bad_request
from aksnet.emulator.store import Row

FAMILIES = (("ipv4",), ("ipv4", "ipv6"))
CILIUM_MIN_KUBERNETES = (1, 29)
IPV6_SERVICE_PREFIX = 108
IPV6_NODE_PREFIX = 80  # each node gets a /80 of the IPv6 pod range (configure-dual-stack)


def _invalid(target: str) -> Exception:
    return aks_bad_request("InvalidParameter", f"The value of parameter {target} is invalid.", target)


def check_families(net: Net) -> None:
    """[IPv4] or [IPv4, IPv6], range lists of the same count and order, and what dual-stack rules out."""
    families = tuple(f.lower() for f in net.ip_families)
    if families not in FAMILIES:
        raise _invalid("networkProfile.ipFamilies")
    for target, ranges in (
        ("networkProfile.podCidrs", net.pod_cidrs),
        ("networkProfile.serviceCidrs", net.service_cidrs),
    ):
        versions = tuple(f"ipv{n.version}" for n in (netaddr.parse(r) for r in ranges) if n is not None)
        if ranges and versions != families:
            raise _invalid(target)
    if net.dual_stack:
        _check_dual_stack(net)


def _check_dual_stack(net: Net) -> None:
    if not net.overlay:
        raise aks_bad_request(
            "DualStackRequiresAzureCNIOverlay",
            f"Dual-stack networking requires Azure CNI Overlay; the cluster uses network plugin {net.plugin}.",
            "networkProfile.ipFamilies",
        )
    if net.policy in ("azure", "calico"):
        raise aks_bad_request(
            "NetworkPolicyNotSupportedWithDualStack",
            f"Network policy {net.policy} is not supported on dual-stack clusters; use cilium.",
            "networkProfile.networkPolicy",
        )
    if net.dataplane == "cilium" and older_than(net.kubernetes_version, CILIUM_MIN_KUBERNETES):
        raise too_old("Dual-stack with Azure CNI Powered by Cilium", net.kubernetes_version, CILIUM_MIN_KUBERNETES)
    service, pod = _ipv6(net.service_cidrs), _ipv6(net.pod_cidrs)
    if service is not None and service.prefixlen < IPV6_SERVICE_PREFIX:
        raise aks_bad_request(
            "ServiceCidrTooLarge",
            f"The IPv6 service CIDR {service} is too large; it can be no larger than /108.",
            "networkProfile.serviceCidrs",
        )
    if pod is not None and service is not None and netaddr.overlaps(pod, service):
        raise aks_bad_request(
            "PodCidrOverlapsServiceCidr",
            f"The pod CIDR {pod} overlaps the service CIDR {service}.",
            "networkProfile.podCidrs",
        )
    nodes = sum(p.planned_nodes for p in net.pools)
    if pod is not None and nodes > 2 ** max(IPV6_NODE_PREFIX - pod.prefixlen, 0):
        blocks = 2 ** max(IPV6_NODE_PREFIX - pod.prefixlen, 0)
        raise aks_bad_request(
            "InsufficientSubnetSize",
            f"Pre-allocated IPs {nodes} exceeds IPs available {blocks} in Subnet Cidr {pod}, Subnet Name "
            "networkProfile.podCIDRs (each node takes a /80 of the IPv6 pod range).",
            "networkProfile.podCidrs",
        )


def _ipv6(ranges: tuple[str, ...]) -> netaddr.Network | None:
    return next((n for n in (netaddr.parse(r) for r in ranges) if n is not None and n.version == 6), None)


def check_subnets(ctx: Ctx, net: Net, subnets: list[Row]) -> None:
    """A dual-stack cluster's node subnets need an IPv6 prefix, and no Standard (IPv4-only) NAT gateway."""
    if not net.dual_stack:
        return
    for subnet in subnets:
        props = subnet.body["properties"]
        prefixes = [props["addressPrefix"]] if props.get("addressPrefix") else props.get("addressPrefixes") or []
        if not any(n is not None and n.version == 6 for n in (netaddr.parse(p) for p in prefixes)):
            raise aks_bad_request(
                "SubnetNotDualStack",
                f"Subnet {subnet.id} has no IPv6 address prefix; a dual-stack cluster needs dual-stack subnets.",
                "agentPoolProfile.vnetSubnetID",
            )
        gateway = ctx.tx.get((props.get("natGateway") or {}).get("id") or "")
        if net.outbound == "userAssignedNATGateway" and gateway is not None and _standard(gateway):
            raise aks_bad_request(
                "NatGatewayNotDualStack",
                f"NAT gateway {gateway.id} (SKU Standard) supports only IPv4; a dual-stack cluster needs StandardV2.",
                "networkProfile.outboundType",
            )


def _standard(gateway: Row) -> bool:
    return str((gateway.body.get("sku") or {}).get("name", "Standard")).lower() == "standard"
