"""`down` for one Azure Local deployment: read everything, decide (aksnet.arc.teardown), delete newest first.

One delete at a time, each waited for. The connected cluster is read again after its cluster's delete:
Azure usually removes it with the cluster, but not always [DELVIS], and then aksnet deletes it. A 404
counts as done, so a re-run after a failure or Ctrl-C finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aksnet.arc.plan import ArcIds
from aksnet.arc.spec import ArcSpec
from aksnet.arc.teardown import ArcObserved, connected_target, decide_arc, group_target_arc
from aksnet.arm import ARM_TYPES, ResourceId, connected_cluster_of, key
from aksnet.azure.arc.clients import ArcClients
from aksnet.azure.arc.preflight import read_arc_facts, uri
from aksnet.azure.arm import arm_dict, get_or_none, read_arm
from aksnet.azure.session import Session
from aksnet.azure.teardown import PREVIEW, DownOptions, write_and_wait
from aksnet.clock import Clock
from aksnet.errors import AksnetError, Interrupted
from aksnet.result import Action, ResourceResult, RunResult
from aksnet.stopping import interruption
from aksnet.teardown_plan import Target, TeardownPlan


@dataclass(frozen=True)
class ArcTeardown:
    """A teardown ready to run: what was decided, and the clients to carry it out."""

    spec: ArcSpec
    ids: ArcIds
    clients: ArcClients
    clock: Clock
    plan: TeardownPlan


def read_arc_teardown(
    spec: ArcSpec, session: Session, env: Mapping[str, str], subscription: str | None = None
) -> ArcTeardown:
    """Read every resource of `spec` and decide what teardown does with each. Writes nothing."""
    sub, _ = session.subscription(subscription, spec.subscription_id, env)
    clients = ArcClients(session.clients(sub))
    ids = ArcIds.of(spec, sub)
    return ArcTeardown(spec, ids, clients, session.clock, decide_arc(spec, ids, observe(clients, spec, ids)))


def observe(clients: ArcClients, spec: ArcSpec, ids: ArcIds) -> ArcObserved:
    facts = read_arc_facts(clients, spec)
    group = _group(clients, ids)
    users = [i.id for i in facts.others] + (
        [facts.instance.id] if facts.instance and facts.instance.on(ids.logical_network) else []
    )
    return ArcObserved(
        resource_group=group,
        lnet=_lnet(clients, ids) if facts.lnet is not None else None,
        connected=facts.connected,
        instance=dict(facts.instance.body) if facts.instance else None,
        lnet_users=tuple(users),
        group_contents=tuple(_contents(clients, ids)) if group else (),
    )


def _group(clients: ArcClients, ids: ArcIds) -> dict[str, Any] | None:
    name = ResourceId.parse(ids.resource_group).resource_group
    return read_arm(lambda: clients.base.resource.resource_groups.get(name), f"reading resource group {name}")


def _contents(clients: ArcClients, ids: ArcIds) -> list[dict[str, Any]]:
    name = ResourceId.parse(ids.resource_group).resource_group
    listed = get_or_none(lambda: list(clients.base.resource.resources.list_by_resource_group(name)), f"listing {name}")
    return [arm_dict(r) for r in listed or []]


def _lnet(clients: ArcClients, ids: ArcIds) -> dict[str, Any] | None:
    rid = ResourceId.parse(ids.logical_network)
    return read_arm(
        lambda: clients.stack_hci.logical_networks.get(rid.resource_group, rid.name), "reading the logical network"
    )


def preview_arc(teardown: ArcTeardown) -> RunResult:
    """What the teardown would do, as a result with `dry_run: true`; nothing is written."""
    resources = [_result(t, PREVIEW[t.decision], t.reason) for t in teardown.plan.targets]
    return RunResult(teardown.spec.deployment, resources=resources, dry_run=True)


def _result(target: Target, action: Action, reason: str) -> ResourceResult:
    return ResourceResult(ARM_TYPES[target.kind], target.resource_id, action, reason)


def tear_down_arc(teardown: ArcTeardown, options: DownOptions) -> RunResult:
    """Carry out the plan in order; stop at the first failure and report every target either way."""
    result = RunResult(teardown.spec.deployment, dry_run=False)
    for target in teardown.plan.targets:
        if result.error is None and options.stop.is_set():
            result.error = interruption("stopped; Azure finishes what it started, and a re-run continues")
        if result.error is not None:
            result.resources.append(
                _result(target, "skipped", "not started: an earlier delete failed or was interrupted")
            )
            continue
        try:
            result.resources.append(_carry_out(teardown, target, options, result))
        except KeyboardInterrupt:
            options.stop.set()
            result.error = interruption("interrupted; Azure finishes the operation it started, and a re-run continues")
            result.resources.append(_result(target, "skipped", result.error.message))
        except AksnetError as exc:
            options.progress.failed(teardown.spec.deployment, target.kind, exc.message)
            result.error = exc
            result.resources.append(
                _result(target, "skipped" if isinstance(exc, Interrupted) else "failed", exc.message)
            )
    return result


def _carry_out(teardown: ArcTeardown, target: Target, options: DownOptions, result: RunResult) -> ResourceResult:
    target = _recheck(teardown, target, result)
    if target.decision != "delete":
        return _result(target, PREVIEW[target.decision], target.reason)
    deployment, began = teardown.spec.deployment, teardown.clock.now()
    options.progress.started(deployment, target.kind, f"delete {target.kind.replace('_', ' ')} {target.name}")
    _delete(teardown, target, options)
    result.step_seconds[target.kind] = teardown.clock.now() - began
    options.progress.finished(deployment, target.kind, "deleted", result.step_seconds[target.kind])
    return _result(target, "deleted", target.reason)


def _recheck(teardown: ArcTeardown, target: Target, result: RunResult) -> Target:
    """Read again what may have changed since: the connected cluster after its cluster's delete, the group."""
    removed = {key(r.id) for r in result.resources if r.action == "deleted"}
    spec, ids, clients = teardown.spec, teardown.ids, teardown.clients
    if target.kind == "connected_cluster" and key(ids.provisioned_cluster) in removed:
        rid = ResourceId.parse(ids.connected_cluster)
        found = read_arm(
            lambda: clients.kubernetes.connected_cluster.get(rid.resource_group, rid.name),
            "reading the connected cluster",
        )
        if found is None:
            return Target(target.kind, target.resource_id, "skip", "deleted by Azure with its cluster")
        return connected_target(spec, ids, found)
    if target.kind == "resource_group" and target.decision == "delete":
        contents = _contents(clients, ids)
        return group_target_arc(spec, ids, _group(clients, ids), contents, removed)
    return target


