"""`aksnet capacity`: the IP planning arithmetic on its own."""

from __future__ import annotations

import dataclasses
import ipaddress
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from aksnet.cli.common import Output, OutputOption, finish
from aksnet.errors import InvalidRequest

if TYPE_CHECKING:
    from aksnet.result import CapacityResult
    from aksnet.snat import SnatBudget


class PluginChoice(StrEnum):
    """The capacity models: kubenet, flat Azure CNI, Azure CNI Overlay, your own CNI."""

    kubenet = "kubenet"
    azure = "azure"
    overlay = "overlay"
    none = "none"


def command(
    plugin: Annotated[PluginChoice, typer.Option("--plugin", help="kubenet, azure (flat), overlay or none.")],
    subnet: Annotated[str, typer.Option("--subnet", help="The node subnet, e.g. 10.240.0.0/24.")],
    max_pods: Annotated[int | None, typer.Option("--max-pods", help="Pods per node (AKS default per plugin).")] = None,
    nodes: Annotated[int, typer.Option("--nodes", help="Nodes you plan to run.")] = 0,
    surge: Annotated[str, typer.Option("--surge", help="Upgrade surge: a node count or a percentage.")] = "10%",
    pod_cidr: Annotated[str | None, typer.Option("--pod-cidr", help="Pod range (kubenet/overlay).")] = None,
    outbound_ips: Annotated[
        int | None,
        typer.Option("--outbound-ips", help="The load balancer's IPv4 outbound IPs: prints the SNAT budget."),
    ] = None,
    outbound_ports: Annotated[
        int, typer.Option("--outbound-ports", help="allocatedOutboundPorts per node (0: Azure's share by pool size).")
    ] = 0,
    output: OutputOption = Output.table,
) -> None:
    """How many nodes and pods a subnet (and pod range) hold, and whether your plan fits."""
    snat = (outbound_ips, outbound_ports)
    finish(output, lambda: capacity(plugin, subnet, max_pods, nodes, surge, pod_cidr, snat))


def capacity(
    plugin: PluginChoice,
    subnet: str,
    max_pods: int | None,
    nodes: int,
    surge: str,
    pod_cidr: str | None,
    snat: tuple[int | None, int] = (None, 0),
) -> CapacityResult:
    from aksnet.netcalc import capacity, parse_surge, surge_nodes
    from aksnet.result import CapacityResult
    from aksnet.rules.pools import MAX_PODS_RANGE
    from aksnet.spec import DEFAULT_POD_CIDR, default_max_pods_for

    subnet_net = _network("--subnet", subnet)
    pods_net = _network("--pod-cidr", pod_cidr) if pod_cidr else None
    ok, why = parse_surge(surge)
    if not ok:
        raise InvalidRequest(f"--surge {why}", code="BAD_ARGUMENT")
    if pods_net is None and plugin in (PluginChoice.kubenet, PluginChoice.overlay):
        pods_net = DEFAULT_POD_CIDR
    pods = max_pods or default_max_pods_for(plugin.value)
    low, high = MAX_PODS_RANGE
    if not low <= pods <= high:
        raise InvalidRequest(f"--max-pods {pods} is outside {low}-{high}", code="MAX_PODS_OUT_OF_RANGE")
    result = capacity(
        plugin.value,
        subnet_net,
        pods,
        planned_nodes=nodes,
        surge=surge_nodes(nodes, surge),
        pod_cidr=pods_net,
        surge_setting=surge,
    )
    result = dataclasses.replace(result, snat=_snat(nodes + result.surge_nodes, *snat))
    if result.fits:
        return CapacityResult(result)
    return CapacityResult(result, InvalidRequest("the planned nodes do not fit", code="CAPACITY_EXCEEDED"))


def _snat(nodes: int, ips: int | None, ports: int) -> SnatBudget | None:
    """The SNAT budget of `nodes` (with surge) on `ips` outbound IPs, when --outbound-ips is given."""
    from aksnet.snat import MAX_ALLOCATED_PORTS, PORT_STEP, budget

    if ips is None:
        return None
    if not 1 <= ips <= 100:
        raise InvalidRequest(f"--outbound-ips {ips} is outside 1-100", code="OUTBOUND_IP_COUNT_OUT_OF_RANGE")
    if ports % PORT_STEP or not 0 <= ports <= MAX_ALLOCATED_PORTS:
        raise InvalidRequest(
            f"--outbound-ports {ports} is not a multiple of 8 from 0 to 64,000", code="OUTBOUND_PORTS_INVALID"
        )
    return budget(nodes, ips, ports)


def _network(flag: str, text: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(text)
    except ValueError:
        raise InvalidRequest(
            f"{flag} {text!r} is not a valid IPv4 CIDR (e.g. 10.240.0.0/24)", code="BAD_ARGUMENT"
        ) from None
