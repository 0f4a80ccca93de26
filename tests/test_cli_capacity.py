"""`aksnet capacity` where users type numbers, and the location checked offline and live (through the CLI)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aksnet.cli.main import app

runner = CliRunner()


def invoke(*args: str, **env: str) -> Any:
    result = runner.invoke(app, list(args), env=env or None)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("nodes", ["0", "-3"])
def test_zero_or_negative_nodes_are_refused(nodes: str) -> None:
    result = invoke("capacity", "--plugin", "azure", "--subnet", "10.0.0.0/24", "--nodes", nodes, "-o", "json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "BAD_ARGUMENT" and f"--nodes {nodes}" in error["message"]


def test_host_bits_are_refused_in_the_words_the_scenario_file_gets(tmp_path: Path) -> None:
    result = invoke("capacity", "--plugin", "kubenet", "--subnet", "10.0.0.1/24", "-o", "json")
    error = json.loads(result.stdout)["error"]
    assert result.exit_code == 2
    assert error["message"] == "--subnet: '10.0.0.1/24' has host bits set"
    assert error["hint"] == "use the network address: 10.0.0.0/24"
    spec = invoke("plan", "overlay-cilium", "--set", "vnet.subnet.address_prefix=10.0.0.1/24", "-o", "json")
    (finding,) = json.loads(spec.stdout)["findings"]
    assert finding["message"] == "vnet.subnet.address_prefix: '10.0.0.1/24' has host bits set"
    assert finding["hint"] == error["hint"]


def test_a_subnet_with_no_usable_address_is_refused_like_the_spec_path() -> None:
    result = invoke("capacity", "--plugin", "azure", "--subnet", "10.20.0.0/30", "-o", "json")
    error = json.loads(result.stdout)["error"]
    assert result.exit_code == 2 and error["code"] == "SUBNET_TOO_SMALL"
    spec = invoke("plan", "overlay-cilium", "--set", "vnet.subnet.address_prefix=10.20.0.0/30", "-o", "json")
    messages = {f["message"] for f in json.loads(spec.stdout)["findings"] if f["code"] == "SUBNET_TOO_SMALL"}
    assert error["message"] in messages


def test_the_table_ends_with_a_verdict_line() -> None:
    short = invoke("capacity", "--plugin", "azure", "--subnet", "10.0.0.0/24", "--max-pods", "30", "--nodes", "10")
    assert short.exit_code == 2
    assert short.stdout.rstrip().splitlines()[-1] == "does not fit: needs 341 addresses, the /24 holds 251; use a /23"
    fits = invoke("capacity", "--plugin", "overlay", "--subnet", "10.0.0.0/24", "--nodes", "20")
    assert fits.exit_code == 0
    last = fits.stdout.rstrip().splitlines()[-1]
    assert last.startswith("fits: needs 22 addresses, the /24 holds 251; pod range needs 22 /24 blocks")
    holds = invoke("capacity", "--plugin", "kubenet", "--subnet", "10.0.0.0/24")
    assert holds.stdout.rstrip().splitlines()[-1].startswith("the /24 holds 251 addresses: up to 251 nodes")


def test_an_unknown_location_is_an_error_offline_with_did_you_mean() -> None:
    result = invoke("plan", "overlay-cilium", "--set", "location=eastu2", "-o", "json")
    assert result.exit_code == 2
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "LOCATION_UNKNOWN"]
    assert finding["field"] == "location" and finding["hint"].startswith("did you mean eastus2")


def test_a_location_the_subscription_does_not_offer_is_refused_live(tmp_path: Path) -> None:
    env = {"AKSNET_EMULATOR": "1", "AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db")}
    offline = invoke("plan", "overlay-cilium", "--set", "location=germanynorth", "-o", "json")
    assert offline.exit_code == 0  # a public region, restricted: only the subscription knows
    live = invoke("up", "overlay-cilium", "--set", "location=germanynorth", "-o", "json", **env)
    assert live.exit_code == 2
    document = json.loads(live.stdout)
    assert document["error"]["code"] == "LOCATION_NOT_AVAILABLE" and document["resources"] == []
