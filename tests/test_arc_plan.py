"""AKS on Azure Local offline: the scenario's platform, the documented IP plan, the plan and its CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from ipaddress import IPv4Network

import pytest
from typer.testing import CliRunner

from aksnet.arc.addresses import AddressRange
from aksnet.arc.capacity import ClusterDemand, arc_capacity
from aksnet.arc.plan import LOCATION_PLACEHOLDER, offline_plan
from aksnet.arc.spec import ArcSpec
from aksnet.cli.main import app
from aksnet.errors import SpecInvalid
from aksnet.scenarios import SCENARIO_DIR
from aksnet.spec import Spec, parse_spec
from helpers import ARC_BASE, BASE, arc_spec

runner = CliRunner()
CALICO = str(SCENARIO_DIR / "azure-local-calico.yaml")
SHARED = str(SCENARIO_DIR / "azure-local-shared-network.yaml")


def test_microsofts_worked_ip_example_gives_16_in_the_pool_and_19_in_the_subnet() -> None:
    # [IPPLAN]: cluster A 3 CP + 5 workers, cluster B 1 CP + 3 workers, 3 MetalLB IPs; a pool of 20.
    cap = arc_capacity(
        IPv4Network("10.220.32.0/24"),
        [AddressRange.from_text("10.220.32.18-10.220.32.37")],
        [ClusterDemand("A", 3, 5), ClusterDemand("B", 1, 3, lb_ips=3)],
    )
    assert (cap.pool_needed, cap.subnet_needed, cap.pool_size, cap.pool_free) == (16, 19, 20, 4)
    assert [c.pool_ips for c in cap.by_cluster] == [10, 6]


def test_capacity_command_for_arc_answers_with_the_contracts_keys() -> None:
    args = ["capacity", "--plugin", "arc", "--subnet", "10.220.32.0/24", "--ip-pool", "10.220.32.18-10.220.32.37"]
    done = runner.invoke(app, [*args, "--control-plane", "3", "--nodes", "5", "--lb-ips", "3", "-o", "json"])
    assert done.exit_code == 0, done.output
    cap = json.loads(done.output)["capacity"]
    assert {"plugin", "pool_size", "pool_needed", "pool_free", "subnet_needed"} <= set(cap)
    assert (cap["plugin"], cap["pool_needed"], cap["subnet_needed"]) == ("arc", 10, 13)
    explicit = runner.invoke(app, [*args, "--nodes", "3", "--clusters", "2", "--explicit-cp-ip", "-o", "json"])
    assert json.loads(explicit.output)["capacity"]["pool_needed"] == 2 * (1 + 3 + 1)
    assert json.loads(explicit.output)["capacity"]["outside_pool"]["explicit_cp_ips"] == 2


def test_capacity_command_for_arc_fails_when_the_pool_is_short_or_missing() -> None:
    args = ["capacity", "--plugin", "arc", "--subnet", "10.220.32.0/24"]
    short = runner.invoke(app, [*args, "--ip-pool", "10.220.32.18-10.220.32.27", "--nodes", "9", "-o", "json"])
    assert short.exit_code == 2 and json.loads(short.output)["capacity"]["pool_free"] == -2
    missing = runner.invoke(app, [*args, "--nodes", "3"])
    assert missing.exit_code == 2 and "--ip-pool" in missing.output
    backwards = runner.invoke(app, [*args, "--ip-pool", "10.220.32.30-10.220.32.18"])
    assert backwards.exit_code == 2 and "ends before it starts" in backwards.output


def test_platform_defaults_to_azure_and_existing_files_are_unchanged() -> None:
    assert isinstance(parse_spec(dict(BASE)), Spec)
    assert isinstance(parse_spec({**BASE, "platform": "azure"}), Spec)
    assert isinstance(arc_spec(), ArcSpec)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({**BASE, "arc": ARC_BASE["arc"]}, "arc", "platform: azure-local"),
        ({**ARC_BASE, "vnet": BASE["vnet"]}, "vnet", "arc.logical_network"),
        ({**ARC_BASE, "location": "eastus"}, "location", "arc.location"),
        ({**ARC_BASE, "platform": "azure-stack"}, "platform", "azure-local"),
    ],
    ids=["arc-on-azure", "vnet-on-azure-local", "location-on-azure-local", "unknown-platform"],
)
def test_keys_of_the_other_platform_are_spec_invalid(data: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(SpecInvalid) as caught:
        parse_spec(data)
    finding = next(f for f in caught.value.findings if f.field == field)
    assert finding.code == "SPEC_INVALID" and words in finding.message + finding.hint


def test_a_bad_range_is_spec_invalid_with_its_path() -> None:
    with pytest.raises(SpecInvalid) as caught:
        arc_spec("arc.reserved=[10.220.32.9-10.220.32.2]")
    assert [(f.field, "ends before it starts" in f.message) for f in caught.value.findings] == [
        ("arc.reserved.0", True)
    ]


def test_plan_orders_network_connected_cluster_then_instance_with_ownership_tags() -> None:
    plan = offline_plan(arc_spec())
    assert [s.id for s in plan.steps] == [
        "resource_group",
        "custom_location",
        "logical_network",
        "connected_cluster",
        "provisioned_cluster",
    ]
    assert [[s.id for s in wave] for wave in plan.waves()][-2:] == [["connected_cluster"], ["provisioned_cluster"]]
    connected = plan.requests["connected_cluster"]
    assert connected["kind"] == "ProvisionedCluster" and connected["tags"]["aksnet-created-instance"] == "default"
    assert connected["location"] == LOCATION_PLACEHOLDER
    assert plan.step("custom_location").body is None and plan.step("custom_location").action == "use"
    instance = plan.step("provisioned_cluster")
    assert instance.resource_id.endswith(
        "/connectedClusters/arc1/providers/Microsoft.HybridContainerService/provisionedClusterInstances/default"
    )
    assert "tags" not in (instance.body or {})  # a proxy resource: its record lives on the connected cluster


def test_plan_bodies_carry_the_networks_values() -> None:
    plan = offline_plan(arc_spec("arc.cluster.control_plane.ip=10.220.32.40", "arc.location=eastus"))
    subnet = plan.requests["logical_network"]["properties"]["subnets"][0]["properties"]
    assert subnet["ipPools"] == [{"start": "10.220.32.18", "end": "10.220.32.37"}]
    assert subnet["routeTable"]["properties"]["routes"][0]["properties"]["nextHopIpAddress"] == "10.220.32.1"
    properties = plan.requests["provisioned_cluster"]["properties"]
    assert properties["controlPlane"]["controlPlaneEndpoint"] == {"hostIP": "10.220.32.40"}
    assert properties["cloudProviderProfile"]["infraNetworkProfile"]["vnetSubnetIds"] == [
        plan.step("logical_network").resource_id
    ]
    assert plan.requests["resource_group"]["location"] == "eastus"


def test_a_brought_network_is_used_not_created_and_capacity_sums_the_clusters() -> None:
    from aksnet.spec import load_spec

    spec = load_spec(SHARED)
    assert isinstance(spec, ArcSpec)
    plan = offline_plan(spec)
    lnet = plan.step("logical_network")
    assert (lnet.action, lnet.body) == ("use", None)
    assert "/resourceGroups/rg-azlocal/" in lnet.resource_id
    assert plan.capacity is not None
    # arc-shared: 1 CP + 4 workers (autoscaler max) + 1 upgrade, explicit CP IP; the other counted alike.
    assert [c.pool_ips for c in plan.capacity.by_cluster] == [6, 6]
    assert plan.capacity.pool_needed == 12 and plan.capacity.subnet_needed == 14


def test_powershell_generation_is_checked_never_provisioned() -> None:
    plan = offline_plan(arc_spec("arc.generation=22h2"))
    assert plan.steps == () and not plan.ok
    assert {"RETIRED_FEATURE", "ARC_POWERSHELL_GENERATION"} <= {f.code for f in plan.findings}


def test_plan_command_lists_prerequisites_apart_from_findings() -> None:
    done = runner.invoke(app, ["plan", CALICO, "-o", "json"])
    assert done.exit_code == 0, done.output
    document = json.loads(done.output)
    assert document["platform"] == "azure-local" and document["findings"] == []
    assert {p["id"] for p in document["prerequisites"]} >= {
        "dns_resolves_cluster_name",
        "cross_vlan_ports",
        "required_endpoints",
    }
    assert set(document["requests"]) == {
        "resource_group",
        "logical_network",
        "connected_cluster",
        "provisioned_cluster",
    }
    table = runner.invoke(app, ["plan", CALICO])
    assert "Prerequisites" in table.output and "IP plan" in table.output and "connectedClusters" in table.output


def test_plan_command_with_an_error_exits_2_and_set_paths_reach_arc() -> None:
    done = runner.invoke(app, ["plan", CALICO, "--set", "arc.cluster.control_plane.count=2", "-o", "json"])
    assert done.exit_code == 2
    assert [f["code"] for f in json.loads(done.output)["findings"]] == ["ARC_CONTROL_PLANE_COUNT"]


def test_arc_plan_imports_neither_the_azure_sdk_nor_pydantic() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aksnet", "plan", CALICO],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")}
    assert not {m for m in modules if m.split(".")[0] in {"pydantic", "azure"}}
