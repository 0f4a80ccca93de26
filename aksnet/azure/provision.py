"""`up` for one deployment: offline rules, subscription, live preflight, plan, then the executor. Never raises.

Nothing is written before the preflight has read what exists and found no error, and before any
change to an existing cluster is confirmed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from aksnet.azure.clients import WRITES, Clients, warm_up
from aksnet.azure.context import RunContext
from aksnet.azure.executor import as_decided, execute
from aksnet.azure.preflight import preflight
from aksnet.azure.session import Session
from aksnet.azure.up_options import UpOptions, cluster_update_allowed
from aksnet.clock import Clock
from aksnet.errors import AksnetError
from aksnet.findings import Finding
from aksnet.live.actions import describe_actions
from aksnet.live.evaluate import Preflight
from aksnet.plan import refusal
from aksnet.result import RunResult
from aksnet.rules import check
from aksnet.spec import Spec, windows_admin_password

if TYPE_CHECKING:
    from aksnet.arc.spec import ArcSpec

log = logging.getLogger(__name__)


def provision(spec: Spec | ArcSpec, session: Session, options: UpOptions, env: Mapping[str, str]) -> RunResult:
    """Create or converge everything `spec` describes; the result carries any error instead of raising."""
    if not isinstance(spec, Spec):
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
