"""`down` for one deployment: read everything first, decide (aksnet.teardown_plan), then delete newest first.

Each delete starts once those it waits for are done (aksnet.teardown_plan.deletion_graph), independent
ones at once: the cluster first, then its grants and subnets, then what the subnets used, the identity
and the VNet, the resource group last. The first failure starts nothing new and the report says what
remains; a delete answering 404 counts as done, so a re-run finishes the job.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aksnet.arm import ARM_TYPES, ResourceId, key, name_of
from aksnet.azure import by_id
from aksnet.azure.arm import arm_dict, get_or_none, read_arm
from aksnet.azure.clients import Clients
from aksnet.azure.errors import azure_call
from aksnet.azure.lro import Watch, wait_for
from aksnet.azure.parallel import in_parallel, run_graph
from aksnet.azure.retry import RetryBounds
from aksnet.azure.session import Session
from aksnet.clock import Clock
from aksnet.errors import AksnetError, AuthError, Interrupted
from aksnet.network_steps import NetworkIds
from aksnet.plan import Ids
from aksnet.progress import NullProgress, Progress
from aksnet.result import Action, ResourceResult, RunResult
from aksnet.spec import Spec
from aksnet.stopping import interruption, watched
from aksnet.teardown_network import network_ids_read
from aksnet.teardown_plan import (
    NOT_FOUND,
    Body,
    Decision,
    Deletion,
    Observed,
    Target,
    TeardownPlan,
    decide,
    deletion_graph,
    detachable,
    expected_assignments,
    group_target,
    vnet_target,
)

LOCKS_API = "2016-09-01"
RERUN = "re-run aksnet down; it continues where it stopped"
CONTINUES = "Azure finishes what it started, and a re-run continues"
_FIRST_ERROR = threading.Lock()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Teardown:
    """A teardown ready to run: what was decided, and the clients to carry it out."""

    spec: Spec
    ids: Ids
    clients: Clients
    clock: Clock
    plan: TeardownPlan
    observed: Observed


@dataclass
class DownOptions:
    """Where progress goes, the event that stops the run (Ctrl-C), and how long one delete may take."""

    progress: Progress = field(default_factory=NullProgress)
    bounds: RetryBounds = field(default_factory=RetryBounds)
    stop: threading.Event = field(default_factory=watched)  # set by Ctrl-C or SIGTERM too


def read_teardown(spec: Spec, session: Session, env: Mapping[str, str], subscription: str | None = None) -> Teardown:
    """Read every resource of `spec` and decide, per resource, what teardown does. Writes nothing."""
    sub, _ = session.subscription(subscription, spec.subscription_id, env)
    clients, ids = session.clients(sub), Ids.of(spec, sub)
    seen = observe(clients, spec, ids)
    plan = decide(spec, ids, seen)
    for target in plan.targets:
        log.info("%s: %s %s: %s (%s)", spec.deployment, target.decision, target.kind, target.resource_id, target.reason)
    return Teardown(spec, ids, clients, session.clock, plan, seen)


# --- reading ----------------------------------------------------------------------------------


def read(clients: Clients, kind: str, resource_id: str) -> Body | None:
    """A resource's ARM body, or None when it does not exist (by id, a resource group through its own client)."""
    doing = f"reading {label(kind)} {name_of(resource_id)}"
    if kind != "resource_group":
        return by_id.read(clients, resource_id, doing)
    return read_arm(lambda: clients.resource.resource_groups.get(name_of(resource_id)), doing)


