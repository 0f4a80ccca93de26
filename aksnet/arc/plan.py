"""ArcSpec -> ArcPlan: ordered steps with full ids and the exact ARM bodies the SDKs send. Pure.

Order (azure-local.md §2.1): resource group, the custom location (read, never written), the logical
network, the connected cluster (`kind: ProvisionedCluster`), then the provisioned cluster instance
`default` under it. Bodies are what the pinned SDKs put on the wire (tests/test_arc_bodies.py sends
them through the SDK models): azure-mgmt-azurestackhcivm at the logical networks' stable 2024-01-01,
azure-mgmt-hybridkubernetes at its default 2026-05-01, azure-mgmt-hybridcontainerservice at 2024-01-01.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aksnet.arc.capacity import ArcCapacity, planned_capacity
from aksnet.arc.spec import ArcNodePoolSpec, ArcSpec
from aksnet.arm import (
    ARM_TYPES,
    INSTANCE_TAG,
    ZERO_SUBSCRIPTION,
    instance_id,
    ownership_tags,
    provider_id,
    resource_group_id,
)
from aksnet.errors import AksnetError
from aksnet.findings import Finding
from aksnet.plan import Step, StepList, refusal
from aksnet.result import Outcome

LOCATION_PLACEHOLDER = "<customLocation.location>"  # the custom location's region, read live
INSTANCE_NAME = "default"
DEFAULT_ROUTE = "0.0.0.0/0"


@dataclass(frozen=True)
class Prerequisite:
    """Something `up` needs that no tool can check from outside the on-premises network."""

    id: str
    what: str
    why: str
    check: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "what": self.what, "why": self.why, "check": self.check}


@dataclass(frozen=True)
class ArcIds:
    """Every resource id of an Azure Local spec."""

    sub: str
    resource_group: str
    custom_location: str
    logical_network: str
    connected_cluster: str
    provisioned_cluster: str

    @classmethod
    def of(cls, spec: ArcSpec, sub: str) -> ArcIds:
        connected = provider_id(sub, spec.resource_group, ARM_TYPES["connected_cluster"], spec.cluster.name)
        return cls(
            sub=sub,
            resource_group=resource_group_id(sub, spec.resource_group),
            custom_location=spec.arc.custom_location_id,
            logical_network=provider_id(
                sub, spec.network_resource_group, ARM_TYPES["logical_network"], spec.network.name
            ),
            connected_cluster=connected,
            provisioned_cluster=instance_id(connected),
        )


@dataclass(frozen=True)
class ArcPlan(StepList, Outcome):
    """Findings, the IP plan, prerequisites and the ordered steps of one Azure Local deployment."""

    spec: ArcSpec
    subscription_id: str
    steps: tuple[Step, ...]
    findings: tuple[Finding, ...] = ()
    capacity: ArcCapacity | None = None
    prerequisites: tuple[Prerequisite, ...] = ()
    notes: tuple[str, ...] = ()
    error: AksnetError | None = field(default=None, compare=False)

    @property
    def ids(self) -> ArcIds:
        return ArcIds.of(self.spec, self.subscription_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "deployment": self.spec.deployment,
            "platform": self.spec.platform,
            "ok": self.ok,
            "subscription_id": self.subscription_id,
            "findings": [f.as_dict() for f in self.findings],
            "capacity": self.capacity.as_dict() if self.capacity else None,
            "prerequisites": [p.as_dict() for p in self.prerequisites],
            "steps": [s.as_dict() for s in self.steps],
            "requests": self.requests,
        }


def build_arc_plan(
    spec: ArcSpec,
    findings: Sequence[Finding] = (),
    *,
    subscription_id: str | None = None,
    capacity: ArcCapacity | None = None,
) -> ArcPlan:
    """The plan for `spec`; `capacity` replaces the offline IP plan (live preflight's, with real clusters)."""
    sub = subscription_id or spec.subscription_id or ZERO_SUBSCRIPTION
    ids = ArcIds.of(spec, sub)
    steps = tuple(_steps(spec, ids)) if spec.provisions else ()
    notes = () if spec.provisions else ("the PowerShell generation is checked here, never provisioned",)
    return ArcPlan(
        spec,
        sub,
        steps,
        tuple(findings),
        capacity or planned_capacity(spec),
        prerequisites(spec),
        notes,
        error=refusal(spec, findings),
    )


def offline_plan(spec: ArcSpec) -> ArcPlan:
    """`plan` without --live: every offline rule, the IP plan and the steps."""
    from aksnet.arc.rules import check_arc

    return build_arc_plan(spec, check_arc(spec))


def _steps(spec: ArcSpec, ids: ArcIds) -> Iterator[Step]:
    location = spec.arc.location or LOCATION_PLACEHOLDER
    tags = ownership_tags(spec.deployment, spec.tags)
    group_body = {"location": location, "tags": tags}
    yield Step("resource_group", "resource_group", "create", spec.resource_group, ids.resource_group, (), group_body)
    custom_location = ids.custom_location.rstrip("/").rsplit("/", 1)[-1]
    yield Step("custom_location", "custom_location", "use", custom_location, ids.custom_location, ())
    yield _lnet_step(spec, ids, location, tags)
    cc_tags = {**tags, INSTANCE_TAG: INSTANCE_NAME}
    cc_body = connected_cluster_body(spec, location, cc_tags)
    cc = ("resource_group", "logical_network")  # a network refused first leaves no connected cluster behind
    yield Step(
        "connected_cluster", "connected_cluster", "create", spec.cluster.name, ids.connected_cluster, cc, cc_body
    )
    body = provisioned_cluster_body(spec, ids)
    needs = ("connected_cluster", "logical_network", "custom_location")
    name = f"{spec.cluster.name}/{INSTANCE_NAME}"
    yield Step("provisioned_cluster", "provisioned_cluster", "create", name, ids.provisioned_cluster, needs, body)


def _lnet_step(spec: ArcSpec, ids: ArcIds, location: str, tags: Mapping[str, str]) -> Step:
    network = spec.network
    if network.existing:
        return Step(
            "logical_network", "logical_network", "use", network.name, ids.logical_network, ("custom_location",)
        )
    depends = ("custom_location",) + (("resource_group",) if spec.network_resource_group == spec.resource_group else ())
    body = logical_network_body(spec, location, tags)
    return Step("logical_network", "logical_network", "create", network.name, ids.logical_network, depends, body)


def extended_location(spec: ArcSpec) -> dict[str, str]:
    return {"name": spec.arc.custom_location_id, "type": "CustomLocation"}


def logical_network_body(spec: ArcSpec, location: str, tags: Mapping[str, str]) -> dict[str, Any]:
    """`LogicalNetwork` as azure-mgmt-azurestackhcivm sends it; the gateway is the default route's next hop."""
    network = spec.network
    subnet: dict[str, Any] = {"addressPrefix": str(network.prefix), "ipAllocationMethod": network.ip_allocation_method}
    if network.vlan is not None:
        subnet["vlan"] = network.vlan
    subnet["ipPools"] = [_pool_body(p.start, p.end, p.name) for p in network.ip_pools]
    if network.gateway is not None:
        route = {
            "name": "default",
            "properties": {"addressPrefix": DEFAULT_ROUTE, "nextHopIpAddress": str(network.gateway)},
        }
        subnet["routeTable"] = {"properties": {"routes": [route]}}
    properties: dict[str, Any] = {"vmSwitchName": network.vm_switch_name}
    properties["dhcpOptions"] = {"dnsServers": [str(d) for d in network.dns_servers]}
    properties["subnets"] = [{"name": network.name, "properties": subnet}]
    return {
        "location": location,
        "tags": dict(tags),
        "extendedLocation": extended_location(spec),
        "properties": properties,
    }


def _pool_body(start: Any, end: Any, name: str | None) -> dict[str, str]:
    return {**({"name": name} if name else {}), "start": str(start), "end": str(end)}


def connected_cluster_body(spec: ArcSpec, location: str, tags: Mapping[str, str]) -> dict[str, Any]:
    """`ConnectedCluster` of kind ProvisionedCluster as azure-mgmt-hybridkubernetes sends it; for this kind
    the agent certificate is empty (the AVM module's note, Az.AksArc's body)."""
    cluster = spec.cluster
    properties: dict[str, Any] = {"agentPublicKeyCertificate": ""}
    if cluster.admin_group_object_ids or cluster.enable_azure_rbac:
        properties["aadProfile"] = {
            "enableAzureRBAC": cluster.enable_azure_rbac,
            "adminGroupObjectIDs": list(cluster.admin_group_object_ids),
        }
    return {
        "location": location,
        "tags": dict(tags),
        "kind": "ProvisionedCluster",
        "identity": {"type": "SystemAssigned"},
        "properties": properties,
    }


def provisioned_cluster_body(spec: ArcSpec, ids: ArcIds) -> dict[str, Any]:
    """`ProvisionedCluster` as azure-mgmt-hybridcontainerservice 1.0.0 serialises it (its defaults included:
    `enableAutoScaling` is always sent, `loadBalancerProfile.count` given)."""
    cluster = spec.cluster
    properties: dict[str, Any] = {}
    if cluster.ssh_public_key:
        properties["linuxProfile"] = {"ssh": {"publicKeys": [{"keyData": cluster.ssh_public_key}]}}
    properties["controlPlane"] = _control_plane(spec)
    if cluster.kubernetes_version:
        properties["kubernetesVersion"] = cluster.kubernetes_version
    properties["networkProfile"] = {
        "loadBalancerProfile": {"count": cluster.load_balancer_count},
        "networkPolicy": cluster.network_policy.lower(),
        "podCidr": str(cluster.pod_cidr),
    }
    properties["agentPoolProfiles"] = [node_pool_body(p) for p in cluster.node_pools]
    properties["cloudProviderProfile"] = {"infraNetworkProfile": {"vnetSubnetIds": [ids.logical_network]}}
    return {"properties": properties, "extendedLocation": extended_location(spec)}


def _control_plane(spec: ArcSpec) -> dict[str, Any]:
    plane = spec.cluster.control_plane
    body: dict[str, Any] = {"count": plane.count, "vmSize": plane.vm_size}
    if plane.ip is not None:
        body["controlPlaneEndpoint"] = {"hostIP": str(plane.ip)}
    return body


def node_pool_body(pool: ArcNodePoolSpec) -> dict[str, Any]:
    body: dict[str, Any] = {"name": pool.name, "count": pool.count, "vmSize": pool.vm_size}
    body.update({"osType": pool.os_type, "osSKU": pool.os_sku})
    if pool.enable_auto_scaling:
        body.update({"maxCount": pool.max_count, "minCount": pool.min_count})
    body["enableAutoScaling"] = pool.enable_auto_scaling
    if pool.max_pods is not None:
        body["maxPods"] = pool.max_pods
    return body


def prerequisites(spec: ArcSpec) -> tuple[Prerequisite, ...]:
    """What only a machine on the on-premises network can verify ([NSR], [DIAG], azure-local.md §5.9)."""
    network = spec.network
    dns = ", ".join(map(str, network.dns_servers)) or "the logical network's DNS servers"
    return (
        Prerequisite(
            "dns_resolves_cluster_name",
            f"{dns} resolve the Azure Local cluster's name (FQDN) for machines on {network.name}",
            "node VMs reach the cloud agent by name; if it does not resolve, creation fails with "
            "CloudAgentConnectivityError ('Temporary failure in name resolution')",
            "from a machine on that VLAN: Resolve-DnsName <cluster FQDN> -Server <DNS server> (or nslookup)",
        ),
        Prerequisite(
            "cross_vlan_ports",
            "if the management network (Arc Resource Bridge, cluster IP) is on another VLAN: TCP 22 and 6443 "
            "open from it to the logical network, TCP 55000 and 65000 open from the logical network to it "
            "(and 40343 with Arc gateway)",
            "the Resource Bridge configures the node VMs over SSH and the API server; the nodes call the cloud "
            "agent and node agent",
            "Test-NetConnection <address> -Port <port> from each side, or ask the network team for the rules",
        ),
        Prerequisite(
            "required_endpoints",
            "the logical network reaches the AKS Arc required URLs (directly or through Azure Local's proxy, "
            "which clusters inherit)",
            "node VMs pull images and register with Azure Arc",
            "the AKS on Azure Local network requirements page lists the URLs; test from a VM on the network",
        ),
        Prerequisite(
            "addresses_unused",
            "no device outside Azure already uses an address of the IP pools, the control-plane IP or the "
            "load-balancer ranges (Azure cannot see them)",
            "a duplicate address on the VLAN breaks a node or the API server at random (ARP conflict)",
            "ping / arp-scan the ranges from the VLAN before the first cluster; keep them out of DHCP scopes",
        ),
    )
