"""`up` for one deployment: offline rules, subscription, live preflight, plan, then the executor. Never raises.

Nothing is written before the preflight has read what exists and found no error, and before any
change to an existing cluster is confirmed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from aksnet.arc.spec import ArcSpec
from aksnet.azure.clients import WRITES, Clients, warm_up
from aksnet.azure.context import RunContext
from aksnet.azure.executor import as_decided, execute
from aksnet.azure.preflight import preflight
from aksnet.azure.retry import RetryBounds
from aksnet.azure.session import Session
from aksnet.clock import Clock
from aksnet.errors import AksnetError, InvalidRequest
from aksnet.findings import Finding
from aksnet.live.actions import describe_actions
from aksnet.live.evaluate import Preflight
from aksnet.plan import refusal
from aksnet.progress import Confirm, NullProgress, Progress
from aksnet.result import RunResult
from aksnet.rules import check
from aksnet.spec import Spec, windows_admin_password
from aksnet.stopping import watched

log = logging.getLogger(__name__)
_ASKING = threading.Lock()  # deployments of a fleet ask their questions one at a time


@dataclass
class UpOptions:
    """How `up` runs: confirmation given (or how to ask), subscription flag, retry bounds, progress."""

    allow_cluster_update: bool = False  # --yes: an existing cluster may change without a question
    subscription: str | None = None
    bounds: RetryBounds = field(default_factory=RetryBounds)
    progress: Progress = field(default_factory=NullProgress)
    stop: threading.Event = field(default_factory=watched)  # set by Ctrl-C or SIGTERM too
    confirm: Confirm | None = None  # asks the person at a terminal; None refuses a change without --yes


def provision(spec: Spec | ArcSpec, session: Session, options: UpOptions, env: Mapping[str, str]) -> RunResult:
    """Create or converge everything `spec` describes; the result carries any error instead of raising."""
    if isinstance(spec, ArcSpec):
        from aksnet.azure.arc.provision import provision_arc

        return provision_arc(spec, session, options, env)
    findings: Sequence[Finding] = ()
    preflight_seconds: dict[str, float] = {}
    try:
        findings = check(spec, env=env, require_secrets=True)
        refused = refusal(spec, findings)
        if refused is not None:
            raise refused
        subscription, source = session.subscription(options.subscription, spec.subscription_id, env)
        options.progress.started(spec.deployment, "subscription", f"{subscription} (from {source})")
        clients = session.clients(subscription)
        checked, preflight_seconds["preflight"] = _preflight(
            spec, clients, findings, clock=session.clock, options=options, env=env
        )
        findings = checked.findings
        if checked.plan.error is not None:
            raise checked.plan.error
        if checked.nothing_to_do:
            result = as_decided(checked.plan, checked.facts.cluster, options.progress)
        else:
            warm_up(WRITES)
            result = _execute(spec, checked, clients=clients, clock=session.clock, options=options, env=env)
    except AksnetError as exc:
        result = RunResult(spec.deployment, error=exc)
    result.step_seconds = {**preflight_seconds, **result.step_seconds}
    result.findings = tuple(findings)
    return result


def _execute(
    spec: Spec, checked: Preflight, *, clients: Clients, clock: Clock, options: UpOptions, env: Mapping[str, str]
) -> RunResult:
    """Run the plan's steps, once any change to the existing cluster is allowed."""
    return execute(
        RunContext(
            clients=clients,
            plan=checked.plan,
            clock=clock,
            progress=options.progress,
            stop=options.stop,
            bounds=options.bounds,
            windows_password=windows_admin_password(env),
            allow_cluster_update=cluster_update_allowed(
                spec, checked.cluster_changes, options, describe_actions(checked.plan)
            ),
        )
    )


def _preflight(
    spec: Spec,
    clients: Clients,
    offline: Sequence[Finding],
    *,
    clock: Clock,
    options: UpOptions,
    env: Mapping[str, str],
) -> tuple[Preflight, float]:
    """The live preflight, reported as a step of its own, and how long it took."""
    started = clock.now()
    options.progress.started(spec.deployment, "preflight", "reading what already exists")
    checked = preflight(clients, spec, offline, env=env, require_secrets=True)
    elapsed = clock.now() - started
    errors = sum(f.severity == "error" for f in checked.findings)
    for finding in checked.live_findings:
        log.info(
            "%s: live %s %s [%s]: %s", spec.deployment, finding.severity, finding.code, finding.field, finding.message
        )
    for step in checked.plan.steps:
        log.info("%s: plan %s: %s %s", spec.deployment, step.id, step.action, step.resource_id)
    options.progress.finished(spec.deployment, "preflight", f"{errors} error(s)" if errors else "clear", elapsed)
    return checked, elapsed


class Described(Protocol):
    """A change to a cluster that can say what it is (a cloud cluster's Change, an Azure Local Difference)."""

    def describe(self) -> str: ...


def cluster_update_allowed(
    spec: Spec | ArcSpec, changes: Sequence[Described], options: UpOptions, actions: Sequence[str] = ()
) -> bool:
    """Whether the existing cluster may change: --yes, or the person at the terminal said so after seeing
    what `up` will do (`actions`, the same lines `plan --live` shows; else the changes themselves)."""
    if options.allow_cluster_update or not changes:
        return options.allow_cluster_update
    listed = "; ".join(c.describe() for c in changes)
    refused = f"cluster {spec.cluster.name} would change ({listed}); re-run with --yes to apply"
    if options.confirm is None:
        raise InvalidRequest(refused, code="CONFIRMATION_REQUIRED")
    summary = f"{spec.deployment}: cluster {spec.cluster.name} exists and would change. What up will do:\n"
    summary += "\n".join(actions or [f"  {c.describe()}" for c in changes]) + "\n"
    with _ASKING:
        options.confirm(
            summary,
            "Apply these changes?",
            refused=refused,
            declined=f"cluster {spec.cluster.name} left as it is; the change was: {listed}",
        )
    return True