def observe(clients: Clients, spec: Spec, ids: Ids) -> Observed:
    """Every resource `down` decides on, read at once (the principal's grants once its identity is read)."""
    subnets = {s.name.lower(): ids.subnet_id(s.name) for s in spec.vnet.all_subnets}
    network = network_ids_read(NetworkIds.of(spec, ids.sub))
    reads: dict[str, Callable[[], Any]] = {
        "identity": partial(read, clients, "identity", ids.identity),
        "group": partial(read, clients, "resource_group", ids.resource_group),
        "vnet": partial(read, clients, "virtual_network", ids.vnet),
        "route_table": partial(read, clients, "route_table", ids.route_table) if ids.route_table else lambda: None,
        "cluster": partial(read, clients, "managed_cluster", ids.cluster),
        "named": partial(_named_assignments, clients, spec, ids),
        "contents": partial(read_group_contents, clients, ids),
        **{f"subnet:{name}": partial(read, clients, "subnet", rid) for name, rid in subnets.items()},
        **{f"net:{key(rid)}": partial(read, clients, kind, rid) for kind, rid in network},
    }
    got = in_parallel(reads)
    return Observed(
        resource_group=got["group"],
        vnet=got["vnet"],
        subnets={name: got[f"subnet:{name}"] for name in subnets},
        route_table=got["route_table"],
        identity=got["identity"],
        cluster=got["cluster"],
        assignments=(*got["named"], *_principal_assignments(clients, got["identity"])),
        group_contents=tuple(got["contents"]) if got["group"] else (),
        network={key(rid): got[f"net:{key(rid)}"] for _, rid in network},
    )


def _named_assignments(clients: Clients, spec: Spec, ids: Ids) -> list[Body]:
    """This deployment's own grants at the spec's scopes (found even when its identity is already gone)."""
    return [body for rid in expected_assignments(spec, ids) if (body := _read_assignment(clients, rid))]


def _principal_assignments(clients: Clients, identity: Body | None) -> list[Body]:
    """Every assignment of the identity's principal, grants on scopes found live included."""
    principal = ((identity or {}).get("properties") or {}).get("principalId")
    if not principal:
        return []
    assignments = clients.authorization.role_assignments
    with azure_call("listing the identity's role assignments"):
        return [arm_dict(a) for a in assignments.list_for_subscription(filter=f"principalId eq '{principal}'")]


def _read_assignment(clients: Clients, resource_id: str) -> Body | None:
    return by_id.read(clients, resource_id, f"reading {name_of(resource_id)}")


def read_group_contents(clients: Clients, ids: Ids) -> list[Body]:
    group = ResourceId.parse(ids.resource_group).resource_group
    listed = get_or_none(
        lambda: list(clients.resource.resources.list_by_resource_group(group)), f"listing resource group {group}"
    )
    return [arm_dict(r) for r in listed or []]


# --- the dry run ------------------------------------------------------------------------------

PREVIEW: dict[Decision, Action] = {
    "delete": "deleted",
    "with_cluster": "deleted",
    "detach": "kept",
    "keep": "kept",
    "skip": "skipped",
}


def preview(teardown: Teardown) -> RunResult:
    """What a teardown would do, as a result with `dry_run: true`; nothing is written."""
    resources = [_result(t, PREVIEW[t.decision], t.reason) for t in teardown.plan.targets]
    return RunResult(teardown.spec.deployment, resources=resources, dry_run=True)


def _result(target: Target, action: Action, reason: str) -> ResourceResult:
    return ResourceResult(ARM_TYPES[target.kind], target.resource_id, action, reason)


def label(kind: str) -> str:
    return kind.replace("_", " ")


def step_id(target: Target) -> str:
    return f"role_assignment.{target.name}" if target.kind == "role_assignment" else target.kind


# --- the run ----------------------------------------------------------------------------------


def tear_down(teardown: Teardown, options: DownOptions) -> RunResult:
    """Carry out the plan, each target once those it waits for are done; after the first failure or a stop
    nothing new starts, and the report says what became of every target."""
    result = RunResult(teardown.spec.deployment, dry_run=False)
    graph = deletion_graph(teardown.plan)
    finished: list[ResourceResult] = []

    def run(deletion: Deletion) -> ResourceResult:
        outcome = _attempt(teardown, deletion.target, options, result, finished)
        finished.append(outcome)
        return outcome

    done = run_graph(graph, run, stop=options.stop, result=result, resumes=CONTINUES)
    result.resources = [done.get(d.id) or _result(d.target, "skipped", _not_started(result.error)) for d in graph]
    return result


def _not_started(error: AksnetError | None) -> str:
    if isinstance(error, Interrupted):
        return "not started: interrupted; a re-run continues"
    return "not started: an earlier delete failed; a re-run continues"


