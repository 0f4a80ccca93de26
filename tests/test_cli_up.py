"""`up` and `status` through the real CLI on the emulator: JSON contract, exit codes, secrets, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from aksnet.cli.main import app
from aksnet.emulator.transport import FAKE_TOKEN
from aksnet.scenarios import SCENARIO_DIR
from helpers import Child

runner = CliRunner()
PASSWORD = "Str0ng-Passw0rd!x"
RESULT_KEYS = {"ok", "deployment", "resources", "cluster", "timings", "error", "findings"}
RESOURCE_KEYS = {"type", "id", "action", "reason", "changes"}


def cli(tmp_path: Path, *args: str, **env: str) -> Any:
    environment = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), **env}
    result = runner.invoke(app, ["--emulator", *args], env=environment)
    assert "Traceback" not in result.output
    return result


def test_up_json_is_the_contract_and_status_reads_it_back(tmp_path: Path) -> None:
    result = cli(tmp_path, "up", str(SCENARIO_DIR / "kubenet-byo-route-table.yaml"), "-o", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == RESULT_KEYS
    assert all(set(r) == RESOURCE_KEYS for r in document["resources"])
    assert set(document["timings"]) >= {"resource_group", "virtual_network", "managed_cluster"}
    status = json.loads(cli(tmp_path, "status", "-g", "myResourceGroup", "-n", "myAKSCluster", "-o", "json").stdout)
    cluster = status["cluster"]
    assert cluster["policy_engine"] == "Calico"
    assert cluster["ownership"] == {
        "managed_by_aksnet": True,
        "deployment": "kubenet-byo-rt",
        "tags": cluster["ownership"]["tags"],
    }
    subnet = cluster["subnets"][0]
    assert (subnet["address_prefix"], subnet["used"], subnet["free"]) == ("192.168.1.0/24", 3, 248)


def test_fleet_json_lists_each_deployment_and_exits_with_the_worst(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("deployment: [")
    result = cli(tmp_path, "up", str(SCENARIO_DIR / "byo-cni.yaml"), str(bad), "-o", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert [d["ok"] for d in document["deployments"]] == [True, False]


def test_no_token_or_password_reaches_any_output(tmp_path: Path) -> None:
    scenario = str(SCENARIO_DIR / "azure-cni-calico-windows.yaml")
    for output in ("table", "json"):
        result = cli(tmp_path, "up", scenario, "-o", output, AKSNET_WINDOWS_ADMIN_PASSWORD=PASSWORD)
        assert result.exit_code == 0, result.output
        everything = result.stdout + result.stderr
        assert PASSWORD not in everything and FAKE_TOKEN not in everything
    plan = runner.invoke(app, ["plan", scenario, "-o", "json"], env={"AKSNET_WINDOWS_ADMIN_PASSWORD": PASSWORD})
    assert PASSWORD not in plan.stdout


def test_status_of_a_missing_cluster_exits_2(tmp_path: Path) -> None:
    result = cli(tmp_path, "status", "-g", "nope", "-n", "nope", "-o", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "CLUSTER_NOT_FOUND"


def test_ctrl_c_during_the_cluster_create_exits_130_without_a_traceback(tmp_path: Path) -> None:
    # Resuming after an interruption is covered in-process (tests/test_up.py); this pins the real signal.
    env = {
        **os.environ,
        "AKSNET_EMULATOR": "1",
        "AKSNET_EMULATOR_DB": str(tmp_path / "e.db"),
        "AKSNET_EMULATOR_LATENCY": "0.05",  # a 15 s cluster create: the signal lands inside it
    }
    child = Child([sys.executable, "-m", "aksnet", "up", str(SCENARIO_DIR / "overlay-cilium.yaml")], env)
    child.wait_for_line("managed_cluster: waiting for Azure")  # progress goes to stderr: the create is in flight
    child.signal(signal.SIGINT)
    code, out, err = child.finish(timeout=30)
    assert code == 130
    assert "Traceback" not in err and "re-run resumes" in out + err
