"""ARM identity and bookkeeping, in one place: resource ids, ARM type names, ownership tags, the
role-assignment path and operation states. Pure: no azure.* import.

Ownership is what `up` writes and `down`, preflight and status read: the two ownership tags on
every resource aksnet creates, the deterministic names of its role assignments, and the ledger:
tags on the deployment's identity (or, when the identity is brought, on its resource group) that
record each subnet (subnets carry no tags) it creates in a VNet it does not own.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ZERO_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"

TAG_DEPLOYMENT = "aksnet-deployment"
TAG_MANAGED_BY = "managed-by"
MANAGED_BY = "aksnet"
LEDGER_TAG = "aksnet-created-subnet"  # the single record of earlier versions: "<vnet>/<subnet>"
LEDGER_PREFIX = "aksnet-subnet-"
# On a connected cluster: the provisioned cluster instance under it (a proxy resource, without tags of
# its own) is this deployment's. Written with the connected cluster, before the instance exists.
INSTANCE_TAG = "aksnet-created-instance"

NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
PRIVATE_DNS_ZONE_CONTRIBUTOR = "b12aa53e-6015-4669-85d0-8515ebb3ae7f"
ROLE_NAMES: Mapping[str, str] = {
    NETWORK_CONTRIBUTOR: "Network Contributor",
    PRIVATE_DNS_ZONE_CONTRIBUTOR: "Private DNS Zone Contributor",
}
ROLE_ASSIGNMENTS = "/providers/Microsoft.Authorization/roleAssignments/"
# Role assignment names are uuid5(namespace, deployment|scope|role): a re-run finds its own grants.
ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("6f1c7a52-3b1e-4f43-9a57-2f0d8e0c1a11")

# The ARM type of each kind of resource aksnet plans, creates, reads or deletes.
ARM_TYPES: Mapping[str, str] = {
    "resource_group": "Microsoft.Resources/resourceGroups",
    "node_resource_group": "Microsoft.Resources/resourceGroups",
    "virtual_network": "Microsoft.Network/virtualNetworks",
    "route_table": "Microsoft.Network/routeTables",
    "subnet": "Microsoft.Network/virtualNetworks/subnets",
    "identity": "Microsoft.ManagedIdentity/userAssignedIdentities",
    "role_assignment": "Microsoft.Authorization/roleAssignments",
    "managed_cluster": "Microsoft.ContainerService/managedClusters",
    # AKS on Azure Local (platform: azure-local)
    "custom_location": "Microsoft.ExtendedLocation/customLocations",
    "logical_network": "Microsoft.AzureStackHCI/logicalNetworks",
    "connected_cluster": "Microsoft.Kubernetes/connectedClusters",
    "provisioned_cluster": "Microsoft.HybridContainerService/provisionedClusterInstances",
    "private_dns_zone": "Microsoft.Network/privateDnsZones",
    "public_ip": "Microsoft.Network/publicIPAddresses",
    "public_ip_prefix": "Microsoft.Network/publicIPPrefixes",
    "nat_gateway": "Microsoft.Network/natGateways",
}
CLUSTER_TYPE = ARM_TYPES["managed_cluster"]

# Where a long-running operation (or a resource's provisioningState) stops changing.
TERMINAL_STATES = frozenset({"succeeded", "failed", "canceled"})


def is_terminal(state: str | None) -> bool:
    """Whether an operation status or provisioningState is final; a missing state counts as Succeeded."""
    return (state or "succeeded").lower() in TERMINAL_STATES


def provisioning_state(body: Mapping[str, Any] | None) -> str:
    """A resource's provisioningState, lower case; a body without one counts as succeeded."""
    return str(((body or {}).get("properties") or {}).get("provisioningState") or "succeeded").lower()


# --- resource ids --------------------------------------------------------------------------------


def key(resource_id: str | None) -> str:
    """The form in which ARM ids compare: case-insensitive (`resourcegroups` vs `resourceGroups`)."""
    return (resource_id or "").rstrip("/").lower()


def same_id(a: str | None, b: str | None) -> bool:
    return key(a) == key(b)


def same_value(a: Any, b: Any) -> bool:
    """ARM values compare case-insensitively when both are strings (ids, SKUs, enum values)."""
    if isinstance(a, str) and isinstance(b, str):
        return key(a) == key(b)
    return bool(a == b)


