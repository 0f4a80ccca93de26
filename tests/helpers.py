"""Shared test helpers: a clean base scenario and a builder that applies --set style overrides."""

from __future__ import annotations

import copy
import json
import threading
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import pytest

from aksnet.arc.spec import ArcSpec
from aksnet.azure.session import Session
from aksnet.clock import FakeClock
from aksnet.findings import Finding
from aksnet.progress import NullProgress
from aksnet.rules import check
from aksnet.spec import Spec, parse_spec

ZERO_SUB = "00000000-0000-0000-0000-000000000000"
# A second deployment adding its own subnet to the VNet of the overlay-cilium scenario (a VNet it does not own).
SECOND = (
    "deployment=second",
    "resource_group=rg-second",
    "vnet.existing=true",
    "vnet.resource_group=rg-aks-cilium",
    "vnet.subnet.name=snet-second",
    "vnet.subnet.existing=false",
    "vnet.subnet.address_prefix=10.20.1.0/24",
    "cluster.name=aks-second",
    "identity.name=id-second",
)
TODAY = date(2026, 11, 22)

BASE: dict[str, Any] = {
    "deployment": "test",
    "location": "eastus",
    "resource_group": "rg",
    "vnet": {
        "name": "vnet",
        "address_prefixes": ["10.20.0.0/16"],
        "subnet": {"name": "nodes", "address_prefix": "10.20.0.0/24"},
    },
    "identity": {"name": "id"},
    "cluster": {
        "name": "aks",
        "network_plugin": "azure",
        "network_plugin_mode": "overlay",
        "network_dataplane": "cilium",
        "network_policy": "cilium",
        "pod_cidr": "192.168.0.0/16",
        "node_pools": [{"name": "system", "count": 3}],
    },
}


def make_spec(*overrides: str, base: dict[str, Any] | None = None) -> Spec:
    """The base scenario with `PATH=VALUE` overrides, exactly as `--set` applies them."""
    return parse_spec(copy.deepcopy(base or BASE), overrides)


def findings_of(*overrides: str, today: date = TODAY, env: dict[str, str] | None = None) -> list[Finding]:
    return check(make_spec(*overrides), today=today, env=env or {})


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


@pytest.fixture
def base_spec() -> Spec:
    return make_spec()


@dataclass
class EmulatedSession(Session):
    """A session on an emulator the test can also reach directly (to seed state, read stats)."""

    emulator: Any = None


def emulated(tmp_path: Any, *, latency: float = 0.0, faults: str = "", clock: Any = None) -> EmulatedSession:
    """A session on a fresh emulator: the real SDK clients and azure-core pipeline, only the transport swapped."""
    from aksnet.cli.connect import emulator_session, open_emulator

    env = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db"), "AKSNET_EMULATOR_LATENCY": str(latency)}
    if faults:
        env["AKSNET_EMULATOR_FAULTS"] = faults
    emu = open_emulator(env, clock)
    base = emulator_session(emu)
    return EmulatedSession(**{f.name: getattr(base, f.name) for f in fields(base) if f.init}, emulator=emu)


class Answering:
    """A confirmation that records what it showed and answers yes, or declines as the terminal one does."""

    def __init__(self, yes: bool) -> None:
        self.yes = yes
        self.asked: list[str] = []

    def __call__(self, summary: str, question: str, *, refused: str, declined: str) -> None:
        self.asked.append(f"{summary}{question}")
        if not self.yes:
            from aksnet.errors import Declined

            raise Declined(declined)


def up(spec: Spec | ArcSpec, session: Any, *, env: dict[str, str] | None = None, **options: Any) -> Any:
    """Provision in-process (on either platform, as `aksnet up` does); returns the RunResult."""
    from aksnet.azure.arc.provision import provision_arc
    from aksnet.azure.provision import provision
    from aksnet.azure.up_options import UpOptions

    options.setdefault("allow_cluster_update", True)
    if isinstance(spec, ArcSpec):
        return provision_arc(spec, session, UpOptions(**options), env or {})
    return provision(spec, session, UpOptions(**options), env or {})


def scenario(name: str, *overrides: str) -> Spec:
    from aksnet.scenarios import SCENARIO_DIR
    from aksnet.spec import load_spec

    return load_spec(SCENARIO_DIR / f"{name}.yaml", overrides)


# AKS on Azure Local: a clean `platform: azure-local` scenario on the emulator's seeded custom location.
CL = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-azlocal"
    "/providers/Microsoft.ExtendedLocation/customLocations/cl-azlocal"
)
ARC_BASE: dict[str, Any] = {
    "deployment": "arc-test",
    "platform": "azure-local",
    "resource_group": "rg-arc",
    "arc": {
        "custom_location_id": CL,
        "logical_network": {
            "name": "aks-lnet",
            "vm_switch_name": "ConvergedSwitch(management_compute_storage)",
            "address_prefix": "10.220.32.0/24",
            "gateway": "10.220.32.1",
            "dns_servers": ["10.220.32.10"],
            "vlan": 32,
            "ip_pools": [{"start": "10.220.32.18", "end": "10.220.32.37"}],
        },
        "reserved": ["10.220.32.2-10.220.32.10"],
        "cluster": {
            "name": "arc1",
            "load_balancer_ips": ["10.220.32.47-10.220.32.49"],
            "node_pools": [{"name": "nodepool1", "count": 3}],
        },
    },
}


