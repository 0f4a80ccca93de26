"""AKS rules about the node subnet: existence, sharing, external resources, IP capacity and egress."""

from __future__ import annotations

from aksnet.emulator import aks_cidr_rules, ids, netaddr, subnet_usage
from aksnet.emulator.aks_model import Net
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, aks_bad_request
from aksnet.emulator.store import Row
from aksnet.emulator.subnet_links import AKS_DELEGATION

KUBENET_MAX_NODES = 400


def require_subnet(ctx: Ctx, subnet_id: str, *, pods: bool = False) -> Row:
    row = ctx.tx.get(subnet_id)
    if row is None or row.type.lower() != ids.SUBNET.lower():
        code, target = ("PodSubnetNotFound", "podSubnetID") if pods else ("VnetSubnetNotFound", "vnetSubnetID")
        raise aks_bad_request(code, f"The subnet {subnet_id} does not exist.", f"agentPoolProfile.{target}")
    return row


def _other_clusters(ctx: Ctx, subnet: Row, cluster_id: str) -> list[Row]:
    owners = [o for o in subnet_usage.owners(subnet) if o != ids.key(cluster_id) and "/managedclusters/" in o]
    return [row for row in (ctx.tx.get(o) for o in owners) if row is not None]


def _plugin(cluster: Row) -> str:
    return str((cluster.body["properties"].get("networkProfile") or {}).get("networkPlugin") or "")


def check_subnet(ctx: Ctx, cluster_id: str, net: Net, subnet: Row) -> None:
    # Azure CNI (overlay, pod subnet, node subnet) clusters may share a subnet; kubenet ones may not.
    others = [o for o in _other_clusters(ctx, subnet, cluster_id) if "kubenet" in (net.plugin, _plugin(o))]
    if others:
        raise aks_bad_request(
            "SubnetUsedByAnotherCluster",
            f"Subnet {subnet.id} is already used by cluster {others[0].id}; a kubenet cluster cannot share a subnet.",
            "agentPoolProfile.vnetSubnetID",
        )
    _check_external(cluster_id, subnet)
    _check_route_table_unshared(ctx, cluster_id, subnet)
    vnet = ctx.tx.get(ids.parent_of(subnet.id))
    if vnet is not None:
        aks_cidr_rules.check_against_vnet(ctx, net, vnet)


def check_pod_subnet(cluster_id: str, subnet: Row) -> None:
    """A pod subnet may carry AKS's own delegation and link, and other clusters' pods; nothing else (an API
    server subnet is delegated to AKS too, but holds API servers alone)."""
    _check_external(cluster_id, subnet, allowed=AKS_DELEGATION)
    api_servers = subnet_usage.api_server_owners(subnet)
    if api_servers:
        raise aks_bad_request(
            "ApiServerSubnetUsedByAgentPool",
            f"Subnet {subnet.id} is the API server subnet of {', '.join(api_servers)}; it cannot be a pod subnet.",
            "agentPoolProfile.podSubnetID",
        )


def _check_external(cluster_id: str, subnet: Row, *, allowed: str = "") -> None:
    external = [o for o in subnet_usage.owners(subnet) if "/managedclusters/" not in o]
    delegations = [d["properties"]["serviceName"] for d in subnet.body["properties"].get("delegations") or []]
    external += [d for d in delegations if d.lower() != allowed.lower()]
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