def _attempt(
    teardown: Teardown, target: Target, options: DownOptions, result: RunResult, finished: list[ResourceResult]
) -> ResourceResult:
    """One target's outcome; a failure (Ctrl-C included) becomes the run's error, which starts nothing new."""
    try:
        return _reported(teardown, target, options, result, finished)
    except KeyboardInterrupt:
        options.stop.set()
        _stops(result, interruption(f"interrupted; {CONTINUES}"))
        return _result(target, "skipped", "interrupted: Azure finishes what it started; re-run aksnet down to continue")
    except AksnetError as exc:
        options.progress.failed(teardown.spec.deployment, step_id(target), exc.message)
        _stops(result, exc)
        return _failed(target, exc)


def _stops(result: RunResult, error: AksnetError) -> None:
    """The first error of the run is its error."""
    with _FIRST_ERROR:
        result.error = result.error or error


def _reported(
    teardown: Teardown, target: Target, options: DownOptions, result: RunResult, finished: list[ResourceResult]
) -> ResourceResult:
    """Carry out one target; those that write get progress lines and a timing."""
    if not target.writes:
        return _carry_out(teardown, target, options, finished)
    step, deployment, began = step_id(target), teardown.spec.deployment, teardown.clock.now()
    options.progress.started(deployment, step, f"{target.decision} {label(target.kind)} {target.name}")
    outcome = _carry_out(teardown, target, options, finished)
    result.step_seconds[step] = teardown.clock.now() - began
    options.progress.finished(deployment, step, outcome.action, result.step_seconds[step])
    return outcome


def _failed(target: Target, error: AksnetError) -> ResourceResult:
    if isinstance(error, Interrupted):
        return _result(target, "skipped", f"{error.message}")
    fix = f"; fix: {error.hint}" if error.hint else ""
    return _result(target, "failed", f"{error.message}{fix}")


def _carry_out(
    teardown: Teardown, target: Target, options: DownOptions, finished: list[ResourceResult]
) -> ResourceResult:
    if target.decision == "keep":
        return _result(target, "kept", target.reason)
    if target.decision == "skip":
        return _result(target, "skipped", target.reason)
    if target.decision == "with_cluster":
        return _node_group_outcome(teardown, target)
    if target.decision == "detach":
        return _detach(teardown, target, options)
    if target.kind in ("virtual_network", "resource_group"):
        target = _recheck(teardown, target, finished)
        if target.decision != "delete":
            return _result(target, PREVIEW[target.decision], target.reason)
    _delete(teardown, target, options)
    return _result(target, "deleted", target.reason)


def _recheck(teardown: Teardown, target: Target, finished: list[ResourceResult]) -> Target:
    """Read a container again right before it goes: something of somebody else's may have arrived."""
    removed = {key(r.id) for r in finished if r.action == "deleted"}
    spec, ids, clients = teardown.spec, teardown.ids, teardown.clients
    if target.kind == "virtual_network":
        return vnet_target(spec, ids, read(clients, "virtual_network", ids.vnet), removed)
    group = read(clients, "resource_group", ids.resource_group)
    contents = read_group_contents(clients, ids) if group else []
    return group_target(spec, ids, group, contents, removed)


def _node_group_outcome(teardown: Teardown, target: Target) -> ResourceResult:
    """AKS deletes the node resource group with the cluster; aksnet only checks that it did."""
    groups = teardown.clients.resource.resource_groups
    with azure_call(f"checking node resource group {target.name}"):
        still_there = groups.check_existence(target.name)
    if still_there:
        why = "still there after the cluster's deletion; it is AKS's to delete, aksnet never deletes it itself"
        return _result(target, "kept", why)
    return _result(target, "deleted", "deleted by AKS with the cluster")


# --- deletes ------------------------------------------------------------------------------------


def _subnet_path(resource_id: str) -> tuple[str, str, str]:
    rid = ResourceId.parse(resource_id)
    return rid.resource_group, rid.parent or "", rid.name


def _delete(teardown: Teardown, target: Target, options: DownOptions) -> None:
    """Delete by id and wait; a 404 (gone already, e.g. after an interrupted run) counts as done. By id, as the
    typed clients would send it, so that no typed SDK package is imported to delete (aksnet.azure.by_id)."""
    doing = f"deleting {label(target.kind)} {target.name}"
    _write(teardown, doing, target, options, lambda: by_id.begin_delete(teardown.clients, target.resource_id))


