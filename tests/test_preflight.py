"""Live preflight on the emulator: each world that Azure would reject minutes into a create stops `up`
before its first write, with the finding that names what it collides with.

Worlds are built with the real SDK on one emulator; the run under test uses a fresh emulator on the
same database, so its request counts hold only what `up` sent.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from aksnet.cli.main import app
from aksnet.plan import build_plan
from aksnet.render.result import render_result
from aksnet.result import RunResult
from aksnet.scenarios import SCENARIO_DIR
from aksnet.spec import Spec
from helpers import BASE, ZERO_SUB, Answering, emulated, make_spec, scenario, up

WRITES = ("PUT", "PATCH", "DELETE", "POST")
LOCATION = {"location": "eastus"}
# An app team's cluster in the network team's VNet and subnet (rg-net), both brought.
BROUGHT: dict[str, Any] = {
    **BASE,
    "deployment": "app",
    "resource_group": "rg-app",
    "vnet": {"name": "vnet-shared", "resource_group": "rg-net", "existing": True, "subnet": {"name": "nodes"}},
    "identity": {"name": "id-app"},
    "cluster": {**BASE["cluster"], "name": "aks-app"},
}


def brought(*overrides: str) -> Spec:
    return make_spec(*overrides, base=copy.deepcopy(BROUGHT))


def sdk(session: Any) -> Any:
    return session.clients(ZERO_SUB)


def writes(session: Any) -> dict[str, int]:
    by_method = session.emulator.stats()["by_method"]
    return {m: by_method[m] for m in WRITES if by_method.get(m)}


def refused(tmp_path: Path, spec: Spec, *, exit_code: int = 2, faults: str = "", **options: Any) -> RunResult:
    """`up` on a fresh emulator over the world's database: refused, and nothing written."""
    session = emulated(tmp_path, faults=faults)
    result = up(spec, session, **options)
    assert result.exit_code == exit_code, result.error
    assert writes(session) == {}
    assert result.resources == []
    return result


def finding(result: RunResult, code: str, *, severity: str = "error", field: str | None = None) -> dict[str, Any]:
    """The one finding of `code` (and `severity`, and `field` when given)."""
    found = [
        f
        for f in [f.as_dict() for f in result.findings or ()]
        if f["code"] == code and f["severity"] == severity and field in (None, f["field"])
    ]
    assert len(found) == 1, result.findings
    return dict(found[0])


def shared_network(tmp_path: Path, **on_nodes: Any) -> Any:
    """rg-net: VNet vnet-shared 10.40.0.0/16 with subnet nodes 10.40.0.0/24 (carrying `on_nodes`)."""
    session = emulated(tmp_path)
    client = sdk(session)
    client.resource.resource_groups.create_or_update("rg-net", LOCATION)
    body = {**LOCATION, "properties": {"addressSpace": {"addressPrefixes": ["10.40.0.0/16"]}}}
    client.network.virtual_networks.begin_create_or_update("rg-net", "vnet-shared", body).result()
    add_subnet(session, "nodes", "10.40.0.0/24", **on_nodes)
    return session


def add_subnet(session: Any, name: str, prefix: str, **properties: Any) -> str:
    subnets = sdk(session).network.subnets
    body = {"properties": {"addressPrefix": prefix, **properties}}
    return str(subnets.begin_create_or_update("rg-net", "vnet-shared", name, body).result().id)


def network_resource(session: Any, kind: str, name: str, body: dict[str, Any] | None = None) -> str:
    operations = getattr(sdk(session).network, kind)
    return str(operations.begin_create_or_update("rg-net", name, {**LOCATION, **(body or {})}).result().id)


# --- the subnet -------------------------------------------------------------------------------------------


KUBENET_SECOND = (
    "deployment=second",
    "resource_group=rg-second",
    "vnet.existing=true",
    "vnet.resource_group=myResourceGroup",
    "route_table=null",
    "cluster.name=aks-second",
    "identity.name=id-second",
)


