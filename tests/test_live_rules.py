"""Live rules on hand-made facts: each check tripped, held just inside, and named after what it collides with."""

from __future__ import annotations

import subprocess
import sys
from ipaddress import IPv4Network
from typing import Any

import pytest

from aksnet.arm import ARM_TYPES
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
    assert [d.field for d in grown.cluster_changes] == ["agentPoolProfiles.system.count"]


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
    spec = make_spec(*BRING_NETWORK)
    return spec, vnet(spec, subnet(spec, "nodes", "10.20.0.0/24", **dict(attached_to_nodes)), **extra)


def test_a_subnet_used_by_another_cluster_is_in_use_naming_the_cluster() -> None:
    spec, network = brought()
    finding = only(
        live(spec, vnet=network, clusters=(other_cluster("other-aks", network.subnets[0].id),)), "SUBNET_IN_USE"
    )
    assert "cluster other-aks (resource group rg-other, aksnet deployment other)" in finding.message


def test_another_clusters_nodes_in_the_subnet_reveal_it_through_its_node_resource_group() -> None:
    node_nic = (
        "/subscriptions/0/resourceGroups/MC_rg-other_x_eastus/providers/Microsoft.Compute/virtualMachineScaleSets/v"
    )
    spec, network = brought(("ip_configurations", (node_nic + "/ipConfigurations/ipconfig1",)))
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
    assert parsed.prefixes == (IPv4Network("10.1.0.0/24"),) and parsed.network_security_group == "nsg1"
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
