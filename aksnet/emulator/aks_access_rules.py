"""AKS rules about the API server: private cluster, its DNS zone and rights on it, authorized IP ranges,
API server VNet integration (breadth.md §7, §8.1; the real codes where public, else `EMULATED_CODES`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from aksnet.emulator import authorization, ids, netaddr, subnet_usage
from aksnet.emulator.aks_identity_rules import user_identity
from aksnet.emulator.aks_pod_subnet_rules import older_than, too_old
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, aks_bad_request
from aksnet.emulator.store import Row

if TYPE_CHECKING:
    from aksnet.emulator.aks_validation import Subject

TARGET = "apiServerAccessProfile"
DELEGATION = "Microsoft.ContainerService/managedClusters"
MAX_RANGES, MAX_RANGES_INTEGRATED = 200, 2000
SMALLEST_API_SUBNET = 28
# "To use dual-stack networking your cluster needs Kubernetes version 1.26.3 or later" (api-server-vnet-integration).
DUAL_STACK_MIN_KUBERNETES = (1, 26, 3)
NO_VNET_INTEGRATION = frozenset({"qatarcentral"})
ZONE_ID = re.compile(r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.network/privatednszones/[^/]+$")


def profile(mc: dict[str, Any]) -> dict[str, Any]:
    return (mc.get("properties") or {}).get("apiServerAccessProfile") or {}


def custom_zone(mc: dict[str, Any]) -> str | None:
    zone = profile(mc).get("privateDNSZone")
    return str(zone) if zone and str(zone).lower() not in ("system", "none") else None


def check_access(ctx: Ctx, subject: Subject, node_subnets: list[Row]) -> None:
    api, location = profile(subject.mc), str(subject.mc["location"]).replace(" ", "").lower()
    _check_ranges(api)
    _check_private(api)
    zone = custom_zone(subject.mc)
    if zone is not None:
        _check_zone(ctx, subject, zone, location, bool(api.get("enableVnetIntegration")))
        _require(ctx, subject, _vnet_of(node_subnets), "Microsoft.Network/virtualNetworks/join/action")
    if api.get("enableVnetIntegration"):
        _check_integration(ctx, subject, api, location, node_subnets)


def _check_ranges(api: dict[str, Any]) -> None:
    ranges = api.get("authorizedIPRanges") or []
    if ranges and api.get("enablePrivateCluster"):
        raise aks_bad_request(
            "APIServerAuthorizedIPRangesNotSupportedForPrivateCluster",
            "API server authorized IP ranges are not supported for private clusters.",
            f"{TARGET}.authorizedIPRanges",
        )
    most = MAX_RANGES_INTEGRATED if api.get("enableVnetIntegration") else MAX_RANGES
    if len(ranges) > most:
        raise aks_bad_request(
            "TooManyAPIServerAuthorizedIPRanges",
            f"{len(ranges)} API server authorized IP ranges were given; at most {most} are supported.",
            f"{TARGET}.authorizedIPRanges",
        )


def _check_private(api: dict[str, Any]) -> None:
    zone = str(api.get("privateDNSZone") or "")
    if zone and not api.get("enablePrivateCluster"):
        raise aks_bad_request(
            "PrivateDNSZoneNotSupportedForPublicCluster",
            "privateDNSZone can only be set for a private cluster.",
            f"{TARGET}.privateDNSZone",
        )
    if zone.lower() == "none" and api.get("enablePrivateClusterPublicFQDN") is False:
        raise aks_bad_request(
            "PrivateDNSZoneNoneRequiresPublicFQDN",
            "privateDNSZone none with enablePrivateClusterPublicFQDN false is not supported.",
            f"{TARGET}.enablePrivateClusterPublicFQDN",
        )


def _allowed(location: str, integrated: bool) -> str:
    names = [f"privatelink.{location}.azmk8s.io", f"[a-zA-Z0-9-]{{1,32}}.privatelink.{location}.azmk8s.io"]
    if integrated:
        names = [f"private.{location}.azmk8s.io", *names, f"[a-zA-Z0-9-]{{1,32}}.private.{location}.azmk8s.io"]
    return ",".join(names)


def _check_zone(ctx: Ctx, subject: Subject, zone: str, location: str, integrated: bool) -> None:
    kinds = "privatelink|private" if integrated else "privatelink"
    name_ok = re.match(rf"^([a-zA-Z0-9-]{{1,32}}\.)?({kinds})\.{location}\.azmk8s\.io$", ids.name_of(zone), re.I)
    if not ZONE_ID.match(zone.lower()) or not name_ok:
        raise aks_bad_request(
            "InvalidPrivateDNSZoneResourceID",
            f"Invalid private dns zone resource id '{zone}'. The private dns zone name should be one of the "
            f"following format: '{_allowed(location, integrated)}'.",
            f"{TARGET}.privateDNSZone",
        )
    if ctx.tx.get(zone) is None:
        raise aks_bad_request(
            "CustomPrivateDNSZoneNotFound", f"The private DNS zone {zone} was not found.", f"{TARGET}.privateDNSZone"
        )
    identity = user_identity(ctx, subject.net)
    principal = identity.body["properties"]["principalId"] if identity else ""
    if identity is None or not _holds(ctx, principal, zone, authorization.ZONE_WRITERS):
        raise aks_bad_request(
            "CustomPrivateDNSZoneMissingPermissionError",
            "Service principal or user-assigned identity must be given permission to read and write to custom "
            f"private dns zone {zone}. Check access result not allowed for action "
            "Microsoft.Network/privateDnsZones/read.",
            f"{TARGET}.privateDNSZone",
        )


def _holds(ctx: Ctx, principal: str, target: str, roles: tuple[str, ...]) -> bool:
    cutoff = ctx.now - ctx.settings.faults.rbac_delay
    return authorization.holds_role(ctx.tx, principal, target, roles, older_than=cutoff)


def _vnet_of(subnets: list[Row]) -> str | None:
    return ids.parent_of(subnets[0].id) if subnets else None


def _require(ctx: Ctx, subject: Subject, target: str | None, action: str) -> None:
    """The identity must hold Network Contributor (or more) on `target`, else ARM's linked-scope 403."""
    identity = user_identity(ctx, subject.net)
    if target is None or identity is None:
        return
    props = identity.body["properties"]
    if _holds(ctx, props["principalId"], target, authorization.NETWORK_WRITERS):
        return
    raise ArmError(
        403,
        "LinkedAuthorizationFailed",
        f"The client '{props['clientId']}' with object id '{props['principalId']}' has permission to perform "
        f"action 'Microsoft.ContainerService/managedClusters/write' on scope '{subject.cluster_id}'; however, it "
        f"does not have permission to perform action(s) '{action}' on the linked scope(s) '{target}' "
        "(respectively) or the linked scope(s) are invalid.",
    )


