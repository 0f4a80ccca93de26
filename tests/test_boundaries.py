"""A whole `plan` run imports no Azure SDK (tests/test_layers.py holds each module's imports), and the
subscription precedence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from aksnet.scenarios import SCENARIO_DIR
from aksnet.subscription import cli_default_subscription, resolve_subscription


def loaded_azure_modules(statement: str) -> list[str]:
    probe = f"import sys\n{statement}\nprint([m for m in sys.modules if m == 'azure' or m.startswith('azure.')])"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True, timeout=60).stdout
    return list(json.loads(out.replace("'", '"')))


def test_plan_command_runs_without_importing_the_azure_sdk() -> None:
    scenario = SCENARIO_DIR / "kubenet-byo-route-table.yaml"
    statement = (
        "from typer.testing import CliRunner\nfrom aksnet.cli.main import app\n"
        f"assert CliRunner().invoke(app, ['plan', {str(scenario)!r}]).exit_code == 0"
    )
    assert loaded_azure_modules(statement) == []


def test_subscription_precedence_is_flag_then_spec_then_environment_then_cli(tmp_path: Path) -> None:
    profile = tmp_path / "azureProfile.json"
    profile.write_text('\ufeff{"subscriptions": [{"id": "cli-default", "isDefault": true}]}', encoding="utf-8")
    env = {"AZURE_SUBSCRIPTION_ID": "from-env", "AZURE_CONFIG_DIR": str(tmp_path)}
    assert resolve_subscription("flag", "spec", env) == ("flag", "--subscription")
    assert resolve_subscription(None, "spec", env)[0] == "spec"
    assert resolve_subscription(None, None, env)[0] == "from-env"
    sub, source = resolve_subscription(None, None, {"AZURE_CONFIG_DIR": str(tmp_path)})
    assert sub == "cli-default" and "Azure CLI" in source


def test_unreadable_cli_profile_counts_as_no_subscription(tmp_path: Path) -> None:
    (tmp_path / "azureProfile.json").write_text("not json")
    assert cli_default_subscription(tmp_path / "azureProfile.json") is None
