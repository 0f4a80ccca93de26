"""The address map, drawn in the terminal by `plan` and as SVG by `plan --map` (checked by its content)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from typer.testing import CliRunner

from aksnet.address_map import address_map
from aksnet.cli.main import app
from aksnet.emulator import Emulator
from helpers import scenario

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"


def invoke(*args: str, **env: str) -> Any:
    result = runner.invoke(app, list(args), env={"COLUMNS": "120", **env})
    assert "Traceback" not in result.output
    return result


def test_the_rows_are_the_vnet_its_subnet_and_the_ranges_with_need_and_hold() -> None:
    blocks = {b.name: b for b in address_map(scenario("kubenet-byo-route-table"))}
    assert list(blocks) == ["VNet myAKSVnet", "subnet myAKSSubnet", "pod range", "service range"]
    subnet, pods = blocks["subnet myAKSSubnet"], blocks["pod range"]
    assert (str(subnet.prefix), subnet.needed, subnet.holds) == ("192.168.1.0/24", 4, 251)  # 3 nodes + 1 surge
    assert (str(pods.prefix), pods.needed, pods.holds) == ("10.244.0.0/16", 4 * 256, 65_536)
    assert blocks["service range"].needed is None


def test_plan_draws_the_map_in_the_terminal() -> None:
    text = invoke("plan", "azure-cni-npm").stdout
    section = text.split("Address map", 1)[1].split("Steps (", 1)[0]
    assert "VNet vnet-aks-cni 10.10.0.0/16 (65,536 addresses)" in section
    strip = next(line for line in section.splitlines() if line.strip().startswith("[a"))
    assert set(strip.strip()[1:-1]) == {"a", "."}
    row = next(line for line in section.splitlines() if line.startswith("  10.10.0.0/2"))
    assert "10.10.0.0/22" in row and "124 of 1,019 (12%)" in row and "[##..." in row  # flat CNI: maxPods + 1 a node


def test_a_plan_that_does_not_fit_marks_the_row() -> None:
    text = invoke("plan", "azure-cni-npm", "--set", "vnet.subnet.address_prefix=10.10.0.0/26").stdout
    row = next(line for line in text.split("Address map", 1)[1].splitlines() if line.startswith("  10.10.0.0/2"))
    assert "]!" in row and "(over)" in row


def test_plan_map_writes_the_same_picture_as_svg(tmp_path: Path) -> None:
    picture = tmp_path / "map.svg"
    result = invoke("plan", "kubenet-byo-route-table", "--map", str(picture), "-o", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["address_map"][1] == {
        "kind": "subnet", "name": "subnet myAKSSubnet", "prefix": "192.168.1.0/24", "needed": 4, "holds": 251,
        "note": "nodes: 3 + 1 surge",
    }  # fmt: skip
    root = ElementTree.fromstring(picture.read_text())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "VNet myAKSVnet 192.168.0.0/16 (65,536 addresses)" in texts
    assert {"192.168.1.0/24", "10.244.0.0/16", "10.0.0.0/16"} <= set(texts)
    assert "4 of 251 (2%)" in texts and "1,024 of 65,536 (2%)" in texts
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#4a7fc1"]
    assert rects, "the node subnet is drawn inside the VNet strip"


def test_plan_live_adds_the_subnets_read_in_the_vnet(tmp_path: Path) -> None:
    env = {"AKSNET_EMULATOR": "1", "AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db")}
    assert invoke("up", "overlay-cilium", **env).exit_code == 0
    group = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks-cilium"
    vnet = f"{group}/providers/Microsoft.Network/virtualNetworks/vnet-aks-cilium"
    emulator = Emulator(str(tmp_path / "emulator.db"))
    url = f"https://management.azure.com{vnet}/subnets/snet-other?api-version=2024-05-01"
    assert emulator.request("PUT", url, {"properties": {"addressPrefix": "10.20.8.0/24"}})[0] in (200, 201)
    emulator.close()
    picture = tmp_path / "live.svg"
    result = invoke("plan", "overlay-cilium", "--live", "--map", str(picture), **env)
    assert result.exit_code == 0, result.output
    assert "subnet snet-other" in result.stdout and "read live: 0 address(es) in use" in result.stdout
    texts = [t.text for t in ElementTree.fromstring(picture.read_text()).iter(f"{SVG}text")]
    assert "subnet snet-other 10.20.8.0/24" in texts


def test_every_subnet_and_both_address_families_are_on_the_map() -> None:
    pods = {b.name: b for b in address_map(scenario("azure-cni-pod-subnet"))}
    pod_subnet = pods["subnet snet-pods"]
    assert (pod_subnet.kind, pod_subnet.needed, pod_subnet.holds) == ("pod_subnet", 176, 4091)  # 11 nodes x 16
    assert pods["subnet snet-win"].note == "nodes: 2 + 1 surge (pool(s) npwin)"
    dual = {b.name: b for b in address_map(scenario("overlay-dual-stack-cilium"))}
    assert str(dual["subnet snet-nodes (IPv6)"].prefix) == "fd00:db8:70::/64"
    v6_pods = dual["IPv6 pod range"]
    assert v6_pods.needed == 26 * 2**48 and v6_pods.holds == 2**64  # one /80 per node, 26 with surge
    assert str(dual["IPv6 service range"].prefix) == "fd12:3456:789a:1::/108"
    text = invoke("plan", "overlay-dual-stack-cilium").stdout.split("Address map", 1)[1]
    assert "VNet vnet-aks-dualstack fd00:db8:70::/48" in text and "subnet snet-nodes (IPv6)" in text
