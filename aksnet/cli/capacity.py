"""`aksnet capacity`: the IP planning arithmetic on its own, ending with a verdict line."""

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Network
from typing import TYPE_CHECKING, Annotated, cast

import typer

from aksnet.cli.common import app_context, finish
from aksnet.errors import InvalidRequest

if TYPE_CHECKING:
    from aksnet.netcalc import CapacityModel, PodSubnet
    from aksnet.result import CapacityResult
    from aksnet.snat import SnatBudget


class AllocationChoice(StrEnum):
    """How a pod subnet hands out addresses (az --pod-ip-allocation-mode)."""

    DynamicIndividual = "DynamicIndividual"
    StaticBlock = "StaticBlock"


class PluginChoice(StrEnum):
    """The capacity models: kubenet, flat Azure CNI, Azure CNI Overlay, your own CNI; AKS on Azure Local."""

    kubenet = "kubenet"
    azure = "azure"
    overlay = "overlay"
    none = "none"
    arc = "arc"


def command(
    ctx: typer.Context,
    plugin: Annotated[
        PluginChoice, typer.Option("--plugin", help="kubenet, azure (flat), overlay or none; arc: AKS on Azure Local.")
    ],
    subnet: Annotated[
        str,
        typer.Option("--subnet", metavar="CIDR", help="The node subnet, e.g. 10.240.0.0/24 (arc: the network's)."),
    ],
    max_pods: Annotated[int | None, typer.Option("--max-pods", help="Pods per node (AKS default per plugin).")] = None,
    nodes: Annotated[
        int | None,
        typer.Option(
            "--nodes", help="Nodes you plan to run, at least 1 (arc: workers per cluster); without it, what fits."
        ),
    ] = None,
    surge: Annotated[
        str, typer.Option("--surge", metavar="N|N%", help="Upgrade surge: a node count or a percentage.")
    ] = "10%",
    pod_cidr: Annotated[
        str | None, typer.Option("--pod-cidr", metavar="CIDR", help="Pod range (kubenet/overlay).")
    ] = None,
    pod_subnet: Annotated[
        str | None,
        typer.Option("--pod-subnet", metavar="CIDR", help="Azure CNI pod subnet (plugin azure), e.g. 10.241.0.0/16."),
    ] = None,
    pod_ip_allocation_mode: Annotated[
        AllocationChoice | None,
        typer.Option(
            "--pod-ip-allocation-mode",
            metavar="MODE",
            help="DynamicIndividual (default) or StaticBlock, with --pod-subnet.",
        ),
    ] = None,
    outbound_ips: Annotated[
        int | None,
        typer.Option("--outbound-ips", help="The load balancer's IPv4 outbound IPs: prints the SNAT budget."),
    ] = None,
    outbound_ports: Annotated[
        int, typer.Option("--outbound-ports", help="allocatedOutboundPorts per node (0: Azure's share by pool size).")
    ] = 0,
    ip_pool: Annotated[
        list[str] | None, typer.Option("--ip-pool", metavar="START-END", help="arc: an IP pool of the logical network.")
    ] = None,
    control_plane: Annotated[int, typer.Option("--control-plane", min=1, help="arc: control-plane nodes.")] = 1,
    clusters: Annotated[int, typer.Option("--clusters", min=1, help="arc: clusters like this one on the network.")] = 1,
    max_nodes: Annotated[
        int | None, typer.Option("--max-nodes", help="arc: the autoscaler's max worker nodes per cluster.")
    ] = None,
    lb_ips: Annotated[int, typer.Option("--lb-ips", min=0, help="arc: load-balancer IPs per cluster.")] = 0,
    explicit_cp_ip: Annotated[
        bool, typer.Option("--explicit-cp-ip", help="arc: the control-plane IP is given (outside the pool).")
    ] = False,
) -> None:
    """How many nodes and pods a subnet (and pod range or pod subnet) hold, and whether your plan fits."""
    app = app_context(ctx)
    if plugin is PluginChoice.arc:
        shape = ArcShape(control_plane, max(nodes or 0, max_nodes or 0), clusters, lb_ips, explicit_cp_ip)
        finish(app, lambda: arc_capacity(subnet, ip_pool or [], shape))
    pods = PodOptions(pod_cidr, pod_subnet, pod_ip_allocation_mode)
    finish(app, lambda: capacity(plugin, subnet, max_pods, nodes, surge, pods, (outbound_ips, outbound_ports)))


