"""What AKS rejects synchronously at PUT time, checked as the RP would, independent of aksnet's planner.

Codes come from arm-facts §2.2 where a real one is known; the others are listed in
`errors.EMULATED_CODES` and marked in every response that carries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aksnet.emulator import authorization, ids, netaddr, subnet_usage
from aksnet.emulator.aks_model import Net
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, aks_bad_request
from aksnet.emulator.store import Row

RESERVED = tuple(netaddr.parse(c) for c in ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"))
KUBENET_MAX_NODES = 400
MAX_PODS = (10, 250)
MAX_COUNT = 1000


@dataclass(frozen=True)
class Subject:
    """The cluster being validated: its id, filled body, network view and Windows password (if sent)."""

    cluster_id: str
    mc: dict[str, Any]
    net: Net
    password: str | None
    password_on_file: bool


def validate(ctx: Ctx, subject: Subject) -> None:
    net = subject.net
    check_pools(net)
    check_plugin(net)
    check_policy(net)
    check_windows(subject)
    check_cidrs(net)
    subnets = [_require_subnet(ctx, s) for s in net.subnet_ids]
    for subnet in subnets:
        check_subnet(ctx, subject.cluster_id, net, subnet)
    check_capacity(net, subnets)
    check_outbound(ctx, net, subnets)
    check_identity(ctx, subject, subnets)


# --- pools and plugin combinations ------------------------------------------------------------


def check_pools(net: Net) -> None:
    for pool in net.pools:
        if not MAX_PODS[0] <= pool.max_pods <= MAX_PODS[1]:
            raise aks_bad_request(
                "InvalidParameter", "The value of parameter maxPods is invalid.", "agentPoolProfile.maxPods"
            )
        low = 1 if pool.mode == "System" else 0
        if not low <= pool.count <= MAX_COUNT:
            raise aks_bad_request(
                "InvalidParameter",
                f"agentPoolProfile.count was {pool.count}. It must be greater or equal to minCount:{low} "
                "and less "
                f"than or equal to maxCount:{MAX_COUNT}.",
                "agentPoolProfile.count",
            )


def check_plugin(net: Net) -> None:
    if net.mode == "overlay" and net.plugin != "azure":
        raise aks_bad_request(
            "NetworkPluginModeRequiresAzure",
            f"networkPluginMode overlay requires networkPlugin azure, not {net.plugin}.",
            "networkProfile.networkPluginMode",
        )
    if net.flat_cni and net.pod_cidr:
        raise aks_bad_request(
            "PodCidrNotSupportedWithAzureCNI",
            f"podCidr {net.pod_cidr} cannot be used with network plugin azure unless networkPluginMode is overlay.",
            "networkProfile.podCidr",
        )
    if net.dataplane == "cilium" and net.plugin != "azure":
        raise aks_bad_request(
            "CiliumDataplaneRequiresAzureCNI",
            f"networkDataplane cilium requires networkPlugin azure, not {net.plugin}.",
            "networkProfile.networkDataplane",
        )


def check_policy(net: Net) -> None:
    target = "networkProfile.networkPolicy"
    if net.plugin == "none" and net.policy != "none":
        raise aks_bad_request(
            "NetworkPolicyRequiresNetworkPlugin",
            f"NetworkPolicy {net.policy} is not supported for network plugin none.",
            target,
        )
    if net.plugin == "kubenet" and net.policy == "azure":
        raise aks_bad_request(
            "NetworkPolicyAzureNotSupportedForKubenet",
            "NetworkPolicy azure is not supported for network plugin kubenet",
            target,
        )
    if net.policy == "cilium" and net.dataplane != "cilium":
        raise aks_bad_request(
            "NetworkPolicyNotSupported",
            "Network Policy cilium requires NetworkDataplane cilium",
            target,
            subcode="NetworkPolicyCiliumRequiresCiliumDataplane",
        )
    if net.dataplane == "cilium" and net.policy != "cilium":
        raise aks_bad_request(
            "BadRequest",
            "Cilium dataplane requires network policy cilium.",
            target,
            "CiliumDataplaneRequiresNetworkPolicyCilium",
        )


# --- Windows ----------------------------------------------------------------------------------


def check_windows(subject: Subject) -> None:
    net = subject.net
    if subject.password is not None:
        check_password(subject.password)
    if not net.windows:
        return
    target = "agentPoolProfile.osType"
    if net.plugin == "kubenet":
        raise aks_bad_request(
            "WindowsNotSupportedWithKubenet",
            "Windows agent pools require network plugin azure, not kubenet.",
            target,
        )
    if net.dataplane == "cilium":
        raise aks_bad_request(
            "CiliumNotSupportedWithWindows", "Azure CNI Powered by Cilium supports Linux pools only.", target
        )
    if net.policy == "azure":
        raise aks_bad_request(
            "AzureNetworkPolicyRetiredForWindows",
            "Azure Network Policy Manager on Windows reached end of support on 2026-09-30; use Calico or Cilium.",
            "networkProfile.networkPolicy",
        )
    profile = subject.mc["properties"].get("windowsProfile") or {}
    if not profile.get("adminUsername") or not (subject.password or subject.password_on_file):
        raise aks_bad_request(
            "WindowsProfileRequired",
            "A cluster with Windows agent pools needs windowsProfile.adminUsername and adminPassword.",
            "windowsProfile",
        )


def check_password(password: str) -> None:
    """Windows Server rules: 14-123 characters and 3 of 4 character classes. Never echoed."""
    classes = [any(c.islower() for c in password), any(c.isupper() for c in password)]
    classes += [any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]
    if not 14 <= len(password) <= 123 or sum(classes) < 3:
        raise aks_bad_request(
            "InvalidWindowsAdminPassword",
            "windowsProfile.adminPassword must be 14 to 123 characters long and contain 3 of: a lower-case "
            "letter, an upper-case letter, a digit, a special character.",
            "windowsProfile.adminPassword",
        )


# --- address ranges ---------------------------------------------------------------------------


def _cidr(text: str | None, target: str) -> netaddr.Network | None:
    if text is None:
        return None
    net = netaddr.parse(text)
    if net is None:
        raise aks_bad_request("InvalidParameter", f"The value of parameter {target} is invalid.", target)
    return net


def _reserved(net: netaddr.Network | None, what: str, target: str) -> None:
    hit = netaddr.any_overlap(net, [r for r in RESERVED if r is not None]) if net else None
    if hit is not None:
        raise aks_bad_request(
            "ReservedAddressRangeOverlap",
            f"The {what} {net} overlaps the range {hit} that AKS reserves; 169.254.0.0/16, 172.30.0.0/16, "
            "172.31.0.0/16 and 192.0.2.0/24 cannot be used.",
            target,
        )


def check_cidrs(net: Net) -> None:
    service = _cidr(net.service_cidr, "networkProfile.serviceCidr")
    pod = _cidr(net.pod_cidr, "networkProfile.podCidr")
    assert service is not None
    _reserved(service, "service CIDR", "networkProfile.serviceCidr")
    _reserved(pod, "pod CIDR", "networkProfile.podCidr")
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


# --- the subnet ---------------------------------------------------------------------------------


def _require_subnet(ctx: Ctx, subnet_id: str) -> Row:
    row = ctx.tx.get(subnet_id)
    if row is None or row.type.lower() != ids.SUBNET.lower():
        raise aks_bad_request(
            "VnetSubnetNotFound", f"The subnet {subnet_id} does not exist.", "agentPoolProfile.vnetSubnetID"
        )
    return row


def _other_clusters(subnet: Row, cluster_id: str) -> list[str]:
    owners = subnet_usage.owners(subnet)
    return [o for o in owners if o != ids.key(cluster_id) and "/managedclusters/" in o]


def check_subnet(ctx: Ctx, cluster_id: str, net: Net, subnet: Row) -> None:
    others = _other_clusters(subnet, cluster_id)
    if others:
        raise aks_bad_request(
            "SubnetUsedByAnotherCluster",
            f"Subnet {subnet.id} is already used by cluster {others[0]}; clusters cannot share a subnet.",
            "agentPoolProfile.vnetSubnetID",
        )
    _check_external(cluster_id, subnet)
    _check_route_table_unshared(ctx, cluster_id, subnet)
    vnet = ctx.tx.get(ids.parent_of(subnet.id))
    if vnet is not None:
        _check_against_vnet(ctx, net, vnet)


def _check_external(cluster_id: str, subnet: Row) -> None:
    external = [o for o in subnet_usage.owners(subnet) if "/managedclusters/" not in o]
    external += [d["properties"]["serviceName"] for d in subnet.body["properties"].get("delegations") or []]
    if external:
        raise aks_bad_request(
            "SubnetWithExternalResourcesCannotBeUsedByOtherResources",
            f"Subnet {subnet.id} referenced by {cluster_id} cannot be used because it contains external "
            "resources. "
            f"The external resources in this subnet are {external}. You need to delete these external "
            "resources "
            "before deploying into this subnet.",
            "agentPoolProfile.vnetSubnetID",
        )


def _check_route_table_unshared(ctx: Ctx, cluster_id: str, subnet: Row) -> None:
    table = (subnet.body["properties"].get("routeTable") or {}).get("id")
    if not table:
        return
    for other in ctx.tx.of_type(ids.MANAGED_CLUSTER):
        if not ids.same(other.id, cluster_id) and ids.same(other.meta.get("route_table") or "", table):
            raise aks_bad_request(
                "RouteTableUsedByAnotherCluster",
                f"Route table {table} is already used by cluster {other.id}; each cluster needs its own route table.",
                "agentPoolProfile.vnetSubnetID",
            )


def _check_against_vnet(ctx: Ctx, net: Net, vnet: Row) -> None:
    space = [netaddr.parse(p) for p in vnet.body["properties"]["addressSpace"]["addressPrefixes"]]
    for prefix in space:
        _reserved(prefix, "virtual network range", "agentPoolProfile.vnetSubnetID")
    subnets = ctx.tx.children(vnet.id, ids.SUBNET)
    service = netaddr.parse(net.service_cidr)
    for sibling in subnets:
        cidr = netaddr.parse(subnet_usage.subnet_prefix(sibling))
        if service is not None and cidr is not None and netaddr.overlaps(service, cidr):
            raise aks_bad_request(
                "ServiceCidrOverlapExistingSubnetsCidr",
                f"The specified service CIDR {service} is conflicted with an existing subnet CIDR {cidr}",
                "networkProfile.serviceCIDR",
            )
    pod = netaddr.parse(net.pod_cidr) if net.pod_cidr else None
    # kubenet: against the VNet address space; overlay: against its subnets (2025-01 behaviour).
    targets = (
        [p for p in space if p]
        if net.plugin == "kubenet"
        else [netaddr.parse(subnet_usage.subnet_prefix(s)) for s in subnets]
    )
    hit = (
        netaddr.any_overlap(pod, [t for t in targets if t])
        if pod and (net.plugin == "kubenet" or net.overlay)
        else None
    )
    if hit is not None:
        raise aks_bad_request(
            "NetworkProfileCIDROverlapVNET",
            f"NetworkProfile CIDR {pod} overlaps with reserved VNET CIDR {hit}",
            "networkProfile.podCIDR",
        )


# --- capacity -----------------------------------------------------------------------------------


def _insufficient(need: int, have: int, cidr: str, name: str, target: str) -> ArmError:
    return aks_bad_request(
        "InsufficientSubnetSize",
        f"Pre-allocated IPs {need} exceeds IPs available {have} in Subnet Cidr {cidr}, Subnet Name {name}. "
        "If "
        "Autoscaler is enabled, the max-count from each nodepool is counted towards this total (which means "
        "that pre-allocated IPs count represents a theoretical max value, not the actual number of IPs "
        "requested). http://aka.ms/aks/insufficientsubnetsize",
        target,
    )


def check_capacity(net: Net, subnets: list[Row]) -> None:
    nodes = sum(p.planned_nodes for p in net.pools)
    if net.plugin == "kubenet" and nodes > KUBENET_MAX_NODES:
        raise aks_bad_request(
            "KubenetNodeLimitExceeded",
            f"A kubenet cluster supports at most {KUBENET_MAX_NODES} nodes (one route each); {nodes} were requested.",
            "agentPoolProfile.count",
        )
    pod = netaddr.parse(net.pod_cidr) if net.pod_cidr else None
    if pod is not None and (net.plugin == "kubenet" or net.overlay) and nodes * 256 > pod.num_addresses:
        raise _insufficient(
            nodes * 256, pod.num_addresses, str(pod), "networkProfile.podCIDR", "networkProfile.podCIDR"
        )
    if net.flat_cni:
        for subnet in subnets:
            _check_flat_subnet(net, subnet)


def _check_flat_subnet(net: Net, subnet: Row) -> None:
    on_subnet = [p for p in net.pools if p.subnet_id and ids.same(p.subnet_id, subnet.id)]
    need = sum(p.planned_nodes * (1 if p.pod_subnet_id else p.max_pods + 1) for p in on_subnet)
    cidr = netaddr.parse(subnet_usage.subnet_prefix(subnet))
    have = netaddr.usable_ips(cidr) if cidr else 0
    if need > have:
        raise _insufficient(need, have, str(cidr), subnet.body["name"], "agentPoolProfile.count")


# --- egress -------------------------------------------------------------------------------------


def check_outbound(ctx: Ctx, net: Net, subnets: list[Row]) -> None:
    if net.outbound == "managedNATGateway" and subnets:
        raise aks_bad_request(
            "ManagedNATGatewayNotSupportedWithCustomVnet",
            "outboundType managedNATGateway needs an AKS-managed virtual network; with your own subnet use "
            "userAssignedNATGateway.",
            "networkProfile.outboundType",
        )
    for subnet in subnets:
        if net.outbound == "userAssignedNATGateway" and not subnet.body["properties"].get("natGateway"):
            raise aks_bad_request(
                "NatGatewayNotAssociatedWithSubnet",
                f"outboundType userAssignedNATGateway needs a NAT gateway associated with subnet {subnet.id}.",
                "networkProfile.outboundType",
            )
        if net.outbound == "userDefinedRouting":
            _check_udr(ctx, subnet)
    if net.outbound == "userDefinedRouting" and not subnets:
        raise aks_bad_request(
            "UserDefinedRoutingRequiresCustomSubnet",
            "outboundType userDefinedRouting needs your own subnet with a route table.",
            "networkProfile.outboundType",
        )


def _check_udr(ctx: Ctx, subnet: Row) -> None:
    table = (subnet.body["properties"].get("routeTable") or {}).get("id")
    if not table:
        raise aks_bad_request(
            "ExistingRouteTableNotAssociatedWithSubnet",
            f"An existing route table has not been associated with subnet {subnet.id}. Please update the "
            "route "
            "table association",
        )
    default = [r for r in ctx.tx.children(table, ids.ROUTE) if r.body["properties"]["addressPrefix"] == "0.0.0.0/0"]
    if not default:
        raise aks_bad_request(
            "RouteTableMissingDefaultRoute",
            f"Route table {table} has no 0.0.0.0/0 route; userDefinedRouting needs one to a virtual "
            "appliance or "
            "gateway. Please see http://aka.ms/aks/outboundtype for more details",
            "networkProfile.outboundType",
        )
    if default[0].body["properties"]["nextHopType"] not in ("VirtualAppliance", "VirtualNetworkGateway"):
        raise aks_bad_request(
            "RouteTableInvalidNextHop",
            f"Default route 0.0.0.0/0 has a next hop of {default[0].body['properties']['nextHopType']} but "
            "only next "
            "hops of VirtualAppliance or VirtualNetworkGateway are allowed. Please see "
            "http://aka.ms/aks/outboundtype "
            "for more details",
        )


# --- identity and permissions ---------------------------------------------------------------------


def user_identity(ctx: Ctx, net: Net) -> Row | None:
    """The cluster's user-assigned identity, which must exist when one is named."""
    if net.identity_type != "UserAssigned" or not net.identity_ids:
        return None
    row = ctx.tx.get(net.identity_ids[0])
    if row is None or row.type.lower() != ids.IDENTITY.lower():
        raise aks_bad_request(
            "UserAssignedIdentityNotFound",
            f"The user-assigned identity {net.identity_ids[0]} was not found.",
            "identity.userAssignedIdentities",
        )
    return row