def name_of(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def resource_group_of(resource_id: str) -> str:
    """The resource group segment of an id, or '' for a subscription-level id."""
    parts = resource_id.strip("/").split("/")
    lowered = [p.lower() for p in parts]
    return parts[lowered.index("resourcegroups") + 1] if "resourcegroups" in lowered[:-1] else ""


@dataclass(frozen=True)
class ResourceId:
    """The parts of an ARM resource id aksnet needs."""

    subscription: str
    resource_group: str
    name: str
    parent: str | None = None  # e.g. the VNet of a subnet

    @classmethod
    def parse(cls, resource_id: str) -> ResourceId:
        parts = resource_id.strip("/").split("/")
        lower = [p.lower() for p in parts]
        sub = parts[lower.index("subscriptions") + 1]
        rg = parts[lower.index("resourcegroups") + 1] if "resourcegroups" in lower else ""
        parent = parts[-3] if len(parts) >= 10 else None
        return cls(sub, rg, parts[-1], parent)


def resource_group_id(sub: str, rg: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}"


def provider_id(sub: str, rg: str, provider_type: str, name: str) -> str:
    return f"{resource_group_id(sub, rg)}/providers/{provider_type}/{name}"


def cluster_id(sub: str, rg: str, name: str) -> str:
    return provider_id(sub, rg, CLUSTER_TYPE, name)


def instance_id(connected_cluster_id: str) -> str:
    """The AKS Arc cluster: the provisioned cluster instance (always `default`) under a connected cluster."""
    return f"{connected_cluster_id}/providers/{ARM_TYPES['provisioned_cluster']}/default"


def connected_cluster_of(instance: str) -> str:
    """The connected cluster a provisioned cluster instance sits under."""
    return instance.rsplit("/providers/", 1)[0]


# --- role assignments ----------------------------------------------------------------------------


def role_definition_id(sub: str, role: str = NETWORK_CONTRIBUTOR) -> str:
    return f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}"


def role_assignment_name(deployment: str, scope: str, role: str = NETWORK_CONTRIBUTOR) -> str:
    return str(uuid.uuid5(ROLE_ASSIGNMENT_NAMESPACE, f"{deployment}|{scope.lower()}|{role}"))


def assignment_id(scope: str, name: str) -> str:
    return f"{scope}{ROLE_ASSIGNMENTS}{name}"


def split_assignment_id(resource_id: str) -> tuple[str, str]:
    """(scope, name) of a role assignment id."""
    scope, _, name = resource_id.partition(ROLE_ASSIGNMENTS)
    return scope, name


# --- ownership -----------------------------------------------------------------------------------


def ownership_tags(deployment: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The tags every resource aksnet creates carries: the user's, then the two that prove ownership."""
    return {**(extra or {}), TAG_DEPLOYMENT: deployment, TAG_MANAGED_BY: MANAGED_BY}


def deployment_of(tags: Mapping[str, str] | None) -> str | None:
    """The aksnet deployment that created a resource, read from its tags; None if aksnet did not."""
    tags = tags or {}
    if tags.get(TAG_MANAGED_BY) != MANAGED_BY:
        return None
    value = tags.get(TAG_DEPLOYMENT)
    return str(value) if value is not None else None


def owned_by(tags: Mapping[str, str] | None, deployment: str) -> bool:
    return deployment_of(tags) == deployment


# --- the ledger: subnets created in a VNet the deployment does not own ---------------------------
# One tag per subnet, written before the subnet's PUT: Azure allows 50 tags per resource, no '/' in a
# tag name and 256 characters in a value. The name is a digest of the subnet's id; the value says which
# subnet in words: "<resource group>/<vnet>/<subnet>" (at most 90 + 64 + 80 + 2 = 236 characters).


def ledger_entry(subnet_id: str) -> tuple[str, str]:
    """The tag (name, value) that records the subnet `subnet_id` on the deployment's ledger."""
    import hashlib  # only `up` and `down` use the ledger; `plan` starts faster without it

    rid = ResourceId.parse(subnet_id)
    digest = hashlib.sha256(key(subnet_id).encode()).hexdigest()[:16]
    return f"{LEDGER_PREFIX}{digest}", f"{rid.resource_group}/{rid.parent}/{rid.name}"


def records_subnet(tags: Mapping[str, str] | None, subnet_id: str) -> bool:
    """Whether a ledger's tags record the subnet; the earlier versions' single tag counts too."""
    tags = tags or {}
    name, value = ledger_entry(subnet_id)
    rid = ResourceId.parse(subnet_id)
    earlier = str(tags.get(LEDGER_TAG, "")).lower() == f"{rid.parent}/{rid.name}".lower()
    return str(tags.get(name, "")).lower() == value.lower() or earlier


def with_entry(tags: Mapping[str, str] | None, subnet_id: str) -> dict[str, str]:
    """The ledger's tags with the subnet recorded."""
    name, value = ledger_entry(subnet_id)
    return {**(tags or {}), name: value}


def without_entry(tags: Mapping[str, str] | None, subnet_id: str) -> dict[str, str]:
    """The ledger's tags without the subnet's record (the PUT that would have created it was refused)."""
    name, _ = ledger_entry(subnet_id)
    return {k: v for k, v in (tags or {}).items() if k != name}
