"""`status`: a cluster's network profile, pools, policy engine, ownership and subnet address use."""

from __future__ import annotations

from typing import Any

from aksnet.arm import ResourceId, deployment_of
from aksnet.azure.arm import read_arm
from aksnet.azure.clients import Clients
from aksnet.errors import InvalidRequest
from aksnet.netcalc import AZURE_RESERVED_PER_SUBNET


def cluster_status(clients: Clients, resource_group: str, name: str) -> dict[str, Any]:
    clusters = clients.containerservice.managed_clusters
    cluster = read_arm(lambda: clusters.get(resource_group, name), f"reading cluster {name}")
    if cluster is None:
        raise InvalidRequest(f"cluster {name} not found in resource group {resource_group}", code="CLUSTER_NOT_FOUND")
    properties = cluster.get("properties", {})
    pools = properties.get("agentPoolProfiles") or []
    return {
        "id": cluster.get("id"),
        "name": cluster.get("name"),
        "location": cluster.get("location"),
        "provisioning_state": properties.get("provisioningState"),
        "kubernetes_version": properties.get("currentKubernetesVersion") or properties.get("kubernetesVersion"),
        "node_resource_group": properties.get("nodeResourceGroup"),
        "network_profile": _network(properties.get("networkProfile") or {}),
        "policy_engine": _engine(properties.get("networkProfile") or {}),
        "node_pools": [_pool(p) for p in pools],
        "ownership": _ownership(cluster.get("tags") or {}),
        "identity": cluster.get("identity"),
        "subnets": [_subnet(clients, subnet_id, uses) for subnet_id, uses in _subnet_uses(pools).items()],
    }


def _subnet_uses(pools: list[dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """Every node and pod subnet of the pools: which pools use it, and as what (nodes or pods)."""
    uses: dict[str, dict[str, list[str]]] = {}
    for pool in pools:
        for field, role in (("vnetSubnetID", "nodes"), ("podSubnetID", "pods")):
            if pool.get(field):
                found = next((k for k in uses if k.lower() == str(pool[field]).lower()), str(pool[field]))
                uses.setdefault(found, {}).setdefault(role, []).append(str(pool.get("name")))
    return dict(sorted(uses.items(), key=lambda item: item[0].lower()))


def _network(profile: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "networkPlugin",
        "networkPluginMode",
        "networkDataplane",
        "networkPolicy",
        "podCidr",
        "serviceCidr",
        "dnsServiceIP",
        "outboundType",
        "loadBalancerSku",
        "ipFamilies",
        "podCidrs",
        "serviceCidrs",
    )
    return {key: profile.get(key) for key in keys}


def _engine(profile: dict[str, Any]) -> str:
    policy = profile.get("networkPolicy") or "none"
    names = {"azure": "Azure Network Policy Manager", "calico": "Calico", "cilium": "Cilium", "none": "none"}
    return names.get(str(policy).lower(), str(policy))


def _pool(pool: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "name",
        "mode",
        "osType",
        "count",
        "vmSize",
        "maxPods",
        "enableAutoScaling",
        "minCount",
        "maxCount",
        "vnetSubnetID",
        "podSubnetID",
        "podIPAllocationMode",
        "provisioningState",
    )
    return {key: pool.get(key) for key in keys}


def _ownership(tags: dict[str, str]) -> dict[str, Any]:
    deployment = deployment_of(tags)
    return {"managed_by_aksnet": deployment is not None, "deployment": deployment, "tags": tags}


def _subnet(clients: Clients, subnet_id: str, uses: dict[str, list[str]]) -> dict[str, Any]:
    """Addresses used and free: Azure's 5 reserved plus one per NIC ip configuration (nodes, pods on flat
    CNI, and a pod subnet's batches or blocks), with what uses the subnet and what is attached to it."""
    rid = ResourceId.parse(subnet_id)
    role = {"role": "+".join(uses), "pools": sorted({p for names in uses.values() for p in names})}
    found = read_arm(
        lambda: clients.network.subnets.get(rid.resource_group, rid.parent or "", rid.name),
        f"reading subnet {rid.name}",
    )
    if found is None:
        return {"id": subnet_id, "exists": False, **role}
    properties = found.get("properties", {})
    prefixes = [properties["addressPrefix"]] if properties.get("addressPrefix") else properties.get("addressPrefixes")
    prefix = next((p for p in prefixes or [] if ":" not in p), None)
    total = 2 ** (32 - int(prefix.split("/")[1])) if prefix else 0
    in_use = len(properties.get("ipConfigurations") or [])
    return {
        "id": subnet_id,
        "exists": True,
        **role,
        "address_prefix": prefix,
        "address_prefix_ipv6": next((p for p in prefixes or [] if ":" in p), None),
        "total": total,
        "reserved_by_azure": AZURE_RESERVED_PER_SUBNET,
        "used": in_use,
        "free": max(total - AZURE_RESERVED_PER_SUBNET - in_use, 0),
        "route_table": (properties.get("routeTable") or {}).get("id"),
        "network_security_group": (properties.get("networkSecurityGroup") or {}).get("id"),
        "delegations": [(d.get("properties") or {}).get("serviceName") for d in properties.get("delegations") or []],
    }
