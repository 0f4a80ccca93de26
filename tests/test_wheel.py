"""The bundled scenarios ship in the wheel: build it, install it into a fresh venv, run `aksnet` from there.

The fresh venv gets the wheel alone (no editable install, no source tree on the path); its
dependencies are read from this environment's site-packages through PYTHONPATH, which Python puts on
the path without running this environment's .pth files, so the editable aksnet cannot leak in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from aksnet.scenarios import SCENARIO_DIR

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the fresh venv's bin folder)."""
    where = tmp_path_factory.mktemp("wheel")
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(where)]
    subprocess.run([*build, str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(where.glob("aksnet-*.whl"))
    env_dir = where / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)]
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    return wheel, env_dir / "bin"


def aksnet(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"], "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env.pop("AKSNET_EMULATOR", None)
    return subprocess.run(
        [str(bin_dir / "aksnet"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_wheel_holds_every_bundled_scenario(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"aksnet/scenarios/{path.name}" for path in SCENARIO_DIR.glob("*.yaml")}
    assert expected and expected <= names


def test_a_plain_install_lists_shows_and_plans_the_bundled_scenarios(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_dir = installed
    listed = aksnet(bin_dir, tmp_path, "scenarios", "-o", "json")
    assert listed.returncode == 0, listed.stderr
    scenarios = json.loads(listed.stdout)
    assert {s["name"] for s in scenarios} == {p.stem for p in SCENARIO_DIR.glob("*.yaml")}
    assert all(str(bin_dir.parent) in s["path"] for s in scenarios)  # the installed copy, not the source tree
    assert all(s["description"] and "seed" not in s["description"] for s in scenarios)
    shown = aksnet(bin_dir, tmp_path, "scenarios", "show", "overlay-cilium")
    assert shown.returncode == 0 and shown.stdout == (SCENARIO_DIR / "overlay-cilium.yaml").read_text()
    planned = aksnet(bin_dir, tmp_path, "plan", "overlay-cilium", "-o", "json")
    assert planned.returncode == 0, planned.stderr
    assert json.loads(planned.stdout)["deployment"] == "overlay-cilium"
