"""The Azure CLI: a pinned azure-cli in a scratch venv (.bench/azcli), installed once from PyPI, never a dependency.

One place for both users: `make bench` compares start-up with it (an az on PATH will do there) and
`make conformance` (conformance/run.py) drives the served emulator with exactly AZURE_CLI_VERSION.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class AzCli:
    """Where `az` is, its version, and how it got there (or why it is missing)."""

    path: str | None
    origin: str  # "PATH", "scratch venv (reused)", "scratch venv (installed in 170 s)", or the failure
    version: str = "?"

    @property
    def ok(self) -> bool:
        return self.path is not None


AZURE_CLI_VERSION = "2.91.0"


def find_or_install(bench_dir: Path, *, pinned: bool = False) -> AzCli:
    """The az to use: one on PATH (unless `pinned`), else the pinned one in .bench/azcli, installed now if needed."""
    on_path = shutil.which("az")
    if on_path and not pinned:
        return AzCli(on_path, "PATH", _version(on_path, bench_dir))
    venv = bench_dir / "azcli"
    az = venv / "bin" / "az"
    if az.exists() and _version(str(az), bench_dir) == AZURE_CLI_VERSION:
        return AzCli(str(az), "scratch venv .bench/azcli (reused)", AZURE_CLI_VERSION)
    log = bench_dir / "azcli-install.log"
    print(
        f"installing azure-cli {AZURE_CLI_VERSION} into {venv} (one time; log: {log}) ...", file=sys.stderr, flush=True
    )
    started = time.perf_counter()
    with log.open("w") as out:
        steps = [
            [sys.executable, "-m", "venv", "--clear", str(venv)],
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"azure-cli=={AZURE_CLI_VERSION}"],
        ]
        for command in steps:
            try:
                done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False, timeout=1800)
            except subprocess.TimeoutExpired:
                return AzCli(None, f"azure-cli install timed out after 1800 s (see {log})")
            if done.returncode != 0:
                return AzCli(None, f"azure-cli install failed: exit {done.returncode} (see {log})")
    took = time.perf_counter() - started
    print(f"azure-cli installed in {took:.0f} s", file=sys.stderr, flush=True)
    if not az.exists():
        return AzCli(None, f"azure-cli installed but {az} is missing (see {log})")
    return AzCli(str(az), f"scratch venv .bench/azcli (installed in {took:.0f} s)", _version(str(az), bench_dir))


def environment(bench_dir: Path) -> dict[str, str]:
    """az's own config away from ~/.azure, no telemetry upload or survey prompt after the command."""
    return {
        **os.environ,
        "AZURE_CONFIG_DIR": str(bench_dir / "azconfig"),
        "AZURE_CORE_COLLECT_TELEMETRY": "false",
        "AZURE_CORE_SURVEY_MESSAGE": "false",
        "AZURE_CORE_NO_COLOR": "true",
    }


def _version(az: str, bench_dir: Path) -> str:
    try:
        done = subprocess.run(
            [az, "version", "-o", "json"],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            env=environment(bench_dir),
        )
        return str(json.loads(done.stdout)["azure-cli"])
    except (OSError, ValueError, KeyError, subprocess.TimeoutExpired):
        return "?"
