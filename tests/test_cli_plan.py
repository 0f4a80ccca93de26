"""`aksnet plan`, `capacity` and `scenarios` through the real CLI: contract, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from aksnet.cli.main import app
from aksnet.scenarios import bundled
from helpers import BASE

runner = CliRunner()


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "spec.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return str(path)


def json_of(result: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)  # exactly one JSON document, nothing else on stdout
    return document


PLAN_KEYS = {"deployment", "ok", "subscription_id", "findings", "capacity", "steps", "requests", "address_map"}
FINDING_KEYS = {"severity", "code", "field", "message", "hint"}
STEP_KEYS = {"id", "kind", "action", "name", "resource_id", "depends_on"}
CAPACITY_KEYS = {
    "plugin",
    "subnet_prefix",
    "subnet_usable_ips",
    "max_pods_per_node",
    "ips_per_node",
    "max_nodes",
    "max_pods",
    "planned_nodes",
    "surge_nodes",
    "required_subnet_ips",
    "free_subnet_ips",
    "max_nodes_with_surge",
    "pod_cidr",
    "pod_cidr_blocks",
    "required_pod_blocks",
    "limited_by",
    "snat",  # the contract's API server, egress and ingress section
}
# Added with pod subnets and dual-stack (additive): the contract's `subnets` list and the pod-subnet keys.
CAPACITY_KEYS_ADDED = {
    "subnets",
    "pod_subnet_prefix",
    "pod_ip_allocation_mode",
    "pod_subnet_usable_ips",
    "pod_subnet_ips_per_node",
    "pod_subnet_max_nodes",
    "blocks_per_node",
    "block_waste_per_node",
    "required_pod_subnet_ips",
    "pod_cidr_ipv6",
    "pod_cidr_ipv6_blocks",
}
SUBNET_CAPACITY_KEYS = {"name", "prefix", "usable", "needed", "free", "pools"}


@pytest.mark.parametrize("scenario", bundled(), ids=lambda s: s.name)
def test_every_bundled_scenario_plans_without_errors(scenario: Any) -> None:
    result = invoke("plan", str(scenario.path), "-o", "json")
    document = json_of(result)
    assert result.exit_code == 0, document["findings"]
    assert not [f for f in document["findings"] if f["severity"] == "error"]


def test_plan_json_keys_are_the_contract(tmp_path: Path) -> None:
    document = json_of(invoke("plan", write(tmp_path, BASE), "-o", "json", "--set", "cluster.node_pools.0.max_pods=9"))
    assert set(document) == PLAN_KEYS
    assert set(document["findings"][0]) == FINDING_KEYS
    assert set(document["capacity"]) == CAPACITY_KEYS | CAPACITY_KEYS_ADDED
    assert all(set(subnet) >= SUBNET_CAPACITY_KEYS for subnet in document["capacity"]["subnets"])
    assert all(set(step) == STEP_KEYS for step in document["steps"])
    assert set(document["requests"]) == {s["id"] for s in document["steps"] if s["action"] != "use"}
    assert document["requests"]["managed_cluster"]["properties"]["networkProfile"]["networkPlugin"] == "azure"


def test_plan_with_errors_exits_2_and_still_prints_the_plan(tmp_path: Path) -> None:
    result = invoke("plan", write(tmp_path, BASE), "--set", "cluster.dns_service_ip=10.9.0.10", "-o", "json")
    assert result.exit_code == 2
    document = json_of(result)
    assert document["ok"] is False
    assert document["findings"][0]["code"] == "DNS_IP_OUTSIDE_SERVICE_CIDR"


def test_plan_table_shows_findings_capacity_steps_and_bodies(tmp_path: Path) -> None:
    result = invoke("plan", write(tmp_path, BASE))
    assert result.exit_code == 0
    for heading in ("Findings", "Capacity", "Steps", "Requests", "PUT /subscriptions/"):
        assert heading in result.stdout


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{deployment: [", "not valid YAML"),
        ("just a string", "expected a map"),
        ("deployment: x\nfoo: 1\n", "unknown key 'foo'"),
    ],
    ids=["malformed-yaml", "not-a-map", "unknown-key"],
)
def test_bad_files_exit_2_with_one_json_document(tmp_path: Path, content: str, words: str) -> None:
    result = invoke("plan", write(tmp_path, content), "-o", "json")
    assert result.exit_code == 2
    document = json_of(result)
    assert document["ok"] is False and document["steps"] == []
    assert words in json.dumps(document["findings"])


def test_missing_file_and_folder_exit_2(tmp_path: Path) -> None:
    for target in (str(tmp_path / "missing.yaml"), str(tmp_path)):
        result = invoke("plan", target, "-o", "json")
        assert result.exit_code == 2
        assert json_of(result)["findings"][0]["code"] == "SPEC_INVALID"


def test_bad_input_in_table_mode_goes_to_stderr_with_the_fix(tmp_path: Path) -> None:
    result = invoke("plan", write(tmp_path, BASE), "--set", "cluster.pod_cidr=10.244.0.1/16")
    assert result.exit_code == 2
    assert "host bits" in result.stderr and "10.244.0.0/16" in result.stderr
    assert result.stdout == ""


def test_absurd_numbers_are_findings(tmp_path: Path) -> None:
    result = invoke("plan", write(tmp_path, BASE), "-o", "json", "--set", "cluster.node_pools.0.count=99999999")
    assert result.exit_code == 2
    assert "NODE_COUNT_OUT_OF_RANGE" in {f["code"] for f in json_of(result)["findings"]}


def test_capacity_reproduces_the_seeds_examples() -> None:
    kubenet = json_of(invoke("capacity", "--plugin", "kubenet", "--subnet", "192.168.1.0/24", "-o", "json"))
    assert (kubenet["capacity"]["max_nodes"], kubenet["capacity"]["max_pods"]) == (251, 27_610)
    cni = json_of(
        invoke("capacity", "--plugin", "azure", "--subnet", "192.168.1.0/24", "--max-pods", "30", "-o", "json")
    )
    assert (cni["capacity"]["max_nodes"], cni["capacity"]["max_pods"]) == (8, 240)


def test_capacity_exits_2_when_the_nodes_do_not_fit() -> None:
    result = invoke("capacity", "--plugin", "azure", "--subnet", "10.0.0.0/24", "--nodes", "8", "--surge", "1")
    assert result.exit_code == 2
    assert "free" in result.stdout


def test_capacity_rejects_a_bad_cidr_cleanly() -> None:
    result = invoke("capacity", "--plugin", "kubenet", "--subnet", "10.0.0.1/24", "-o", "json")
    assert result.exit_code == 2
    assert json_of(result)["error"]["code"] == "BAD_ARGUMENT"


def test_scenarios_lists_every_bundled_file() -> None:
    result = invoke("scenarios", "-o", "json")
    names = {s["name"] for s in json_of(result)}
    assert {"kubenet-byo-route-table", "overlay-cilium", "byo-cni", "udr-firewall-egress"} <= names
    assert all(s["description"] for s in json_of(result))


def test_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("plan", "capacity", "scenarios"):
        assert command in result.stdout


def capacity_json(*args: str) -> dict[str, Any]:
    return json_of(invoke("capacity", "--plugin", "azure", "--subnet", "10.240.0.0/24", *args, "-o", "json"))


def test_capacity_of_a_dynamic_pod_subnet_counts_16_per_node() -> None:
    cap = capacity_json("--pod-subnet", "10.241.0.0/24")["capacity"]
    assert (cap["pod_subnet_usable_ips"], cap["pod_subnet_max_nodes"], cap["blocks_per_node"]) == (251, 15, None)
    assert (cap["max_pods_per_node"], cap["ips_per_node"], cap["limited_by"]) == (110, 1, "pod subnet")
    fits = invoke("capacity", "--plugin", "azure", "--subnet", "10.240.0.0/24", "--pod-subnet", "10.241.0.0/24")
    assert fits.exit_code == 0 and "15" in fits.stdout
    too_many = ("--pod-subnet", "10.241.0.0/24", "--nodes", "15", "--surge", "1")
    assert invoke("capacity", "--plugin", "azure", "--subnet", "10.240.0.0/24", *too_many).exit_code == 2


@pytest.mark.parametrize(("max_pods", "blocks", "nodes"), [("30", 2, 7), ("31", 2, 7), ("32", 3, 4)])
def test_capacity_of_a_static_block_pod_subnet_counts_blocks_per_node(max_pods: str, blocks: int, nodes: int) -> None:
    static = ("--pod-subnet", "10.241.0.0/24", "--pod-ip-allocation-mode", "StaticBlock", "--max-pods", max_pods)
    cap = capacity_json(*static)["capacity"]
    assert (cap["blocks_per_node"], cap["pod_subnet_max_nodes"], cap["pod_subnet_usable_ips"]) == (blocks, nodes, 224)


@pytest.mark.parametrize(
    "args",
    [
        ("--plugin", "overlay", "--pod-subnet", "10.241.0.0/24"),
        ("--plugin", "azure", "--pod-ip-allocation-mode", "StaticBlock"),
        ("--plugin", "azure", "--pod-subnet", "fd00::/64"),
    ],
    ids=["pod-subnet-on-overlay", "mode-without-pod-subnet", "ipv6-pod-subnet"],
)
def test_capacity_refuses_pod_subnet_arguments_that_make_no_sense(args: tuple[str, ...]) -> None:
    result = invoke("capacity", "--subnet", "10.240.0.0/24", *args, "-o", "json")
    assert result.exit_code == 2
    assert json_of(result)["error"]["code"] == "BAD_ARGUMENT"


def test_plan_json_lists_every_subnet_with_its_demand_and_headroom() -> None:
    path = next(s.path for s in bundled() if s.name == "azure-cni-pod-subnet")
    subnets = {s["name"]: s for s in json_of(invoke("plan", str(path), "-o", "json"))["capacity"]["subnets"]}
    assert set(subnets) == {"snet-nodes", "snet-pods", "snet-win"}
    pods = subnets["snet-pods"]
    # 3 + 3 + 2 nodes with surge (10% rounds up to 1 per pool): 11 nodes x 16 at start
    assert (pods["role"], pods["usable"], pods["needed"], pods["free"]) == ("pods", 4091, 176, 3915)
    assert pods["pools"] == ["system", "apps", "npwin"]
    assert (subnets["snet-win"]["needed"], subnets["snet-win"]["pools"]) == (3, ["npwin"])
