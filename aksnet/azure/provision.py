"""`up` for one deployment: offline rules, subscription, plan, then the executor. Never raises."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from aksnet.azure.context import RunContext
from aksnet.azure.executor import execute
from aksnet.azure.retry import RetryBounds
from aksnet.azure.session import Session
from aksnet.errors import AksnetError, InvalidRequest
from aksnet.findings import has_errors
from aksnet.plan import build_plan
from aksnet.progress import NullProgress, Progress
from aksnet.result import RunResult
from aksnet.rules import check
from aksnet.spec import Spec, windows_admin_password


@dataclass
class UpOptions:
    """How `up` runs: confirmation given, subscription flag, retry bounds, where progress goes."""

    allow_cluster_update: bool = False
    subscription: str | None = None
    bounds: RetryBounds = field(default_factory=RetryBounds)
    progress: Progress = field(default_factory=NullProgress)
    stop: threading.Event = field(default_factory=threading.Event)


def provision(spec: Spec, session: Session, options: UpOptions, env: Mapping[str, str]) -> RunResult:
    """Create or converge everything `spec` describes; the result carries any error instead of raising."""
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
        plan = build_plan(spec, findings, subscription_id=subscription)
        ctx = RunContext(
            clients=session.clients(subscription),
            plan=plan,
            clock=session.clock,
            progress=options.progress,
            stop=options.stop,
            bounds=options.bounds,
            windows_password=windows_admin_password(env),
            allow_cluster_update=options.allow_cluster_update,
        )
        return execute(ctx)
    except AksnetError as exc:
        return RunResult(spec.deployment, error=exc)
