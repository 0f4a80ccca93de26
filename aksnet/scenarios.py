"""The bundled scenario files under scenarios/, each described by its first comment line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


@dataclass(frozen=True)
class Scenario:
    """A ready-to-run scenario file."""

    name: str
    path: Path
    description: str
    platform: str = "azure"  # or azure-local: the scenario's `platform:` key


def bundled(folder: Path = SCENARIO_DIR) -> list[Scenario]:
    return [_describe(path) for path in sorted(folder.glob("*.yaml"))]


def _describe(path: Path) -> Scenario:
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[:1]
    description = first[0].lstrip("# ").strip() if first and first[0].startswith("#") else ""
    platform = re.search(r"^platform:\s*([\w-]+)", text, re.MULTILINE)
    return Scenario(path.stem, path, description, platform.group(1) if platform else "azure")
