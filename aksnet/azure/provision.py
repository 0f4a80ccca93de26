"""`up` for one deployment: offline rules, subscription, live preflight, plan, then the executor. Never raises.

Nothing is written before the preflight has read what exists and found no error, and before any
change to an existing cluster is confirmed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aksnet.azure.clients import Clients
from aksnet.azure.context import RunContext
from aksnet.azure.executor import execute
from aksnet.azure.preflight import preflight, refuse_errors
from aksnet.azure.retry import RetryBounds
from aksnet.azure.session import Session
from aksnet.clock import Clock
from aksnet.drift import Difference
from aksnet.errors import AksnetError, InvalidRequest
from aksnet.findings import Finding, has_errors
from aksnet.live_plan import Preflight
from aksnet.progress import NullProgress, Progress, paused
from aksnet.result import RunResult
from aksnet.rules import check
from aksnet.spec import Spec, windows_admin_password

Confirm = Callable[[str], bool]
_ASKING = threading.Lock()  # deployments of a fleet ask their questions one at a time


@dataclass
class UpOptions:
    """How `up` runs: confirmation given (or how to ask), subscription flag, retry bounds, progress."""

    allow_cluster_update: bool = False
    subscription: str | None = None
    bounds: RetryBounds = field(default_factory=RetryBounds)
    progress: Progress = field(default_factory=NullProgress)
    stop: threading.Event = field(default_factory=threading.Event)
    confirm: Confirm | None = None  # asks the person at a terminal; None refuses a change without --yes


def provision(spec: Spec, session: Session, options: UpOptions, env: Mapping[str, str]) -> RunResult:
    """Create or converge everything `spec` describes; the result carries any error instead of raising."""
    findings: Sequence[Finding] = ()
    timings: dict[str, float] = {}
    try:
        findings = check(spec, env=env, require_secrets=True)
        if has_errors(findings):
            raise InvalidRequest(
                f"{spec.deployment}: the spec has errors; nothing was written",
                findings=findings,
                code="SPEC_INVALID",
            )
        subscription, source = session.subscription(options.subscription, spec.subscription_id, env)
        options.progress.started(spec.deployment, "subscription", f"{subscription} (from {source})")
        clients = session.clients(subscription)
        checked, timings["preflight"] = _preflight(
            spec, clients, findings, clock=session.clock, options=options, env=env
        )
        findings = checked.findings
        refuse_errors(spec.deployment, checked)
        result = execute(
            RunContext(
                clients=clients,
                plan=checked.plan,
                clock=session.clock,
                progress=options.progress,
                stop=options.stop,
                bounds=options.bounds,
                windows_password=windows_admin_password(env),
                allow_cluster_update=_cluster_update_allowed(spec, checked.cluster_changes, options),
            )
        )
    except AksnetError as exc:
        result = RunResult(spec.deployment, error=exc)
    result.timings = {**timings, **result.timings}
    result.extra["findings"] = [f.as_dict() for f in findings]
    return result


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
    options.progress.finished(spec.deployment, "preflight", f"{errors} error(s)" if errors else "clear", elapsed)
    return checked, elapsed


def _cluster_update_allowed(spec: Spec, changes: Sequence[Difference], options: UpOptions) -> bool:
    """Whether the existing cluster may change: --yes, or the person at the terminal said so."""
    if options.allow_cluster_update or not changes:
        return options.allow_cluster_update
    listed = "; ".join(d.describe() for d in changes)
    if options.confirm is None:
        raise InvalidRequest(
            f"cluster {spec.cluster.name} would change ({listed}); re-run with --yes to apply",
            code="CONFIRMATION_REQUIRED",
        )
    question = f"{spec.deployment}: cluster {spec.cluster.name} exists and would change:\n" + "".join(
        f"  {d.describe()}\n" for d in changes
    )
    with _ASKING, paused(options.progress):
        agreed = options.confirm(question + "Apply these changes?")
    if not agreed:
        raise InvalidRequest(
            f"cluster {spec.cluster.name} left unchanged: the change ({listed}) was declined",
            code="CONFIRMATION_REQUIRED",
        )
    return True
