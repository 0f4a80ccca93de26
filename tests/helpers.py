"""Shared test helpers: a clean base scenario and a builder that applies --set style overrides."""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import pytest

from aksnet.arc.spec import ArcSpec
from aksnet.azure.session import Session
from aksnet.findings import Finding
from aksnet.rules import check
from aksnet.spec import Spec, parse_spec

ZERO_SUB = "00000000-0000-0000-0000-000000000000"
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


def up(spec: Spec, session: Any, *, env: dict[str, str] | None = None, **options: Any) -> Any:
    """Provision in-process; returns the RunResult."""
    from aksnet.azure.provision import UpOptions, provision

    options.setdefault("allow_cluster_update", True)
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
