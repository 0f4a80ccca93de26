"""Errors the emulator answers with, in the two body shapes Azure uses (arm-facts §2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Codes for rules Azure enforces but whose real error code is not public (arm-facts §2.2,
# "Not found in public sources"). Every response carrying one also says so in `details`.
EMULATED_CODES = frozenset(
    {
        "ReservedAddressRangeOverlap",
        "DnsServiceIpIsReserved",
        "ServiceCidrTooLarge",
        "PodCidrOverlapsServiceCidr",
        "SubnetUsedByAnotherCluster",
        "RouteTableUsedByAnotherCluster",
        "NetworkPolicyDirectSwitchNotAllowed",
        "CiliumDataplaneCannotBeRemoved",
        "CiliumDataplaneRequiresAzureCNI",
        "CiliumNotSupportedWithWindows",
        "WindowsNotSupportedWithKubenet",
        "WindowsProfileRequired",
        "InvalidWindowsAdminPassword",
        "AzureNetworkPolicyRetiredForWindows",
        "NetworkPluginModeRequiresAzure",
        "PodCidrNotSupportedWithAzureCNI",
        "NetworkPolicyRequiresNetworkPlugin",
        "KubenetNodeLimitExceeded",
        "VnetSubnetNotFound",
        "UserAssignedIdentityNotFound",
        "OverlayMigrationRequiresUserAssignedIdentity",
        "IpamAndDataplaneChangeNotAllowed",
        "ManagedNATGatewayNotSupportedWithCustomVnet",
        "NatGatewayNotAssociatedWithSubnet",
        "RouteTableMissingDefaultRoute",
        "OverlayMigrationRequiresPodCidr",
        "InUseNatGatewayCannotBeDeleted",
        "UserDefinedRoutingRequiresCustomSubnet",
        # Pod subnets, per-pool subnets and dual-stack (breadth.md §1-3): rules the docs state, codes unknown.
        "PodSubnetNotFound",
        "PodSubnetNotSupportedWithOverlay",
        "AllAgentPoolsMustUsePodSubnet",
        "PodIPAllocationModeRequiresPodSubnet",
        "PodSubnetCannotBeNodeSubnet",
        "PodSubnetAllocationModeConflict",
        "PodSubnetTooLargeForStaticBlock",
        "SubnetsMustBeInSameVnet",
        "FeatureRequiresNewerKubernetesVersion",
        "DualStackRequiresAzureCNIOverlay",
        "NetworkPolicyNotSupportedWithDualStack",
        "SubnetNotDualStack",
        "NatGatewayNotDualStack",
        "SubnetIPv6PrefixMustBe64",
        # NAT gateways, public IPs and private DNS zones (Network RP) without a public code.
        "InvalidIdleTimeoutInMinutes",
        "NatGatewayPublicIpPrefixLengthNotSupported",
        "NatGatewayTooManyPublicIpAddresses",
        "InvalidPublicIpPrefixLength",
        "PublicIpPrefixLengthCannotBeChanged",
        "InUsePublicIpPrefixCannotBeDeleted",
        "ZoneHasVirtualNetworkLinks",
        # AKS API server and load balancer checks (aks_access_rules, aks_lb_rules) without a public code.
        "APIServerAuthorizedIPRangesNotSupportedForPrivateCluster",
        "TooManyAPIServerAuthorizedIPRanges",
        "PrivateDNSZoneNotSupportedForPublicCluster",
        "PrivateDNSZoneNoneRequiresPublicFQDN",
        "CustomPrivateDNSZoneNotFound",
        "VnetIntegrationNotSupportedInRegion",
        "ApiServerSubnetIdRequired",
        "ApiServerSubnetNotDelegated",
        "ApiServerSubnetTooSmall",
        "ApiServerSubnetUsedByAgentPool",
        "ApiServerSubnetInUse",
        "LoadBalancerProfileOutboundIPOptionsExclusive",
        # ARM/Network request checks whose real code was not found either.
        "InvalidRoute",
        "InvalidNextHopIpAddress",
        "InvalidAddressSpace",
        "VnetAddressSpacesOverlap",
        "NetworkInterfaceMustHaveIpConfigurations",
        "LockLevelInvalid",
        "InvalidRoleAssignmentRequest",
        # AKS name, version, pool and Windows profile checks (aks_pool_rules).
        "InvalidClusterName",
        "InvalidKubernetesVersion",
        "SystemPoolRequired",
        "InvalidAgentPoolName",
        "DuplicateAgentPoolName",
        "SystemPoolMustBeLinux",
        "InvalidAutoscalerProfile",
        "InvalidMaxSurge",
        "InvalidWindowsAdminUsername",
        "InvalidResourceGroupName",
        # AKS on Azure Local (Microsoft.AzureStackHCI, .Kubernetes, .HybridContainerService): rules from the
        # docs and Az.AksArc whose error codes are not published.
        "InvalidLogicalNetwork",
        "LogicalNetworkPropertyNotUpdatable",
        "IPPoolOverlap",
        "LogicalNetworkInUse",
        "InvalidExtendedLocation",
        "CustomLocationNotFound",
        "InvalidIdentity",
        "InvalidAgentPublicKeyCertificate",
        "ConnectedClusterOperationInProgress",
        "InvalidProvisionedClusterProperties",
        "InsufficientIPAddresses",
        "ProvisionedClusterOperationInProgress",
        "ListNotCreated",
        "WebhookCallFailed",
    }
)

EMULATED_DETAIL = {
    "code": "EmulatedErrorCode",
    "message": "No public error code is documented for this rule; the aksnet emulator invented this one.",
}


@dataclass
class ArmError(Exception):
    """An error response: status, code, message, and whether the body is ARM-wrapped."""

    status: int
    code: str
    message: str
    target: str | None = None
    subcode: str | None = None
    wrapped: bool = True
    details: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(f"{self.code}: {self.message}")
        if self.code in EMULATED_CODES and EMULATED_DETAIL not in self.details:
            self.details = [*self.details, EMULATED_DETAIL]

    def error_object(self) -> dict[str, Any]:
        """The `{code, message, target?, details?}` object used inside wrappers and LRO bodies."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target is not None:
            out["target"] = self.target
        if self.details:
            out["details"] = self.details
        return out

    def body(self) -> dict[str, Any]:
        if self.wrapped:
            return {"error": self.error_object()}
        # AKS synchronous validation errors are not wrapped (arm-facts §2).
        return {
            "code": self.code,
            "details": self.details or None,
            "message": self.message,
            "subcode": self.subcode or "",
            "target": self.target,
        }


def aks_bad_request(code: str, message: str, target: str | None = None, subcode: str = "") -> ArmError:
    """A synchronous AKS validation failure (400, unwrapped)."""
    return ArmError(400, code, message, target=target, subcode=subcode, wrapped=False)


def bad_request(code: str, message: str, target: str | None = None) -> ArmError:
    return ArmError(400, code, message, target=target)


def conflict(code: str, message: str) -> ArmError:
    return ArmError(409, code, message)


def resource_group_not_found(rg: str) -> ArmError:
    return ArmError(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")


def resource_not_found(relative_id: str, rg: str) -> ArmError:
    """`relative_id` is the id after `/providers/`, e.g. `Microsoft.Network/routeTables/rt1`."""
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource '{relative_id}' under resource group '{rg}' was not found. "
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
    )


def invalid_body(reason: str) -> ArmError:
    return bad_request(
        "InvalidRequestContent",
        f"The request content was invalid and could not be deserialized: '{reason}'.",
    )