def _write(teardown: Teardown, doing: str, target: Target, options: DownOptions, start: Callable[[], Any]) -> None:
    def report(status: str) -> None:
        options.progress.waiting(teardown.spec.deployment, step_id(target), status)

    write_and_wait(
        teardown.clients,
        start,
        doing,
        resource_id=target.resource_id,
        clock=teardown.clock,
        options=options,
        report=report,
    )


def write_and_wait(
    clients: Clients,
    start: Callable[[], Any],
    doing: str,
    *,
    resource_id: str,
    clock: Clock,
    options: DownOptions,
    report: Callable[[str], None],
) -> None:
    """Start an operation and wait for it (stoppable, bounded; both platforms' `down`). A 404 means the
    resource is gone already, which counts as done; any other failure gets its fix (`with_fix`)."""
    from azure.core.exceptions import ResourceNotFoundError
    from azure.core.polling import LROPoller

    try:
        with azure_call(doing):
            started = start()
        if isinstance(started, LROPoller):
            watch = Watch(options.stop, clock, options.bounds.operation_seconds)
            wait_for(started, doing=doing, watch=watch, report=report, resource_id=resource_id)
    except Interrupted:
        raise
    except AksnetError as exc:
        if isinstance(exc.__cause__, ResourceNotFoundError):
            return
        with_fix(clients, exc)
        raise


def _detach(teardown: Teardown, target: Target, options: DownOptions) -> ResourceResult:
    """PUT the subnet back as read, without the associations aksnet made (its route table, NAT gateway)."""
    from azure.mgmt.network import models

    subnet = read(teardown.clients, "subnet", target.resource_id)
    if subnet is None:
        return _result(target, "skipped", NOT_FOUND)
    attached = detachable(teardown.spec, teardown.ids, teardown.observed, subnet)
    if not attached:
        return _result(target, "kept", "kept; its association with aksnet's resources was already gone")
    body = copy.deepcopy(dict(subnet))
    body["properties"] = {k: v for k, v in body["properties"].items() if k not in attached}
    group, vnet, name = _subnet_path(target.resource_id)
    put = teardown.clients.network.subnets.begin_create_or_update
    doing = f"removing aksnet's associations from subnet {name}"
    _write(teardown, doing, target, options, lambda: put(group, vnet, name, models.Subnet(body)))
    return _result(target, "kept", target.reason)


# --- what to do about a failure ---------------------------------------------------------------


def with_fix(clients: Clients, error: AksnetError) -> AksnetError:
    """The error with what the user can do about it (its `hint`, printed as `fix:`)."""
    if error.code == "ScopeLocked":
        return error.with_hint(f"remove {locks_named(clients, error.message)}, then re-run aksnet down")
    if error.code.startswith("InUse"):
        return error.with_hint(
            f"something aksnet did not create still uses it (named above); remove that use, then {RERUN}"
        )
    if isinstance(error, AuthError):
        return error.with_hint(
            f"the signed-in account may not delete it; get that right (e.g. Contributor), then {RERUN}"
        )
    return error if error.hint else error.with_hint(RERUN)


def locks_named(clients: Clients, message: str) -> str:
    """'lock NAME on SCOPE' for each lock ARM's ScopeLocked message points at (by scope only)."""
    scopes = re.findall(r"'([^']+)'", message.split("locked:", 1)[-1])
    named = [f"lock {name} on {scope}" for scope in scopes for name in _lock_names(clients, scope)]
    return ", ".join(named) or "the lock on " + (", ".join(scopes) or "the resource")


def _lock_names(clients: Clients, scope: str) -> list[str]:
    from azure.core.exceptions import AzureError
    from azure.core.rest import HttpRequest

    collection = f"{scope}/providers/Microsoft.Authorization/locks"
    request = HttpRequest("GET", collection, params={"api-version": LOCKS_API})
    try:
        response = clients.resource.send_request(request)
        response.raise_for_status()
        locks = response.json().get("value", [])
    except (AzureError, ValueError):
        return []  # naming the lock is a courtesy: the scope alone still says where to look
    return [str(lock["name"]) for lock in locks if key(str(lock["id"])).startswith(key(collection) + "/")]
