"""`plan --live` shows what `up` will do to each resource, and `up` does exactly that (through the real CLI
on the emulator): create, update with every changed field, unchanged, adopt, use, refuse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aksnet.cli.main import app
from aksnet.emulator import Emulator
from aksnet.scenarios import SCENARIO_DIR
from aksnet.spec import WINDOWS_PASSWORD_ENV

runner = CliRunner()
SUB = "00000000-0000-0000-0000-000000000000"
REPORTED = {"create": "created", "update": "updated", "unchanged": "unchanged", "adopt": "adopted", "use": "adopted"}
GROW = ("--set", "cluster.node_pools.0.count=4")


def cli(tmp_path: Path, *args: str) -> Any:
    result = runner.invoke(app, ["--emulator", *args], env={"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db")})
    assert "Traceback" not in result.output
    return result


def document(result: Any) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def planned(tmp_path: Path, *args: str) -> dict[str, dict[str, Any]]:
    """Each step of `plan --live -o json`, by resource id."""
    steps = document(cli(tmp_path, "plan", "overlay-cilium", "--live", "-o", "json", *args))["steps"]
    return {s["resource_id"]: s for s in steps}


def applied(tmp_path: Path, *args: str) -> dict[str, dict[str, Any]]:
    """Each resource of `up --yes -o json`, by id."""
    result = cli(tmp_path, "up", "overlay-cilium", "--yes", "-o", "json", *args)
    assert result.exit_code == 0, result.output
    return {r["id"]: r for r in document(result)["resources"]}


def assert_up_did_what_plan_said(plan: dict[str, dict[str, Any]], up: dict[str, dict[str, Any]]) -> None:
    assert set(plan) == set(up)
    for resource_id, step in plan.items():
        assert REPORTED[step["action"]] == up[resource_id]["action"], resource_id
        assert step["changes"] == up[resource_id]["changes"], resource_id


def test_on_an_empty_subscription_everything_is_created_as_planned(tmp_path: Path) -> None:
    plan = planned(tmp_path)
    assert {s["action"] for s in plan.values()} == {"create"}
    assert_up_did_what_plan_said(plan, applied(tmp_path))


def test_a_change_shows_every_field_and_up_applies_exactly_that(tmp_path: Path) -> None:
    applied(tmp_path)
    plan = planned(tmp_path, *GROW, "--set", "tags={team: web}")
    cluster = next(s for s in plan.values() if s["kind"] == "managed_cluster")
    assert cluster["action"] == "update"
    assert {"path": "properties.agentPoolProfiles[system].count", "from": 3, "to": 4} in cluster["changes"]
    assert {"path": "tags.team", "from": None, "to": "web"} in cluster["changes"]
    vnet = next(s for s in plan.values() if s["kind"] == "virtual_network")
    assert vnet["action"] == "update" and vnet["changes"] == [{"path": "tags.team", "from": None, "to": "web"}]
    assert {s["action"] for s in plan.values() if s["kind"] in ("resource_group", "subnet", "identity")} == {
        "unchanged"
    }
    up = applied(tmp_path, *GROW, "--set", "tags={team: web}")
    assert_up_did_what_plan_said(plan, up)
    assert {s["action"] for s in planned(tmp_path, *GROW, "--set", "tags={team: web}").values()} == {"unchanged"}


def test_the_table_shows_the_diff_and_up_reports_what_it_changed(tmp_path: Path) -> None:
    applied(tmp_path)
    table = cli(tmp_path, "plan", "overlay-cilium", "--live", *GROW).stdout
    assert "What up will do" in table
    row = next(line for line in table.splitlines() if "managedClusters aks-cilium" in line)
    assert row.split()[:2] == ["5", "update"] and "properties.agentPoolProfiles[system].count" in table
    assert "3 -> 4" in table
    done = cli(tmp_path, "up", "overlay-cilium", "--yes", *GROW)
    assert done.exit_code == 0, done.output
    assert "updated    managedClusters aks-cilium" in done.stdout and "3 -> 4" in done.stdout


def test_offline_plan_has_not_looked_so_it_says_create() -> None:
    result = runner.invoke(app, ["plan", "overlay-cilium", "-o", "json"])
    steps = document(result)["steps"]
    assert {s["action"] for s in steps} == {"create"} and all("changes" not in s for s in steps)


def test_a_group_found_is_adopted_a_brought_vnet_used_and_a_subnet_in_use_refused(tmp_path: Path) -> None:
    emulator = Emulator(str(tmp_path / "emulator.db"))
    group = f"/subscriptions/{SUB}/resourceGroups/rg-aks-cilium"
    assert emulator.request(
        "PUT", f"https://management.azure.com{group}?api-version=2021-04-01", {"location": "eastus2"}
    )[0] in (200, 201)
    emulator.close()
    plan = planned(tmp_path)
    assert plan[group]["action"] == "adopt" and "existed before" in plan[group]["reason"]
    assert_up_did_what_plan_said(plan, applied(tmp_path))
    brought = ("--set", "deployment=second", "--set", "vnet.existing=true", "--set", "cluster.name=aks-2")
    more = (*brought, "--set", "vnet.subnet.existing=true", "--set", "identity.name=id-2")
    plan = {s["kind"]: s for s in planned(tmp_path, *more).values()}
    assert plan["virtual_network"]["action"] == "use" and "brought by you" in plan["virtual_network"]["reason"]
    assert plan["subnet"]["action"] == "use"  # Azure CNI clusters may share a node subnet
    emulator = Emulator(str(tmp_path / "emulator.db"))
    subnet = f"{group}/providers/Microsoft.Network/virtualNetworks/vnet-aks-cilium/subnets/snet-aks-nodes"
    url = f"https://management.azure.com{subnet}?api-version=2024-05-01"
    body = emulator.request("GET", url)[2]
    delegation = {"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}
    body["properties"]["delegations"] = [delegation]
    assert emulator.request("PUT", url, body)[0] in (200, 201)
    emulator.close()
    plan = {s["kind"]: s for s in planned(tmp_path, *more).values()}
    assert plan["subnet"]["action"] == "refuse" and plan["subnet"]["finding"]["code"] == "SUBNET_IN_USE"


def test_what_cannot_change_is_refused_with_its_finding_and_nothing_is_written(tmp_path: Path) -> None:
    applied(tmp_path)
    result = cli(
        tmp_path,
        "plan",
        "overlay-cilium",
        "--live",
        "-o",
        "json",
        "--set",
        "cluster.service_cidr=10.1.0.0/16",
        "--set",
        "cluster.dns_service_ip=10.1.0.10",
    )
    assert result.exit_code == 2
    cluster = next(s for s in document(result)["steps"] if s["kind"] == "managed_cluster")
    assert cluster["action"] == "refuse" and cluster["finding"]["code"] == "IMMUTABLE_CHANGE"
    assert cluster["finding"]["field"] == "cluster.service_cidr"


CLOUD_SCENARIOS = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml") if "azure-local" not in p.stem)


@pytest.mark.parametrize("scenario", CLOUD_SCENARIOS)
def test_every_bundled_scenario_does_what_plan_live_said_then_converges(tmp_path: Path, scenario: str) -> None:
    """Every kind of resource (zones, NAT gateways, public IPs, pod subnets, dual-stack subnets): `up` does
    what `plan --live` said, and once it has, plan --live says nothing is left to write."""
    env = ("--set", "cluster.windows_admin_username=azureuser")
    extra = env if "windows" in scenario else ()

    def steps() -> dict[str, dict[str, Any]]:
        result = cli(tmp_path, "plan", scenario, "--live", "-o", "json", *extra)
        assert result.exit_code == 0, result.output
        return {s["resource_id"]: s for s in document(result)["steps"]}

    def up() -> dict[str, dict[str, Any]]:
        result = runner.invoke(
            app,
            ["--emulator", "up", scenario, "--yes", "-o", "json", *extra],
            env={"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), WINDOWS_PASSWORD_ENV: "P@ssw0rd-1234!"},
        )
        assert result.exit_code == 0, result.output
        return {r["id"]: r for r in document(result)["resources"]}

    first = steps()
    assert {s["action"] for s in first.values()} == {"create"}
    assert_up_did_what_plan_said(first, up())
    again = steps()
    assert {s["action"] for s in again.values()} <= {"unchanged", "use", "adopt"}, again
    assert_up_did_what_plan_said(again, up())


def test_plan_live_shows_an_nsg_that_blocks_the_api_server_in_json_with_exit_2(tmp_path: Path) -> None:
    emulator = Emulator(str(tmp_path / "emulator.db"))
    group = f"/subscriptions/{SUB}/resourceGroups/rg-aks-apiserver"
    network = f"https://management.azure.com{group}/providers/Microsoft.Network"
    assert emulator.request(
        "PUT", f"https://management.azure.com{group}?api-version=2021-04-01", {"location": "eastus"}
    )
    deny = {"priority": 200, "direction": "Inbound", "access": "Deny", "protocol": "*", "sourcePortRange": "*"}
    deny |= {"sourceAddressPrefix": "*", "destinationAddressPrefix": "*", "destinationPortRange": "4443"}
    rules = {"location": "eastus", "properties": {"securityRules": [{"name": "deny-4443", "properties": deny}]}}
    nsg = emulator.request("PUT", f"{network}/networkSecurityGroups/nsg-api?api-version=2024-05-01", rules)[2]["id"]
    api = {"addressPrefix": "10.80.4.0/28", "networkSecurityGroup": {"id": nsg}}
    api["delegations"] = [{"name": "aks", "properties": {"serviceName": "Microsoft.ContainerService/managedClusters"}}]
    subnets = [
        {"name": "snet-nodes", "properties": {"addressPrefix": "10.80.0.0/22"}},
        {"name": "snet-apiserver", "properties": api},
        {"name": "snet-ilb", "properties": {"addressPrefix": "10.80.5.0/27"}},
    ]
    vnet = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.80.0.0/16"]}}}
    vnet["properties"]["subnets"] = subnets
    assert emulator.request("PUT", f"{network}/virtualNetworks/vnet-aks-apiserver?api-version=2024-05-01", vnet)
    emulator.close()
    args = ("plan", "private-apiserver-vnet-integration", "--live", "-o", "json", "--set", "vnet.existing=true")
    result = cli(tmp_path, *args)
    assert result.exit_code == 2, result.output
    blocks = [f for f in document(result)["findings"] if f["code"] == "API_SERVER_NSG_BLOCKS"]
    assert [f["field"] for f in blocks] == ["vnet.subnets.0.name"]
    assert "denies TCP 4443 from cluster subnet snet-nodes 10.80.0.0/22" in blocks[0]["message"]
    assert (
        "rule deny-4443 (priority 200, Inbound, Deny)" in blocks[0]["message"] and "--priority 199" in blocks[0]["hint"]
    )
