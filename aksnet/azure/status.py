"""`status`: a cluster's network profile, pools, policy engine, ownership and subnet address use."""

from __future__ import annotations

from typing import Any

from aksnet.arm import ResourceId, deployment_of
from aksnet.azure.arm import arm_dict, get_or_none
from aksnet.azure.clients import Clients
from aksnet.errors import InvalidRequest
from aksnet.netcalc import AZURE_RESERVED_PER_SUBNET


def cluster_status(clients: Clients, resource_group: str, name: str) -> dict[str, Any]:
    clusters = clients.containerservice.managed_clusters
    found = get_or_none(lambda: clusters.get(resource_group, name), f"reading cluster {name}")
    if found is None:
        raise InvalidRequest(f"cluster {name} not found in resource group {resource_group}", code="CLUSTER_NOT_FOUND")
    cluster = arm_dict(found)
    properties = cluster.get("properties", {})
    pools = properties.get("agentPoolProfiles") or []
    subnet_ids = sorted({p["vnetSubnetID"] for p in pools if p.get("vnetSubnetID")}, key=str.lower)
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
        "subnets": [_subnet(clients, subnet_id) for subnet_id in subnet_ids],
    }


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
        "provisioningState",
    )
    return {key: pool.get(key) for key in keys}


def _ownership(tags: dict[str, str]) -> dict[str, Any]:
    deployment = deployment_of(tags)
    return {"managed_by_aksnet": deployment is not None, "deployment": deployment, "tags": tags}


def _subnet(clients: Clients, subnet_id: str) -> dict[str, Any]:
    """Addresses used and free: Azure's 5 reserved plus one per NIC ip configuration (nodes, and pods on flat CNI)."""
    rid = ResourceId.parse(subnet_id)
    found = get_or_none(
        lambda: clients.network.subnets.get(rid.resource_group, rid.parent or "", rid.name),
        f"reading subnet {rid.name}",
    )
    if found is None:
        return {"id": subnet_id, "exists": False}
    properties = arm_dict(found).get("properties", {})
    prefix = properties.get("addressPrefix") or (properties.get("addressPrefixes") or [None])[0]
    total = 2 ** (32 - int(prefix.split("/")[1])) if prefix else 0
    in_use = len(properties.get("ipConfigurations") or [])
    return {
        "id": subnet_id,
        "exists": True,
        "address_prefix": prefix,
        "total": total,
        "reserved_by_azure": AZURE_RESERVED_PER_SUBNET,
        "used": in_use,
        "free": max(total - AZURE_RESERVED_PER_SUBNET - in_use, 0),
        "route_table": (properties.get("routeTable") or {}).get("id"),
        "network_security_group": (properties.get("networkSecurityGroup") or {}).get("id"),
    }
