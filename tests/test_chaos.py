"""Chaos: every interrupted or failed run converges (issue #10).

For every scenario under scenarios/ (the folder is read, so new ones join) and a deployment that adds
a subnet to a VNet it does not own, seeded cases each:

1. run `up` with a seeded mix of faults (429 with Retry-After, 5xx, principal propagation, RBAC delay, an
   operation that ends Failed) and stop it at its Nth progress event (Ctrl-C, played without wall-clock
   timing); sometimes a second faulty run; then fault-free re-runs (each a new process: after_exit);
2. compare the whole emulator state with one clean run's: the same resources with the same properties,
   tags, role assignments, route-table association, provisioning states and ownership records (ids of
   operations, etags, GUIDs minted at random and timestamps normalised);
3. `down` under the same faults (a delete that ends Failed included), stopped once at a seeded event, then
   again without faults: every resource is exactly what it was before the first `up` (the foreign ones byte
   for byte, the deployment's gone), and a third `down` writes nothing.

Every run must end with exit 0, 3 or 130 and never with an unexpected error (the in-process traceback).
The emulator runs at latency 1 on a fake clock: operations are in flight when the stop lands, and an
hour of Azure time passes in milliseconds.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aksnet.arc.spec import ArcSpec
from aksnet.clock import FakeClock
from aksnet.emulator.api_versions import supported
from aksnet.emulator.ids import type_of
from aksnet.scenarios import SCENARIO_DIR
from aksnet.spec import Spec, load_spec
from helpers import ZERO_SUB, StopAt, after_exit, down, emulated, up

ENV = {"AKSNET_WINDOWS_ADMIN_PASSWORD": "Str0ng-Passw0rd!x"}
LATENCY = 1.0
SEEDS = range(5)
RERUNS = 3  # fault-free re-runs allowed to converge (one is expected; a stop inside a repair may need two)
ARM = "https://management.azure.com"
RG_API = "2025-04-01"
NETWORK_API = "2026-03-01"
IDENTITY_API = "2024-11-30"

# --- the world before `up`: resources of others -----------------------------------------------------------


def _put(session: Any, resource_id: str, body: dict[str, Any], api: str) -> None:
    status, _, payload = session.emulator.request("PUT", f"{ARM}{resource_id}?api-version={api}", body)
    assert status < 300, payload


def rg_id(name: str) -> str:
    return f"/subscriptions/{ZERO_SUB}/resourceGroups/{name}"


def net_id(group: str, kind: str, name: str) -> str:
    return f"{rg_id(group)}/providers/Microsoft.Network/{kind}/{name}"


HUB_VNET = net_id("rg-hub", "virtualNetworks", "vnet-hub")


def seed_others(session: Any) -> None:
    """A bystander group (an identity and a VNet of nobody aksnet knows, a route table of another aksnet
    deployment) and the hub VNet another team owns, with its own subnet."""
    _put(session, rg_id("rg-bystander"), {"location": "eastus"}, RG_API)
    identity = f"{rg_id('rg-bystander')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-bystander"
    _put(session, identity, {"location": "eastus"}, IDENTITY_API)
    other = {"aksnet-deployment": "someone-else", "managed-by": "aksnet"}
    table = {"location": "eastus", "tags": other, "properties": {"routes": []}}
    _put(session, net_id("rg-bystander", "routeTables", "rt-other"), table, NETWORK_API)
    _put(session, rg_id("rg-hub"), {"location": "eastus", "tags": {"team": "network"}}, RG_API)
    space = {"addressSpace": {"addressPrefixes": ["10.50.0.0/16"]}}
    shared = {"name": "snet-shared", "properties": {"addressPrefix": "10.50.0.0/24"}}
    _put(session, HUB_VNET, {"location": "eastus", "properties": {**space, "subnets": [shared]}}, NETWORK_API)
    # The Azure Local site (custom location, its shared network and a cluster on it) is there from the start.
    site = f"{rg_id('rg-azlocal')}/providers/Microsoft.ExtendedLocation/customLocations/cl-azlocal"
    version = (supported("Microsoft.ExtendedLocation/customLocations") or ("",))[-1]
    assert session.emulator.request("GET", f"{ARM}{site}?api-version={version}")[0] == 200
    session.emulator.clock.sleep(60)  # their operations end; the next request settles them
    session.emulator.request("GET", f"{ARM}{HUB_VNET}?api-version={NETWORK_API}")


# --- what runs: every bundled scenario, and a spoke adding a subnet to the hub ---------------------------------

SPOKE = (
    "deployment=spoke",
    "resource_group=rg-spoke",
    "location=eastus",
    "vnet.existing=true",
    "vnet.name=vnet-hub",
    "vnet.resource_group=rg-hub",
    "vnet.address_prefixes=[]",
    "vnet.subnet.name=snet-spoke",
    "vnet.subnet.existing=false",
    "vnet.subnet.address_prefix=10.50.1.0/24",
    "cluster.name=aks-spoke",
    "identity.name=id-spoke",
)


@dataclass(frozen=True)
class Target:
    """A deployment the chaos runs: a scenario file with overrides."""

    name: str
    path: Path
    overrides: tuple[str, ...] = ()

    def spec(self) -> Spec | ArcSpec:
        return load_spec(self.path, self.overrides)


TARGETS = [Target(p.stem, p) for p in sorted(SCENARIO_DIR.glob("*.yaml"))]
TARGETS.append(Target("spoke-in-a-hub-vnet", SCENARIO_DIR / "overlay-cilium.yaml", SPOKE))


# --- the state, compared ---------------------------------------------------------------------------------------

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
ETAG = re.compile(r'W/\\"[^"\\]*\\"')


def rows(folder: Path) -> dict[str, str]:
    """Every resource the emulator in `folder` holds, by lower-case id: its body, as stored."""
    with sqlite3.connect(f"file:{folder / 'emulator.db'}?mode=ro", uri=True) as conn:
        return {key: body for key, body in conn.execute("SELECT key, body FROM resources ORDER BY key")}


def served(session: Any, folder: Path) -> dict[str, str]:
    """Every resource as a GET answers it (defaults filled in as ARM shows them), by lower-case id."""
    state = {}
    for key in rows(folder):
        versions = supported(type_of(key)) if "/providers/" in key else None
        url = f"{ARM}{key}?api-version={versions[-1] if versions else RG_API}"
        status, _, body = session.emulator.request("GET", url)
        assert status == 200, (key, body)
        state[key] = json.dumps(body)
    return state


def normalised(state: dict[str, str]) -> list[tuple[str, Any]]:
    """The state with what legitimately differs between two runs replaced: etags, timestamps, and GUIDs
    minted at random (numbered by first appearance, so references between resources still must match)."""
    text = json.dumps([(key, json.loads(body)) for key, body in sorted(state.items())], sort_keys=True)
    text = TIME.sub("<time>", ETAG.sub("<etag>", text))
    numbers: dict[str, str] = {}
    text = GUID.sub(lambda m: numbers.setdefault(m.group(0).lower(), f"<guid-{len(numbers)}>"), text)
    return [(key, body) for key, body in json.loads(text)]


def diff(got: list[tuple[str, Any]], want: list[tuple[str, Any]]) -> str:
    got_map, want_map = dict(got), dict(want)
    lines = [f"missing {k}" for k in want_map.keys() - got_map.keys()]
    lines += [f"extra {k}" for k in got_map.keys() - want_map.keys()]
    lines += [
        f"differs {k}:\n  got  {got_map[k]}\n  want {want_map[k]}"
        for k in got_map.keys() & want_map.keys()
        if got_map[k] != want_map[k]
    ]
    return "\n".join(sorted(lines))


# --- one clean run per target, for comparison ---------------------------------------------------------------


class Counting(StopAt):
    """Counts a run's progress events without stopping it."""

    def __init__(self) -> None:
        super().__init__(threading.Event())


