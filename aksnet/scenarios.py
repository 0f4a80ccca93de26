"""The bundled scenario files under scenarios/, each described by its first comment line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


@dataclass(frozen=True)
class Scenario:
    """A ready-to-run scenario file."""

    name: str
    path: Path
    description: str


def bundled(folder: Path = SCENARIO_DIR) -> list[Scenario]:
    return [_describe(path) for path in sorted(folder.glob("*.yaml"))]


def _describe(path: Path) -> Scenario:
    first = path.read_text(encoding="utf-8").splitlines()[:1]
    description = first[0].lstrip("# ").strip() if first and first[0].startswith("#") else ""
    return Scenario(path.stem, path, description)
