"""Running az against a served emulator: its own AZURE_CONFIG_DIR, the server's CA bundle, a cloud and a login.

Shared by the conformance suite and the side-by-side benchmark. ~/.azure is never read or written.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import azcli

CLOUD = "AksnetEmulator"
TENANT = "00000000-0000-0000-0000-000000000000"
CLIENT_ID = "11111111-1111-1111-1111-111111111111"  # any GUID: the served emulator's authority takes every client
CLIENT_SECRET = "emulator-placeholder"  # not a secret: the fake authority accepts anything
TIMEOUT = 600


@dataclass(frozen=True)
class Ran:
    """One az command: its words, exit code, output and wall time."""

    argv: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    seconds: float


class Az:
    """az with a config dir of its own, logged in to one served emulator."""

    def __init__(self, az: str, config_dir: Path, ca_bundle: Path) -> None:
        self.az = az
        shutil.rmtree(config_dir, ignore_errors=True)
        config_dir.mkdir(parents=True)
        self.env = azcli.environment(config_dir.parent) | {
            "AZURE_CONFIG_DIR": str(config_dir),
            "REQUESTS_CA_BUNDLE": str(ca_bundle),
            "AZURE_CORE_OUTPUT": "json",
            "AZURE_CORE_ONLY_SHOW_ERRORS": "true",
        }

    def run(self, words: list[str] | str) -> Ran:
        argv = tuple(shlex.split(words) if isinstance(words, str) else words)
        started = time.perf_counter()
        done = subprocess.run(
            [self.az, *argv], env=self.env, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
        return Ran(argv, done.returncode, done.stdout, done.stderr, time.perf_counter() - started)

    def login(self, base: str) -> list[Ran]:
        """Register the server as a cloud (its /metadata/endpoints is read), select it, log in."""
        steps = [
            f"cloud register -n {CLOUD} --endpoint-resource-manager {base}/",
            f"cloud set -n {CLOUD}",
            "config set core.instance_discovery=false",
            f"login --service-principal -u {CLIENT_ID} -p {CLIENT_SECRET} --tenant {TENANT}",
        ]
        done = [self.run(s) for s in steps]
        failed = [r for r in done if r.code != 0]
        if failed:
            raise SystemExit(f"az could not log in to {base}: az {' '.join(failed[0].argv)}\n{failed[0].stderr}")
        return done
