"""`up` for one Azure Local deployment: offline rules, subscription, live preflight, then the steps. Never raises.

Nothing is written before the preflight has read what exists and found no error, and before a change
to an existing cluster is confirmed. Steps run on the cloud path's dependency-graph runner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aksnet.arc.live import ArcPreflight
from aksnet.arc.rules import check_arc
from aksnet.arc.spec import ArcSpec
from aksnet.azure.arc.clients import ArcClients
from aksnet.azure.arc.preflight import arc_preflight
from aksnet.azure.arc.steps import HANDLERS, ArcRunContext
from aksnet.azure.executor import not_run, timed_step
from aksnet.azure.parallel import run_graph
from aksnet.azure.session import Session
from aksnet.azure.up_options import UpOptions, cluster_update_allowed
from aksnet.errors import AksnetError
from aksnet.findings import Finding
from aksnet.plan import Step, refusal
from aksnet.result import ResourceResult, RunResult


def provision_arc(spec: ArcSpec, session: Session, options: UpOptions, env: Mapping[str, str]) -> RunResult:
    """Create or converge the deployment; the result carries any error instead of raising."""
    findings: Sequence[Finding] = check_arc(spec)
    seconds: dict[str, float] = {}
    try:
        refused = refusal(spec, findings)
        if refused is not None:
            raise refused
        subscription, source = session.subscription(options.subscription, spec.subscription_id, env)
        options.progress.started(spec.deployment, "subscription", f"{subscription} (from {source})")
        clients = ArcClients(session.clients(subscription))
        checked, seconds["preflight"] = _preflight(spec, clients, session, options)
        findings = checked.findings
        if checked.plan.error is not None:
            raise checked.plan.error
        allowed = cluster_update_allowed(spec, [d for d in checked.changes if d.mutable], options)
        result = execute_arc(
            ArcRunContext(clients, checked.plan, session.clock, options.progress, options.stop, options.bounds, allowed)
        )
    except AksnetError as exc:
        result = RunResult(spec.deployment, error=exc)
    result.step_seconds = {**seconds, **result.step_seconds}
    result.findings = tuple(findings)
    return result


def _preflight(spec: ArcSpec, clients: ArcClients, session: Session, options: UpOptions) -> tuple[ArcPreflight, float]:
    started = session.clock.now()
    options.progress.started(spec.deployment, "preflight", "reading what already exists")
    checked = arc_preflight(clients, spec)
    elapsed = session.clock.now() - started
    errors = sum(f.severity == "error" for f in checked.findings)
    options.progress.finished(spec.deployment, "preflight", f"{errors} error(s)" if errors else "clear", elapsed)
    return checked, elapsed


def execute_arc(ctx: ArcRunContext) -> RunResult:
    """Every step as soon as what it needs is done; on the first failure nothing new starts."""
    result = RunResult(ctx.deployment)
    done = run_graph(ctx.plan.steps, lambda step: _run_step(ctx, step), stop=ctx.stop, result=result)
    result.resources = [done[s.id] if s.id in done else not_run(s, result) for s in ctx.plan.steps]
    result.step_seconds.update(ctx.step_seconds)
    result.cluster = ctx.cluster
    return result


def _run_step(ctx: ArcRunContext, step: Step) -> ResourceResult:
    return timed_step(ctx, step, lambda: HANDLERS[step.kind](ctx, step))
