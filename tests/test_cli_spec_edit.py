"""After `migrate-policy`, no stale scenario file: --spec rewrites it (comments and layout kept), without it
the exact edit is said, and `up` on a stale file says to edit it rather than to migrate again."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from aksnet.cli.main import app
from aksnet.scenarios import SCENARIO_DIR

runner = CliRunner()
CLUSTER = ("-g", "myResourceGroup", "-n", "myAKSCluster")


def cli(tmp_path: Path, *args: str) -> Any:
    env = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), "COLUMNS": "200"}
    result = runner.invoke(app, ["--emulator", *args], env=env)
    assert "Traceback" not in result.output
    return result


def own_copy(tmp_path: Path) -> Path:
    path = tmp_path / "my-cluster.yaml"
    path.write_text((SCENARIO_DIR / "kubenet-byo-route-table.yaml").read_text())
    assert cli(tmp_path, "up", str(path)).exit_code == 0
    return path


def test_spec_rewrites_the_network_settings_and_keeps_everything_else(tmp_path: Path) -> None:
    path = own_copy(tmp_path)
    before = path.read_text()
    moved = cli(tmp_path, "migrate-policy", *CLUSTER, "--to", "cilium", "--yes", "--spec", str(path), "-o", "json")
    assert moved.exit_code == 0, moved.output
    document = json.loads(moved.stdout)
    assert document["spec_file"] == str(path)
    assert document["spec_edit"] == {
        "cluster.network_plugin": "azure",
        "cluster.network_plugin_mode": "overlay",
        "cluster.network_dataplane": "cilium",
        "cluster.network_policy": "cilium",
    }
    diff = [line for line in difflib.unified_diff(before.splitlines(), path.read_text().splitlines(), lineterm="", n=0)]
    assert sorted(line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")) == sorted(
        [
            "-  network_plugin: kubenet",
            "-  network_policy: calico",
            "+  network_plugin: azure",
            "+  network_plugin_mode: overlay",
            "+  network_dataplane: cilium",
            "+  network_policy: cilium",
        ]
    )  # comments, the flow-style pools and the quoted "1" are untouched
    again = cli(tmp_path, "up", str(path), "-o", "json")
    assert again.exit_code == 0, again.output
    assert {r["action"] for r in json.loads(again.stdout)["resources"]} == {"unchanged"}


def test_without_spec_the_exact_edit_is_said_and_up_says_to_edit_the_file(tmp_path: Path) -> None:
    path = own_copy(tmp_path)
    moved = cli(tmp_path, "migrate-policy", *CLUSTER, "--to", "cilium", "--yes")
    assert moved.exit_code == 0, moved.output
    said = " ".join(moved.stdout.split())
    assert (
        "make your scenario file say cluster.network_plugin: azure, cluster.network_plugin_mode: overlay, "
        "cluster.network_dataplane: cilium, cluster.network_policy: cilium" in said
    )
    stale = cli(tmp_path, "up", str(path), "-o", "json")
    assert stale.exit_code == 2
    findings = [f for f in json.loads(stale.stdout)["findings"] if f["code"] == "IMMUTABLE_CHANGE"]
    policy = next(f for f in findings if f["field"] == "cluster.network_policy")
    assert "edit the scenario file to say cluster.network_policy: cilium" in policy["hint"]
    assert "rather than migrating again" in policy["hint"]


def test_a_spec_of_another_cluster_is_refused_before_anything_changes(tmp_path: Path) -> None:
    path = own_copy(tmp_path)
    other = ("-g", "myResourceGroup", "-n", "someone-else")
    refused = cli(tmp_path, "migrate-policy", *other, "--to", "cilium", "--yes", "--spec", str(path), "-o", "json")
    assert refused.exit_code == 2
    assert json.loads(refused.stdout)["error"]["code"] == "SPEC_MISMATCH"
    status = cli(tmp_path, "status", *CLUSTER, "-o", "json")
    assert json.loads(status.stdout)["cluster"]["network_profile"]["networkPolicy"] == "calico"
