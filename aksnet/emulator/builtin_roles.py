"""The built-in role definitions AKS flows use, by name and GUID (the GUIDs are the same in every tenant).

Permissions are those the Azure built-in roles documentation lists for each role. To add a role,
add one `Role`; `BY_GUID` and `by_name` find it, and role assignments accept it.
"""

from __future__ import annotations

from dataclasses import dataclass

_COMMON_READS = (
    "Microsoft.Authorization/*/read",
    "Microsoft.Insights/alertRules/*",
    "Microsoft.Resources/deployments/*",
    "Microsoft.Resources/subscriptions/resourceGroups/read",
    "Microsoft.Support/*",
)
CONTRIBUTOR_NOT_ACTIONS = (
    "Microsoft.Authorization/*/Delete",
    "Microsoft.Authorization/*/Write",
    "Microsoft.Authorization/elevateAccess/Action",
    "Microsoft.Blueprint/blueprintAssignments/write",
    "Microsoft.Blueprint/blueprintAssignments/delete",
    "Microsoft.Compute/galleries/share/action",
    "Microsoft.Purview/consents/write",
    "Microsoft.Purview/consents/delete",
    "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
    "Microsoft.Subscription/cancel/action",
    "Microsoft.Subscription/enable/action",
)


@dataclass(frozen=True)
class Role:
    """One built-in role: its fixed GUID, name, description and permissions."""

    guid: str
    name: str
    description: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()


def _aks_data(*actions: str) -> tuple[str, ...]:
    return tuple(f"Microsoft.ContainerService/managedClusters/{a}" for a in actions)


ROLES = (
    Role(
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "Owner",
        "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
        ("*",),
    ),
    Role(
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "Contributor",
        "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, "
        "manage assignments in Azure Blueprints, or share image galleries.",
        ("*",),
        CONTRIBUTOR_NOT_ACTIONS,
    ),
    Role(
        "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "Reader",
        "View all resources, but does not allow you to make any changes.",
        ("*/read",),
    ),
    Role(
        "4d97b98b-1d4f-4787-a291-c67834d212e7",
        "Network Contributor",
        "Lets you manage networks, but not access to them.",
        (*_COMMON_READS, "Microsoft.Network/*", "Microsoft.ResourceHealth/availabilityStatuses/read"),
    ),
    Role(
        "f1a07417-d97a-45cb-824c-7a7467783830",
        "Managed Identity Operator",
        "Read and Assign User Assigned Identity",
        (
            "Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
            "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
            *_COMMON_READS,
        ),
    ),
    Role(
        "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
        "Managed Identity Contributor",
        "Create, Read, Update, and Delete User Assigned Identity",
        ("Microsoft.ManagedIdentity/userAssignedIdentities/*", *_COMMON_READS),
    ),
    Role(
        "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
        "Private DNS Zone Contributor",
        "Lets you manage private DNS zone resources, but not the virtual networks they are linked to.",
        (
            *_COMMON_READS,
            "Microsoft.Network/privateDnsZones/*",
            "Microsoft.Network/privateDnsOperationResults/*",
            "Microsoft.Network/privateDnsOperationStatuses/*",
            "Microsoft.Network/virtualNetworks/read",
            "Microsoft.Network/virtualNetworks/join/action",
        ),
    ),
    Role(
        "befefa01-2a29-4197-83a8-272ff33ce314",
        "DNS Zone Contributor",
        "Lets you manage DNS zones and record sets in Azure DNS, but does not let you control who has access to them.",
        (*_COMMON_READS, "Microsoft.Network/dnsZones/*"),
    ),
    Role(
        "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        "AcrPull",
        "acr pull",
        ("Microsoft.ContainerRegistry/registries/pull/read",),
    ),
    Role(
        "8311e382-0749-4cb8-b61a-304f252e45ec",
        "AcrPush",
        "acr push",
        ("Microsoft.ContainerRegistry/registries/pull/read", "Microsoft.ContainerRegistry/registries/push/write"),
    ),
    Role(
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "User Access Administrator",
        "Lets you manage user access to Azure resources.",
        ("*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"),
    ),
    Role(
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
        "Role Based Access Control Administrator",
        "Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to "
        "manage access using other ways, such as Azure Policy.",
        (
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Authorization/roleAssignments/delete",
            "*/read",
            "Microsoft.Support/*",
        ),
    ),
    Role(
        "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
        "Virtual Machine Contributor",
        "Create and manage virtual machines, manage disks, install and run software, reset password of the root "
        "user of the virtual machine using VM extensions, and manage local user accounts using VM extensions.",
        (*_COMMON_READS, "Microsoft.Compute/*", "Microsoft.Network/networkInterfaces/*"),
    ),
    Role(
        "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8",
        "Azure Kubernetes Service Contributor Role",
        "Grants access to read and write Azure Kubernetes Service clusters",
        (
            *_COMMON_READS,
            "Microsoft.ContainerService/managedClusters/read",
            "Microsoft.ContainerService/managedClusters/write",
        ),
    ),
    Role(
        "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
        "Azure Kubernetes Service Cluster Admin Role",
        "List cluster admin credential action.",
        (
            "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
            "Microsoft.ContainerService/managedClusters/accessProfiles/listCredential/action",
            "Microsoft.ContainerService/managedClusters/read",
            "Microsoft.ContainerService/managedClusters/runcommand/action",
        ),
    ),
    Role(
        "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
        "Azure Kubernetes Service Cluster User Role",
        "List cluster user credential action.",
        (
            "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
            "Microsoft.ContainerService/managedClusters/read",
        ),
    ),
    Role(
        "1afdec4b-e479-420e-99e7-f82237c7c5e6",
        "Azure Kubernetes Service Cluster Monitoring User",
        "List cluster monitoring user credential action.",
        (
            "Microsoft.ContainerService/managedClusters/listClusterMonitoringUserCredential/action",
            "Microsoft.ContainerService/managedClusters/read",
        ),
    ),
    Role(
        "3498e952-d568-435e-9b2c-8d77e338d7f7",
        "Azure Kubernetes Service RBAC Admin",
        "Lets you manage all resources under cluster/namespace, except update or delete resource quotas and "
        "namespaces.",
        (*_COMMON_READS, "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"),
        (),
        _aks_data("*"),
    ),
    Role(
        "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
        "Azure Kubernetes Service RBAC Cluster Admin",
        "Lets you manage all resources in the cluster.",
        (*_COMMON_READS, "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"),
        (),
        _aks_data("*"),
    ),
    Role(
        "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
        "Azure Kubernetes Service RBAC Reader",
        "Allows read-only access to see most objects in a namespace.",
        _COMMON_READS,
        (),
        _aks_data("apps/*/read", "pods/read", "services/read", "configmaps/read", "namespaces/read"),
    ),
    Role(
        "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
        "Azure Kubernetes Service RBAC Writer",
        "Allows read/write access to most objects in a namespace.",
        _COMMON_READS,
        (),
        _aks_data("apps/*", "pods/*", "services/*", "configmaps/*", "secrets/*", "namespaces/read"),
    ),
)

BY_GUID = {r.guid: r for r in ROLES}
OWNER, CONTRIBUTOR, READER, NETWORK_CONTRIBUTOR = (r.guid for r in ROLES[:4])
PRIVATE_DNS_ZONE_CONTRIBUTOR = "b12aa53e-6015-4669-85d0-8515ebb3ae7f"


def by_name(name: str) -> Role | None:
    """The role named `name` (role names are matched case-insensitively, as ARM's filter does)."""
    return next((r for r in ROLES if r.name.lower() == name.lower()), None)