@dataclass(frozen=True)
class Clean:
    state: list[tuple[str, Any]]
    up_events: int
    down_events: int


_CLEAN: dict[str, Clean] = {}


def clean(target: Target, tmp_path_factory: Any) -> Clean:
    if target.name not in _CLEAN:
        folder = tmp_path_factory.mktemp(f"clean-{target.name}")
        session = emulated(folder, latency=LATENCY, clock=FakeClock())
        seed_others(session)
        counted_up, counted_down = Counting(), Counting()
        done = up(target.spec(), session, env=ENV, progress=counted_up)
        assert done.ok, done.error
        state = normalised(served(session, folder))
        assert down(target.spec(), session, progress=counted_down).ok
        _CLEAN[target.name] = Clean(state, len(counted_up.seen), len(counted_down.seen))
        session.close()
    return _CLEAN[target.name]


# --- the faults ------------------------------------------------------------------------------------------------


def fault_mix(target: Target, seed: int, rng: random.Random) -> str:
    """The seed-th mix: each target meets every kind of fault across its seeds."""
    failing = ["virtualNetworks", "subnets", "managedClusters"]
    if "route_table:" in target.path.read_text() or any(o.startswith("route_table") for o in target.overrides):
        failing.append("routeTables")
    mixes: list[Callable[[], str]] = [
        lambda: f"throttle={rng.uniform(0.05, 0.25):.2f},server_error={rng.uniform(0.05, 0.2):.2f}",
        lambda: f"propagation={rng.randint(5, 60)},rbac_delay={rng.randint(10, 120)}",
        lambda: f"lro_fail={rng.choice(failing)}",
        lambda: f"throttle=0.1,rbac_delay={rng.randint(10, 90)},lro_fail={rng.choice(failing)}",
        lambda: f"server_error=0.1,propagation={rng.randint(5, 40)},lro_fail={rng.choice(failing)}",
    ]
    return f"{mixes[seed % len(mixes)]()},seed={seed}"


