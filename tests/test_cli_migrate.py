"""`aksnet migrate-policy` through the real CLI on the emulator: JSON contract, exit codes, confirmation,
the policy scan with the cluster's own ranges, and Ctrl-C then resume."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aksnet.cli.main import app
from aksnet.scenarios import SCENARIO_DIR
from helpers import Child

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "networkpolicies"
EXPORT = FIXTURES / "kubectl-export.yaml"
KUBENET = str(SCENARIO_DIR / "kubenet-byo-route-table.yaml")
# The node subnet of the cluster the kubectl export fixture was taken from (see its header).
EXPORT_NETWORK = ("--set", "vnet.address_prefixes=[10.224.0.0/12]", "--set", "vnet.subnet.address_prefix=10.224.0.0/16")
CLUSTER = ("-g", "myResourceGroup", "-n", "myAKSCluster")
CONTRACT_KEYS = {"ok", "cluster", "from", "to", "steps", "warnings", "dry_run", "resources", "error"}
ADDED_KEYS = {"timings", "reconcile", "notes", "spec_edit", "spec_file"}


def cli(tmp_path: Path, *args: str, input: str | None = None, **env: str) -> Any:
    environment = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), **env}
    result = runner.invoke(app, ["--emulator", *args], env=environment, input=input)
    assert "Traceback" not in result.output + result.stderr
    return result


def kubenet_calico(tmp_path: Path) -> None:
    created = cli(tmp_path, "up", KUBENET, *EXPORT_NETWORK, "-o", "json")
    assert created.exit_code == 0, created.output


def migrate(tmp_path: Path, *args: str, input: str | None = None) -> Any:
    return cli(tmp_path, "migrate-policy", *CLUSTER, *args, input=input)


def policy(tmp_path: Path) -> str:
    status = cli(tmp_path, "status", *CLUSTER, "-o", "json")
    return str(json.loads(status.stdout)["cluster"]["network_profile"]["networkPolicy"])


def test_dry_run_json_is_the_contract(tmp_path: Path) -> None:
    kubenet_calico(tmp_path)
    result = migrate(tmp_path, "--to", "cilium", "--dry-run", "-o", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == CONTRACT_KEYS | ADDED_KEYS
    assert document["cluster"].endswith("/managedClusters/myAKSCluster")
    assert document["from"] == {
        "networkPlugin": "kubenet",
        "networkPluginMode": None,
        "networkDataplane": "azure",
        "networkPolicy": "calico",
    }
    assert (document["to"], document["dry_run"], document["ok"], document["error"]) == ("cilium", True, True, None)
    assert all(set(step) == {"set", "why"} for step in document["steps"])
    assert all(set(warning) == {"code", "message"} for warning in document["warnings"])
    assert [set(r) for r in document["resources"]] == [{"type", "id", "action", "reason", "changes"}]
    assert policy(tmp_path) == "calico"


def test_the_policy_scan_lists_each_policy_with_the_clusters_own_ranges(tmp_path: Path) -> None:
    kubenet_calico(tmp_path)
    result = migrate(tmp_path, "--to", "cilium", "--dry-run", "--policies", str(EXPORT), "-o", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == CONTRACT_KEYS | ADDED_KEYS | {"policy_findings"}
    flagged: dict[str, list[str]] = {}
    for finding in document["policy_findings"]:
        assert set(finding) == {"namespace", "name", "construct", "detail"}
        flagged.setdefault(f"{finding['namespace']}/{finding['name']}", []).append(finding["construct"])
    assert flagged == {
        "default/allow-all-egress": ["ipBlock-pod-or-node-ips", "egress-to-node-ip"],
        "shop/web-named-port": ["named-port"],
        "shop/partner-port-range": ["endPort", "egress-to-node-ip"],
        "monitoring/scrape-from-nodes": ["ipBlock-pod-or-node-ips"],
        "shop/corp-egress-except-cluster": ["egress-to-node-ip"],
    }
    scrape = next(f["detail"] for f in document["policy_findings"] if f["name"] == "scrape-from-nodes")
    assert "node subnet 10.224.0.0/16" in scrape and "private range" not in scrape
    assert "POLICIES_BEHAVE_DIFFERENTLY" in [w["code"] for w in document["warnings"]]


def test_the_policy_scan_reads_a_folder_and_names_what_it_skipped(tmp_path: Path) -> None:
    kubenet_calico(tmp_path)
    result = migrate(tmp_path, "--to", "cilium", "--dry-run", "--policies", str(FIXTURES))
    assert result.exit_code == 0, result.output
    for name in ("allow-all-egress", "dns-via-node", "allow-egress", "web-named-port"):
        assert name in result.stdout
    assert "Deployment tools/toolbox" in " ".join(result.stdout.split())
    assert "backend-from-frontend" not in result.stdout.split("NetworkPolicies Cilium treats differently")[1]


def test_a_policy_file_that_is_not_yaml_is_exit_2_before_anything_changes(tmp_path: Path) -> None:
    kubenet_calico(tmp_path)
    result = migrate(tmp_path, "--to", "cilium", "--yes", "--policies", str(FIXTURES / "bad" / "not-yaml.yaml"))
    assert result.exit_code == 2
    assert "is not valid YAML" in result.stderr
    assert policy(tmp_path) == "calico"


def test_the_policy_scan_is_skipped_when_the_target_is_not_cilium(tmp_path: Path) -> None:
    kubenet_calico(tmp_path)
    result = migrate(tmp_path, "--to", "none", "--dry-run", "--policies", str(EXPORT), "-o", "json")
    document = json.loads(result.stdout)
    assert document["policy_findings"] == []
    assert any("does not move the cluster to Cilium" in note for note in document["notes"])


def test_without_a_terminal_and_without_yes_nothing_changes(tmp_path: Path) -> None:
    kubenet_calico(tmp_path)
    result = migrate(tmp_path, "--to", "none", "-o", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["error"]["code"] == "CONFIRMATION_REQUIRED"
    assert [step["set"] for step in document["steps"]] == [{"networkPolicy": "none"}]
    assert policy(tmp_path) == "calico"


@pytest.mark.parametrize(("answer", "exit_code", "engine"), [("n\n", 1, "calico"), ("y\n", 0, "none")])
def test_on_a_terminal_the_path_is_shown_and_confirmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str, exit_code: int, engine: str
) -> None:
    kubenet_calico(tmp_path)
    monkeypatch.setattr("aksnet.cli.confirm.stdin_is_terminal", lambda: True)
    result = migrate(tmp_path, "--to", "none", input=answer)
    assert result.exit_code == exit_code, result.output
    assert "CALICO_RESOURCES_REMAIN" in result.stderr and "Run these 1 cluster update(s) now?" in result.stderr
    assert policy(tmp_path) == engine


def test_yes_runs_the_steps_and_the_table_says_what_happened(tmp_path: Path) -> None:
    kubenet_calico(tmp_path)
    result = migrate(tmp_path, "--to", "cilium", "--yes")
    assert result.exit_code == 0, result.output
    assert "done" in result.stdout.splitlines()[0]
    assert "3 cluster update(s) applied" in result.stdout
    assert "step 3/3: Succeeded" in result.stderr
    assert policy(tmp_path) == "cilium"
    again = migrate(tmp_path, "--to", "cilium", "-o", "json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["steps"] == []


def test_a_refusal_is_exit_2_with_the_nearest_alternative(tmp_path: Path) -> None:
    kubenet_calico(tmp_path)
    result = migrate(tmp_path, "--to", "azure", "--yes", "-o", "json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "NPM_ON_KUBENET"
    assert "--to calico" in error["alternative"]
    table = migrate(tmp_path, "--to", "azure", "--yes")
    assert table.exit_code == 2 and "Nearest supported alternative" in table.stderr


def test_an_unknown_engine_is_a_usage_error(tmp_path: Path) -> None:
    result = migrate(tmp_path, "--to", "weave")
    assert result.exit_code == 2


def test_a_missing_cluster_is_exit_2(tmp_path: Path) -> None:
    result = migrate(tmp_path, "--to", "cilium", "-o", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "CLUSTER_NOT_FOUND"


def test_ctrl_c_exits_130_without_a_traceback_and_says_what_was_applied(tmp_path: Path) -> None:
    # The resume from the cluster's state is covered in-process (tests/test_migrate.py): in a second process it
    # depended on whether the interrupted update ended before the resumed one started, which load decides.
    kubenet_calico(tmp_path)
    env = {**os.environ, "AKSNET_EMULATOR": "1", "AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db")}
    env["AKSNET_EMULATOR_LATENCY"] = "0.005"  # a policy update takes 3 s
    child = Child([sys.executable, "-m", "aksnet", "migrate-policy", *CLUSTER, "--to", "cilium", "--yes"], env)
    child.wait_for_line("step 1/3: waiting")  # progress goes to stderr: step 1 is under way
    child.signal(signal.SIGINT)
    code, out, rest = child.finish(timeout=30)
    assert code == 130, rest
    assert "Traceback" not in rest and "re-run" in rest
    assert re.search(r"interrupted; \d of 3 cluster update\(s\) applied", out), out  # how many: load decides