def test_a_kubenet_subnet_used_by_another_cluster_stops_up_naming_that_cluster(tmp_path: Path) -> None:
    assert up(scenario("kubenet-byo-route-table"), emulated(tmp_path)).ok
    result = refused(tmp_path, scenario("kubenet-byo-route-table", *KUBENET_SECOND))
    assert result.error is not None and result.error.code == "SUBNET_IN_USE"
    found = finding(result, "SUBNET_IN_USE")
    assert found["field"] == "vnet.subnet.name"
    assert "cluster myAKSCluster (resource group myResourceGroup, aksnet deployment kubenet-byo-rt)" in found["message"]


def test_a_subnet_holding_a_nic_stops_up_naming_the_nic(tmp_path: Path) -> None:
    session = shared_network(tmp_path)
    nodes = sdk(session).network.subnets.get("rg-net", "vnet-shared", "nodes").id
    config = {"name": "ip1", "properties": {"subnet": {"id": nodes}}}
    network_resource(session, "network_interfaces", "jumpbox", {"properties": {"ipConfigurations": [config]}})
    found = finding(refused(tmp_path, brought()), "SUBNET_IN_USE")
    assert "holds other resources: networkInterfaces/jumpbox (resource group rg-net)" in found["message"]


def test_a_delegated_subnet_stops_up(tmp_path: Path) -> None:
    delegation = {"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}
    shared_network(tmp_path, delegations=[delegation])
    assert "delegated to Microsoft.Web/serverFarms" in finding(refused(tmp_path, brought()), "SUBNET_IN_USE")["message"]


def test_a_new_subnet_overlapping_a_sibling_or_outside_the_vnet_stops_up(tmp_path: Path) -> None:
    shared_network(tmp_path)
    new_subnet = ("vnet.subnet.name=app", "vnet.subnet.existing=false")
    overlap = finding(
        refused(tmp_path, brought(*new_subnet, "vnet.subnet.address_prefix=10.40.0.128/25")), "CIDR_OVERLAP"
    )
    assert overlap["field"] == "vnet.subnet.address_prefix"
    assert "overlaps existing subnet nodes (10.40.0.0/24) of VNet vnet-shared" in overlap["message"]
    assert "e.g. 10.40.1.0/25" in overlap["hint"]
    outside = finding(
        refused(tmp_path, brought(*new_subnet, "vnet.subnet.address_prefix=10.99.0.0/24")), "SUBNET_OUTSIDE_VNET"
    )
    assert "10.40.0.0/16" in outside["message"]


def test_a_brought_subnet_is_sized_with_its_real_prefix(tmp_path: Path) -> None:
    session = shared_network(tmp_path)
    add_subnet(session, "small", "10.40.1.0/28")
    result = refused(tmp_path, brought("vnet.subnet.name=small", "cluster.node_pools.0.count=20"))
    assert "subnet 10.40.1.0/28 has 11 usable addresses" in finding(result, "SUBNET_TOO_SMALL")["message"]


# --- addresses of the network around it -------------------------------------------------------------------


def test_a_service_range_on_a_sibling_subnet_stops_up_naming_the_subnet(tmp_path: Path) -> None:
    session = shared_network(tmp_path)
    add_subnet(session, "db", "10.40.64.0/24")
    spec = brought("cluster.service_cidr=10.40.64.0/20", "cluster.dns_service_ip=10.40.64.10")
    found = finding(refused(tmp_path, spec), "CIDR_OVERLAP")
    assert (found["field"], found["message"]) == (
        "cluster.service_cidr",
        "service range 10.40.64.0/20 overlaps subnet db (10.40.64.0/24) of VNet vnet-shared",
    )


def test_a_pod_range_on_a_sibling_subnet_stops_up(tmp_path: Path) -> None:
    session = shared_network(tmp_path)
    add_subnet(session, "web", "10.40.200.0/24")
    found = finding(refused(tmp_path, brought("cluster.pod_cidr=10.40.128.0/17")), "CIDR_OVERLAP")
    assert found["field"] == "cluster.pod_cidr" and "subnet web (10.40.200.0/24)" in found["message"]


def test_a_service_range_inside_a_peered_vnet_stops_up_naming_the_peering(tmp_path: Path) -> None:
    session = shared_network(tmp_path)
    hub = network_resource(
        session, "virtual_networks", "hub", {"properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    )
    peering = {"properties": {"remoteVirtualNetwork": {"id": hub}}}
    sdk(session).network.virtual_network_peerings.begin_create_or_update(
        "rg-net", "vnet-shared", "to-hub", peering
    ).result()
    found = finding(refused(tmp_path, brought()), "CIDR_OVERLAP")
    assert found["field"] == "cluster.service_cidr"
    assert "overlaps 10.0.0.0/16, address space of VNet hub (resource group rg-net)" in found["message"]
    assert "(peering to-hub)" in found["message"]


# --- route tables -------------------------------------------------------------------------------------------


def test_a_route_table_of_another_cluster_stops_up_naming_that_cluster(tmp_path: Path) -> None:
    assert up(scenario("kubenet-byo-route-table"), emulated(tmp_path)).ok
    second = scenario(
        "kubenet-byo-route-table",
        "deployment=kubenet-two",
        "resource_group=rg-two",
        "vnet.existing=true",
        "vnet.resource_group=myResourceGroup",
        "vnet.subnet.name=second",
        "vnet.subnet.existing=false",
        "vnet.subnet.address_prefix=192.168.2.0/24",
        "route_table.existing=true",
        "route_table.resource_group=myResourceGroup",
        "route_table.routes=[]",
        "cluster.name=aks-two",
        "identity.name=id-two",
    )
    found = finding(refused(tmp_path, second), "ROUTE_TABLE_SHARED")
    assert found["field"] == "route_table.name"
    assert "associated with subnet myAKSSubnet of cluster myAKSCluster" in found["message"]


def test_a_brought_route_table_not_on_the_brought_subnet_stops_up(tmp_path: Path) -> None:
    session = shared_network(tmp_path)
    network_resource(session, "route_tables", "rt-app")
    spec = brought("route_table={name: rt-app, existing: true, resource_group: rg-net}")
    assert "has no route table, not rt-app" in finding(refused(tmp_path, spec), "ROUTE_TABLE_NOT_ASSOCIATED")["message"]


# --- what exists, and whose --------------------------------------------------------------------------------


def test_a_brought_vnet_that_does_not_exist_stops_up(tmp_path: Path) -> None:
    found = finding(refused(tmp_path, brought()), "RESOURCE_NOT_FOUND")
    assert found["field"] == "vnet.name" and "vnet-shared (resource group rg-net) does not exist" in found["message"]


def test_a_vnet_found_as_the_spec_describes_it_is_adopted_untouched(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    sdk(session).resource.resource_groups.create_or_update("rg-aks-cilium", {"location": "eastus2"})
    body = {"location": "eastus2", "properties": {"addressSpace": {"addressPrefixes": ["10.20.0.0/16"]}}}
    sdk(session).network.virtual_networks.begin_create_or_update("rg-aks-cilium", "vnet-aks-cilium", body).result()
    result = up(scenario("overlay-cilium"), emulated(tmp_path))
    assert result.ok, result.error
    assert "uses it as it is" in finding(result, "RESOURCE_NOT_OWNED", severity="warning")["message"]
    assert {r.id.rsplit("/", 1)[-1]: r.action for r in result.resources}["vnet-aks-cilium"] == "adopted"


def test_a_vnet_found_with_another_address_space_is_refused(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    sdk(session).resource.resource_groups.create_or_update("rg-aks-cilium", {"location": "eastus2"})
    body = {"location": "eastus2", "properties": {"addressSpace": {"addressPrefixes": ["10.21.0.0/16"]}}}
    sdk(session).network.virtual_networks.begin_create_or_update("rg-aks-cilium", "vnet-aks-cilium", body).result()
    found = finding(refused(tmp_path, scenario("overlay-cilium")), "RESOURCE_NOT_OWNED")
    assert "has address space 10.21.0.0/16, the spec says 10.20.0.0/16" in found["message"]


def test_a_cluster_someone_else_made_is_not_taken_over(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    assert up(scenario("overlay-cilium"), session).ok
    clusters = sdk(session).containerservice.managed_clusters
    clusters.begin_update_tags("rg-aks-cilium", "aks-cilium", {"tags": {}}).result()
    assert finding(refused(tmp_path, scenario("overlay-cilium")), "CLUSTER_NOT_OWNED")["field"] == "cluster.name"


# --- the existing cluster ------------------------------------------------------------------------------------


def test_an_immutable_change_to_the_cluster_stops_up_before_any_write(tmp_path: Path) -> None:
    assert up(scenario("overlay-cilium"), emulated(tmp_path)).ok
    changed = scenario("overlay-cilium", "cluster.service_cidr=10.1.0.0/16", "cluster.dns_service_ip=10.1.0.10")
    result = refused(tmp_path, changed)
    assert result.error is not None and result.error.code == "IMMUTABLE_CHANGE"
    assert "'10.0.0.0/16'" in finding(result, "IMMUTABLE_CHANGE", field="cluster.service_cidr")["message"]
    assert "'10.0.0.10'" in finding(result, "IMMUTABLE_CHANGE", field="cluster.dns_service_ip")["message"]


def test_a_cluster_change_without_a_terminal_or_yes_is_refused_before_any_write(tmp_path: Path) -> None:
    assert up(scenario("overlay-cilium"), emulated(tmp_path)).ok
    grown = scenario("overlay-cilium", "cluster.node_pools.0.count=4")
    result = refused(tmp_path, grown, allow_cluster_update=False)
    assert result.error is not None and result.error.code == "CONFIRMATION_REQUIRED"
    assert "properties.agentPoolProfiles[system].count: 3 -> 4" in result.error.message


def test_a_cluster_change_is_asked_first_and_a_no_writes_nothing(tmp_path: Path) -> None:
    assert up(scenario("overlay-cilium"), emulated(tmp_path)).ok
    grown = scenario("overlay-cilium", "cluster.node_pools.0.count=4")
    no = Answering(yes=False)
    declined = refused(tmp_path, grown, exit_code=1, allow_cluster_update=False, confirm=no)
    assert declined.error is not None and "cancelled; nothing changed" in declined.error.message
    assert "properties.agentPoolProfiles[system].count: 3 -> 4" in no.asked[0]
    assert "unchanged virtualNetworks vnet-aks-cilium" in no.asked[0] and no.asked[0].endswith("Apply these changes?")
    applied = up(grown, emulated(tmp_path), allow_cluster_update=False, confirm=Answering(yes=True))
    assert applied.ok, applied.error
    assert applied.cluster is not None and applied.cluster["properties"]["agentPoolProfiles"][0]["count"] == 4


# --- the subscription and the caller ---------------------------------------------------------------------------


def test_an_unregistered_provider_stops_up_without_registering_it(tmp_path: Path) -> None:
    result = refused(tmp_path, scenario("overlay-cilium"), faults="unregistered=Microsoft.ContainerService")
    found = finding(result, "PROVIDER_NOT_REGISTERED")
    assert "Microsoft.ContainerService is NotRegistered" in found["message"]
    assert "az provider register --namespace Microsoft.ContainerService" in found["hint"]


def test_a_caller_who_cannot_assign_roles_gets_exit_4_before_anything_is_created(tmp_path: Path) -> None:
    result = refused(tmp_path, scenario("kubenet-byo-route-table"), exit_code=4, faults="no_rbac_write")
    assert result.error is not None and result.error.code == "ROLE_ASSIGNMENT_DENIED"
    assert "/subnets/myAKSSubnet" in result.error.message and "/routeTables/myRouteTable" in result.error.message
    assert "Role Based Access Control Administrator" in result.error.as_dict()["hint"]
    assert len([f for f in result.findings or () if f.code == "ROLE_ASSIGNMENT_DENIED"]) == 2


def test_a_caller_who_cannot_assign_roles_in_the_network_group_is_told_exactly_where(tmp_path: Path) -> None:
    shared_network(tmp_path)
    result = refused(tmp_path, brought(), exit_code=4, faults="no_rbac_write_in=rg-net")
    found = finding(result, "ROLE_ASSIGNMENT_DENIED")
    assert found["field"] == "vnet.subnet.name"
    assert (
        "/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-shared/subnets/nodes"
        in (found["message"])
    )


# --- grants on everything linked, and how long they took ---------------------------------------------------


def test_the_nsg_and_nat_gateway_on_the_subnet_get_grants_in_the_plan_and_in_azure(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    sdk(session).resource.resource_groups.create_or_update("rg-net", LOCATION)
    nsg = network_resource(session, "network_security_groups", "nsg-nodes")
    nat = network_resource(session, "nat_gateways", "nat-egress", {"sku": {"name": "Standard"}})
    shared_network(tmp_path, networkSecurityGroup={"id": nsg}, natGateway={"id": nat})
    result = up(brought("cluster.outbound_type=userAssignedNATGateway"), emulated(tmp_path))
    assert result.ok, result.error
    granted = {r.id.split("/providers/Microsoft.Authorization")[0] for r in result.resources if r.action == "created"}
    assert {nsg, nat} <= granted
    assignments = sdk(session).authorization.role_assignments
    for scope in (nsg, nat):
        assert [
            a.role_definition_id.rsplit("/", 1)[-1] for a in assignments.list_for_scope(scope, filter="atScope()")
        ] == ["4d97b98b-1d4f-4787-a291-c67834d212e7"]


def test_up_reports_how_long_grants_took_to_be_readable_and_how_long_the_cluster_waited(tmp_path: Path) -> None:
    result = up(scenario("kubenet-byo-route-table"), emulated(tmp_path))
    assert result.ok, result.error
    assert {"preflight", "role_assignment.subnet.propagation", "managed_cluster.waited_for_grant"} <= set(
        result.timings
    )
    assert result.timings["managed_cluster.waited_for_grant"] == 0.0
    text = render_result(result)
    assert "grants readable after: " in text and "subnet " in text
    assert "cluster PUT waited 0.0s for them to take effect" in text


# --- plan --live -------------------------------------------------------------------------------------------------


def cli(tmp_path: Path, *args: str) -> Any:
    result = CliRunner().invoke(app, ["--emulator", *args], env={"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db")})
    assert "Traceback" not in result.output
    return result


def spec_file(tmp_path: Path, spec: dict[str, Any]) -> str:
    path = tmp_path / "spec.yaml"
    path.write_text(json.dumps(spec))
    return str(path)


def test_plan_live_prints_the_live_findings_and_writes_nothing(tmp_path: Path) -> None:
    assert up(scenario("kubenet-byo-route-table"), emulated(tmp_path)).ok
    path = str(SCENARIO_DIR / "kubenet-byo-route-table.yaml")
    overrides = [arg for setting in KUBENET_SECOND for arg in ("--set", setting)]
    result = cli(tmp_path, "plan", path, *overrides, "--live", "-o", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert "SUBNET_IN_USE" in {f["code"] for f in document["findings"]}
    groups = sdk(emulated(tmp_path)).resource.resource_groups
    assert not groups.check_existence("rg-second")
    table = cli(tmp_path, "plan", path, *overrides, "--live")
    assert table.exit_code == 2 and "SUBNET_IN_USE" in table.stdout and "checked against what exists" in table.stdout


def test_plan_live_lists_the_grants_on_the_nsg(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    sdk(session).resource.resource_groups.create_or_update("rg-net", LOCATION)
    nsg = network_resource(session, "network_security_groups", "nsg-nodes")
    shared_network(tmp_path, networkSecurityGroup={"id": nsg})
    result = cli(tmp_path, "plan", spec_file(tmp_path, BROUGHT), "--live", "-o", "json")
    assert result.exit_code == 0, result.stdout
    steps = {s["id"]: s["resource_id"] for s in json.loads(result.stdout)["steps"]}
    assert steps["role_assignment.nsg"].startswith(nsg + "/providers/Microsoft.Authorization/roleAssignments/")
    offline = build_plan(brought())
    assert "role_assignment.nsg" not in {s.id for s in offline.steps}


def test_plan_live_exits_4_when_only_the_right_to_grant_is_missing(tmp_path: Path) -> None:
    env = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), "AKSNET_EMULATOR_FAULTS": "no_rbac_write"}
    path = str(SCENARIO_DIR / "overlay-cilium.yaml")
    result = CliRunner().invoke(app, ["--emulator", "plan", path, "--live", "-o", "json"], env=env)
    assert result.exit_code == 4
    assert {f["code"] for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"} == {
        "ROLE_ASSIGNMENT_DENIED"
    }
