"""Tables that fit 80 and 120 columns: every command's table output at both widths, through the real CLI.

Resources are named by type and name (full ids stay in JSON); long reasons wrap between words. A
table at 80 columns holds exactly the words of the same table unwrapped, so no word was broken.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aksnet.cli.main import app

runner = CliRunner()
WIDE = 1000


def run(tmp_path: Path, columns: int, *args: str) -> Any:
    env = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), "COLUMNS": str(columns)}
    result = runner.invoke(app, ["--emulator", *args], env=env)
    assert "Traceback" not in result.output
    return result


def table_part(text: str) -> str:
    """The text a person reads; the plan's request bodies are the exact JSON, not a table."""
    return text.split("Requests (the exact ARM bodies", maxsplit=1)[0]


COMMANDS: list[tuple[str, ...]] = [
    ("plan", "kubenet-byo-route-table"),
    ("plan", "azure-cni-npm", "--set", "vnet.subnet.address_prefix=10.20.0.0/29"),
    ("plan", "overlay-cilium", "--live", "--set", "cluster.node_pools.0.count=4"),
    ("up", "overlay-cilium", "--set", "cluster.node_pools.0.count={count}", "--yes"),  # 3 -> 4, then back
    ("down", "overlay-cilium", "--dry-run"),
    ("migrate-policy", "-g", "rg-aks-cilium", "-n", "aks-cilium", "--to", "none", "--dry-run"),
    ("status", "-g", "rg-aks-cilium", "-n", "aks-cilium"),
    ("scenarios",),
    ("capacity", "--plugin", "azure", "--subnet", "10.0.0.0/24", "--nodes", "10"),
]  # fmt: skip


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("tables")
    assert run(where, 120, "up", "overlay-cilium").exit_code == 0
    return where


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_every_table_fits_and_breaks_no_word(deployed: Path, columns: int, args: tuple[str, ...]) -> None:
    narrow = table_part(run(deployed, columns, *(a.format(count=4) for a in args)).stdout)
    wide = table_part(run(deployed, WIDE, *(a.format(count=3) for a in args)).stdout)
    too_long = [line for line in narrow.splitlines() if len(line) > columns]
    assert not too_long, "\n".join(too_long)
    assert words(narrow) == words(wide)


def words(text: str) -> Counter[str]:
    """The words of a text, times left out (they differ from one run to the next)."""
    return Counter(re.sub(r"^\d+\.\d+s$", "<seconds>", word) for word in text.split())


def test_resources_are_named_by_type_and_name_and_ids_stay_in_json(deployed: Path) -> None:
    table = run(deployed, 120, "up", "overlay-cilium", "--yes").stdout
    assert "managedClusters aks-cilium" in table and "/subscriptions/" not in table
    document = run(deployed, 120, "up", "overlay-cilium", "-o", "json").stdout
    assert "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks-cilium" in document


def test_a_long_reason_wraps_under_its_column() -> None:
    from aksnet.render.text import table

    text = table(("action", "reason"), [("kept", "word " * 30)], width=40)
    lines = text.splitlines()
    assert all(len(line) <= 40 for line in lines) and len(lines) > 3
    assert all(line.startswith(" " * 10) for line in lines[2:])
