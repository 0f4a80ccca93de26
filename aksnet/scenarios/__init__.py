"""The bundled scenario files: package data beside this module, each described by its first comment line.

They ship inside the package (pyproject's package-data takes every `*.yaml` here), so a plain
`pip install` or `pipx install` has them, and a command that takes a scenario file also takes a
bundled scenario's name (`aksnet plan overlay-cilium`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

SCENARIO_DIR = Path(__file__).resolve().parent
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Scenario:
    """A ready-to-run scenario file."""

    name: str
    path: Path
    description: str
    platform: str = "azure"  # or azure-local: the scenario's `platform:` key


def bundled(folder: Path = SCENARIO_DIR) -> list[Scenario]:
    """Every bundled scenario, by name."""
    return [_describe(path) for path in sorted(folder.glob("*.yaml"))]


def find(name: str, folder: Path = SCENARIO_DIR) -> Scenario | None:
    """The bundled scenario called `name` (with or without .yaml), if there is one."""
    stem = next((name.removesuffix(s) for s in SUFFIXES if name.endswith(s)), name)
    if not stem or "/" in stem or "\\" in stem:
        return None
    path = folder / f"{stem}.yaml"
    return _describe(path) if path.is_file() else None


def resolve(text: str | Path) -> Path:
    """The file `text` names: a path that exists wins; else a bundled scenario of that name; else `text`."""
    path = Path(text)
    if path.exists():
        return path
    found = find(str(text))
    return found.path if found is not None else path


def similar(name: str, folder: Path = SCENARIO_DIR) -> list[str]:
    """Bundled scenario names close to `name` (for did-you-mean)."""
    stem = Path(name).name.removesuffix(".yaml").removesuffix(".yml")
    return difflib.get_close_matches(stem, [s.name for s in bundled(folder)], n=3, cutoff=0.5)


def _describe(path: Path) -> Scenario:
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[:1]
    description = first[0].lstrip("# ").strip() if first and first[0].startswith("#") else ""
    platform = re.search(r"^platform:\s*([\w-]+)", text, re.MULTILINE)
    return Scenario(path.stem, path, description, platform.group(1) if platform else "azure")