# --- the property ------------------------------------------------------------------------------------------------


def settled(result: Any, allowed: tuple[int, ...]) -> None:
    """A run's end: one of the allowed exit codes, and never an unexpected error (a traceback in a process)."""
    assert result.exit_code in allowed, result.error
    assert result.error is None or result.error.code != "UNEXPECTED", result.error


CASES = [(target, seed) for target in TARGETS for seed in SEEDS]


@pytest.mark.parametrize(("target", "seed"), CASES, ids=[f"{t.name}-{s}" for t, s in CASES])
def test_interrupted_and_failed_runs_converge_and_down_leaves_only_what_was_there(
    target: Target, seed: int, tmp_path: Path, tmp_path_factory: Any
) -> None:
    reference, rng = clean(target, tmp_path_factory), random.Random(f"{target.name}-{seed}")
    faults = fault_mix(target, seed, rng)
    world = emulated(tmp_path, latency=LATENCY, clock=FakeClock())
    seed_others(world)
    before = rows(tmp_path)
    session = after_exit(world, tmp_path, latency=LATENCY, faults=faults)

    stop = threading.Event()
    at = rng.randint(1, reference.up_events)
    settled(up(target.spec(), session, env=ENV, stop=stop, progress=StopAt(stop, nth=at)), (0, 3, 130))
    if rng.random() < 0.5:  # a second faulty run, not stopped
        session = after_exit(session, tmp_path, latency=LATENCY, faults=faults)
        settled(up(target.spec(), session, env=ENV), (0, 3))
    for _ in range(RERUNS):
        session = after_exit(session, tmp_path, latency=LATENCY)
        result = up(target.spec(), session, env=ENV)
        settled(result, (0, 3))
        if result.ok:
            break
    assert result.ok, f"{faults}, stopped at event {at}: {result.error}"
    converged = normalised(served(session, tmp_path))
    assert converged == reference.state, f"{faults}, stopped at event {at}:\n{diff(converged, reference.state)}"

    session = after_exit(session, tmp_path, latency=LATENCY, faults=faults)  # down meets the same mix
    stop = threading.Event()
    settled(
        down(target.spec(), session, stop=stop, progress=StopAt(stop, nth=rng.randint(1, reference.down_events))),
        (0, 3, 130),
    )
    session = after_exit(session, tmp_path, latency=LATENCY)
    finished = down(target.spec(), session)
    settled(finished, (0,))
    assert rows(tmp_path) == before, diff(normalised(rows(tmp_path)), normalised(before))
    writes_before = _writes(session)
    again = down(target.spec(), session)
    assert again.ok and {r.action for r in again.resources} <= {"skipped", "kept"}
    assert _writes(session) == writes_before  # a no-op: nothing written
    session.close()


def _writes(session: Any) -> int:
    return sum(n for method, n in session.emulator.stats()["by_method"].items() if method in ("PUT", "PATCH", "DELETE"))
