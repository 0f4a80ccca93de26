"""Start-up paths: plain option conversion gives typer's own results, and the light commands stay light."""

from __future__ import annotations

import os
import subprocess
import sys
from enum import Enum
from typing import Any

import pytest
import typer
from typer._coercion import build_runtime_param
from typer.testing import CliRunner

from aksnet.cli.fast_options import _PlainParam
from aksnet.cli.main import app
from aksnet.scenarios import SCENARIO_DIR

runner = CliRunner()


def _parameters() -> list[tuple[str, Any]]:
    group = typer.main.get_command(app)
    commands = [group, *group.commands.values()]  # type: ignore[attr-defined]
    return [(f"{c.name} {p.name}", p) for c in commands for p in c.params]


def _samples(annotation: Any) -> list[Any]:
    if typing_list_of(annotation) is not None:
        return [[s] for s in _samples(typing_list_of(annotation))] + [["a", "b"], (), "single"]
    if annotation is str:
        return ["value", "", "-x"]
    if annotation is int:
        return ["0", "1", "8", "-3", "+5", " 7", "1_0", "x", "١", 8]
    if annotation is bool:  # strings come from environment variables (AKSNET_EMULATOR=1)
        return [True, False, "1", "0", "true", "False", "YES", " on ", "", "t", "maybe", "2", "ﬂ"]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [*(m.value for m in annotation), *annotation, "JSON", "nope"]
    return []


def typing_list_of(annotation: Any) -> Any:
    import typing

    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else None


def _outcome(runtime: Any, value: Any, param: Any) -> tuple[str, Any]:
    ctx = typer.Context(typer.main.get_command(app))
    try:
        return "ok", runtime.coerce(value, param=param, ctx=ctx)
    except Exception as exc:
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize(("label", "param"), _parameters(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_plain_option_converts_exactly_as_typer_itself(label: str, param: Any) -> None:
    descriptor = param.type_descriptor
    fast = param._runtime_param
    if not isinstance(fast, _PlainParam):
        pytest.skip(f"{label}: {descriptor.annotation} keeps typer's own conversion")
    own = build_runtime_param(descriptor)
    for value in [None, *_samples(descriptor.annotation)]:
        assert _outcome(fast, value, param) == _outcome(own, value, param), (label, value)


def test_the_options_of_every_command_but_paths_are_converted_plainly() -> None:
    kept = {label for label, p in _parameters() if not isinstance(p._runtime_param, _PlainParam)}
    assert all("polic" in label for label in kept), kept  # migrate-policy's --policies is a Path


def test_an_invalid_option_still_gets_typers_message_and_exit_2() -> None:
    result = runner.invoke(app, ["up", "--parallel", "0", "x.yaml"])
    assert result.exit_code == 2
    assert "Invalid value for '--parallel'" in result.output
    result = runner.invoke(app, ["plan", str(SCENARIO_DIR / "byo-cni.yaml"), "-o", "xml"])
    assert result.exit_code == 2
    assert "'xml' is not one of 'table', 'json', 'jsonc', 'yaml', 'tsv', 'none'" in result.output


@pytest.mark.parametrize("args", [["--help"], ["plan", str(SCENARIO_DIR / "kubenet-byo-route-table.yaml")]])
@pytest.mark.parametrize("emulator", ["", "1"])
def test_help_and_plan_import_neither_pydantic_nor_the_azure_sdk_nor_the_lazy_libraries(
    args: list[str], emulator: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aksnet", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "AKSNET_EMULATOR": emulator},  # a flag's value from the environment is a string
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")}
    # jmespath (--query), ruamel.yaml (migrate-policy --spec) and drawsvg (plan --map) load only when asked for.
    assert not {m for m in modules if m.split(".")[0] in {"pydantic", "azure", "jmespath", "ruamel", "drawsvg"}}


def test_the_pinned_typer_still_has_the_internals_fast_options_relies_on() -> None:
    """When this fails, Typer moved on: re-check cli/fast_options.py against it, then move the pin."""
    import re
    from importlib.metadata import version
    from pathlib import Path

    import typer._coercion as coercion
    import typer._param_types as param_types

    pin = re.search(r'"typer>=([\d.]+),<([\d.]+)"', (Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert pin is not None
    installed = tuple(int(part) for part in version("typer").split(".")[:2])
    low, high = (tuple(int(part) for part in bound.split(".")[:2]) for bound in pin.groups())
    assert low <= installed < high
    assert callable(coercion.build_runtime_param) and callable(param_types.coerce_cli_choice)
    kept = [label for label, p in _parameters() if not isinstance(p._runtime_param, _PlainParam)]
    assert all("polic" in label for label in kept), kept  # the fast path is in use for every plain option
