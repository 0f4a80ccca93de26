"""What a cluster does to other resources: its node resource group, kubelet identity, the IP
configurations its nodes hold in subnets, and (kubenet) its routes and route table.

`reconcile` makes those match the cluster body and is idempotent; `release` undoes all of it.
"""

from __future__ import annotations

from typing import Any

from aksnet.emulator import cascade, identity, ids, netaddr, private_dns, resources, subnet_links, subnet_usage
from aksnet.emulator.aks_access_rules import custom_zone
from aksnet.emulator.aks_model import Net, short_hash, view
from aksnet.emulator.aks_pod_subnet_rules import pod_ips_per_node
from aksnet.emulator.errors import ArmError
from aksnet.emulator.route_tables import route_row
from aksnet.emulator.store import Row, Tx


def node_rg_id(cluster_id: str, mc: dict[str, Any]) -> str:
    return ids.rg_id(ids.subscription_of(cluster_id), mc["properties"]["nodeResourceGroup"])


def vmss_id(cluster_id: str, mc: dict[str, Any], pool: str) -> str:
    scale_sets = f"{node_rg_id(cluster_id, mc)}/providers/Microsoft.Compute/virtualMachineScaleSets"
    return f"{scale_sets}/aks-{pool}-{short_hash(cluster_id)}-vmss"


def ensure_node_group(tx: Tx, cluster_id: str, mc: dict[str, Any], tenant_id: str, now: float) -> None:
    """The MC_ group AKS creates (tagged and managed by the cluster) and the kubelet identity in it."""
    rg = node_rg_id(cluster_id, mc)
    tags = {
        "aks-managed-cluster-name": ids.name_of(cluster_id),
        "aks-managed-cluster-rg": ids.rg_of(cluster_id),
    }
    resources.ensure_rg(tx, rg, mc["location"], tags=tags, managed_by=cluster_id, now=now)
    kubelet_id = ids.provider_id(
        ids.subscription_of(rg), ids.name_of(rg), ids.IDENTITY, f"{ids.name_of(cluster_id)}-agentpool"
    )
    kubelet = identity.ensure_identity(tx, kubelet_id, mc["location"], tags=None, tenant_id=tenant_id, now=now)
    props = kubelet.body["properties"]
    kubelet_view = {"resourceId": kubelet.id, "clientId": props["clientId"], "objectId": props["principalId"]}
    mc["properties"].setdefault("identityProfile", {})["kubeletidentity"] = kubelet_view


def _groups(cluster_id: str, mc: dict[str, Any], net: Net) -> dict[str, list[dict[str, Any]]]:
    """Per subnet key: the scale-set claims the cluster's nodes (and flat-CNI pods) need, and on a pod
    subnet each node's first batch of 16 (DynamicIndividual) or its /28 blocks (StaticBlock)."""
    wanted: dict[str, list[dict[str, Any]]] = {}
    for pool in net.pools:
        vmss = vmss_id(cluster_id, mc, pool.name)
        if pool.subnet_id:
            per_node = pool.max_pods + 1 if net.flat_cni and not pool.pod_subnet_id else 1
            claim = {"vmss": vmss, "nodes": pool.count, "per_node": per_node, "pool": pool.name}
            wanted.setdefault(pool.subnet_id, []).append(claim)
        if pool.pod_subnet_id:
            claim = {
                "vmss": vmss + "-pods",
                "nodes": pool.count,
                "per_node": pod_ips_per_node(pool.allocation_mode, pool.max_pods),
                "pool": pool.name,
                "role": "pods",
            }
            wanted.setdefault(pool.pod_subnet_id, []).append(claim)
    _api_server_group(cluster_id, mc, wanted)
    return wanted


# "An AKS cluster reserves at least nine IPs in the subnet address space" (api-server-vnet-integration).
API_SERVER_ADDRESSES = 9


