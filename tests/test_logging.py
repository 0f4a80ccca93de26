"""Logging as an Azure SDK user expects: quiet by default, --verbose says what aksnet decides, --debug adds
azure-core's HTTP log, and no token, client secret or Windows password ever reaches any of it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aksnet.azure.context import RunContext
from aksnet.cli.logs import configure
from aksnet.cli.main import app
from aksnet.emulator.transport import FAKE_TOKEN
from aksnet.scenarios import SCENARIO_DIR

runner = CliRunner()
PASSWORD = "Str0ng-Passw0rd!x"
CLIENT_SECRET = "s3cret-value-that-must-never-show"


def cli(tmp_path: Path, *args: str, **env: str) -> Any:
    environment = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), **env}
    return runner.invoke(app, ["--emulator", *args], env=environment)


@pytest.fixture(autouse=True)
def quiet_again() -> Any:
    yield
    configure(verbose=False, debug=False)


def test_without_flags_nothing_but_progress_reaches_stderr(tmp_path: Path) -> None:
    result = cli(tmp_path, "up", str(SCENARIO_DIR / "overlay-cilium.yaml"))
    assert result.exit_code == 0, result.output
    assert " INFO: " not in result.stderr and "aksnet.azure" not in result.stderr


def test_verbose_logs_the_subscription_source_the_plan_and_each_outcome(tmp_path: Path) -> None:
    result = cli(tmp_path, "--verbose", "up", str(SCENARIO_DIR / "overlay-cilium.yaml"))
    assert result.exit_code == 0, result.output
    assert "subscription 00000000-0000-0000-0000-000000000000 (from the emulator's default)" in result.stderr
    assert "plan managed_cluster: create" in result.stderr
    assert "identity id-aks-cilium: created" in result.stderr
    assert "Request URL" not in result.stderr  # HTTP logging is --debug's


def test_debug_logs_http_but_never_the_token_or_the_windows_password(tmp_path: Path) -> None:
    scenario = str(SCENARIO_DIR / "azure-cni-calico-windows.yaml")
    result = cli(tmp_path, "--debug", "up", scenario, "-o", "json", AKSNET_WINDOWS_ADMIN_PASSWORD=PASSWORD)
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "Request URL" in result.stderr and "'Authorization': 'REDACTED'" in result.stderr
    everything = result.stdout + result.stderr
    assert PASSWORD not in everything and FAKE_TOKEN not in everything


def test_aksnet_debug_in_the_environment_is_the_same_as_the_flag(tmp_path: Path) -> None:
    result = cli(tmp_path, "up", str(SCENARIO_DIR / "byo-cni.yaml"), AKSNET_DEBUG="1")
    assert result.exit_code == 0, result.output
    assert "Request URL" in result.stderr


def test_debug_never_logs_a_client_secret(caplog: pytest.LogCaptureFixture) -> None:
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import ClientSecretCredential

    configure(verbose=False, debug=True)
    logging.getLogger("azure").addHandler(caplog.handler)
    # A closed port on this machine: the token request fails at once, after the SDK logged it.
    credential = ClientSecretCredential(
        "00000000-0000-0000-0000-000000000000",
        "00000000-0000-0000-0000-000000000001",
        CLIENT_SECRET,
        authority="https://127.0.0.1:9",
        disable_instance_discovery=True,
    )
    with pytest.raises(ClientAuthenticationError):
        credential.get_token("https://management.azure.com/.default")
    assert caplog.records, "the failed token request was logged"
    assert CLIENT_SECRET not in caplog.text


def test_a_run_context_never_shows_the_windows_password() -> None:
    context = RunContext(clients=None, plan=None, clock=None, windows_password=PASSWORD)  # type: ignore[arg-type]
    assert PASSWORD not in repr(context)