def _check_integration(ctx: Ctx, subject: Subject, api: dict[str, Any], location: str, nodes: list[Row]) -> None:
    if location in NO_VNET_INTEGRATION:
        raise aks_bad_request(
            "VnetIntegrationNotSupportedInRegion",
            f"API server VNet integration is not supported in region {location}.",
            f"{TARGET}.enableVnetIntegration",
        )
    net = subject.net
    if net.dual_stack and older_than(net.kubernetes_version, DUAL_STACK_MIN_KUBERNETES):
        raise too_old(
            "API server VNet integration on a dual-stack cluster", net.kubernetes_version, DUAL_STACK_MIN_KUBERNETES
        )
    subnet_id = api.get("subnetId")
    if not subnet_id:
        if nodes:
            raise aks_bad_request(
                "ApiServerSubnetIdRequired",
                "apiServerAccessProfile.subnetId is required when creating a cluster with API server VNet "
                "integration in a custom virtual network.",
                f"{TARGET}.subnetId",
            )
        return
    subnet = ctx.tx.get(str(subnet_id))
    if subnet is None or subnet.type.lower() != ids.SUBNET.lower():
        raise aks_bad_request("VnetSubnetNotFound", f"The subnet {subnet_id} does not exist.", f"{TARGET}.subnetId")
    _check_api_subnet(subject, subnet)
    _require(ctx, subject, subnet.id, "Microsoft.Network/virtualNetworks/subnets/join/action")


def _check_api_subnet(subject: Subject, subnet: Row) -> None:
    """Delegated to AKS, /28 or larger, and holding nothing but AKS clusters' API servers (api-server-vnet-integration:
    "You can't use the subnet for any other workloads, but you can use it for multiple AKS clusters")."""
    props = subnet.body["properties"]
    services = [str((d.get("properties") or {}).get("serviceName", "")) for d in props.get("delegations") or []]
    if [s.lower() for s in services] != [DELEGATION.lower()]:
        raise aks_bad_request(
            "ApiServerSubnetNotDelegated",
            f"The API server subnet {subnet.id} must be delegated to {DELEGATION} (it is delegated to "
            f"{services or 'nothing'}).",
            f"{TARGET}.subnetId",
        )
    net = netaddr.parse(subnet_usage.subnet_prefix(subnet))
    if net is None or net.prefixlen > SMALLEST_API_SUBNET:
        raise aks_bad_request(
            "ApiServerSubnetTooSmall",
            f"The API server subnet {subnet.id} ({net}) is smaller than the minimum /{SMALLEST_API_SUBNET}.",
            f"{TARGET}.subnetId",
        )
    if any(ids.same(s, subnet.id) for s in (*subject.net.subnet_ids, *subject.net.pod_subnet_ids)):
        raise aks_bad_request(
            "ApiServerSubnetUsedByAgentPool",
            f"The API server subnet {subnet.id} cannot also be an agent pool's node or pod subnet.",
            f"{TARGET}.subnetId",
        )
    others = [owner for owner in subnet_usage.owners(subnet) if not subnet_usage.holds_api_server(subnet, owner)]
    if others:
        raise aks_bad_request(
            "ApiServerSubnetInUse",
            f"The API server subnet {subnet.id} is used by {', '.join(others)}; it can hold only AKS clusters' API "
            "servers.",
            f"{TARGET}.subnetId",
        )