def _api_server_group(cluster_id: str, mc: dict[str, Any], wanted: dict[str, list[dict[str, Any]]]) -> None:
    """With VNet integration, the API server's nine addresses in its delegated subnet: the frontends of the
    kube-apiserver internal load balancer AKS puts in the node resource group."""
    api = mc["properties"].get("apiServerAccessProfile") or {}
    if not (api.get("enableVnetIntegration") and api.get("subnetId")):
        return
    load_balancer = f"{node_rg_id(cluster_id, mc)}/providers/Microsoft.Network/loadBalancers/kube-apiserver"
    claim = {
        "load_balancer": load_balancer,
        "nodes": 1,
        "per_node": API_SERVER_ADDRESSES,
        "role": subnet_usage.API_SERVER,
    }
    wanted.setdefault(str(api["subnetId"]), []).append(claim)


def _shortfall(tx: Tx, cluster_id: str, wanted: dict[str, list[dict[str, Any]]]) -> ArmError | None:
    for subnet_id, groups in wanted.items():
        subnet = tx.get(subnet_id)
        if subnet is None:
            continue
        need = sum(int(g["nodes"]) * int(g["per_node"]) for g in groups)
        free = subnet_usage.free(subnet, excluding=cluster_id)
        if need > free:
            prefix = subnet_usage.subnet_prefix(subnet)
            return ArmError(
                400,
                "SubnetIsFull",
                f"Subnet {subnet.body['name']} with address prefix {prefix} does not have enough capacity "
                "for "
                f"{need - free} IP addresses.",
            )
    return None


def reconcile(tx: Tx, cluster_id: str, mc: dict[str, Any], meta: dict[str, Any]) -> ArmError | None:
    """Claim subnet IPs and kubenet routes for `mc`; an error (SubnetIsFull) changes nothing."""
    net = view(mc)
    wanted = _groups(cluster_id, mc, net)
    problem = _shortfall(tx, cluster_id, wanted)
    if problem is not None:
        return problem
    _release_claims(tx, cluster_id, meta)
    for subnet_id, groups in wanted.items():
        subnet = tx.get(subnet_id)
        if subnet is not None:
            subnet_usage.claim(subnet, cluster_id, groups)
            if any(g.get("role") == "pods" for g in groups):
                subnet_links.link(subnet, cluster_id)
            tx.put(subnet)
    meta["subnets"] = list(wanted)
    _reconcile_routes(tx, cluster_id, mc, net, meta)
    _reconcile_zone_link(tx, cluster_id, mc, net, meta)
    return None


def _reconcile_zone_link(tx: Tx, cluster_id: str, mc: dict[str, Any], net: Net, meta: dict[str, Any]) -> None:
    """AKS links a custom private DNS zone to the cluster's VNet and writes the API server's record."""
    _remove_zone_link(tx, meta)
    zone = tx.get(custom_zone(mc) or "")
    if zone is None or not net.subnet_ids:
        return
    link = private_dns.link_vnet(tx, zone, ids.parent_of(net.subnet_ids[0]), f"{short_hash(cluster_id)}-link", 0.0)
    zone.meta.setdefault("records", {})[ids.key(cluster_id)] = mc["properties"].get("privateFQDN")
    tx.put(zone)
    meta["zone_link"] = link


def _remove_zone_link(tx: Tx, meta: dict[str, Any]) -> None:
    link = tx.get(meta.pop("zone_link", None) or "")
    if link is None:
        return
    zone = tx.get(ids.parent_of(link.id))
    if zone is not None:
        zone.meta.get("records", {}).clear()
        tx.put(zone)
    tx.delete(link.id)


def _release_claims(tx: Tx, cluster_id: str, meta: dict[str, Any]) -> None:
    for subnet_id in meta.get("subnets", []):
        subnet = tx.get(subnet_id)
        if subnet is not None:
            subnet_usage.release(subnet, cluster_id)
            subnet_links.unlink_if_unused(subnet)
            tx.put(subnet)
    meta["subnets"] = []


# --- kubenet routes -------------------------------------------------------------------------------


def _reconcile_routes(tx: Tx, cluster_id: str, mc: dict[str, Any], net: Net, meta: dict[str, Any]) -> None:
    _remove_routes(tx, meta)
    subnets = [s for s in (tx.get(i) for i in net.subnet_ids) if s is not None]
    if net.plugin != "kubenet" or not subnets:
        _drop_managed_table(tx, meta)
        return
    table = _table_for(tx, cluster_id, mc, subnets, meta)
    meta["routes"] = _write_routes(tx, cluster_id, mc, table)


