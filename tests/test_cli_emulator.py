"""`aksnet emulator serve` and `--arm-endpoint` / `--cloud` from the command line."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aksnet.cli.connect import _cloud
from aksnet.cli.main import app
from aksnet.emulator import Emulator
from aksnet.emulator.serve import EmulatorServer, bind, ensure_certificate
from aksnet.scenarios import SCENARIO_DIR

runner = CliRunner()
SCENARIO = SCENARIO_DIR / "kubenet-byo-route-table.yaml"
SUB = "00000000-0000-0000-0000-000000000000"


def test_a_port_in_use_is_one_line_exit_2_and_nothing_is_written(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["emulator", "serve", "--port", str(port), "--db", str(tmp_path / "e.db")])
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_database_is_exit_2_and_left_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    db.write_bytes(b"this is not sqlite, and not ours to change" * 100)
    before = db.read_bytes()
    result = runner.invoke(app, ["emulator", "serve", "--port", "0", "--db", str(db)])
    assert result.exit_code == 2
    assert f"cannot use the emulator database {db}" in result.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.db"]


@pytest.mark.parametrize(("option", "value"), [("--latency", "fast"), ("--faults", "meteor=1")])
def test_bad_settings_are_exit_2(tmp_path: Path, option: str, value: str) -> None:
    result = runner.invoke(app, ["emulator", "serve", "--port", "0", "--db", str(tmp_path / "e.db"), option, value])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_serve_prints_what_clients_need_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "aksnet", "emulator", "serve", "--port", "0", "--db", str(tmp_path / "e.db")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Ctrl-C or SIGTERM"):
            break
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=30)
    text = "".join(lines)
    assert process.returncode == 0, rest
    assert f"CA bundle (self-signed for 127.0.0.1): {tmp_path / 'e.cert.pem'}" in text
    assert "az cloud register -n AksnetEmulator --endpoint-resource-manager https://127.0.0.1:" in text
    assert "az login --service-principal" in text and "REQUESTS_CA_BUNDLE=" in text
    assert "stopped" in rest and "Traceback" not in rest


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[EmulatorServer, Emulator]]:
    emu = Emulator(tmp_path / "served.db")
    server = bind(0)
    server.serve(emu, ensure_certificate(tmp_path / "served.db"))
    yield server, emu
    server.shutdown()
    server.server_close()
    emu.close()


def test_aksnet_drives_a_served_emulator_with_the_fake_authoritys_token(
    served: tuple[EmulatorServer, Emulator], tmp_path: Path
) -> None:
    server, emu = served
    env = {
        "REQUESTS_CA_BUNDLE": str(tmp_path / "served.cert.pem"),
        "AZURE_TENANT_ID": SUB,
        "AZURE_CLIENT_ID": "11111111-1111-1111-1111-111111111111",
        "AZURE_CLIENT_SECRET": "placeholder",
        "AZURE_SUBSCRIPTION_ID": SUB,
        "AKSNET_EMULATOR": "",
    }
    result = runner.invoke(app, ["--arm-endpoint", server.base, "up", str(SCENARIO), "--yes", "-o", "json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True
    path = f"/subscriptions/{SUB}/resourceGroups/myResourceGroup/providers/Microsoft.ContainerService/managedClusters"
    status, _, body = emu.request("GET", f"https://management.azure.com{path}/myAKSCluster?api-version=2026-08-01")
    assert (status, body["properties"]["provisioningState"]) == (200, "Succeeded")


def test_an_arm_endpoint_that_is_not_https_is_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--arm-endpoint", "http://127.0.0.1:1", "status", "-g", "g", "-n", "c"], env={"AKSNET_EMULATOR": ""}
    )
    assert result.exit_code == 2
    assert "not an https:// URL" in result.stderr


def test_an_arm_endpoint_without_metadata_is_exit_4(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = runner.invoke(
        app,
        ["--arm-endpoint", f"https://127.0.0.1:{port}", "status", "-g", "g", "-n", "c", "-o", "json"],
        env={"AKSNET_EMULATOR": ""},
    )
    assert result.exit_code == 4
    assert json.loads(result.stdout)["error"]["code"] == "ARM_ENDPOINT_UNREACHABLE"


def test_the_emulator_and_an_arm_endpoint_together_are_exit_2() -> None:
    result = runner.invoke(app, ["--emulator", "--arm-endpoint", "https://127.0.0.1:1", "status", "-g", "g", "-n", "c"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("name", "endpoint", "authority", "scope"),
    [
        ("AzureCloud", "https://management.azure.com", "login.microsoftonline.com", "https://management.azure.com/.default"),
        ("AzureChinaCloud", "https://management.chinacloudapi.cn", "login.chinacloudapi.cn", "https://management.chinacloudapi.cn/.default"),
        ("AzureUSGovernment", "https://management.usgovcloudapi.net", "login.microsoftonline.us", "https://management.usgovcloudapi.net/.default"),
    ],
)  # fmt: skip
def test_each_cloud_has_its_arm_endpoint_authority_and_scope(
    name: str, endpoint: str, authority: str, scope: str
) -> None:
    cloud = _cloud(name, None)
    assert (cloud.arm_endpoint, cloud.authority, cloud.scope, cloud.known) == (endpoint, authority, scope, True)


def test_a_served_emulators_metadata_names_it_as_authority_and_skips_instance_discovery(
    served: tuple[EmulatorServer, Emulator], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _ = served
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "served.cert.pem"))
    cloud = _cloud("AzureCloud", server.base + "/")
    assert (cloud.arm_endpoint, cloud.authority, cloud.known) == (server.base, server.base, False)
    assert cloud.scope == "https://management.core.windows.net/.default"
