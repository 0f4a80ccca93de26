"""Pod subnets, per-pool subnets and dual-stack end to end on the emulator: the bodies az would send, grants,
up, status, down, live preflight, bad input and migrate-policy."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aksnet.arm import records_subnet, role_assignment_name
from aksnet.azure.migrate import MigrateOptions, migrate_policy
from aksnet.azure.status import cluster_status
from aksnet.azure.teardown import DownOptions, read_teardown, tear_down
from aksnet.cli.main import app
from aksnet.plan import build_plan
from aksnet.scenarios import SCENARIO_DIR
from helpers import ZERO_SUB, emulated, make_spec, scenario, up

ENV = {"AKSNET_WINDOWS_ADMIN_PASSWORD": "Str0ng-Passw0rd!x"}
WRITES = ("PUT", "PATCH", "DELETE", "POST")


def subnet_ids(spec: Any, *names: str) -> list[str]:
    vnet = f"/subscriptions/{ZERO_SUB}/resourceGroups/{spec.vnet_resource_group}/providers/Microsoft.Network/"
    return [f"{vnet}virtualNetworks/{spec.vnet.name}/subnets/{name}" for name in names]


# --- bodies: what az aks create / az aks nodepool add send for the same flags ----------------------
# Read from azure-cli 2.91.0 (acs/managed_cluster_decorator.py set_up_network_profile L7659-7745: the
# profile is built from the flags given, None left out; acs/agentpool_decorator.py L2150-2152, L2413-2422:
# vnetSubnetID, podSubnetID, podIPAllocationMode per pool, each only when its flag is given).


def test_dual_stack_profile_is_what_az_sends_for_the_same_flags() -> None:
    # az aks create --network-plugin azure --network-plugin-mode overlay --network-dataplane cilium
    #   --network-policy cilium --ip-families IPv4,IPv6 --pod-cidrs 10.244.0.0/16,fd12:3456:789a::/64
    #   --service-cidrs 10.0.0.0/16,fd12:3456:789a:1::/108 --dns-service-ip 10.0.0.10
    body = build_plan(scenario("overlay-dual-stack-cilium")).requests["managed_cluster"]
    assert body["properties"]["networkProfile"] == {
        "networkPlugin": "azure",
        "networkPluginMode": "overlay",
        "networkDataplane": "cilium",
        "networkPolicy": "cilium",
        "podCidrs": ["10.244.0.0/16", "fd12:3456:789a::/64"],
        "serviceCidrs": ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
        "ipFamilies": ["IPv4", "IPv6"],
        "dnsServiceIP": "10.0.0.10",
        "outboundType": "loadBalancer",
        "loadBalancerSku": "standard",
    }


def test_pod_subnet_pools_are_what_az_sends_for_the_same_flags() -> None:
    # az aks create ... --vnet-subnet-id <snet-nodes> --pod-subnet-id <snet-pods> --max-pods 50 (system), then
    # az aks nodepool add -n apps ... --pod-ip-allocation-mode DynamicIndividual, and -n npwin --os-type
    # Windows --vnet-subnet-id <snet-win> --pod-subnet-id <snet-pods>
    spec = scenario("azure-cni-pod-subnet")
    nodes, pods, win = subnet_ids(spec, "snet-nodes", "snet-pods", "snet-win")
    pools = build_plan(spec).requests["managed_cluster"]["properties"]["agentPoolProfiles"]
    wanted = [
        {"vnetSubnetID": nodes, "podSubnetID": pods},
        {"vnetSubnetID": nodes, "podSubnetID": pods, "podIPAllocationMode": "DynamicIndividual"},
        {"vnetSubnetID": win, "podSubnetID": pods},
    ]
    keys = ("vnetSubnetID", "podSubnetID", "podIPAllocationMode")
    assert [{k: p[k] for k in keys if k in p} for p in pools] == wanted
    assert [p["maxPods"] for p in pools] == [50, 50, 30]
    profile = build_plan(spec).requests["managed_cluster"]["properties"]["networkProfile"]
    assert "podCidr" not in profile and "ipFamilies" not in profile


def test_static_block_pools_send_the_mode() -> None:
    pools = build_plan(scenario("azure-cni-static-block")).requests["managed_cluster"]["properties"]
    assert {p["podIPAllocationMode"] for p in pools["agentPoolProfiles"]} == {"StaticBlock"}


def test_a_pod_subnet_without_a_mode_sends_none_and_az_sends_none_either() -> None:
    spec = scenario("azure-cni-pod-subnet")
    system = build_plan(spec).requests["managed_cluster"]["properties"]["agentPoolProfiles"][0]
    assert "podIPAllocationMode" not in system
    assert spec.cluster.node_pools[0].allocation_mode == "DynamicIndividual"  # what the rules and capacity use


# --- grants -------------------------------------------------------------------------------------------


def test_every_node_and_pod_subnet_gets_network_contributor_with_a_deterministic_name() -> None:
    spec = scenario("azure-cni-pod-subnet")
    plan = build_plan(spec)
    grants = {s.id: s.resource_id for s in plan.steps if s.kind == "role_assignment"}
    scopes = dict(
        zip(
            ("subnet", "subnet.snet-pods", "subnet.snet-win"),
            subnet_ids(spec, *("snet-nodes", "snet-pods", "snet-win")),
            strict=True,
        )
    )
    for label, scope in scopes.items():
        name = role_assignment_name("cni-pod-subnet", scope)
        assert grants[f"role_assignment.{label}"] == f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"
    assert set(plan.step("managed_cluster").depends_on) >= {*grants, "subnet", "subnet.snet-pods", "subnet.snet-win"}


def test_existing_step_ids_stay_and_new_subnets_change_one_at_a_time() -> None:
    plan = build_plan(scenario("azure-cni-pod-subnet"))
    steps = [s.id for s in plan.steps if s.kind == "subnet"]
    assert steps == ["subnet", "subnet.snet-pods", "subnet.snet-win"]
    assert plan.step("subnet.snet-pods").depends_on[0] == "subnet"
    assert plan.step("subnet.snet-win").depends_on[0] == "subnet.snet-pods"
    inline = plan.requests["virtual_network"]["properties"]["subnets"]
    assert [s["name"] for s in inline] == ["snet-nodes", "snet-pods", "snet-win"]


def test_a_route_table_goes_on_every_pool_node_subnet_but_not_a_pod_subnet() -> None:
    spec = make_spec(
        "cluster.network_plugin=kubenet",
        "cluster.network_plugin_mode=null",
        "cluster.network_dataplane=null",
        "cluster.network_policy=null",
        "route_table={name: rt}",
        "vnet.subnets=[{name: second, address_prefix: 10.20.1.0/24}, {name: spare, address_prefix: 10.20.2.0/24}]",
        "cluster.node_pools=[{name: system}, {name: user, subnet: second}]",
    )
    plan = build_plan(spec)
    routed = {s.id for s in plan.steps if s.kind == "subnet" and "routeTable" in (s.body or {}).get("properties", {})}
    assert routed == {"subnet", "subnet.second"}


# --- up, status, down on the emulator -----------------------------------------------------------


def test_pod_subnet_cluster_provisions_shows_every_subnet_and_down_removes_them(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    spec = scenario("azure-cni-pod-subnet")
    assert up(spec, session, env=ENV).ok
    status = cluster_status(session.clients(ZERO_SUB), spec.resource_group, spec.cluster.name)
    usage = {s["id"].rsplit("/", 1)[-1]: s for s in status["subnets"]}
    assert {name: (s["role"], s["used"]) for name, s in usage.items()} == {
        "snet-nodes": ("nodes", 6),
        "snet-pods": ("pods", 8 * 16),  # every node's first batch of 16
        "snet-win": ("nodes", 2),
    }
    assert usage["snet-pods"]["delegations"] == ["Microsoft.ContainerService/managedClusters"]
    result = tear_down(read_teardown(spec, session, {}), DownOptions())
    assert result.ok, result.error
    gone = {r.id.rsplit("/", 1)[-1] for r in result.resources if r.action == "deleted"}
    assert {"snet-nodes", "snet-pods", "snet-win", "aks-podsubnet", "vnet-aks-podsubnet"} <= gone


def test_dual_stack_cluster_gets_both_families_and_status_shows_them(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    spec = scenario("overlay-dual-stack-cilium")
    result = up(spec, session)
    assert result.ok, result.error
    profile = result.cluster["properties"]["networkProfile"]
    assert (profile["ipFamilies"], profile["podCidrs"][1]) == (["IPv4", "IPv6"], "fd12:3456:789a::/64")
    status = cluster_status(session.clients(ZERO_SUB), spec.resource_group, spec.cluster.name)
    assert status["subnets"][0]["address_prefix_ipv6"] == "fd00:db8:70::/64"


def test_static_block_nodes_take_their_blocks_in_the_pod_subnet(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    spec = scenario("azure-cni-static-block")
    assert up(spec, session).ok
    status = cluster_status(session.clients(ZERO_SUB), spec.resource_group, spec.cluster.name)
    pods = next(s for s in status["subnets"] if s["role"] == "pods")
    assert pods["used"] == 3 * 2 * 16 + 3 * 4 * 16  # maxPods 31: 2 blocks; 63: 4 blocks


BROUGHT_VNET = (
    "deployment=extra",
    "resource_group=rg-extra",
    "vnet.existing=true",
    "vnet.resource_group=rg-aks-podsubnet",
    "vnet.subnet.name=snet-extra-nodes",
    "vnet.subnet.existing=false",
    "vnet.subnet.address_prefix=10.50.2.0/24",
    "vnet.subnets=[{name: snet-pods, existing: true}, {name: snet-extra-pods, existing: false, "
    "address_prefix: 10.50.32.0/20}]",
    "cluster.name=aks-extra",
    "cluster.windows_admin_username=null",
    "identity.name=id-extra",
    "cluster.node_pools=[{name: system, count: 2, max_pods: 50, pod_subnet: snet-extra-pods}, "
    "{name: shared, mode: User, count: 2, max_pods: 50, pod_subnet: snet-pods}]",
)


def test_subnets_added_to_a_brought_vnet_are_recorded_and_down_removes_only_those(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    assert up(scenario("azure-cni-pod-subnet"), session, env=ENV).ok
    extra = scenario("azure-cni-pod-subnet", *BROUGHT_VNET)
    result = up(extra, session)
    assert result.ok, result.error
    identity = session.clients(ZERO_SUB).msi.user_assigned_identities.get("rg-extra", "id-extra")
    subnets = {r.id.rsplit("/", 1)[-1]: r.id for r in result.resources if "/subnets/" in r.id}
    assert records_subnet(identity.tags, subnets["snet-extra-nodes"])
    assert records_subnet(identity.tags, subnets["snet-extra-pods"])
    assert not records_subnet(identity.tags, subnets["snet-pods"])  # the first deployment's, shared
    down = tear_down(read_teardown(extra, session, {}), DownOptions())
    assert down.ok, down.error
    by_name = {r.id.rsplit("/", 1)[-1]: r.action for r in down.resources}
    assert (by_name["snet-extra-nodes"], by_name["snet-extra-pods"], by_name["snet-pods"]) == (
        "deleted",
        "deleted",
        "kept",
    )
    still = session.clients(ZERO_SUB).network.subnets.get("rg-aks-podsubnet", "vnet-aks-podsubnet", "snet-pods")
    assert still.service_association_links  # the first cluster still uses it


def test_a_pod_subnet_shared_in_the_other_allocation_mode_is_refused_before_any_write(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    assert up(scenario("azure-cni-pod-subnet"), session, env=ENV).ok
    static = scenario("azure-cni-pod-subnet", *BROUGHT_VNET, "cluster.node_pools.1.pod_ip_allocation_mode=StaticBlock")
    before = _writes(session)
    result = up(static, session)
    assert (result.exit_code, result.error.code if result.error else None) == (2, "POD_SUBNET_MODE_CONFLICT")
    assert _writes(session) == before


def test_a_brought_pod_subnet_is_sized_with_its_real_prefix(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    assert up(scenario("azure-cni-pod-subnet"), session, env=ENV).ok
    client = session.clients(ZERO_SUB).network.subnets
    client.begin_create_or_update(
        "rg-aks-podsubnet", "vnet-aks-podsubnet", "snet-tiny", {"properties": {"addressPrefix": "10.50.3.0/27"}}
    ).result()
    tiny = (
        *BROUGHT_VNET[:7],
        "vnet.subnets=[{name: snet-tiny, existing: true}]",
        *BROUGHT_VNET[8:11],
        "cluster.node_pools=[{name: system, count: 2, pod_subnet: snet-tiny}]",
    )
    result = up(scenario("azure-cni-pod-subnet", *tiny), session)
    assert result.exit_code == 2
    finding = next(f for f in result.findings or () if f.code == "POD_SUBNET_TOO_SMALL" and f.severity == "error")
    assert "10.50.3.0/27" in finding.message and finding.field == "vnet.subnets.0.address_prefix"


def _writes(session: Any) -> int:
    by_method = session.emulator.stats()["by_method"]
    return sum(by_method.get(m, 0) for m in WRITES)


# --- bad input: exit 2, the field and the fix, nothing written -------------------------------------

runner = CliRunner()

BAD_INPUT = [
    (
        "ipv6-where-only-ipv4",
        ('vnet.subnet.address_prefix="fd00:db8:70::/64"',),
        "SPEC_INVALID",
        "vnet.subnet.address_prefix",
    ),
    (
        "pool-names-a-missing-subnet",
        ("cluster.node_pools.0.subnet=snet-nope",),
        "SUBNET_NOT_DECLARED",
        "cluster.node_pools.0.subnet",
    ),
    ("ipv6-pod-range-list-of-one", ("cluster.pod_cidrs=[10.244.0.0/16]",), "IP_FAMILIES_MISMATCH", "cluster.pod_cidrs"),
]


@pytest.mark.parametrize(("case", "overrides", "code", "field"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_exits_2_with_the_field_and_the_fix_and_writes_nothing(
    tmp_path: Path, case: str, overrides: tuple[str, ...], code: str, field: str
) -> None:
    args = [a for o in overrides for a in ("--set", o)]
    path = str(SCENARIO_DIR / "overlay-dual-stack-cilium.yaml")
    env = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db")}
    result = runner.invoke(app, ["--emulator", "up", path, *args, "-o", "json"], env=env)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    document = json.loads(result.stdout)
    found = [f for f in document["findings"] if f["code"] == code and f["field"] == field]
    assert found and found[0]["hint"], document["findings"]
    assert _writes(emulated(tmp_path)) == 0


def test_a_pod_subnet_outside_the_vnet_exits_2_naming_it(tmp_path: Path) -> None:
    path = str(SCENARIO_DIR / "azure-cni-pod-subnet.yaml")
    bad = "vnet.subnets.0.address_prefix=10.51.16.0/20"
    env = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), **ENV}
    result = runner.invoke(app, ["--emulator", "up", path, "--set", bad, "-o", "json"], env=env)
    assert result.exit_code == 2
    found = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "SUBNET_OUTSIDE_VNET"]
    assert found[0]["field"] == "vnet.subnets.0.address_prefix" and "10.51.16.0/20" in found[0]["message"]
    assert _writes(emulated(tmp_path)) == 0


# --- migrate-policy on the new shapes ---------------------------------------------------------------

TODAY = date(2026, 11, 22)


NO_ENGINE = ("cluster.network_dataplane=null", "cluster.network_policy=none")


@pytest.mark.parametrize("target", ["calico", "azure"])
def test_migrate_policy_refuses_npm_and_calico_on_a_dual_stack_cluster(tmp_path: Path, target: str) -> None:
    session = emulated(tmp_path)
    spec = scenario("overlay-dual-stack-cilium", *NO_ENGINE)
    assert up(spec, session).ok
    before = _writes(session)
    run = migrate_policy(session, spec.resource_group, spec.cluster.name, MigrateOptions(target, today=TODAY), {})
    assert (run.exit_code, run.error.code if run.error else None) == (2, "POLICY_NOT_SUPPORTED_DUAL_STACK")
    assert _writes(session) == before
    moved = migrate_policy(session, spec.resource_group, spec.cluster.name, MigrateOptions("cilium", today=TODAY), {})
    assert moved.ok, moved.error


def test_migrate_policy_moves_a_pod_subnet_cluster_to_cilium_in_place(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    spec = scenario("azure-cni-pod-subnet", "cluster.node_pools=[{name: system, count: 2, pod_subnet: snet-pods}]")
    assert up(spec, session).ok
    run = migrate_policy(session, spec.resource_group, spec.cluster.name, MigrateOptions("cilium", today=TODAY), {})
    assert run.ok, run.error
    cluster = session.clients(ZERO_SUB).containerservice.managed_clusters.get(spec.resource_group, spec.cluster.name)
    assert (cluster.network_profile.network_dataplane, cluster.agent_pool_profiles[0].pod_subnet_id is not None) == (
        "cilium",
        True,
    )
