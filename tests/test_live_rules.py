"""Live rules on hand-made facts: each check tripped, held just inside, and named after what it collides with."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from ipaddress import IPv4Network, IPv6Network
from typing import Any

import pytest

from aksnet.arm import ARM_TYPES, key
from aksnet.findings import Finding
from aksnet.live.evaluate import Preflight, access_scope, evaluate
from aksnet.live.facts import (
    ClusterFacts,
    Found,
    GrantAccess,
    LiveFacts,
    PeeringFacts,
    Permission,
    RouteFacts,
    RouteTableFacts,
    SecurityGroupFacts,
    SecurityRuleFacts,
    SubnetFacts,
    VNetFacts,
)
from aksnet.live.rules import allows, only_permission_errors
from aksnet.plan import Ids
from aksnet.rules import check
from aksnet.spec import Spec
from helpers import TODAY, ZERO_SUB, make_spec

OURS = {"aksnet-deployment": "test", "managed-by": "aksnet"}
THEIRS = {"aksnet-deployment": "other", "managed-by": "aksnet"}
CONTRIBUTOR_NOT_ACTIONS = ("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write")
BRING_NETWORK = ("vnet.existing=true", "vnet.address_prefixes=[]", "vnet.subnet.existing=true")
KUBENET = (
    "cluster.network_plugin=kubenet",
    "cluster.network_plugin_mode=null",
    "cluster.network_dataplane=null",
    "cluster.network_policy=null",
)


def ids(spec: Spec) -> Ids:
    return Ids.of(spec, ZERO_SUB)


def subnet(spec: Spec, name: str, prefix: str, **attached: Any) -> SubnetFacts:
    return SubnetFacts(f"{ids(spec).vnet}/subnets/{name}", (IPv4Network(prefix),), **attached)


def vnet(spec: Spec, *subnets: SubnetFacts, space: str = "10.20.0.0/16", **more: Any) -> VNetFacts:
    return VNetFacts(ids(spec).vnet, more.pop("tags", {}), (IPv4Network(space),), subnets, **more)


def other_cluster(name: str = "other-aks", *subnets: str, node_group: str | None = None) -> ClusterFacts:
    cluster_id = (
        f"/subscriptions/{ZERO_SUB}/resourceGroups/rg-other/providers/Microsoft.ContainerService/managedClusters/{name}"
    )
    return ClusterFacts(cluster_id, THEIRS, node_group or f"MC_rg-other_{name}_eastus", subnets)


def preflight(spec: Spec, **facts: Any) -> Preflight:
    return evaluate(spec, LiveFacts(ZERO_SUB, **facts), check(spec, today=TODAY), today=TODAY)


def live(spec: Spec, **facts: Any) -> list[Finding]:
    return list(preflight(spec, **facts).live_findings)


def only(findings: list[Finding], code: str) -> Finding:
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, findings
    return found[0]


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


# --- providers and existence -------------------------------------------------------------------


def test_an_unregistered_provider_is_an_error_with_the_command_that_registers_it() -> None:
    spec = make_spec()
    finding = only(live(spec, providers={"Microsoft.ContainerService": "NotRegistered"}), "PROVIDER_NOT_REGISTERED")
    assert finding.severity == "error" and "Microsoft.ContainerService is NotRegistered" in finding.message
    assert "az provider register --namespace Microsoft.ContainerService" in finding.hint
    assert not live(spec, providers={"Microsoft.ContainerService": "Registered"})


def test_brought_resources_that_do_not_exist_are_not_found() -> None:
    spec = make_spec(*BRING_NETWORK, "identity.id=" + ids(make_spec()).identity.replace("/id", "/gone"))
    findings = live(spec)
    assert {f.field for f in findings if f.code == "RESOURCE_NOT_FOUND"} == {"vnet.name", "identity.id"}
    missing = {f.field: f.message for f in live(spec, vnet=vnet(spec)) if f.code == "RESOURCE_NOT_FOUND"}
    assert "subnet nodes of VNet vnet does not exist" in missing["vnet.subnet.name"]


def test_nothing_is_called_missing_when_it_could_not_be_read() -> None:
    spec = make_spec(*BRING_NETWORK)
    assert "RESOURCE_NOT_FOUND" not in codes(live(spec, unread=frozenset({"vnet", "route_table"})))


# --- adopt or refuse ---------------------------------------------------------------------------


def test_a_vnet_found_as_the_spec_describes_it_is_adopted_with_a_warning() -> None:
    spec = make_spec()
    finding = only(live(spec, vnet=vnet(spec)), "RESOURCE_NOT_OWNED")
    assert finding.severity == "warning" and "never changes or deletes it" in finding.message
    assert not live(spec, vnet=vnet(spec, tags=OURS))


def test_a_vnet_found_different_or_owned_by_another_deployment_is_refused() -> None:
    spec = make_spec()
    differs = only(live(spec, vnet=vnet(spec, space="10.30.0.0/16")), "RESOURCE_NOT_OWNED")
    assert differs.severity == "error" and "10.30.0.0/16, the spec says 10.20.0.0/16" in differs.message
    theirs = only(live(spec, vnet=vnet(spec, tags=THEIRS)), "RESOURCE_NOT_OWNED")
    assert theirs.severity == "error" and "aksnet deployment other" in theirs.message


def test_a_route_table_found_without_the_specs_routes_is_refused() -> None:
    spec = make_spec(
        "route_table={name: rt, routes: [{name: egress, address_prefix: 0.0.0.0/0, "
        "next_hop_type: VirtualAppliance, next_hop_ip_address: 10.20.0.4}]}"
    )
    table_id = ids(spec).route_table
    assert table_id is not None
    bare = RouteTableFacts(table_id)
    assert "lacks route(s) egress" in only(live(spec, route_table=bare), "RESOURCE_NOT_OWNED").message
    full = RouteTableFacts(table_id, routes=(RouteFacts("egress", "0.0.0.0/0", "VirtualAppliance", "10.20.0.4"),))
    assert only(live(spec, route_table=full), "RESOURCE_NOT_OWNED").severity == "warning"


def test_an_identity_found_by_its_name_is_adopted_with_a_warning() -> None:
    spec = make_spec()
    finding = only(live(spec, identity=Found(ids(spec).identity)), "RESOURCE_NOT_OWNED")
    assert finding.severity == "warning" and "identity.id" in finding.hint


# --- the existing cluster ------------------------------------------------------------------------


def existing(spec: Spec, tags: dict[str, str] = OURS, **profile: Any) -> dict[str, Any]:
    body = preflight(spec).plan.step("managed_cluster").body
    assert body is not None
    current = {**body, "id": ids(spec).cluster, "tags": tags}
    current["properties"] = {**body["properties"], "nodeResourceGroup": "MC_rg_aks_eastus"}
    current["properties"]["networkProfile"] = {**body["properties"]["networkProfile"], **profile}
    return current


def test_a_cluster_of_someone_else_is_not_taken_over() -> None:
    spec = make_spec()
    finding = only(live(spec, cluster=existing(spec, tags={})), "CLUSTER_NOT_OWNED")
    assert finding.field == "cluster.name" and "someone else" in finding.message


def test_an_immutable_difference_names_the_spec_field_and_a_mutable_one_waits_for_confirmation() -> None:
    spec = make_spec()
    checked = preflight(spec, cluster=existing(spec, serviceCidr="10.1.0.0/16"))
    finding = only(list(checked.live_findings), "IMMUTABLE_CHANGE")
    assert finding.field == "cluster.service_cidr" and "'10.1.0.0/16'" in finding.message
    grown = preflight(make_spec("cluster.node_pools.0.count=5"), cluster=existing(spec))
    assert not grown.live_findings
    assert [c.path for c in grown.cluster_changes] == ["properties.agentPoolProfiles[system].count"]


def test_kubenet_to_overlay_is_refused_with_the_supported_migration_command() -> None:
    spec = make_spec()
    finding = only(live(spec, cluster=existing(spec, networkPlugin="kubenet")), "IMMUTABLE_CHANGE")
    assert finding.field == "cluster.network_plugin" and "--network-plugin-mode overlay" in finding.hint


def test_outbound_type_none_cannot_be_left() -> None:
    spec = make_spec()
    finding = only(live(spec, cluster=existing(spec, outboundType="none")), "IMMUTABLE_CHANGE")
    assert finding.field == "cluster.outbound_type"
    assert not preflight(spec, cluster=existing(spec, outboundType="userDefinedRouting")).live_findings


# --- who uses the subnet -----------------------------------------------------------------------------


def brought(*attached_to_nodes: Any, **extra: Any) -> tuple[Spec, VNetFacts]:
    spec = make_spec(*BRING_NETWORK, *extra.pop("overrides", ()))
    return spec, vnet(spec, subnet(spec, "nodes", "10.20.0.0/24", **dict(attached_to_nodes)), **extra)


def test_a_kubenet_cluster_cannot_share_its_subnet_and_the_finding_names_the_other_cluster() -> None:
    spec, network = brought(overrides=KUBENET)
    finding = only(
        live(spec, vnet=network, clusters=(other_cluster("other-aks", network.subnets[0].id),)), "SUBNET_IN_USE"
    )
    assert "cluster other-aks (resource group rg-other, aksnet deployment other)" in finding.message
    assert "kubenet" in finding.message


def test_azure_cni_clusters_share_a_subnet_unless_the_other_one_is_kubenet() -> None:
    spec, network = brought()
    sharing = other_cluster("other-aks", network.subnets[0].id)
    assert "SUBNET_IN_USE" not in codes(live(spec, vnet=network, clusters=(sharing,)))
    kubenet = dataclasses.replace(sharing, plugin="kubenet")
    assert "SUBNET_IN_USE" in codes(live(spec, vnet=network, clusters=(kubenet,)))


def test_another_clusters_nodes_in_the_subnet_reveal_it_through_its_node_resource_group() -> None:
    node_nic = (
        "/subscriptions/0/resourceGroups/MC_rg-other_x_eastus/providers/Microsoft.Compute/virtualMachineScaleSets/v"
    )
    nic = ("ip_configurations", (node_nic + "/ipConfigurations/ipconfig1",))
    overlay, shared = brought(nic)
    assert "SUBNET_IN_USE" not in codes(live(overlay, vnet=shared, unread=frozenset({"clusters"})))
    spec, network = brought(nic, overrides=KUBENET)
    with_list = only(live(spec, vnet=network, clusters=(other_cluster("x"),)), "SUBNET_IN_USE")
    assert "cluster x " in with_list.message
    unlisted = only(live(spec, vnet=network, unread=frozenset({"clusters"})), "SUBNET_IN_USE")
    assert "node resource group MC_rg-other_x_eastus" in unlisted.message


def test_this_clusters_own_nodes_do_not_make_its_subnet_busy() -> None:
    spec, network = brought(("ip_configurations", ("/subscriptions/0/resourceGroups/MC_rg_aks_eastus/providers/x/y",)))
    assert "SUBNET_IN_USE" not in codes(live(spec, vnet=network, cluster=existing(spec)))


def test_a_subnet_with_a_nic_a_delegation_or_a_service_link_is_in_use() -> None:
    nic = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg-vm/providers/Microsoft.Network/networkInterfaces/jump"
    nic += "/ipConfigurations/ip1"
    spec, network = brought(
        ("ip_configurations", (nic,)),
        ("delegations", ("Microsoft.Web/serverFarms",)),
        ("service_links", ("Microsoft.Web/serverFarms",)),
    )
    messages = [f.message for f in live(spec, vnet=network) if f.code == "SUBNET_IN_USE"]
    assert len(messages) == 3
    assert "networkInterfaces/jump (resource group rg-vm)" in messages[0]
    assert "delegated to Microsoft.Web/serverFarms" in messages[1]
    assert "service association links" in messages[2]


# --- route tables ---------------------------------------------------------------------------------------


def test_a_route_table_on_another_clusters_subnet_is_shared() -> None:
    spec = make_spec("vnet.existing=true", "vnet.subnet.existing=false", "route_table={name: rt, existing: true}")
    table_id = ids(spec).route_table
    assert table_id is not None
    theirs = f"{ids(spec).vnet}/subnets/theirs"
    table = RouteTableFacts(table_id, subnets=(theirs,))
    finding = only(
        live(spec, vnet=vnet(spec), route_table=table, clusters=(other_cluster("x", theirs),)), "ROUTE_TABLE_SHARED"
    )
    assert finding.field == "route_table.name" and "subnet theirs of cluster x" in finding.message
    assert not live(spec, vnet=vnet(spec), route_table=table, clusters=(other_cluster("x"),))


def test_the_subnets_own_route_table_counts_when_the_spec_names_none() -> None:
    table_id = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.Network/routeTables/found"
    spec, network = brought(("route_table", table_id))
    theirs = f"{ids(spec).vnet}/subnets/theirs"
    shared = RouteTableFacts(table_id, subnets=(network.subnets[0].id, theirs))
    findings = live(spec, vnet=network, subnet_route_table=shared, clusters=(other_cluster("x", theirs),))
    assert only(findings, "ROUTE_TABLE_SHARED").field == "vnet.subnet.name"


def test_a_brought_route_table_must_already_be_on_a_brought_subnet() -> None:
    spec = make_spec(*BRING_NETWORK, "route_table={name: rt, existing: true}")
    assert ids(spec).route_table is not None
    network = vnet(spec, subnet(spec, "nodes", "10.20.0.0/24"))
    finding = only(
        live(spec, vnet=network, route_table=RouteTableFacts(ids(spec).route_table or "")), "ROUTE_TABLE_NOT_ASSOCIATED"
    )
    assert "has no route table, not rt" in finding.message
    associated = vnet(spec, subnet(spec, "nodes", "10.20.0.0/24", route_table=ids(spec).route_table))
    assert "ROUTE_TABLE_NOT_ASSOCIATED" not in codes(
        live(spec, vnet=associated, route_table=RouteTableFacts(ids(spec).route_table or ""))
    )


# --- addresses ------------------------------------------------------------------------------------------


def test_a_new_subnet_overlapping_a_sibling_names_it_and_suggests_a_free_range() -> None:
    spec = make_spec("vnet.existing=true", "vnet.subnet.address_prefix=10.20.0.128/25")
    finding = only(live(spec, vnet=vnet(spec, subnet(spec, "db", "10.20.0.0/24"))), "CIDR_OVERLAP")
    assert finding.field == "vnet.subnet.address_prefix"
    assert "existing subnet db (10.20.0.0/24)" in finding.message and "e.g. 10.20.1.0/25" in finding.hint


def test_a_new_subnet_outside_a_brought_vnet_is_outside_its_real_address_space() -> None:
    spec = make_spec("vnet.existing=true", "vnet.address_prefixes=[]", "vnet.subnet.address_prefix=10.99.0.0/24")
    findings = preflight(spec, vnet=vnet(spec)).findings
    assert "10.20.0.0/16" in only(list(findings), "SUBNET_OUTSIDE_VNET").message


def test_an_existing_subnet_is_never_resized() -> None:
    spec = make_spec("vnet.subnet.address_prefix=10.20.0.0/23")
    finding = only(live(spec, vnet=vnet(spec, subnet(spec, "nodes", "10.20.0.0/24"), tags=OURS)), "IMMUTABLE_CHANGE")
    assert finding.field == "vnet.subnet.address_prefix" and "10.20.0.0/24" in finding.hint


def test_service_and_pod_ranges_must_miss_every_sibling_subnet() -> None:
    spec = make_spec(
        "cluster.service_cidr=10.20.64.0/20", "cluster.dns_service_ip=10.20.64.10", "cluster.pod_cidr=10.20.128.0/17"
    )
    network = vnet(
        spec,
        subnet(spec, "nodes", "10.20.0.0/24"),
        subnet(spec, "db", "10.20.64.0/24"),
        subnet(spec, "web", "10.20.200.0/24"),
        tags=OURS,
    )
    findings = [f for f in live(spec, vnet=network) if f.code == "CIDR_OVERLAP"]
    assert [(f.field, f.message) for f in findings] == [
        ("cluster.service_cidr", "service range 10.20.64.0/20 overlaps subnet db (10.20.64.0/24) of VNet vnet"),
        ("cluster.pod_cidr", "pod range 10.20.128.0/17 overlaps subnet web (10.20.200.0/24) of VNet vnet"),
    ]


def test_flat_azure_cni_has_no_pod_range_to_collide() -> None:
    spec = make_spec(
        "cluster.network_plugin_mode=null",
        "cluster.network_dataplane=null",
        "cluster.network_policy=null",
        "cluster.pod_cidr=null",
    )
    network = vnet(spec, subnet(spec, "nodes", "10.20.0.0/24"), subnet(spec, "db", "10.20.1.0/24"), tags=OURS)
    assert not [f for f in live(spec, vnet=network) if f.code == "CIDR_OVERLAP"]


def test_ranges_must_miss_peered_networks() -> None:
    spec = make_spec()
    hub = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub"
    peering = PeeringFacts("to-hub", hub, (IPv4Network("10.0.0.0/16"),))
    finding = only(live(spec, vnet=vnet(spec, peerings=(peering,), tags=OURS)), "CIDR_OVERLAP")
    assert finding.field == "cluster.service_cidr"
    assert "hub (resource group rg-hub) peered with vnet (peering to-hub)" in finding.message


# --- what Azure fills in ----------------------------------------------------------------------------------


def test_a_brought_subnet_without_a_prefix_is_sized_with_its_real_one() -> None:
    spec = make_spec(*BRING_NETWORK, "vnet.subnet.address_prefix=null", "cluster.node_pools.0.count=20")
    assert preflight(spec).plan.capacity is None
    checked = preflight(spec, vnet=vnet(spec, subnet(spec, "nodes", "10.20.0.0/28")))
    assert checked.plan.capacity is not None and str(checked.plan.capacity.subnet_prefix) == "10.20.0.0/28"
    assert "10.20.0.0/28" in only(list(checked.findings), "SUBNET_TOO_SMALL").message


def test_grants_cover_what_the_subnet_has_attached() -> None:
    sub = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.Network"
    attached = {
        "route_table": f"{sub}/routeTables/rt",
        "network_security_group": f"{sub}/networkSecurityGroups/nsg",
        "nat_gateway": f"{sub}/natGateways/nat",
    }
    spec, network = brought(*attached.items())
    grants = {
        s.id: s.resource_id.split("/providers/Microsoft.Authorization")[0]
        for s in preflight(spec, vnet=network).plan.steps
        if s.kind == "role_assignment"
    }
    assert grants == {
        "role_assignment.subnet": network.subnets[0].id,
        "role_assignment.route_table": attached["route_table"],
        "role_assignment.nsg": attached["network_security_group"],
        "role_assignment.nat_gateway": attached["nat_gateway"],
    }


# --- egress -----------------------------------------------------------------------------------------------


def test_udr_needs_a_default_route_in_the_route_table_you_bring() -> None:
    spec = make_spec("cluster.outbound_type=userDefinedRouting", "route_table={name: rt, existing: true}")
    table = RouteTableFacts(ids(spec).route_table or "", routes=(RouteFacts("web", "0.0.0.0/0", "Internet"),))
    finding = only(live(spec, route_table=table), "UDR_NEEDS_DEFAULT_ROUTE")
    assert "0.0.0.0/0 goes to Internet" in finding.message
    ok = RouteTableFacts(table.id, routes=(RouteFacts("fw", "0.0.0.0/0", "VirtualAppliance", "10.20.0.4"),))
    assert "UDR_NEEDS_DEFAULT_ROUTE" not in codes(live(spec, route_table=ok))


def test_a_user_assigned_nat_gateway_must_be_on_the_subnet_you_bring() -> None:
    _, network = brought()
    spec = make_spec(*BRING_NETWORK, "cluster.outbound_type=userAssignedNATGateway")
    assert only(live(spec, vnet=network), "OUTBOUND_TYPE_UNSUPPORTED").field == "cluster.outbound_type"
    _, with_nat = brought(
        ("nat_gateway", f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.Network/natGateways/n")
    )
    assert "OUTBOUND_TYPE_UNSUPPORTED" not in codes(live(spec, vnet=with_nat))


# --- the caller's right to grant -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actions", "not_actions", "allowed"),
    [
        (("*",), (), True),
        (("*",), CONTRIBUTOR_NOT_ACTIONS, False),
        (("Microsoft.Authorization/roleAssignments/*",), (), True),
        (("microsoft.authorization/roleassignments/write",), (), True),
        (("*/read",), (), False),
        (("Microsoft.Network/*",), (), False),
    ],
)
def test_role_assignment_write_follows_wildcards_and_not_actions(
    actions: tuple[str, ...], not_actions: tuple[str, ...], allowed: bool
) -> None:
    assert allows([Permission(actions, not_actions)], "Microsoft.Authorization/roleAssignments/write") is allowed


def test_another_role_block_can_give_back_what_one_withholds() -> None:
    contributor = Permission(("*",), CONTRIBUTOR_NOT_ACTIONS)
    rbac_admin = Permission(("Microsoft.Authorization/roleAssignments/write",))
    assert allows([contributor, rbac_admin], "Microsoft.Authorization/roleAssignments/write")


def test_a_scope_you_cannot_grant_on_is_an_error_unless_the_grant_is_already_there() -> None:
    spec = make_spec()
    denied = GrantAccess(
        "subnet", ids(spec).subnet, ids(spec).resource_group, (Permission(("*",), CONTRIBUTOR_NOT_ACTIONS),)
    )
    finding = only(live(spec, access=(denied,)), "ROLE_ASSIGNMENT_DENIED")
    assert finding.field == "vnet.subnet.name" and "(read at /subscriptions/" in finding.message
    assert "Role Based Access Control Administrator" in finding.hint
    assert not live(spec, access=(GrantAccess(**{**denied.__dict__, "already_granted": True}),))
    assert only_permission_errors([finding]) and not only_permission_errors(
        [finding, *live(make_spec(), providers={"Microsoft.Network": "NotRegistered"})]
    )


def test_permissions_for_a_grant_are_read_at_the_nearest_scope_that_exists() -> None:
    spec = make_spec()
    subnet_id, rg = ids(spec).subnet, ids(spec).resource_group
    assert access_scope(subnet_id, LiveFacts(ZERO_SUB)) == f"/subscriptions/{ZERO_SUB}"
    assert access_scope(subnet_id, LiveFacts(ZERO_SUB, resource_groups={"rg": Found(rg)})) == rg
    assert access_scope(subnet_id, LiveFacts(ZERO_SUB, vnet=vnet(spec))) == ids(spec).vnet
    assert (
        access_scope(subnet_id, LiveFacts(ZERO_SUB, vnet=vnet(spec, subnet(spec, "nodes", "10.20.0.0/24"))))
        == subnet_id
    )


def test_a_subscription_whose_clusters_cannot_be_listed_is_a_warning() -> None:
    finding = only(live(make_spec(), unread=frozenset({"clusters"})), "PREFLIGHT_INCOMPLETE")
    assert finding.severity == "warning"


# --- reading ARM JSON ----------------------------------------------------------------------------------------


def test_facts_are_read_from_arm_json_as_azure_returns_it() -> None:
    subnet_json = {
        "id": "/s/1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
        "properties": {
            "addressPrefixes": ["10.1.0.0/24", "fd00::/64"],
            "delegations": [{"name": "d", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}],
            "serviceAssociationLinks": [
                {"name": "l", "properties": {"linkedResourceType": "Microsoft.Web/serverfarms"}}
            ],
            "ipConfigurations": [{"id": "nic1"}],
            "networkSecurityGroup": {"id": "nsg1"},
        },
    }
    parsed = SubnetFacts.from_arm(subnet_json)
    assert (parsed.prefix, parsed.prefix_ipv6) == (IPv4Network("10.1.0.0/24"), IPv6Network("fd00::/64"))
    assert parsed.network_security_group == "nsg1"
    assert (parsed.delegations, parsed.service_links, parsed.ip_configurations) == (
        ("Microsoft.Web/serverFarms",),
        ("Microsoft.Web/serverfarms",),
        ("nic1",),
    )
    peering = PeeringFacts.from_arm(
        {
            "name": "p",
            "properties": {
                "remoteVirtualNetwork": {"id": "hub"},
                "remoteAddressSpace": {"addressPrefixes": ["10.9.0.0/16"]},
            },
        }
    )
    assert peering.remote_address_space == (IPv4Network("10.9.0.0/16"),)
    cluster = ClusterFacts.from_arm(
        {
            "id": "c",
            "properties": {
                "nodeResourceGroup": "MC",
                "agentPoolProfiles": [{"vnetSubnetID": "s1", "podSubnetID": "s2"}],
            },
        }
    )
    assert cluster.uses_subnet("S1") and cluster.uses_subnet("s2") and cluster.node_resource_group == "MC"


def test_the_live_rules_import_no_azure_sdk() -> None:
    probe = "import sys, aksnet.live.evaluate\nprint([m for m in sys.modules if m.startswith('azure')])"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "[]"


# --- pod subnets, per-pool subnets, dual-stack ------------------------------------------------------------

FLAT = ("cluster.network_plugin_mode=null", "cluster.network_dataplane=null", "cluster.network_policy=null")
FLAT += ("cluster.pod_cidr=null",)
AKS_SERVICE = "Microsoft.ContainerService/managedClusters"
POD_SUBNET = (
    *BRING_NETWORK,
    *FLAT,
    "vnet.subnets=[{name: pods, existing: true}]",
    "cluster.node_pools.0.pod_subnet=pods",
)


def pod_network(**on_pods: Any) -> tuple[Spec, VNetFacts]:
    spec = make_spec(*POD_SUBNET)
    return spec, vnet(spec, subnet(spec, "nodes", "10.20.0.0/24"), subnet(spec, "pods", "10.20.16.0/20", **on_pods))


def test_a_pod_subnet_aks_delegated_and_linked_for_another_cluster_is_not_foreign() -> None:
    spec, network = pod_network(delegations=(AKS_SERVICE,), service_links=(AKS_SERVICE,))
    sharing = dataclasses.replace(other_cluster("other-aks", network.subnets[1].id), plugin="azure")
    assert "SUBNET_IN_USE" not in codes(live(spec, vnet=network, clusters=(sharing,)))


def test_a_pod_subnet_delegated_to_another_service_is_in_use_naming_the_pod_subnet_field() -> None:
    spec, network = pod_network(delegations=("Microsoft.Web/serverFarms",))
    finding = only(live(spec, vnet=network), "SUBNET_IN_USE")
    assert finding.field == "vnet.subnets.0.name" and "pod subnet pods" in finding.message


def test_a_node_subnet_delegated_even_to_aks_is_in_use() -> None:
    spec, network = brought(("delegations", (AKS_SERVICE,)))
    assert (
        "delegated to Microsoft.ContainerService/managedClusters"
        in only(live(spec, vnet=network), "SUBNET_IN_USE").message
    )


def test_a_pod_subnet_another_cluster_uses_in_the_other_mode_is_refused() -> None:
    spec, network = pod_network()
    static = dataclasses.replace(
        other_cluster("other-aks", network.subnets[1].id), pod_subnet_modes=((network.subnets[1].id, "StaticBlock"),)
    )
    finding = only(live(spec, vnet=network, clusters=(static,)), "POD_SUBNET_MODE_CONFLICT")
    assert finding.field == "cluster.node_pools.0.pod_ip_allocation_mode" and "StaticBlock" in finding.message
    dynamic = dataclasses.replace(static, pod_subnet_modes=((network.subnets[1].id, "DynamicIndividual"),))
    assert "POD_SUBNET_MODE_CONFLICT" not in codes(live(spec, vnet=network, clusters=(dynamic,)))


def test_a_brought_pod_subnet_missing_from_the_vnet_is_not_found() -> None:
    spec = make_spec(*POD_SUBNET)
    finding = only(live(spec, vnet=vnet(spec, subnet(spec, "nodes", "10.20.0.0/24"))), "RESOURCE_NOT_FOUND")
    assert finding.field == "vnet.subnets.0.name"


def test_a_brought_pod_subnet_is_filled_in_and_sized() -> None:
    spec, network = pod_network()
    small = vnet(spec, subnet(spec, "nodes", "10.20.0.0/24"), subnet(spec, "pods", "10.20.16.0/26"))
    checked = preflight(spec, vnet=small)
    assert checked.spec.vnet.subnets[0].address_prefix == IPv4Network("10.20.16.0/26")
    assert "POD_SUBNET_TOO_SMALL" in {f.code for f in checked.findings if f.severity == "error"}
    assert "POD_SUBNET_TOO_SMALL" not in {
        f.code for f in preflight(spec, vnet=network).findings if f.severity == "error"
    }


def test_grants_cover_every_subnet_and_what_each_has_attached() -> None:
    nsg = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/pods"
    spec, network = pod_network(network_security_group=nsg)
    steps = {s.id: s.resource_id for s in preflight(spec, vnet=network).plan.steps if s.kind == "role_assignment"}
    assert set(steps) == {"role_assignment.subnet", "role_assignment.subnet.pods", "role_assignment.nsg.pods"}
    assert steps["role_assignment.nsg.pods"].startswith(nsg)


def test_a_new_extra_subnet_on_a_sibling_is_an_overlap_naming_its_field() -> None:
    spec = make_spec("vnet.existing=true", "vnet.subnets=[{name: pods, address_prefix: 10.20.1.0/24}]")
    sibling = subnet(spec, "theirs", "10.20.1.128/25")
    finding = only(live(spec, vnet=vnet(spec, subnet(spec, "nodes", "10.20.0.0/24"), sibling)), "CIDR_OVERLAP")
    assert finding.field == "vnet.subnets.0.address_prefix" and "theirs" in finding.message


DUAL = (
    *BRING_NETWORK,
    "cluster.ip_families=[IPv4, IPv6]",
)


def test_a_dual_stack_cluster_in_a_brought_single_stack_network_is_refused() -> None:
    spec = make_spec(*DUAL)
    found = live(spec, vnet=vnet(spec, subnet(spec, "nodes", "10.20.0.0/24")))
    assert {f.field for f in found if f.code == "DUAL_STACK_REQUIRES_IPV6_SUBNET"} == {"vnet.name", "vnet.subnet.name"}
    dual_subnet = SubnetFacts(
        f"{ids(spec).vnet}/subnets/nodes", (IPv4Network("10.20.0.0/24"), IPv6Network("fd00::/64"))
    )
    dual_vnet = VNetFacts(ids(spec).vnet, {}, (IPv4Network("10.20.0.0/16"), IPv6Network("fd00::/48")), (dual_subnet,))
    assert "DUAL_STACK_REQUIRES_IPV6_SUBNET" not in codes(live(spec, vnet=dual_vnet))


@pytest.mark.parametrize(("sku", "refused"), [("Standard", True), ("StandardV2", False)])
def test_a_dual_stack_cluster_refuses_a_standard_nat_gateway(sku: str, refused: bool) -> None:
    gateway = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.Network/natGateways/ng"
    spec = make_spec(*DUAL, "cluster.outbound_type=userAssignedNATGateway")
    nodes = SubnetFacts(
        f"{ids(spec).vnet}/subnets/nodes", (IPv4Network("10.20.0.0/24"), IPv6Network("fd00::/64")), nat_gateway=gateway
    )
    network = VNetFacts(ids(spec).vnet, {}, (IPv4Network("10.20.0.0/16"), IPv6Network("fd00::/48")), (nodes,))
    found = live(spec, vnet=network, nat_gateways={gateway.lower(): sku})
    assert ("OUTBOUND_TYPE_UNSUPPORTED" in codes(found)) == refused


# --- NAT gateways on every brought node subnet -----------------------------------------------------------

NG = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.Network/natGateways"
TWO_NODE_SUBNETS = (
    *BRING_NETWORK,
    "vnet.subnets=[{name: win, existing: true}]",
    "cluster.node_pools=[{name: system}, {name: user, subnet: win}]",
    "cluster.outbound_type=userAssignedNATGateway",
)


def two_node_subnets(spec: Spec, nodes: str | None, win: str | None) -> VNetFacts:
    return vnet(
        spec,
        subnet(spec, "nodes", "10.20.0.0/24", nat_gateway=nodes),
        subnet(spec, "win", "10.20.1.0/24", nat_gateway=win),
    )


def test_every_brought_node_subnet_needs_the_nat_gateway_you_bring() -> None:
    spec = make_spec(*TWO_NODE_SUBNETS, "nat_gateway={name: ng, existing: true}")
    finding = only(live(spec, vnet=two_node_subnets(spec, f"{NG}/ng", None)), "OUTBOUND_TYPE_UNSUPPORTED")
    assert "subnet win, which has none" in finding.message
    assert "OUTBOUND_TYPE_UNSUPPORTED" not in codes(live(spec, vnet=two_node_subnets(spec, f"{NG}/ng", f"{NG}/ng")))


def test_a_nat_gateway_aksnet_creates_goes_on_brought_subnets_but_never_replaces_anothers() -> None:
    spec = make_spec(*TWO_NODE_SUBNETS, "nat_gateway={name: ng}")
    clean = live(spec, vnet=two_node_subnets(spec, None, None))
    assert not {"OUTBOUND_TYPE_UNSUPPORTED", "NAT_GATEWAY_MISMATCH"} & codes(clean)  # aksnet associates it
    again = live(spec, vnet=two_node_subnets(spec, f"{NG}/ng", f"{NG}/ng"))  # the second run finds its own
    assert "NAT_GATEWAY_MISMATCH" not in codes(again)
    theirs = only(live(spec, vnet=two_node_subnets(spec, None, f"{NG}/theirs")), "NAT_GATEWAY_MISMATCH")
    assert theirs.field == "nat_gateway.name"
    assert "subnet win already has NAT gateway theirs (resource group rg)" in theirs.message
    assert "aksnet would associate NAT gateway ng" in theirs.message


def test_a_brought_nat_gateway_must_be_the_one_on_the_subnet() -> None:
    spec = make_spec(*TWO_NODE_SUBNETS, "nat_gateway={name: ng, existing: true}")
    finding = only(live(spec, vnet=two_node_subnets(spec, f"{NG}/other", f"{NG}/ng")), "NAT_GATEWAY_MISMATCH")
    assert "subnet nodes already has NAT gateway other" in finding.message and "the spec brings" in finding.message


# --- the API server subnet (VNet integration) --------------------------------------------------------------

AKS = "Microsoft.ContainerService/managedClusters"
BROUGHT_API = (
    *BRING_NETWORK,
    "vnet.subnets=[{name: api, existing: true}]",
    "cluster.api_server.vnet_integration=true",
    "cluster.api_server.subnet=api",
)
BLOCKS = "API_SERVER_NSG_BLOCKS"
MC = f"/subscriptions/{ZERO_SUB}/resourceGroups/MC_rg-other_other-aks_eastus/providers/Microsoft.Network"


def api_network(spec: Spec, prefix: str = "10.20.1.0/28", **api: Any) -> VNetFacts:
    return vnet(spec, subnet(spec, "nodes", "10.20.0.0/24"), subnet(spec, "api", prefix, **api))


def api_frontends(count: int, group: str = MC) -> tuple[str, ...]:
    return tuple(
        f"{group}/loadBalancers/kube-apiserver/frontendIPConfigurations/kube-apiserver-{n}" for n in range(count)
    )


def test_a_brought_api_server_subnet_must_be_delegated_to_aks() -> None:
    spec = make_spec(*BROUGHT_API)
    finding = only(live(spec, vnet=api_network(spec)), "API_SERVER_SUBNET_NOT_DELEGATED")
    assert finding.field == "vnet.subnets.0.name" and "delegated to nothing" in finding.message
    other = only(
        live(spec, vnet=api_network(spec, delegations=("Microsoft.Web/serverFarms",))),
        "API_SERVER_SUBNET_NOT_DELEGATED",
    )
    assert "Microsoft.Web/serverFarms" in other.message
    assert "API_SERVER_SUBNET_NOT_DELEGATED" not in codes(live(spec, vnet=api_network(spec, delegations=(AKS,))))


def test_the_api_server_subnet_holds_nothing_but_api_servers() -> None:
    spec = make_spec(*BROUGHT_API)
    nic = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg-vms/providers/Microsoft.Network/networkInterfaces/vm1"
    nic += "/ipConfigurations/ip"
    pe = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg-pe/providers/Microsoft.Network/privateEndpoints/pe-kv"
    busy = api_network(spec, delegations=(AKS,), ip_configurations=(nic,), private_endpoints=(pe,))
    finding = only(live(spec, vnet=busy), "SUBNET_IN_USE")
    assert finding.field == "vnet.subnets.0.name"
    assert (
        "networkInterfaces/vm1 (resource group rg-vms)" in finding.message
        and "private endpoint pe-kv" in finding.message
    )
    pools = other_cluster("other-aks", f"{ids(spec).vnet}/subnets/api")
    found = only(live(spec, vnet=api_network(spec, delegations=(AKS,)), clusters=(pools,)), "SUBNET_IN_USE")
    assert "the pools of cluster other-aks" in found.message
    shared = api_network(spec, delegations=(AKS,), ip_configurations=api_frontends(9))
    assert "SUBNET_IN_USE" not in codes(live(spec, vnet=shared))  # another cluster's API server: allowed


@pytest.mark.parametrize(("prefix", "too_small"), [("10.20.1.0/28", True), ("10.20.1.0/27", False)])
def test_clusters_sharing_the_api_server_subnet_need_nine_addresses_each(prefix: str, too_small: bool) -> None:
    spec = make_spec(*BROUGHT_API)
    other = dataclasses.replace(other_cluster(), api_server_subnet=f"{ids(spec).vnet}/subnets/api")
    network = api_network(spec, prefix, delegations=(AKS,), ip_configurations=api_frontends(9))
    found = live(spec, vnet=network, clusters=(other,))
    assert ("API_SERVER_SUBNET_TOO_SMALL" in codes(found)) == too_small
    if too_small:
        message = only(found, "API_SERVER_SUBNET_TOO_SMALL").message
        assert "11 usable addresses" in message and "2 API servers need 9 each: 18" in message


def test_a_brought_api_server_subnet_is_checked_for_size_with_the_prefix_read_live() -> None:
    spec = make_spec(*BROUGHT_API)
    found = preflight(spec, vnet=api_network(spec, "10.20.1.0/29", delegations=(AKS,))).findings
    assert only(list(found), "API_SERVER_SUBNET_TOO_SMALL").field == "vnet.subnets.0.address_prefix"
    found = preflight(spec, vnet=api_network(spec, "10.20.1.0/28", delegations=(AKS,))).findings
    assert "API_SERVER_SUBNET_TOO_SMALL" not in codes(list(found))


def test_cluster_facts_read_the_api_server_subnet_only_with_vnet_integration() -> None:
    subnet_id = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/api"
    arm = {
        "id": "/x/managedClusters/c",
        "properties": {"apiServerAccessProfile": {"enableVnetIntegration": True, "subnetId": subnet_id}},
    }
    assert ClusterFacts.from_arm(arm).api_server_subnet == subnet_id
    arm["properties"]["apiServerAccessProfile"]["enableVnetIntegration"] = False
    assert ClusterFacts.from_arm(arm).api_server_subnet is None
    subnet_arm = {
        "id": subnet_id,
        "properties": {"addressPrefix": "10.0.0.0/28", "privateEndpoints": [{"id": "/x/privateEndpoints/pe"}]},
    }
    assert SubnetFacts.from_arm(subnet_arm).private_endpoints == ("/x/privateEndpoints/pe",)


# --- the network security groups on the way to the API server (R7.10) -------------------------------------------

NSG = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg-sec/providers/Microsoft.Network/networkSecurityGroups"


def nsg_rule(name: str, priority: int, access: str = "Deny", **more: Any) -> SecurityRuleFacts:
    fields = {"direction": "Inbound", "protocol": "Tcp", "source_prefixes": ("10.20.0.0/24",)} | more
    return SecurityRuleFacts(name, priority, access=access, **fields)


def guarded(spec: Spec, *rules: SecurityRuleFacts, on: str = "api") -> dict[str, Any]:
    """Facts: the API server subnet and the node subnet, the NSG `nsg-<on>` with `rules` on subnet `on`."""
    group = SecurityGroupFacts(f"{NSG}/nsg-{on}", rules=rules)
    api = {"delegations": (AKS,)} | ({"network_security_group": group.id} if on == "api" else {})
    nodes = subnet(spec, "nodes", "10.20.0.0/24", network_security_group=group.id if on == "nodes" else None)
    return {
        "vnet": vnet(spec, nodes, subnet(spec, "api", "10.20.1.0/28", **api)),
        "security_groups": {key(group.id): group},
    }


def test_an_nsg_on_the_api_server_subnet_that_denies_the_nodes_443_is_refused_with_the_rule_and_the_fix() -> None:
    spec = make_spec(*BROUGHT_API)
    finding = only(live(spec, **guarded(spec, nsg_rule("deny-nodes", 200, destination_ports=("443",)))), BLOCKS)
    assert finding.severity == "error" and finding.field == "vnet.subnets.0.name"
    assert "network security group nsg-api (resource group rg-sec) on subnet api denies TCP 443" in finding.message
    assert "from cluster subnet nodes 10.20.0.0/24 to API server subnet api 10.20.1.0/28" in finding.message
    assert "rule deny-nodes (priority 200, Inbound, Deny)" in finding.message
    assert "--priority 199 --direction Inbound --access Allow --protocol Tcp" in finding.hint
    assert "--source-address-prefixes 10.20.0.0/24 --destination-address-prefixes 10.20.1.0/28" in finding.hint
    assert "--destination-port-ranges 443" in finding.hint and "or change rule deny-nodes" in finding.hint
    allowed = nsg_rule("allow-nodes", 190, "Allow", destination_ports=("443", "4443"))
    assert BLOCKS not in codes(live(spec, **guarded(spec, nsg_rule("deny-nodes", 200), allowed)))


def test_one_finding_names_every_port_a_rule_denies_and_at_priority_100_the_fix_is_to_change_it() -> None:
    spec = make_spec(*BROUGHT_API)
    finding = only(live(spec, **guarded(spec, nsg_rule("deny-all", 100))), BLOCKS)
    assert "denies TCP 443, 4443 from cluster subnet nodes" in finding.message
    assert finding.hint.startswith("change rule deny-all of nsg-api") and "az network" not in finding.hint


def test_the_load_balancers_probe_on_9988_must_reach_the_api_server_subnet() -> None:
    spec = make_spec(*BROUGHT_API)
    deny = nsg_rule("deny-lb", 300, source_prefixes=("AzureLoadBalancer",), destination_ports=("9988",))
    finding = only(live(spec, **guarded(spec, deny)), BLOCKS)
    assert "denies TCP 9988 from AzureLoadBalancer to API server subnet api" in finding.message
    assert "--source-address-prefixes AzureLoadBalancer" in finding.hint
    other_port = nsg_rule("deny-lb", 300, source_prefixes=("AzureLoadBalancer",), destination_ports=("9989",))
    assert BLOCKS not in codes(live(spec, **guarded(spec, other_port)))


def test_an_nsg_on_a_node_subnet_must_let_the_nodes_out_to_the_api_server() -> None:
    spec = make_spec(*BROUGHT_API)
    out = nsg_rule(
        "deny-out", 400, direction="Outbound", source_prefixes=("*",), destination_prefixes=("10.20.1.0/28",)
    )
    finding = only(live(spec, **guarded(spec, out, on="nodes")), BLOCKS)
    assert finding.field == "vnet.subnet.name" and "nsg-nodes" in finding.message
    assert "--direction Outbound" in finding.hint
    inbound = dataclasses.replace(out, direction="Inbound")  # inbound to the nodes: not on the way to the API server
    assert BLOCKS not in codes(live(spec, **guarded(spec, inbound, on="nodes")))


def test_a_rule_aksnet_cannot_resolve_is_a_warning_naming_it() -> None:
    spec = make_spec(*BROUGHT_API)
    tagged = nsg_rule("deny-storage", 100, source_prefixes=("Storage",), destination_ports=("443",))
    finding = only(live(spec, **guarded(spec, tagged)), "API_SERVER_NSG_UNCHECKED")
    assert finding.severity == "warning" and "rule deny-storage (priority 100, Inbound, Deny)" in finding.message
    assert "service tag Storage" in finding.message
    assert "API_SERVER_NSG_UNCHECKED" not in codes(
        live(spec, **guarded(spec, nsg_rule("deny-udp", 100, protocol="Udp")))
    )


def test_without_an_nsg_or_without_vnet_integration_or_unread_there_is_nothing_to_check() -> None:
    spec = make_spec(*BROUGHT_API)
    facts = guarded(spec, nsg_rule("deny-all", 100))
    assert BLOCKS in codes(live(spec, **facts))
    assert BLOCKS not in codes(live(spec, **(facts | {"security_groups": {}})))  # not read: no guess
    assert BLOCKS not in codes(live(make_spec(*BRING_NETWORK), **facts))  # no VNet integration
    bare = guarded(spec, nsg_rule("deny-all", 100), on="nowhere")
    assert BLOCKS not in codes(live(spec, **bare))


def test_a_groups_rules_are_read_from_the_arm_body_preflight_gets() -> None:
    arm = {
        "id": f"{NSG}/nsg-api",
        "properties": {
            "securityRules": [
                {
                    "name": "deny",
                    "properties": {
                        "priority": 100,
                        "direction": "Inbound",
                        "access": "Deny",
                        "protocol": "Tcp",
                        "sourceAddressPrefix": "10.20.0.0/24",
                        "destinationAddressPrefix": "*",
                        "sourcePortRange": "*",
                        "destinationPortRange": "443",
                    },
                }
            ]
        },
    }
    spec = make_spec(*BROUGHT_API)
    facts = guarded(spec) | {"security_groups": {key(arm["id"]): SecurityGroupFacts.from_arm(arm)}}
    assert "rule deny (priority 100, Inbound, Deny)" in only(live(spec, **facts), BLOCKS).message


# --- the ledger ------------------------------------------------------------------------------------

BROUGHT_IDENTITY = f"/subscriptions/{ZERO_SUB}/resourceGroups/shared/providers/{ARM_TYPES['identity']}/id-shared"
NEW_SUBNET_IN_A_BROUGHT_VNET = ("vnet.existing=true", "vnet.subnet.existing=false")


def test_a_new_subnet_in_a_vnet_of_others_with_nowhere_to_record_it_is_refused() -> None:
    spec = make_spec(*NEW_SUBNET_IN_A_BROUGHT_VNET, f"identity.id={BROUGHT_IDENTITY}", "identity.name=")
    group = Found(ids(spec).resource_group)  # existed before this deployment: not its to tag
    finding = only(live(spec, vnet=vnet(spec), resource_groups={"rg": group}), "SUBNET_NOT_RECORDABLE")
    assert finding.severity == "error" and finding.field == "vnet.subnet.name"
    assert f"identity.id brings {BROUGHT_IDENTITY}" in finding.message and "resource group rg" in finding.message
    assert "vnet.subnet.existing: true" in finding.hint


def test_a_new_subnet_is_recordable_on_the_identity_or_on_a_resource_group_of_this_deployment() -> None:
    def recordable(spec: Spec, **facts: Any) -> bool:
        return "SUBNET_NOT_RECORDABLE" not in codes(live(spec, **facts))

    brought = make_spec(*NEW_SUBNET_IN_A_BROUGHT_VNET, f"identity.id={BROUGHT_IDENTITY}", "identity.name=")
    assert recordable(brought, vnet=vnet(brought), resource_groups={"rg": Found(ids(brought).resource_group, OURS)})
    assert recordable(brought, vnet=vnet(brought))  # a resource group this run creates
    own = make_spec(*NEW_SUBNET_IN_A_BROUGHT_VNET)
    assert recordable(own, vnet=vnet(own), resource_groups={"rg": Found(ids(own).resource_group)})
    found = {"rg": Found(ids(brought).resource_group)}
    assert recordable(brought, vnet=vnet(brought, subnet(brought, "nodes", "10.20.0.0/24")), resource_groups=found)
