"""Whole-process measurements: wall time (perf_counter around the child) and its own peak RSS (wait4)."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    """One process: how long it took, its peak resident set, its exit code and where its output went."""

    seconds: float
    rss_mb: float
    code: int
    stdout: Path
    stderr: Path


@dataclass
class Series:
    """Repeated runs of one command."""

    label: str
    runs: list[Run] = field(default_factory=list)
    hyperfine: list[float] | None = None  # times from hyperfine, when it measured this series

    @property
    def times(self) -> list[float]:
        return self.hyperfine if self.hyperfine is not None else [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def n(self) -> int:
        return len(self.times)

    @property
    def peak_rss_mb(self) -> float:
        return max((r.rss_mb for r in self.runs), default=0.0)

    @property
    def failures(self) -> list[Run]:
        return [r for r in self.runs if r.code != 0]


def run_once(
    argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, out_dir: Path, name: str, timeout: float = 600
) -> Run:
    """Run `argv` once; the child's own peak RSS comes from wait4, not from RUSAGE_CHILDREN's running max."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stdout, stderr = out_dir / f"{name}.out", out_dir / f"{name}.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=dict(env), cwd=cwd)
        killer = threading.Timer(timeout, process.kill)  # a hung child is killed, never waited on forever
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code  # reaped here; keep Popen from waiting again
    return Run(elapsed, usage.ru_maxrss / 1024.0, code, stdout, stderr)


def series(
    label: str,
    argv: Sequence[str],
    *,
    runs: int,
    env: Mapping[str, str],
    cwd: Path,
    out_dir: Path,
    before_each: object = None,
    warmup: int = 1,
) -> Series:
    """`runs` measured runs after `warmup` discarded ones; `before_each()` resets state (e.g. a fresh emulator DB)."""
    result = Series(label)
    for i in range(warmup + runs):
        if callable(before_each):
            before_each()
        run = run_once(argv, env=env, cwd=cwd, out_dir=out_dir, name=f"{_slug(label)}-{i}")
        if i >= warmup:
            result.runs.append(run)
    return result


def interleaved(
    commands: Mapping[str, Sequence[str]], *, runs: int, env: Mapping[str, str], cwd: Path, out_dir: Path
) -> dict[str, Series]:
    """Short commands measured round-robin (one warm-up each) so that machine noise hits all of them alike.

    With hyperfine on PATH the times come from hyperfine instead (RSS still from one run here).
    """
    results = {label: Series(label) for label in commands}
    for i in range(runs + 1):
        for label, argv in commands.items():
            run = run_once(argv, env=env, cwd=cwd, out_dir=out_dir, name=f"{_slug(label)}-{i}")
            if i > 0:
                results[label].runs.append(run)
    if shutil.which("hyperfine"):
        for label, argv in commands.items():
            results[label].hyperfine = _hyperfine(argv, runs=runs, env=env, cwd=cwd)
    return results


def _hyperfine(argv: Sequence[str], *, runs: int, env: Mapping[str, str], cwd: Path) -> list[float] | None:
    import shlex

    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "h.json"
        command = [
            "hyperfine", "--warmup", "1", "--runs", str(runs), "--shell=none", "--style", "none",
            "--export-json", str(export), shlex.join(argv),
        ]  # fmt: skip
        done = subprocess.run(command, env=dict(env), cwd=cwd, capture_output=True, check=False)
        if done.returncode != 0 or not export.exists():
            return None
        times: list[float] = json.loads(export.read_text())["results"][0]["times"]
        return times


def _slug(label: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in label).strip("-")[:60]