def _delete(teardown: ArcTeardown, target: Target, options: DownOptions) -> None:
    """Delete and wait; a 404 (gone already, e.g. after an interrupted run) counts as done."""
    doing = f"deleting {target.kind.replace('_', ' ')} {target.name}"
    write_and_wait(
        teardown.clients.base,
        lambda: DELETERS[target.kind](teardown.clients, target.resource_id),
        doing,
        resource_id=target.resource_id,
        clock=teardown.clock,
        options=options,
        report=_reporter(teardown, target, options),
    )


def _reporter(teardown: ArcTeardown, target: Target, options: DownOptions) -> Callable[[str], None]:
    return lambda status: options.progress.waiting(teardown.spec.deployment, target.kind, status)


def _in_group(resource_id: str) -> tuple[str, str]:
    rid = ResourceId.parse(resource_id)
    return rid.resource_group, rid.name


DELETERS: dict[str, Callable[[ArcClients, str], Any]] = {
    "provisioned_cluster": lambda c, i: c.hybrid.provisioned_cluster_instances.begin_delete(
        uri(connected_cluster_of(i))
    ),
    "connected_cluster": lambda c, i: c.kubernetes.connected_cluster.begin_delete(*_in_group(i)),
    "logical_network": lambda c, i: c.stack_hci.logical_networks.begin_delete(*_in_group(i)),
    "resource_group": lambda c, i: c.base.resource.resource_groups.begin_delete(_in_group(i)[0]),
}