def check_identity(ctx: Ctx, subject: Subject, subnets: list[Row]) -> None:
    net = subject.net
    found = user_identity(ctx, net)
    if not subnets:
        return
    tables = [t for t in (_route_table(s) for s in subnets) if t] if net.plugin == "kubenet" else []
    if found is None:
        if tables:
            raise aks_bad_request(
                "CustomRouteTableWithUnsupportedMSIType",
                "Clusters using managed identity type SystemAssigned do not support bringing your own route "
                "table. "
                "Please see https://aka.ms/aks/customrt for more information",
            )
        raise aks_bad_request(
            "UserAssignedIdentityRequired",
            "A cluster in your own subnet must use a user-assigned control-plane identity that holds Network "
            "Contributor on the subnet before the cluster is created.",
            "identity",
        )
    for subnet in subnets:
        _require_role(ctx, subject, found, subnet.id, "Microsoft.Network/virtualNetworks/subnets/join/action")
    for table in tables:
        _require_role(ctx, subject, found, table, "Microsoft.Network/routeTables/write")


def _route_table(subnet: Row) -> str | None:
    table = (subnet.body["properties"].get("routeTable") or {}).get("id")
    return str(table) if table else None


def _require_role(ctx: Ctx, subject: Subject, identity: Row, target: str, action: str) -> None:
    principal = identity.body["properties"]["principalId"]
    cutoff = ctx.now - ctx.settings.faults.rbac_delay
    if authorization.holds_role(ctx.tx, principal, target, authorization.NETWORK_WRITERS, older_than=cutoff):
        return
    client = identity.body["properties"]["clientId"]
    node_rg = ids.rg_id(ids.subscription_of(subject.cluster_id), subject.mc["properties"]["nodeResourceGroup"])
    vmss = f"{node_rg}/providers/Microsoft.Compute/virtualMachineScaleSets"
    raise ArmError(
        403,
        "LinkedAuthorizationFailed",
        f"The client '{client}' with object id '{principal}' has permission to perform action "
        f"'Microsoft.Compute/virtualMachineScaleSets/write' on scope '{vmss}'; however, it does not have "
        f"permission to perform action(s) '{action}' on the linked scope(s) '{target}' (respectively) or the "
        "linked scope(s) are invalid.",
    )
