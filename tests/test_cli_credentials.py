"""`aksnet credentials`: the kubeconfig through the SDK from the emulator, merged without clobbering."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from aksnet.cli.main import app

runner = CliRunner()
CLUSTER = ("-g", "rg-aks-cilium", "-n", "aks-cilium")
OTHER = {
    "apiVersion": "v1",
    "kind": "Config",
    "clusters": [{"name": "prod", "cluster": {"server": "https://prod.example:443"}}],
    "contexts": [{"name": "prod", "context": {"cluster": "prod", "user": "prod-user"}}],
    "users": [{"name": "prod-user", "user": {"token": "keep-me"}}],
    "current-context": "prod",
}


def cli(tmp_path: Path, *args: str) -> Any:
    env = {"AKSNET_EMULATOR": "1", "AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), "COLUMNS": "200"}
    result = runner.invoke(app, list(args), env=env)
    assert "Traceback" not in result.output
    return result


def test_up_names_the_api_server_and_the_next_step(tmp_path: Path) -> None:
    done = cli(tmp_path, "up", "overlay-cilium")
    assert done.exit_code == 0, done.output
    assert "API server: https://aks-cilium-" in done.stdout and ".hcp.eastus2.azmk8s.io:443" in done.stdout
    assert "next: aksnet credentials -g rg-aks-cilium -n aks-cilium, then kubectl get nodes" in done.stdout


def test_credentials_are_merged_keeping_every_other_context(tmp_path: Path) -> None:
    assert cli(tmp_path, "up", "overlay-cilium").exit_code == 0
    kubeconfig = tmp_path / "kube" / "config"
    kubeconfig.parent.mkdir()
    kubeconfig.write_text(yaml.safe_dump(OTHER))
    fetched = cli(tmp_path, "credentials", *CLUSTER, "--file", str(kubeconfig), "-o", "json")
    assert fetched.exit_code == 0, fetched.output
    document = json.loads(fetched.stdout)
    assert document["context"] == "aks-cilium" and document["server"].startswith("https://aks-cilium-")
    assert "token" not in fetched.stdout and "client-key" not in fetched.stdout  # no secret reaches the output
    merged = yaml.safe_load(kubeconfig.read_text())
    assert merged["current-context"] == "aks-cilium"
    assert [c["name"] for c in merged["contexts"]] == ["prod", "aks-cilium"]
    assert merged["users"][0] == OTHER["users"][0]
    assert stat.S_IMODE(kubeconfig.stat().st_mode) == 0o600
    admin = cli(tmp_path, "credentials", *CLUSTER, "--admin", "--file", str(kubeconfig), "-o", "json")
    assert json.loads(admin.stdout)["context"] == "aks-cilium-admin"
    again = yaml.safe_load(kubeconfig.read_text())
    assert [c["name"] for c in again["contexts"]] == ["prod", "aks-cilium", "aks-cilium-admin"]
    assert [u["name"] for u in again["users"]][1:] == [
        "clusterUser_rg-aks-cilium_aks-cilium",
        "clusterAdmin_rg-aks-cilium_aks-cilium",
    ]


def test_a_file_that_is_no_kubeconfig_is_left_alone(tmp_path: Path) -> None:
    assert cli(tmp_path, "up", "overlay-cilium").exit_code == 0
    target = tmp_path / "config"
    target.write_text("- just\n- a list\n")
    refused = cli(tmp_path, "credentials", *CLUSTER, "--file", str(target), "-o", "json")
    assert refused.exit_code == 2 and json.loads(refused.stdout)["error"]["code"] == "KUBECONFIG_INVALID"
    assert target.read_text() == "- just\n- a list\n"


def test_a_missing_cluster_is_not_found(tmp_path: Path) -> None:
    missing = cli(tmp_path, "credentials", "-g", "nope", "-n", "nope", "--file", str(tmp_path / "c"), "-o", "json")
    assert missing.exit_code == 3 and not (tmp_path / "c").exists()
