"""ARM resource ids: building, comparing (case-insensitively) and taking apart."""

from __future__ import annotations

RESOURCE_GROUP = "Microsoft.Resources/resourceGroups"
VNET = "Microsoft.Network/virtualNetworks"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
PEERING = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"
ROUTE_TABLE = "Microsoft.Network/routeTables"
ROUTE = "Microsoft.Network/routeTables/routes"
NSG = "Microsoft.Network/networkSecurityGroups"
NAT_GATEWAY = "Microsoft.Network/natGateways"
NIC = "Microsoft.Network/networkInterfaces"
PUBLIC_IP = "Microsoft.Network/publicIPAddresses"
PUBLIC_IP_PREFIX = "Microsoft.Network/publicIPPrefixes"
PRIVATE_DNS_ZONE = "Microsoft.Network/privateDnsZones"
ZONE_LINK = "Microsoft.Network/privateDnsZones/virtualNetworkLinks"
IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities"
ROLE_ASSIGNMENT = "Microsoft.Authorization/roleAssignments"
LOCK = "Microsoft.Authorization/locks"
MANAGED_CLUSTER = "Microsoft.ContainerService/managedClusters"
CUSTOM_LOCATION = "Microsoft.ExtendedLocation/customLocations"
LOGICAL_NETWORK = "Microsoft.AzureStackHCI/logicalNetworks"
CONNECTED_CLUSTER = "Microsoft.Kubernetes/connectedClusters"
PROVISIONED_CLUSTER = "Microsoft.HybridContainerService/provisionedClusterInstances"

# Top-level (tracked) resource types: what `GET .../resources` lists.
TRACKED_TYPES = (
    VNET,
    ROUTE_TABLE,
    NSG,
    NAT_GATEWAY,
    NIC,
    IDENTITY,
    MANAGED_CLUSTER,
    CUSTOM_LOCATION,
    LOGICAL_NETWORK,
    CONNECTED_CLUSTER,
    PUBLIC_IP,
    PUBLIC_IP_PREFIX,
    PRIVATE_DNS_ZONE,
    ZONE_LINK,
    IDENTITY,
    MANAGED_CLUSTER,
)


def key(resource_id: str) -> str:
    """The case-insensitive identity of an id."""
    return resource_id.rstrip("/").lower()


def same(a: str, b: str) -> bool:
    return key(a) == key(b)


def is_within(resource_id: str, scope: str) -> bool:
    """True when `resource_id` is `scope` itself or lies below it."""
    rid, sc = key(resource_id), key(scope)
    return rid == sc or rid.startswith(sc + "/")


def subscription_id(sub: str) -> str:
    return f"/subscriptions/{sub}"


def rg_id(sub: str, rg: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}"


def provider_id(sub: str, rg: str, arm_type: str, *names: str) -> str:
    """`/subscriptions/s/resourceGroups/rg/providers/NS/t1/n1[/t2/n2]` for `arm_type` = `NS/t1[/t2]`."""
    namespace, *types = arm_type.split("/")
    path = "/".join(f"{t}/{n}" for t, n in zip(types, names, strict=True))
    return f"{rg_id(sub, rg)}/providers/{namespace}/{path}"


def name_of(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def parent_of(resource_id: str) -> str:
    """The id two segments up: a subnet's VNet, a route's table."""
    return resource_id.rstrip("/").rsplit("/", 2)[0]


def segments(resource_id: str) -> list[str]:
    return [s for s in resource_id.split("/") if s]


def subscription_of(resource_id: str) -> str:
    parts = segments(resource_id)
    return parts[1] if len(parts) > 1 and parts[0].lower() == "subscriptions" else ""


def rg_of(resource_id: str) -> str:
    """The resource group name in an id, or '' when it has none."""
    parts = segments(resource_id)
    for i, part in enumerate(parts[:-1]):
        if part.lower() == "resourcegroups":
            return parts[i + 1]
    return ""


def type_of(resource_id: str) -> str:
    """`Namespace/type[/childType]` of a provider resource id, '' for scopes without one."""
    parts = segments(resource_id)
    lowered = [p.lower() for p in parts]
    if "providers" not in lowered:
        return RESOURCE_GROUP if len(parts) == 4 and lowered[2] == "resourcegroups" else ""
    at = len(lowered) - 1 - lowered[::-1].index("providers")
    rest = parts[at + 1 :]
    return "/".join([rest[0], *rest[1::2]]) if rest else ""
