"""`aksnet capacity`: the IP planning arithmetic on its own, ending with a verdict line."""

from enum import StrEnum
from ipaddress import IPv4Network
from typing import TYPE_CHECKING, Annotated

import typer

from aksnet.cli.common import app_context, finish
from aksnet.errors import InvalidRequest

if TYPE_CHECKING:
    from aksnet.result import CapacityResult


class PluginChoice(StrEnum):
    """The capacity models: kubenet, flat Azure CNI, Azure CNI Overlay, your own CNI."""

    kubenet = "kubenet"
    azure = "azure"
    overlay = "overlay"
    none = "none"


def command(
    ctx: typer.Context,
    plugin: Annotated[PluginChoice, typer.Option("--plugin", help="kubenet, azure (flat), overlay or none.")],
    subnet: Annotated[str, typer.Option("--subnet", metavar="CIDR", help="The node subnet, e.g. 10.240.0.0/24.")],
    max_pods: Annotated[int | None, typer.Option("--max-pods", help="Pods per node (AKS default per plugin).")] = None,
    nodes: Annotated[
        int | None,
        typer.Option("--nodes", help="Nodes you plan to run (at least 1); without it, what the subnet holds."),
    ] = None,
    surge: Annotated[
        str, typer.Option("--surge", metavar="N|N%", help="Upgrade surge: a node count or a percentage.")
    ] = "10%",
    pod_cidr: Annotated[
        str | None, typer.Option("--pod-cidr", metavar="CIDR", help="Pod range (kubenet/overlay).")
    ] = None,
) -> None:
    """How many nodes and pods a subnet (and pod range) hold, and whether your plan fits."""
    finish(app_context(ctx), lambda: capacity(plugin, subnet, max_pods, nodes, surge, pod_cidr))


def capacity(
    plugin: PluginChoice, subnet: str, max_pods: int | None, nodes: int | None, surge: str, pod_cidr: str | None
) -> "CapacityResult":
    from aksnet.netcalc import capacity, fit_verdict, parse_surge, surge_nodes, too_small
    from aksnet.result import CapacityResult
    from aksnet.rules.pools import MAX_PODS_RANGE
    from aksnet.spec import DEFAULT_POD_CIDR, default_max_pods_for

    subnet_net = _network("--subnet", subnet)
    refused = too_small(subnet_net)
    if refused is not None:
        raise InvalidRequest(refused, code="SUBNET_TOO_SMALL", hint="use a /29 or larger")
    pods_net = _network("--pod-cidr", pod_cidr) if pod_cidr else None
    if nodes is not None and nodes < 1:
        raise InvalidRequest(
            f"--nodes {nodes}: a plan needs at least 1 node",
            code="BAD_ARGUMENT",
            hint="leave --nodes out to see how many nodes the subnet holds",
        )
    ok, why = parse_surge(surge)
    if not ok:
        raise InvalidRequest(f"--surge {why}", code="BAD_ARGUMENT")
    if pods_net is None and plugin in (PluginChoice.kubenet, PluginChoice.overlay):
        pods_net = DEFAULT_POD_CIDR
    pods = max_pods or default_max_pods_for(plugin.value)
    low, high = MAX_PODS_RANGE
    if not low <= pods <= high:
        raise InvalidRequest(f"--max-pods {pods} is outside {low}-{high}", code="MAX_PODS_OUT_OF_RANGE")
    planned = nodes or 0
    result = capacity(
        plugin.value,
        subnet_net,
        pods,
        planned_nodes=planned,
        surge=surge_nodes(planned, surge),
        pod_cidr=pods_net,
        surge_setting=surge,
    )
    if result.fits:
        return CapacityResult(result)
    return CapacityResult(result, InvalidRequest(fit_verdict(result), code="CAPACITY_EXCEEDED"))


def _network(flag: str, text: str) -> IPv4Network:
    """The CIDR `text`, refused in the very words the scenario file's check uses (host bits included)."""
    from aksnet.convert import FieldError, parse_network

    errors: list[FieldError] = []
    network = parse_network(text, errors, flag)
    if network is None:
        problem = errors[0]
        raise InvalidRequest(f"{problem.field}: {problem.message}", code="BAD_ARGUMENT", hint=problem.hint)
    return network
