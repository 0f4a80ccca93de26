"""`aksnet emulator serve` as a child process: started on a free port, ready when it answers, stopped by SIGTERM.

Shared by the conformance suite (conformance/run.py) and the side-by-side benchmark (bench/run.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

READY_SECONDS = 60.0


@dataclass
class Served:
    """A running server: its base URL, CA bundle and process."""

    base: str
    ca_bundle: Path
    process: subprocess.Popen[str]
    stderr_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> int:
        """SIGTERM, as a user's Ctrl-C would; the exit code (0 is a clean stop)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def start(aksnet: str, db: Path, *, latency: float = 0.0, record: Path | None = None, cwd: Path) -> Served:
    """Start the server on a free port with a fresh `db`; return once /metadata/endpoints answers."""
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    command = [aksnet, "emulator", "serve", "--port", "0", "--db", str(db), "--latency", str(latency), "--quiet"]
    if record is not None:
        record.unlink(missing_ok=True)
        command += ["--record", str(record)]
    err = db.with_suffix(".serve.log")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKSNET_")}
    with err.open("w") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, cwd=cwd, env=env)
    assert process.stdout is not None
    first = process.stdout.readline()  # "aksnet emulator: serving https://127.0.0.1:PORT (...)"
    if "serving https://" not in first:
        process.kill()
        raise SystemExit(f"aksnet emulator serve did not start: {first!r} {err.read_text()[-2000:]}")
    base = first.split("serving ", 1)[1].split(" ", 1)[0]
    ca_bundle = Path(str(db.with_suffix("")) + ".cert.pem")
    served = Served(base, ca_bundle, process, err)
    _wait_ready(served)
    return served


def _wait_ready(served: Served) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        try:
            requests.get(
                f"{served.base}/metadata/endpoints?api-version=2022-09-01", verify=str(served.ca_bundle), timeout=5
            )
            return
        except requests.RequestException:
            time.sleep(0.1)
    served.stop()
    raise SystemExit(f"aksnet emulator serve at {served.base} did not answer within {READY_SECONDS:.0f} s")
