"""What a `migrate-policy` run is asked (MigrateOptions) and what it planned and did (MigrationRun)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from aksnet.azure.retry import RetryBounds
from aksnet.errors import AksnetError, Interrupted, InvalidRequest
from aksnet.policy_migration import ClusterNetwork, MigrationPlan, MigrationStep, MigrationWarning
from aksnet.policy_scan import PolicyScan
from aksnet.progress import NullProgress, Progress
from aksnet.result import Action, Outcome, ResourceResult

CLUSTER_TYPE = "Microsoft.ContainerService/managedClusters"


def _confirmed(run: MigrationRun) -> bool:
    return True


@dataclass
class MigrateOptions:
    """What the user asked for, and how the run reports, stops and bounds its waits."""

    target: str
    dry_run: bool = False
    policies: Path | None = None
    subscription: str | None = None
    confirm: Callable[[MigrationRun], bool] = _confirmed
    progress: Progress = field(default_factory=NullProgress)
    stop: threading.Event = field(default_factory=threading.Event)
    bounds: RetryBounds = field(default_factory=RetryBounds)
    today: date | None = None


@dataclass
class MigrationRun(Outcome):
    """What a run planned and did; ``as_dict`` is the `migrate-policy -o json` document."""

    cluster_id: str
    target: str
    dry_run: bool
    source: ClusterNetwork | None = None
    plan: MigrationPlan | None = None
    reconcile: MigrationStep | None = None
    reconcile_warning: MigrationWarning | None = None
    scan_warning: MigrationWarning | None = None
    sent: int = 0
    applied: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    policy_scan: PolicyScan | None = None
    scanned_policies: bool = False
    notes: list[str] = field(default_factory=list)
    error: AksnetError | None = None

    @property
    def updates(self) -> list[MigrationStep]:
        """Every cluster update this run makes, in order: the reconcile (if any), then the plan's steps."""
        steps = list(self.plan.steps) if self.plan else []
        return [self.reconcile, *steps] if self.reconcile else steps

    @property
    def warnings(self) -> list[MigrationWarning]:
        planned = list(self.plan.warnings) if self.plan else []
        return [w for w in (self.reconcile_warning, *planned, self.scan_warning) if w is not None]

    def resource(self) -> ResourceResult:
        action, reason = _outcome(self)
        return ResourceResult(CLUSTER_TYPE, self.cluster_id, action, reason)

    def as_dict(self) -> dict[str, Any]:
        planned = self.plan
        if planned is None and self.source is not None:
            planned = MigrationPlan(self.source, self.target, (), ())
        document: dict[str, Any] = {
            "ok": self.ok,
            "cluster": self.cluster_id,
            "from": planned.as_dict()["from"] if planned else None,
            "to": self.target,
            "steps": [step.as_dict() for step in (self.plan.steps if self.plan else ())],
            "reconcile": self.reconcile.as_dict() if self.reconcile else None,
            "warnings": [warning.as_dict() for warning in self.warnings],
            "dry_run": self.dry_run,
            "resources": [self.resource().as_dict()],
            "timings": {key: round(value, 3) for key, value in self.timings.items()},
            "notes": list(self.notes),
            "error": self.error.as_dict() if self.error else None,
        }
        if self.scanned_policies:
            findings = self.policy_scan.findings if self.policy_scan else ()
            document["policy_findings"] = [
                {"namespace": f.namespace, "name": f.name, "construct": f.construct, "detail": f.detail}
                for f in findings
            ]
        return document


def _outcome(run: MigrationRun) -> tuple[Action, str]:
    total = len(run.updates)
    if run.error is not None:
        done = f"{run.applied} of {total} cluster update(s) applied"
        if isinstance(run.error, InvalidRequest):
            return "unchanged", f"nothing written: {run.error.code}"
        if isinstance(run.error, Interrupted):
            running = f"; update {run.sent} continues in Azure" if run.sent > run.applied else ""
            return ("updated" if run.sent else "unchanged"), f"interrupted; {done}{running}; a re-run resumes"
        return "failed", f"{done}; a re-run resumes from the cluster's state"
    if run.dry_run:
        return "unchanged", f"dry run: {total} cluster update(s) planned, nothing written"
    if not total:
        return "unchanged", f"already at {run.target}: nothing to do"
    return "updated", f"{total} cluster update(s) applied"


def cluster_resource_id(subscription: str, resource_group: str, name: str) -> str:
    """The ARM id of a managed cluster."""
    return f"/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/{CLUSTER_TYPE}/{name}"
