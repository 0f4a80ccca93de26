"""The docs' az sequence beside `aksnet up` / `aksnet down` of the same scenario, on one served emulator.

One `aksnet emulator serve` at the bench's latency, in one run: az creates what
the bundled kubenet-byo-route-table scenario describes, command by command as the docs do (az logs in
first, untimed), then deletes it; then `aksnet --arm-endpoint` provisions the same scenario and
tears it down, on the same server over the same HTTPS path with a token from the same fake authority.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import azrun
import served

RG = "myResourceGroup"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers"
SUBNET = f"{GROUP}/Microsoft.Network/virtualNetworks/myAKSVnet/subnets/myAKSSubnet"
CREATE = (
    f"group create -n {RG} -l eastus",
    f"network vnet create -g {RG} -n myAKSVnet --address-prefixes 192.168.0.0/16 --subnet-name myAKSSubnet "
    "--subnet-prefix 192.168.1.0/24",
    f"network route-table create -g {RG} -n myRouteTable",
    f"network route-table route create -g {RG} --route-table-name myRouteTable -n to-onprem "
    "--address-prefix 10.100.0.0/16 --next-hop-type VirtualNetworkGateway",
    f"network vnet subnet update -g {RG} --vnet-name myAKSVnet -n myAKSSubnet --route-table myRouteTable",
    f"identity create -g {RG} -n myIdentity --query principalId -o tsv",
    "role assignment create --assignee-object-id {principal} --assignee-principal-type ServicePrincipal "
    f'--role "Network Contributor" --scope {SUBNET}',
    "role assignment create --assignee-object-id {principal} --assignee-principal-type ServicePrincipal "
    f'--role "Network Contributor" --scope {GROUP}/Microsoft.Network/routeTables/myRouteTable',
    f"aks create -g {RG} -n myAKSCluster --network-plugin kubenet --network-policy calico --vnet-subnet-id {SUBNET} "
    f"--assign-identity {GROUP}/Microsoft.ManagedIdentity/userAssignedIdentities/myIdentity "
    "--pod-cidr 10.244.0.0/16 --service-cidr 10.0.0.0/16 "
    "--dns-service-ip 10.0.0.10 --node-count 3 --node-vm-size Standard_D2s_v5 --max-pods 110 --no-ssh-key",
)
TEARDOWN = (
    f"aks delete -g {RG} -n myAKSCluster --yes",
    f"network vnet delete -g {RG} -n myAKSVnet",
    f"network route-table delete -g {RG} -n myRouteTable",
    f"identity delete -g {RG} -n myIdentity",
    f"group delete -n {RG} --yes",
)


@dataclass
class SideBySide:
    """Wall times of both clients on one server, per phase."""

    az_create: float
    az_teardown: float
    aksnet_up: float
    aksnet_down: float
    commands: int
    teardown_commands: int


def measure(az_path: str, aksnet: str, scenario: Path, *, work: Path, latency: float, cwd: Path) -> SideBySide:
    server = served.start(aksnet, work / "sidebyside.db", latency=latency, cwd=cwd)
    try:
        az = azrun.Az(az_path, work / "azconfig", server.ca_bundle)
        az.login(server.base)
        az_create = _sequence(az, CREATE)
        az_teardown = _sequence(az, TEARDOWN)
        env = _aksnet_env(server)
        up = _aksnet(aksnet, server.base, ["up", str(scenario), "--yes", "-o", "json"], env, cwd)
        down = _aksnet(aksnet, server.base, ["down", str(scenario), "--yes", "-o", "json"], env, cwd)
    finally:
        server.stop()
    return SideBySide(az_create, az_teardown, up, down, len(CREATE), len(TEARDOWN))


def _sequence(az: azrun.Az, commands: tuple[str, ...]) -> float:
    variables: dict[str, str] = {}
    started = time.perf_counter()
    for command in commands:
        ran = az.run(command.format(**variables))
        if ran.code != 0:
            raise SystemExit(f"bench: az {' '.join(ran.argv)} failed: {ran.stderr[-1000:]}")
        if "principalId" in command:
            variables["principal"] = ran.stdout.strip()
    return time.perf_counter() - started


def _aksnet_env(server: served.Served) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKSNET_")}
    return env | {
        "REQUESTS_CA_BUNDLE": str(server.ca_bundle),
        "AZURE_TENANT_ID": azrun.TENANT,
        "AZURE_CLIENT_ID": azrun.CLIENT_ID,
        "AZURE_CLIENT_SECRET": azrun.CLIENT_SECRET,
        "AZURE_SUBSCRIPTION_ID": SUBSCRIPTION,
    }


def _aksnet(aksnet: str, base: str, args: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [aksnet, "--arm-endpoint", base, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    took = time.perf_counter() - started
    try:
        ok = bool(json.loads(done.stdout)["ok"])
    except (ValueError, KeyError):
        ok = False
    if done.returncode != 0 or not ok:
        raise SystemExit(f"bench: aksnet {args[0]} against the served emulator failed: {done.stderr[-2000:]}")
    return took
