"""The habits az users bring, through the real CLI: output formats, --query, global options anywhere,
--version, -h, completion, help without Python types, exit 1 on a declined confirmation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from aksnet.cli.global_options import hoist
from aksnet.cli.main import app
from aksnet.render.formats import RESET, to_json, to_jsonc, to_table, to_tsv

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def invoke(*args: str, **env: str) -> Any:
    result = runner.invoke(app, list(args), env=env or None)
    assert "Traceback" not in result.output
    return result


def emulated(tmp_path: Path, *args: str) -> Any:
    return invoke(*args, AKSNET_EMULATOR="1", AKSNET_EMULATOR_DB=str(tmp_path / "emulator.db"))


# --- output formats and --query ------------------------------------------------------------------------------


def test_every_format_prints_the_same_document() -> None:
    document = json.loads(invoke("plan", "overlay-cilium", "-o", "json").stdout)
    as_yaml = invoke("plan", "overlay-cilium", "-o", "yaml")
    assert as_yaml.exit_code == 0 and yaml.safe_load(as_yaml.stdout) == document
    jsonc = invoke("plan", "overlay-cilium", "-o", "jsonc")  # not a terminal: plain JSON, as az does
    assert json.loads(jsonc.stdout) == document
    silent = invoke("plan", "overlay-cilium", "-o", "none")
    assert silent.exit_code == 0 and silent.stdout == ""


def test_jsonc_colours_a_terminal_without_changing_a_character() -> None:
    document = {"ok": True, "n": 3, "name": "aks", "none": None, "list": [1, {"a": "b"}], "empty": {}}
    coloured = to_jsonc(document)
    assert RESET in coloured and ANSI.sub("", coloured) == to_json(document)


def test_query_selects_with_jmespath_in_every_format() -> None:
    ids = invoke("plan", "overlay-cilium", "--query", "steps[].id", "-o", "json")
    assert json.loads(ids.stdout) == [
        "resource_group",
        "virtual_network",
        "identity",
        "subnet",
        "role_assignment.subnet",
        "managed_cluster",
    ]
    tsv = invoke("plan", "overlay-cilium", "--query", "steps[].[id, action]", "-o", "tsv")
    assert tsv.stdout.splitlines()[0] == "resource_group\tcreate"
    table = invoke("plan", "overlay-cilium", "--query", "capacity.{nodes: max_nodes, pods: max_pods}")
    assert table.stdout.split() == ["Nodes", "Pods", "251", "62750"]


def test_tsv_follows_az_a_list_cell_is_its_length_an_object_cell_is_empty() -> None:
    rows = [{"name": "a", "ok": True, "tags": {"x": "y"}, "ids": [1, 2], "gone": None}, {"name": "b"}]
    assert to_tsv(rows) == "a\ttrue\t\t2\t\nb\n"
    assert to_tsv("just text") == "just text\n"
    assert to_table([{"id": "/sub/x", "name": "a", "deep": {"x": 1}}]).splitlines() == ["Name", "a"]


def test_a_bad_query_is_refused_before_anything_runs_and_in_the_formats_shape(tmp_path: Path) -> None:
    result = emulated(tmp_path, "up", "overlay-cilium", "--query", "steps[", "-o", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["error"]["code"] == "QUERY_INVALID" and "steps[" in document["error"]["message"]
    assert not (tmp_path / "emulator.db").exists()  # no session was opened: nothing ran
    as_yaml = invoke("plan", "overlay-cilium", "--query", "[?", "-o", "yaml")
    assert as_yaml.exit_code == 2 and yaml.safe_load(as_yaml.stdout)["error"]["code"] == "QUERY_INVALID"


def test_a_failed_command_with_a_query_still_says_why_on_stderr(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("deployment: x\n")
    result = invoke("plan", str(spec), "-o", "json", "--query", "steps")
    assert result.exit_code == 2 and json.loads(result.stdout) == []
    assert "Error:" in result.stderr and "SPEC_INVALID" in result.stderr


def test_errors_stay_one_document_in_json_modes(tmp_path: Path) -> None:
    result = emulated(tmp_path, "status", "-g", "nope", "-n", "nope", "-o", "yaml")
    assert result.exit_code != 0
    assert yaml.safe_load(result.stdout)["ok"] is False and "Error:" not in result.stderr


# --- global options anywhere ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "json", "--query", "deployment", "plan", "overlay-cilium"],
        ["plan", "overlay-cilium", "-o", "json", "--query", "deployment"],
        ["plan", "--output=json", "overlay-cilium", "--query=deployment"],
        ["--query", "deployment", "plan", "-ojson", "overlay-cilium"],
    ],
)
def test_global_options_work_before_or_after_the_command(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == "overlay-cilium"


def test_emulator_and_subscription_work_after_the_command_too(tmp_path: Path) -> None:
    sub = "11111111-2222-3333-4444-555555555555"
    result = invoke(
        "plan", "overlay-cilium", "--live", "--emulator", "--subscription", sub, "-o", "json",
        AKSNET_EMULATOR_DB=str(tmp_path / "emulator.db"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["subscription_id"] == sub
    assert f"state in {tmp_path / 'emulator.db'}" in result.stderr.splitlines()[0]


def test_hoisting_leaves_the_commands_own_values_and_everything_after_the_separator() -> None:
    globals_ = {"-o": True, "--output": True, "--debug": False}
    own = {"--set": True, "-y": False}
    args = ["up", "--set", "x=--debug", "a.yaml", "--debug", "-o", "json", "--", "-o", "tsv"]
    assert hoist(args, globals_, lambda name: own) == [
        *("--debug", "-o", "json", "up", "--set", "x=--debug", "a.yaml", "--", "-o", "tsv")
    ]
    assert hoist(["-o", "json", "plan", "x"], globals_, lambda name: own) == ["-o", "json", "plan", "x"]


# --- --version, -h, completion, help text --------------------------------------------------------------------


def test_version_names_aksnet_and_the_sdk_it_runs_without_importing_it() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    first, *rest = result.stdout.splitlines()
    assert re.fullmatch(r"aksnet \d+\.\d+\.\d+", first)
    names = {line.split()[0] for line in rest}
    assert {"azure-core", "azure-mgmt-containerservice", "azure-mgmt-network", "azure-identity", "python"} <= names


def test_dash_h_is_help_for_the_app_and_every_command() -> None:
    assert invoke("-h").stdout == invoke("--help").stdout
    assert "Usage: aksnet plan" in invoke("plan", "-h").stdout


def test_completion_is_typers_for_the_shell_it_detects(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer.completion

    monkeypatch.setattr(typer.completion, "_get_shell_name", lambda: "bash")  # the shell running the test varies
    result = invoke("--show-completion")
    assert result.exit_code == 0, result.output
    assert "_AKSNET_COMPLETE=complete_bash" in result.stdout and "complete -o default -F" in result.stdout
    assert "--install-completion" in invoke("--help").stdout


def _all_help() -> list[tuple[str, str]]:
    group = typer.main.get_command(app)
    pages = [("aksnet", invoke("--help").stdout)]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        pages.append((name, invoke(name, "--help").stdout))
        for sub in getattr(command, "commands", {}):
            pages.append((f"{name} {sub}", invoke(name, sub, "--help").stdout))
    return pages


@pytest.mark.parametrize(("command", "page"), _all_help(), ids=lambda v: v if " " not in v else "")
def test_help_shows_no_python_types(command: str, page: str) -> None:
    assert page.startswith("Usage: aksnet"), command
    assert not re.search(r"<[a-z_\[\], ]+>|\{[a-z_]+\}|\[str\]|list\[", page), page
    if command != "aksnet":
        assert "Global options (before or after the command)" in page


# --- a declined confirmation ---------------------------------------------------------------------------------


def test_a_declined_confirmation_exits_1_cancelled_nothing_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert emulated(tmp_path, "up", "overlay-cilium").exit_code == 0
    monkeypatch.setattr("aksnet.cli.confirm.stdin_is_terminal", lambda: True)
    env = {"AKSNET_EMULATOR": "1", "AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db")}
    result = runner.invoke(app, ["up", "overlay-cilium", "--set", "cluster.node_pools.0.count=4"], input="n\n", env=env)
    assert result.exit_code == 1, result.output
    assert "cancelled; nothing changed" in result.stderr and "CONFIRMATION_DECLINED" in result.stdout
    after = json.loads(emulated(tmp_path, "status", "-g", "rg-aks-cilium", "-n", "aks-cilium", "-o", "json").stdout)
    assert after["cluster"]["node_pools"][0]["count"] == 3


# --- small things users noticed ------------------------------------------------------------------------------


def test_a_fleets_failed_row_shows_its_first_finding(tmp_path: Path) -> None:
    source = (Path(__file__).parents[1] / "aksnet/scenarios/byo-cni.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.replace("deployment: byo-cni", "deployment: bad").replace("eastus", "eastu"))
    result = invoke(
        "up", "overlay-cilium", str(bad),
        AKSNET_EMULATOR="1", AKSNET_EMULATOR_DB=str(tmp_path / "emulator.db"), COLUMNS="200",
    )  # fmt: skip
    assert result.exit_code == 2
    row = next(line for line in result.stdout.splitlines() if line.lstrip().startswith("bad "))
    assert "FAILED" in row and "LOCATION_UNKNOWN [location]: location 'eastu' is not a public Azure region" in row


def test_the_progress_lines_label_the_total_and_give_a_steps_time_once() -> None:
    import io

    from aksnet.cli.progress import LineProgress

    stream = io.StringIO()
    progress = LineProgress(stream)
    progress.started("d", "vnet", "create vnet")
    progress.finished("d", "vnet", "created", 1.25)
    first, second = stream.getvalue().splitlines()
    assert first.startswith("[total ") and "s] vnet: create vnet" in first
    assert second.endswith("vnet: created, took 1.2s") and second.count("took") == 1
