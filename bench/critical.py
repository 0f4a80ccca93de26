"""The service-time critical path of a plan's DAG, and the sequential sum of the same steps.

Service times are the contract's (cli-contract.md "The emulator", the same numbers as
aksnet/emulator/latency.py) at latency 1; multiply by the latency scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aksnet.emulator import latency
from aksnet.plan import Plan, Step, build_plan
from aksnet.spec import Spec, load_spec

WRITE_TYPE = {
    "resource_group": "resourcegroups",
    "virtual_network": "virtualnetworks",
    "route_table": "routetables",
    "subnet": "subnets",
    "identity": "userassignedidentities",
    "role_assignment": "roleassignments",
}


@dataclass(frozen=True)
class CriticalPath:
    """The longest chain of steps through the DAG and its total, plus the sum of every step."""

    steps: tuple[tuple[str, float], ...]
    critical: float
    sequential: float
    every: tuple[tuple[str, float], ...]

    def describe(self, scale: float = 1.0) -> str:
        return " + ".join(f"{_short(s)} {t * scale:g}" for s, t in self.steps)

    @property
    def before_cluster(self) -> float:
        """The service time of the chain up to the cluster create, at latency 1."""
        return self.critical - latency.CLUSTER_CREATE


def service_seconds(step: Step, plan: Plan) -> float:
    """What Azure spends on the write this step makes; 0 for a step that only reads."""
    if step.action == "use":
        return 0.0
    if step.kind == "managed_cluster":
        return latency.CLUSTER_CREATE
    if step.kind == "subnet":
        vnet = plan.find("virtual_network")
        inline = vnet is not None and vnet.action == "create"
        # Created inline by the VNet PUT; the step writes only to associate the route table.
        if inline and "routeTable" not in dict((step.body or {}).get("properties", {})):
            return 0.0
    return latency.write_seconds(WRITE_TYPE[step.kind])


def of_plan(plan: Plan) -> CriticalPath:
    weight = {s.id: service_seconds(s, plan) for s in plan.steps}
    finish: dict[str, float] = {}
    before: dict[str, str | None] = {}
    for step in plan.steps:  # dependency order
        prior = max(step.depends_on, key=lambda d: finish[d], default=None)
        before[step.id] = prior
        finish[step.id] = (finish[prior] if prior else 0.0) + weight[step.id]
    last: str | None = max(finish, key=lambda s: finish[s])
    chain = []
    while last is not None:
        if weight[last] > 0:
            chain.append((last, weight[last]))
        last = before[last]
    every = tuple((s.id, weight[s.id]) for s in plan.steps)
    return CriticalPath(tuple(reversed(chain)), max(finish.values()), sum(weight.values()), every)


def of_file(path: Path) -> CriticalPath:
    spec = load_spec(path)
    assert isinstance(spec, Spec), f"{path} is not a cloud scenario"
    return of_plan(build_plan(spec))


# `down` of the bench's scenario: the cluster's delete, then its subnet's (the route table is associated
# with it), then the route table's and the VNet's at once, then the empty resource group's.
TEARDOWN_CHAIN = (
    ("cluster", latency.CLUSTER_DELETE),
    ("subnet", latency.DELETE),
    ("VNet or route table", latency.DELETE),
    ("RG", latency.RESOURCE_GROUP_DELETE),
)


def teardown_floor() -> tuple[str, float]:
    """The service-time floor of that teardown at latency 1, and its chain in words."""
    return " + ".join(f"{what} {t:g}" for what, t in TEARDOWN_CHAIN), sum(t for _, t in TEARDOWN_CHAIN)


def _short(step_id: str) -> str:
    names = {
        "resource_group": "RG",
        "virtual_network": "VNet",
        "route_table": "route table",
        "subnet": "subnet",
        "identity": "identity",
        "managed_cluster": "cluster",
    }
    return names.get(step_id, step_id.replace("role_assignment.", "grant "))
