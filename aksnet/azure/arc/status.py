"""`status --platform azure-local`: an AKS Arc cluster, its ownership and its logical network's pool usage."""

from __future__ import annotations

from typing import Any

from aksnet.arc.facts import LnetFacts
from aksnet.arm import ARM_TYPES, ResourceId, deployment_of, provider_id
from aksnet.azure.arc.clients import ArcClients
from aksnet.azure.arc.preflight import read_instance
from aksnet.azure.arm import read_arm
from aksnet.errors import InvalidRequest


def arc_status(clients: ArcClients, resource_group: str, name: str) -> dict[str, Any]:
    connected_id = provider_id(clients.subscription_id, resource_group, ARM_TYPES["connected_cluster"], name)
    connected = read_arm(
        lambda: clients.kubernetes.connected_cluster.get(resource_group, name), f"reading connected cluster {name}"
    )
    instance = read_instance(clients, connected_id) if connected is not None else None
    if connected is None or instance is None:
        raise InvalidRequest(
            f"AKS Arc cluster {name} not found in resource group {resource_group}", code="CLUSTER_NOT_FOUND"
        )
    tags = connected.get("tags") or {}
    deployment = deployment_of(tags)
    return {
        "platform": "azure-local",
        "id": instance.id,
        "name": name,
        "location": connected.get("location"),
        "provisioning_state": instance.state,
        "kubernetes_version": instance.value("kubernetesVersion"),
        "control_plane": {**(instance.value("controlPlane") or {}), "hostIP": str(instance.host_ip or "") or None},
        "network_profile": instance.value("networkProfile") or {},
        "policy_engine": "Calico" if instance.value("networkProfile", "networkPolicy") == "calico" else "unknown",
        "node_pools": instance.value("agentPoolProfiles") or [],
        "ownership": {"managed_by_aksnet": deployment is not None, "deployment": deployment, "tags": tags},
        "logical_networks": [_network(clients, lnet) for lnet in instance.networks],
    }


def _network(clients: ArcClients, lnet_id: str) -> dict[str, Any]:
    """The network's pools with Azure's counters of used and available addresses."""
    rid = ResourceId.parse(lnet_id)
    networks = clients.stack_hci.logical_networks
    found = read_arm(lambda: networks.get(rid.resource_group, rid.name), f"reading logical network {rid.name}")
    if found is None:
        return {"id": lnet_id, "name": rid.name, "exists": False}
    facts = LnetFacts.from_arm(found)
    return {
        "id": lnet_id,
        "name": rid.name,
        "exists": True,
        "address_prefix": ", ".join(map(str, facts.prefixes)),
        "gateway": str(facts.gateway) if facts.gateway else None,
        "vlan": facts.vlan,
        "ip_pools": [{"range": str(p.range), "used": p.used, "available": p.available} for p in facts.pools],
    }
