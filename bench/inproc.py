"""In-process measurements, each run in its own process by bench/run.py; prints one JSON document.

    python bench/inproc.py requests SPEC LATENCY DB   # ARM requests one `up` sends (Emulator.stats())
    python bench/inproc.py rerun SPEC DB              # requests of a re-run of `up` and of `plan --live`
    python bench/inproc.py fleetcpu LATENCY DB SPEC...  # process CPU until each cluster create started
    python bench/inproc.py notice DB                  # when a finished cluster operation is noticed

`notice` simulates real Azure: the emulator on a fake clock at full scale (cluster create 300 s),
its Retry-After headers removed, and the clients configured exactly as against Azure (cluster
operations polled every 5 s, network ones every 2 s). The delay is the cluster step's time minus
the operation's own 300 s × scale; a few scales spread the end of the operation across the poll period.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from aksnet.arm import ZERO_SUBSCRIPTION
from aksnet.azure.fleet import run_fleet
from aksnet.azure.preflight import live_plan
from aksnet.azure.session import Session
from aksnet.azure.up_options import UpOptions
from aksnet.cli.connect import emulator_session, open_emulator
from aksnet.cli.up import load_fleet
from aksnet.clock import FakeClock
from aksnet.emulator import Emulator, latency
from aksnet.progress import NullProgress
from aksnet.rules import check
from aksnet.spec import Spec, load_spec

NOTICE_SCALES = (1.0, 0.9987, 0.9951, 0.9922, 0.9893, 0.9869, 0.9838, 0.9811)
RETRY_AFTER = {"retry-after", "retry-after-ms", "x-ms-retry-after-ms"}


def _fresh(db: str) -> str:
    for stale in Path(db).parent.glob(Path(db).name + "*"):
        stale.unlink()
    return db


def requests(spec: str, scale: str, db: str) -> dict[str, Any]:
    _fresh(db)
    emu = open_emulator({"AKSNET_EMULATOR_DB": db, "AKSNET_EMULATOR_LATENCY": scale})
    results = _up(spec, emulator_session(emu))
    stats = emu.stats()
    return {"ok": all(r.ok for r in results), "stats": stats}


def rerun(spec: str, db: str) -> dict[str, Any]:
    """The requests of a re-run of `up` that changes nothing, and of `plan --live`, each on its own emulator."""
    _fresh(db)
    env = {"AKSNET_EMULATOR_DB": db, "AKSNET_EMULATOR_LATENCY": "0"}
    first = open_emulator(env)
    created = _up(spec, emulator_session(first))
    first.close()
    again = open_emulator(env)
    results = _up(spec, emulator_session(again))
    live = open_emulator(env)
    loaded = load_spec(spec)
    assert isinstance(loaded, Spec)
    live_plan(loaded, check(loaded), emulator_session(live), subscription=None, env={})
    unchanged = all(r.action == "unchanged" for r in results[0].resources)
    ok = created[0].ok and results[0].ok and unchanged
    return {"ok": ok, "rerun": again.stats(), "live": live.stats()}


class CpuAtClusterCreate(NullProgress):
    """Notes the process's CPU time when each deployment's cluster create starts."""

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self._lock = threading.Lock()

    def started(self, deployment: str, step: str, what: str) -> None:
        if step == "managed_cluster":
            with self._lock:
                self.cpu.append(time.process_time())


def fleet_cpu(scale: str, db: str, *specs: str) -> dict[str, Any]:
    """Process CPU (this interpreter's start-up and imports included) when the last cluster create started."""
    _fresh(db)
    emu = open_emulator({"AKSNET_EMULATOR_DB": db, "AKSNET_EMULATOR_LATENCY": scale})
    progress = CpuAtClusterCreate()
    options = partial(UpOptions, allow_cluster_update=True, progress=progress)
    results = run_fleet(load_fleet(list(specs), ()), emulator_session(emu), options, parallel=len(specs), env={})
    ok = all(r.ok for r in results) and len(progress.cpu) == len(specs)
    return {"ok": ok, "cpu": max(progress.cpu, default=0.0), "deployments": len(specs)}


class WithoutRetryAfter(Emulator):
    """The emulator answering like an Azure RP that sends no Retry-After: pollers use their own interval."""

    def handle_http(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        status, out, payload = super().handle_http(method, url, headers, content)
        return status, {k: v for k, v in out.items() if k.lower() not in RETRY_AFTER}, payload


def notice(spec: str, db: str) -> dict[str, Any]:
    _fresh(db)
    delays = []
    for i, scale in enumerate(NOTICE_SCALES):
        emu = WithoutRetryAfter(f"{db}.{i}", scale, clock=FakeClock())
        # Session's default polling intervals are the ones `connect()` uses against Azure.
        session = Session(
            emu.credential(), emu.transport(), emu.clock, default_subscription=(ZERO_SUBSCRIPTION, "the emulator")
        )
        results = _up(spec, session)
        if not results[0].ok:
            return {"ok": False, "error": str(results[0].error)}
        took = results[0].timings["managed_cluster"]
        delays.append(took - latency.CLUSTER_CREATE * scale)
        emu.close()
    return {
        "ok": True,
        "delays": delays,
        "cluster_poll": session.cluster_polling_interval,
        "network_poll": session.polling_interval,
    }


def _up(spec: str, session: Session) -> list[Any]:
    options = partial(UpOptions, allow_cluster_update=True, progress=NullProgress())
    return run_fleet(load_fleet([spec], ()), session, options, parallel=1, env={})


def main(argv: list[str]) -> None:
    kind, *args = argv
    if kind == "requests":
        document = requests(*args)
    elif kind == "notice":
        document = notice(*args)
    elif kind == "rerun":
        document = rerun(*args)
    elif kind == "fleetcpu":
        document = fleet_cpu(*args)
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    sys.stdout.write(json.dumps(document) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
