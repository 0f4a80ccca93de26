"""`aksnet capacity`: the IP planning arithmetic on its own."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from aksnet.cli.common import Output, OutputOption, finish
from aksnet.errors import InvalidRequest

if TYPE_CHECKING:
    from aksnet.netcalc import PodSubnet
    from aksnet.result import CapacityResult


class AllocationChoice(StrEnum):
    """How a pod subnet hands out addresses (az --pod-ip-allocation-mode)."""

    DynamicIndividual = "DynamicIndividual"
    StaticBlock = "StaticBlock"


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
    pod_subnet: Annotated[
        str | None, typer.Option("--pod-subnet", help="Azure CNI pod subnet (plugin azure), e.g. 10.241.0.0/16.")
    ] = None,
    pod_ip_allocation_mode: Annotated[
        AllocationChoice | None,
        typer.Option("--pod-ip-allocation-mode", help="DynamicIndividual (default) or StaticBlock, with --pod-subnet."),
    ] = None,
    output: OutputOption = Output.table,
) -> None:
    """How many nodes and pods a subnet (and pod range or pod subnet) hold, and whether your plan fits."""
    pods = PodOptions(pod_cidr, pod_subnet, pod_ip_allocation_mode)
    finish(output, lambda: capacity(plugin, subnet, max_pods, nodes, surge, pods))


@dataclass(frozen=True)
class PodOptions:
    """Where pods get their addresses: a pod range (kubenet, overlay) or a pod subnet (Azure CNI)."""

    pod_cidr: str | None = None
    pod_subnet: str | None = None
    mode: AllocationChoice | None = None


def capacity(
    plugin: PluginChoice, subnet: str, max_pods: int | None, nodes: int, surge: str, pods: PodOptions
) -> CapacityResult:
    from aksnet.netcalc import capacity, parse_surge, surge_nodes
    from aksnet.result import CapacityResult

    subnet_net = _network("--subnet", subnet)
    ok, why = parse_surge(surge)
    if not ok:
        raise InvalidRequest(f"--surge {why}", code="BAD_ARGUMENT")
    pod_subnet = _pod_subnet(plugin, pods)
    per_node = _max_pods(plugin, max_pods, pod_subnet is not None)
    result = capacity(
        plugin.value,
        subnet_net,
        per_node,
        planned_nodes=nodes,
        surge=surge_nodes(nodes, surge),
        pod_cidr=_pod_cidr(plugin, pods),
        surge_setting=surge,
        pod_subnet=pod_subnet,
    )
    if result.fits:
        return CapacityResult(result)
    return CapacityResult(result, InvalidRequest("the planned nodes do not fit", code="CAPACITY_EXCEEDED"))


def _pod_cidr(plugin: PluginChoice, pods: PodOptions) -> ipaddress.IPv4Network | None:
    from aksnet.spec import DEFAULT_POD_CIDR

    if pods.pod_cidr:
        return _network("--pod-cidr", pods.pod_cidr)
    return DEFAULT_POD_CIDR if plugin in (PluginChoice.kubenet, PluginChoice.overlay) else None


def _pod_subnet(plugin: PluginChoice, pods: PodOptions) -> PodSubnet | None:
    from aksnet.netcalc import PodSubnet

    if pods.pod_subnet is None:
        if pods.mode is not None:
            raise InvalidRequest(
                "--pod-ip-allocation-mode needs --pod-subnet", code="BAD_ARGUMENT", hint="add --pod-subnet CIDR"
            )
        return None
    if plugin != PluginChoice.azure:
        raise InvalidRequest(
            f"--pod-subnet needs --plugin azure (a pod subnet is Azure CNI's), not {plugin.value}",
            code="BAD_ARGUMENT",
            hint="use --plugin azure, or drop --pod-subnet",
        )
    mode = (pods.mode or AllocationChoice.DynamicIndividual).value
    return PodSubnet(_network("--pod-subnet", pods.pod_subnet), mode)  # type: ignore[arg-type]


def _max_pods(plugin: PluginChoice, max_pods: int | None, pod_subnet: bool) -> int:
    from aksnet.rules.pools import MAX_PODS_RANGE
    from aksnet.spec import POD_SUBNET_DEFAULT_MAX_PODS, default_max_pods_for

    pods = max_pods or (POD_SUBNET_DEFAULT_MAX_PODS if pod_subnet else default_max_pods_for(plugin.value))
    low, high = MAX_PODS_RANGE
    if not low <= pods <= high:
        raise InvalidRequest(f"--max-pods {pods} is outside {low}-{high}", code="MAX_PODS_OUT_OF_RANGE")
    return pods


def _network(flag: str, text: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(text)
    except ValueError:
        raise InvalidRequest(
            f"{flag} {text!r} is not a valid IPv4 CIDR (e.g. 10.240.0.0/24)", code="BAD_ARGUMENT"
        ) from None
