"""`aksnet down` through the real CLI on the emulator: JSON contract, table, confirmation, exit codes, Ctrl-C."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from aksnet.cli.main import app
from aksnet.emulator import Emulator
from aksnet.scenarios import SCENARIO_DIR
from helpers import Child

runner = CliRunner()
KUBENET = str(SCENARIO_DIR / "kubenet-byo-route-table.yaml")
OVERLAY = str(SCENARIO_DIR / "overlay-cilium.yaml")
RESULT_KEYS = {"ok", "deployment", "resources", "cluster", "timings", "error", "dry_run"}
RESOURCE_KEYS = {"type", "id", "action", "reason", "changes"}
SUB = "00000000-0000-0000-0000-000000000000"
SECOND = [  # a second deployment in the first one's resource group, adding a subnet to its VNet
    *("--set", "deployment=second", "--set", "resource_group=rg-aks-cilium", "--set", "vnet.existing=true"),
    *("--set", "vnet.resource_group=rg-aks-cilium", "--set", "vnet.subnet.name=snet-second"),
    *("--set", "vnet.subnet.existing=false", "--set", "vnet.subnet.address_prefix=10.20.1.0/24"),
    *("--set", "cluster.name=aks-second", "--set", "identity.name=id-second"),
]


def cli(tmp_path: Path, *args: str, **env: str) -> Any:
    environment = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), **env}
    result = runner.invoke(app, ["--emulator", *args], env=environment)
    assert "Traceback" not in result.output
    return result


def cluster_exists(tmp_path: Path, group: str = "myResourceGroup", name: str = "myAKSCluster") -> bool:
    return bool(cli(tmp_path, "status", "-g", group, "-n", name, "-o", "json").exit_code == 0)


def actions(document: dict[str, Any]) -> dict[str, str]:
    return {r["id"].rsplit("/", 1)[-1]: r["action"] for r in document["resources"]}


def subprocess_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "AKSNET_EMULATOR": "1", "AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), **extra}


def test_down_json_is_the_contract_with_dry_run(tmp_path: Path) -> None:
    assert cli(tmp_path, "up", KUBENET, "-o", "json").exit_code == 0
    result = cli(tmp_path, "down", KUBENET, "--yes", "-o", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == RESULT_KEYS
    assert all(set(r) == RESOURCE_KEYS for r in document["resources"])
    assert document["ok"] is True and document["dry_run"] is False and document["cluster"] is None
    assert set(actions(document).values()) == {"deleted"}
    assert set(document["timings"]) >= {"managed_cluster", "subnet", "resource_group"}
    assert not cluster_exists(tmp_path)


def test_dry_run_lists_what_would_go_and_deletes_nothing(tmp_path: Path) -> None:
    assert cli(tmp_path, "up", KUBENET, "-o", "json").exit_code == 0
    result = cli(tmp_path, "down", KUBENET, "--dry-run", "-o", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["dry_run"] is True and set(actions(document).values()) == {"deleted"}
    table = cli(tmp_path, "down", KUBENET, "--dry-run")
    assert "dry run, nothing was deleted" in table.stdout and "would delete  managedClusters" in table.stdout
    assert cluster_exists(tmp_path)


def test_without_a_terminal_and_without_yes_down_refuses_and_deletes_nothing(tmp_path: Path) -> None:
    assert cli(tmp_path, "up", KUBENET, "-o", "json").exit_code == 0
    result = cli(tmp_path, "down", KUBENET, "-o", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["error"]["code"] == "CONFIRMATION_REQUIRED"
    assert "--yes" in document["error"]["message"]
    table = cli(tmp_path, "down", KUBENET)
    assert table.exit_code == 2 and "nothing was deleted" in table.stderr
    assert cluster_exists(tmp_path)


def test_a_second_down_needs_no_confirmation_and_exits_0(tmp_path: Path) -> None:
    assert cli(tmp_path, "up", KUBENET, "-o", "json").exit_code == 0
    assert cli(tmp_path, "down", KUBENET, "--yes").exit_code == 0
    again = cli(tmp_path, "down", KUBENET)
    assert again.exit_code == 0, again.output
    assert "8 skipped" in again.stdout


def ask_on_a_terminal(tmp_path: Path, answer: bytes) -> subprocess.CompletedProcess[str]:
    """Run `aksnet down` with stdin on a pseudo-terminal, answering the confirmation prompt."""
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "aksnet", "down", KUBENET]
    with subprocess.Popen(
        command, env=subprocess_env(tmp_path), stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        os.close(terminal)
        os.write(controller, answer)
        out, err = process.communicate(timeout=60)
    os.close(controller)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def test_on_a_terminal_down_shows_what_goes_and_asks(tmp_path: Path) -> None:
    assert cli(tmp_path, "up", KUBENET, "-o", "json").exit_code == 0
    declined = ask_on_a_terminal(tmp_path, b"n\n")
    assert declined.returncode == 1, declined.stderr
    assert "cancelled; nothing changed" in declined.stderr
    dry_run = cli(tmp_path, "down", KUBENET, "--dry-run").stdout.splitlines()[-1]
    assert "will:" in declined.stderr and dry_run in declined.stderr  # the same table and counts as --dry-run
    deleting = int(dry_run.split(" would delete")[0].split()[-1])
    assert f"Delete the {deleting} resource(s) marked 'would delete'?" in declined.stderr
    assert cluster_exists(tmp_path)
    accepted = ask_on_a_terminal(tmp_path, b"y\n")
    assert accepted.returncode == 0, accepted.stderr
    assert not cluster_exists(tmp_path)


def test_a_lock_is_exit_3_naming_the_lock_and_a_rerun_finishes(tmp_path: Path) -> None:
    assert cli(tmp_path, "up", OVERLAY, "-o", "json").exit_code == 0
    vnet = (
        f"/subscriptions/{SUB}/resourceGroups/rg-aks-cilium/providers/Microsoft.Network/virtualNetworks/vnet-aks-cilium"
    )
    lock = f"https://management.azure.com{vnet}/providers/Microsoft.Authorization/locks/keep-me?api-version=2016-09-01"
    emulator = Emulator(str(tmp_path / "emulator.db"))
    assert emulator.request("PUT", lock, {"properties": {"level": "CanNotDelete"}})[0] == 201
    stopped = cli(tmp_path, "down", OVERLAY, "--yes")
    assert stopped.exit_code == 3
    assert "STOPPED (ScopeLocked)" in stopped.stdout
    assert f"fix: remove lock keep-me on {vnet}, then re-run aksnet down" in stopped.stderr
    emulator.request("DELETE", lock)
    finished = cli(tmp_path, "down", OVERLAY, "--yes", "-o", "json")
    assert finished.exit_code == 0, finished.output
    assert actions(json.loads(finished.stdout))["rg-aks-cilium"] == "deleted"


def test_shared_vnet_and_group_report_keeps_every_foreign_resource(tmp_path: Path) -> None:
    assert cli(tmp_path, "up", OVERLAY, "-o", "json").exit_code == 0
    assert cli(tmp_path, "up", OVERLAY, *SECOND, "-o", "json").exit_code == 0
    first = cli(tmp_path, "down", OVERLAY, "--yes")
    assert first.exit_code == 0, first.output
    said = " ".join(first.stdout.split())  # reasons wrap to the terminal's width
    assert "kept virtualNetworks vnet-aks-cilium" in said
    assert "holds subnets of others: snet-second" in said
    assert "resource group still holds 3 other resources: aks-second, id-second, vnet-aks-cilium" in said
    assert cluster_exists(tmp_path, "rg-aks-cilium", "aks-second")
    second = cli(tmp_path, "down", OVERLAY, *SECOND, "--yes", "-o", "json")
    assert second.exit_code == 0, second.output
    assert actions(json.loads(second.stdout))["snet-second"] == "deleted"
    last = cli(tmp_path, "down", OVERLAY, "--yes", "-o", "json")
    assert actions(json.loads(last.stdout))["rg-aks-cilium"] == "deleted"


def test_a_spec_that_cannot_be_read_is_exit_2_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("deployment: [")
    result = cli(tmp_path, "down", str(bad), "--yes", "-o", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "SPEC_INVALID"


def test_ctrl_c_during_the_cluster_delete_exits_130_and_a_rerun_finishes(tmp_path: Path) -> None:
    assert cli(tmp_path, "up", OVERLAY, "-o", "json").exit_code == 0
    env = subprocess_env(tmp_path, AKSNET_EMULATOR_LATENCY="0.02")  # a 6 s cluster delete: the signal lands in it
    command = [sys.executable, "-m", "aksnet", "down", OVERLAY, "--yes"]
    child = Child(command, env)
    child.wait_for_line("managed_cluster: waiting")  # progress goes to stderr: the cluster delete is under way
    child.signal(signal.SIGINT)
    code, out, rest = child.finish(timeout=30)
    assert code == 130
    assert "Traceback" not in rest and "STOPPED (INTERRUPTED)" in out
    assert "not started: interrupted; a re-run continues" in out
    resumed = subprocess.run([*command, "-o", "json"], check=False, env=env, capture_output=True, timeout=60, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert actions(json.loads(resumed.stdout))["rg-aks-cilium"] == "deleted"