def arc_spec(*overrides: str) -> ArcSpec:
    """The base Azure Local scenario with `PATH=VALUE` overrides."""
    spec = parse_spec(copy.deepcopy(ARC_BASE), overrides)
    assert isinstance(spec, ArcSpec)
    return spec


def down(spec: Spec | ArcSpec, session: Any, **options: Any) -> Any:
    """Read, decide and delete in-process, as `aksnet down --yes` does; returns the RunResult."""
    from aksnet.azure.arc.teardown import read_arc_teardown, tear_down_arc
    from aksnet.azure.teardown import DownOptions, read_teardown, tear_down

    if isinstance(spec, ArcSpec):
        return tear_down_arc(read_arc_teardown(spec, session, {}), DownOptions(**options))
    return tear_down(read_teardown(spec, session, {}), DownOptions(**options))


def actions(result: Any) -> dict[str, str]:
    """Each resource's action by its name."""
    return {r.id.rstrip("/").rsplit("/", 1)[-1]: r.action for r in result.resources}


def reasons(result: Any) -> dict[str, str]:
    return {r.id.rstrip("/").rsplit("/", 1)[-1]: r.reason for r in result.resources}


class StopAt(NullProgress):
    """Plays Ctrl-C at a chosen moment of a run: at its `nth` progress event, or at the first event of
    `kind` ("started", "waiting", "finished", "failed") on `step`. No wall-clock timing is involved."""

    def __init__(self, stop: Any, *, nth: int | None = None, step: str | None = None, kind: str | None = None) -> None:
        self.stop, self.nth, self.step, self.kind = stop, nth, step, kind
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def _event(self, kind: str, step: str) -> None:
        with self._lock:
            self.seen.append((kind, step))
            if len(self.seen) == self.nth or (self.step, self.kind) == (step, kind):
                self.stop.set()

    def started(self, deployment: str, step: str, what: str) -> None:
        self._event("started", step)

    def waiting(self, deployment: str, step: str, status: str) -> None:
        self._event("waiting", step)

    def finished(self, deployment: str, step: str, outcome: str, seconds: float) -> None:
        self._event("finished", step)

    def failed(self, deployment: str, step: str, message: str) -> None:
        self._event("failed", step)


def after_exit(session: EmulatedSession, tmp_path: Any, **emulator: Any) -> EmulatedSession:
    """The next process after a stopped one: the stopped run's emulator closes, so the SDK poller threads it
    left can no longer move the state (its process is gone); a new session opens the same database, its clock
    going on from the old one's time. `emulator` are the new emulator's settings (latency, faults)."""
    now = session.emulator.clock.now()
    session.close()
    return emulated(tmp_path, clock=FakeClock(now), **emulator)


class Child:
    """A subprocess whose stdout and stderr are read by threads, so no test ever blocks on a pipe:
    every wait has a deadline, and a child still running at the end is killed."""

    def __init__(self, command: list[str], env: dict[str, str], **popen: Any) -> None:
        import subprocess

        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: Any, lines: list[str]) -> None:
        with stream:
            for line in stream:
                with self._changed:
                    lines.append(line)
                    self._changed.notify_all()

    def wait_for_line(self, text: str, timeout: float = 60.0) -> None:
        """Until a line of stderr contains `text`; fails (and kills the child) after `timeout` seconds."""
        with self._changed:
            found = self._changed.wait_for(lambda: any(text in line for line in self.err), timeout)
        if not found:
            self.kill()
            raise AssertionError(f"no {text!r} on stderr within {timeout}s:\n{''.join(self.err)}")

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self, timeout: float = 30.0) -> tuple[int, str, str]:
        """The exit code, stdout and stderr; a child that does not end within `timeout` is a hang: killed, failed."""
        import subprocess

        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"still running {timeout}s later (a hang):\n{''.join(self.err)}") from None
        for reader in self._readers:
            reader.join(timeout)
        return code, "".join(self.out), "".join(self.err)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        for reader in self._readers:
            reader.join(5)


class PollersHeld(FakeClock):
    """A fake clock on which the SDK's poller threads wait while `hold` is on: an operation started then stays
    in flight (its status InProgress) however the threads are scheduled, until `release`."""

    def __init__(self) -> None:
        super().__init__()
        self.held, self.released = threading.Event(), threading.Event()

    def hold(self) -> None:
        self.released.clear()
        self.held.set()

    def release(self) -> None:
        self.held.clear()
        self.released.set()

    def sleep(self, seconds: float) -> None:
        if self.held.is_set() and threading.current_thread().name.startswith("LROPoller"):
            self.released.wait(60)
        super().sleep(seconds)


class Recorder:
    """A transport wrapper keeping every request the SDK sent: method, path, JSON body, response status."""

    def __init__(self, inner: Any, before_send: Any = None) -> None:
        self.inner, self.sent = inner, []
        self.before_send = before_send

    def send(self, request: Any, **kwargs: Any) -> Any:
        body = request.content if hasattr(request, "content") else request.body
        method, path = request.method, request.url.split("?")[0].lower()
        if self.before_send is not None:
            self.before_send(method, path)
        response = self.inner.send(request, **kwargs)
        self.sent.append((method, path, json.loads(body) if body else None, response.status_code))
        return response

    def cluster_puts(self) -> list[dict[str, Any]]:
        return [body for method, path, body, _ in self.sent if method == "PUT" and "/managedclusters/" in path]

    def writes(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, _, _ in self.sent if method in ("PUT", "PATCH", "POST", "DELETE")]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *args: Any) -> None:
        pass
