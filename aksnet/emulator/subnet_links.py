"""What AKS does to a pod subnet it uses: it delegates the subnet to managedClusters and links it
(serviceAssociationLinks/AzureKubernetesService, MicrosoftDocs/azure-docs#103167). The link goes once no
cluster's pods are left in the subnet; the delegation stays, as it does in Azure (Azure/AKS#2412)."""

from __future__ import annotations

from typing import Any

from aksnet.emulator import subnet_usage
from aksnet.emulator.store import Row

AKS_DELEGATION = "Microsoft.ContainerService/managedClusters"
LINK_NAME = "AzureKubernetesService"
DELEGATION_NAME = "aks-delegation"  # emulated: the name AKS gives its delegation is not documented
LINK_TYPE = "Microsoft.Network/virtualNetworks/subnets/serviceAssociationLinks"


def delegation_body(subnet_id: str, delegation: dict[str, Any]) -> dict[str, Any]:
    """A subnet delegation as the Network RP stores and returns it."""
    name = delegation.get("name") or "delegation"
    props = delegation.get("properties") or {}
    return {
        "id": f"{subnet_id}/delegations/{name}",
        "name": name,
        "type": "Microsoft.Network/virtualNetworks/subnets/delegations",
        "properties": {"serviceName": props.get("serviceName"), "actions": [], "provisioningState": "Succeeded"},
    }


def delegated_to_aks(subnet: Row) -> bool:
    """Whether the subnet is delegated to managedClusters."""
    delegations = subnet.body["properties"].get("delegations") or []
    return any(str(d["properties"].get("serviceName", "")).lower() == AKS_DELEGATION.lower() for d in delegations)


def link(subnet: Row, cluster_id: str) -> None:
    """Delegate `subnet` to AKS (unless it is) and add AKS's service association link."""
    if not delegated_to_aks(subnet):
        wanted = {"name": DELEGATION_NAME, "properties": {"serviceName": AKS_DELEGATION}}
        subnet.body["properties"].setdefault("delegations", []).append(delegation_body(subnet.id, wanted))
    subnet.meta["service_association_link"] = cluster_id


def unlink_if_unused(subnet: Row) -> None:
    """Drop AKS's link once no cluster's pods hold addresses in the subnet."""
    pods = [g for groups in subnet_usage.claims(subnet).values() for g in groups if g.get("role") == "pods"]
    if not pods:
        subnet.meta.pop("service_association_link", None)


def links(subnet: Row) -> list[dict[str, Any]]:
    """The subnet's service association links as GET returns them."""
    if not subnet.meta.get("service_association_link"):
        return []
    properties = {
        "linkedResourceType": AKS_DELEGATION,
        "link": subnet.meta["service_association_link"],
        "allowDelete": False,
        "locations": [],
        "provisioningState": "Succeeded",
    }
    return [
        {
            "id": f"{subnet.id}/serviceAssociationLinks/{LINK_NAME}",
            "name": LINK_NAME,
            "type": LINK_TYPE,
            "properties": properties,
        }
    ]
