"""Scenario files the bench generates under .bench/: fleet variants and a 50-pool cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "aksnet" / "scenarios"
UP_SCENARIO = SCENARIOS / "kubenet-byo-route-table.yaml"


def fleet(folder: Path, count: int, base: Path = UP_SCENARIO) -> list[Path]:
    """`count` copies of `base` with distinct deployment, resource group, VNet, identity and cluster names."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    data = yaml.safe_load(base.read_text())
    paths = []
    for i in range(1, count + 1):
        variant: dict[str, Any] = yaml.safe_load(yaml.safe_dump(data))
        variant["deployment"] = f"bench-{i:02d}"
        variant["resource_group"] = f"rg-bench-{i:02d}"
        variant["vnet"]["name"] = f"vnet-bench-{i:02d}"
        variant["identity"]["name"] = f"id-bench-{i:02d}"
        variant["cluster"]["name"] = f"aks-bench-{i:02d}"
        if variant.get("route_table"):
            variant["route_table"]["name"] = f"rt-bench-{i:02d}"
        path = folder / f"bench-{i:02d}.yaml"
        path.write_text(f"# fleet variant {i} of {base.name}\n" + yaml.safe_dump(variant, sort_keys=False))
        paths.append(path)
    return paths


def many_pools(path: Path, pools: int = 50, base: Path = SCENARIOS / "overlay-cilium.yaml") -> Path:
    """`base` with one System pool and `pools - 1` User pools, in a node subnet large enough for all of them."""
    data: dict[str, Any] = yaml.safe_load(base.read_text())
    data["deployment"] = f"bench-{pools}-pools"
    data["vnet"]["subnet"]["address_prefix"] = "10.20.0.0/20"
    system = {"name": "system", "mode": "System", "count": 3, "vm_size": "Standard_D4s_v5", "max_surge": "33%"}
    users = [
        {"name": f"user{i:02d}", "mode": "User", "count": 3, "vm_size": "Standard_D4s_v5", "max_surge": "1"}
        for i in range(1, pools)
    ]
    data["cluster"]["node_pools"] = [system, *users]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {pools} node pools on {base.name}\n" + yaml.safe_dump(data, sort_keys=False))
    return path