@dataclass(frozen=True)
class PodOptions:
    """Where pods get their addresses: a pod range (kubenet, overlay) or a pod subnet (Azure CNI)."""

    pod_cidr: str | None = None
    pod_subnet: str | None = None
    mode: AllocationChoice | None = None


@dataclass(frozen=True)
class ArcShape:
    """`--plugin arc`: the clusters on the logical network, all alike."""

    control_plane: int
    workers: int
    clusters: int
    lb_ips: int
    explicit_cp_ip: bool


def arc_capacity(subnet: str, pools: list[str], shape: ArcShape) -> "CapacityResult":
    """The documented IP plan of AKS on Azure Local for `shape.clusters` clusters alike."""
    from aksnet.arc.addresses import AddressRange
    from aksnet.arc.capacity import ClusterDemand
    from aksnet.arc.capacity import arc_capacity as plan_ips
    from aksnet.result import CapacityResult

    if not pools:
        raise InvalidRequest("--plugin arc needs --ip-pool START-END (one per pool)", code="BAD_ARGUMENT")
    try:
        ranges = [AddressRange.from_text(p) for p in pools]
    except ValueError as exc:
        raise InvalidRequest(f"--ip-pool {exc}", code="BAD_ARGUMENT") from None
    demand = [
        ClusterDemand(f"cluster-{n}", shape.control_plane, shape.workers, shape.explicit_cp_ip, lb_ips=shape.lb_ips)
        for n in range(1, shape.clusters + 1)
    ]
    result = plan_ips(_network("--subnet", subnet), ranges, demand)
    if result.fits:
        return CapacityResult(result)
    return CapacityResult(result, InvalidRequest("the planned clusters do not fit", code="CAPACITY_EXCEEDED"))


def capacity(
    plugin: PluginChoice,
    subnet: str,
    max_pods: int | None,
    nodes: int | None,
    surge: str,
    pods: PodOptions,
    snat: "tuple[int | None, int]" = (None, 0),
) -> "CapacityResult":
    """The arithmetic for one pool shape; an error (exit 2) with the verdict when the plan does not fit."""
    from aksnet.netcalc import capacity, fit_verdict, parse_surge, surge_nodes, too_small
    from aksnet.result import CapacityResult

    subnet_net = _network("--subnet", subnet)
    refused = too_small(subnet_net)
    if refused is not None:
        raise InvalidRequest(refused, code="SUBNET_TOO_SMALL", hint="use a /29 or larger")
    if nodes is not None and nodes < 1:
        raise InvalidRequest(
            f"--nodes {nodes}: a plan needs at least 1 node",
            code="BAD_ARGUMENT",
            hint="leave --nodes out to see how many nodes the subnet holds",
        )
    ok, why = parse_surge(surge)
    if not ok:
        raise InvalidRequest(f"--surge {why}", code="BAD_ARGUMENT")
    pod_subnet = _pod_subnet(plugin, pods)
    per_node = _max_pods(plugin, max_pods, pod_subnet is not None)
    planned = nodes or 0
    result = capacity(
        cast("CapacityModel", plugin.value),
        subnet_net,
        per_node,
        planned_nodes=planned,
        surge=surge_nodes(planned, surge),
        pod_cidr=_pod_cidr(plugin, pods),
        surge_setting=surge,
        pod_subnet=pod_subnet,
    )
    result = dataclasses.replace(result, snat=_snat(planned + result.surge_nodes, *snat))
    if result.fits:
        return CapacityResult(result)
    return CapacityResult(result, InvalidRequest(fit_verdict(result), code="CAPACITY_EXCEEDED"))


def _pod_cidr(plugin: PluginChoice, pods: PodOptions) -> IPv4Network | None:
    from aksnet.spec import DEFAULT_POD_CIDR

    if pods.pod_cidr:
        return _network("--pod-cidr", pods.pod_cidr)
    return DEFAULT_POD_CIDR if plugin in (PluginChoice.kubenet, PluginChoice.overlay) else None


def _pod_subnet(plugin: PluginChoice, pods: PodOptions) -> "PodSubnet | None":
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


def _snat(nodes: int, ips: int | None, ports: int) -> "SnatBudget | None":
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


def _network(flag: str, text: str) -> IPv4Network:
    """The CIDR `text`, refused in the very words the scenario file's check uses (host bits included)."""
    from aksnet.convert import FieldError, parse_network

    errors: list[FieldError] = []
    network = parse_network(text, errors, flag)
    if network is None:
        problem = errors[0]
        raise InvalidRequest(f"{problem.field}: {problem.message}", code="BAD_ARGUMENT", hint=problem.hint)
    return network