def _table_for(tx: Tx, cluster_id: str, mc: dict[str, Any], subnets: list[Row], meta: dict[str, Any]) -> str:
    """The subnet's own route table, or one AKS creates in the node group and associates."""
    for subnet in subnets:
        existing = (subnet.body["properties"].get("routeTable") or {}).get("id")
        if existing:
            meta["route_table"], meta["managed_route_table"] = existing, False
            return str(existing)
    table_id = meta.get("route_table") if meta.get("managed_route_table") else None
    if not table_id:
        name = f"aks-agentpool-{short_hash(cluster_id)}-routetable"
        table_id = ids.provider_id(
            ids.subscription_of(cluster_id), ids.name_of(node_rg_id(cluster_id, mc)), ids.ROUTE_TABLE, name
        )
    _ensure_managed_table(tx, table_id, mc["location"])
    for subnet in subnets:
        subnet.body["properties"]["routeTable"] = {"id": table_id}
        tx.put(subnet)
    meta["route_table"], meta["managed_route_table"] = table_id, True
    return str(table_id)


def _ensure_managed_table(tx: Tx, table_id: str, location: str) -> None:
    if tx.get(table_id) is not None:
        return
    body = {
        "id": table_id,
        "name": ids.name_of(table_id),
        "type": ids.ROUTE_TABLE,
        "location": location,
        "properties": {"disableBgpRoutePropagation": False, "provisioningState": "Succeeded"},
    }
    tx.put(Row(table_id, ids.ROUTE_TABLE, body))


def _write_routes(tx: Tx, cluster_id: str, mc: dict[str, Any], table: str) -> list[str]:
    """One route per node: `aks-<pool>-<hash>-vmss00000X` -> the node's /24, next hop the node IP."""
    net = view(mc)
    pod = netaddr.parse(net.pod_cidr or "")
    if pod is None:
        return []
    index, written = 0, []
    for pool in net.pools:
        subnet = tx.get(pool.subnet_id) if pool.subnet_id else None
        subnet_net = netaddr.parse(subnet_usage.subnet_prefix(subnet)) if subnet else None
        for node in range(pool.count):
            name = f"{ids.name_of(vmss_id(cluster_id, mc, pool.name))}{node:06d}"
            hop = netaddr.host(subnet_net, 4 + index) if subnet_net else "10.240.0.4"
            props = {"addressPrefix": netaddr.node_block(pod, index), "nextHopType": "VirtualAppliance"}
            row = route_row(f"{table}/routes/{name}", {"properties": props | {"nextHopIpAddress": hop}}, None)
            row.body["properties"]["provisioningState"] = "Succeeded"
            tx.put(row)
            written.append(row.id)
            index += 1
    return written


def _remove_routes(tx: Tx, meta: dict[str, Any]) -> None:
    for route_id in meta.get("routes", []):
        tx.delete(route_id)
    meta["routes"] = []


def _drop_managed_table(tx: Tx, meta: dict[str, Any]) -> None:
    """An AKS-managed route table goes away with kubenet; a customer's only loses AKS's routes."""
    table = meta.get("route_table")
    if table and meta.get("managed_route_table"):
        for subnet in tx.of_type(ids.SUBNET):
            if ids.same((subnet.body["properties"].get("routeTable") or {}).get("id") or "", table):
                subnet.body["properties"].pop("routeTable")
                tx.put(subnet)
        row = tx.get(table)
        if row is not None:
            cascade.remove(tx, row)
    meta["route_table"], meta["managed_route_table"] = None, False


@cascade.before_delete(ids.MANAGED_CLUSTER)
def release(tx: Tx, cluster: Row) -> None:
    """Undo everything the cluster did outside itself, then drop its node resource group."""
    meta = cluster.meta
    _release_claims(tx, cluster.id, meta)
    _remove_routes(tx, meta)
    _drop_managed_table(tx, meta)
    _remove_zone_link(tx, meta)
    node_rg = tx.get(node_rg_id(cluster.id, cluster.body))
    if node_rg is not None:
        cascade.remove(tx, node_rg)
