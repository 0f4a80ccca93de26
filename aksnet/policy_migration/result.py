"""What a `migrate-policy` run planned and did; `as_dict` is the `migrate-policy -o json` document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aksnet.arm import CLUSTER_TYPE
from aksnet.errors import AksnetError, Declined, Interrupted, InvalidRequest
from aksnet.policy_migration.cluster import ClusterNetwork
from aksnet.policy_migration.plan import MigrationPlan, MigrationStep, MigrationWarning
from aksnet.policy_migration.scan import PolicyScan
from aksnet.result import Action, Change, Outcome, ResourceResult
from aksnet.spec_edit import network_edit


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
    step_seconds: dict[str, float] = field(default_factory=dict)  # by update: reconcile, step_1, ...
    waited_for_other_operation: dict[str, float] = field(default_factory=dict)  # by update, when it waited
    waited_for_running_operation: float | None = None  # before planning, for an operation already under way
    policy_scan: PolicyScan | None = None
    scanned_policies: bool = False
    notes: list[str] = field(default_factory=list)
    error: AksnetError | None = None
    spec_file: str | None = None  # the scenario file `--spec` rewrote after the move

    @property
    def timings(self) -> dict[str, float]:
        """The contract's flat `timings`: each update's time, and the waits before them."""
        flat: dict[str, float] = {}
        if self.waited_for_running_operation is not None:
            flat["wait_for_running_operation"] = self.waited_for_running_operation
        for key, seconds in self.step_seconds.items():
            if key in self.waited_for_other_operation:
                flat[f"{key}.waited_for_other_operation"] = self.waited_for_other_operation[key]
            flat[key] = seconds
        return flat

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
        return ResourceResult(
            CLUSTER_TYPE, self.cluster_id, action, reason, self.changes() if action == "updated" else ()
        )

    def changes(self) -> tuple[Change, ...]:
        """Each network setting the updates sent, from what the cluster had to what the last update set."""
        before = self.plan.network_from if self.plan else {}
        after: dict[str, str] = {}
        sent = self.updates if self.error is None else self.updates[: self.sent]
        for update in sent:
            after.update(update.set)
        return tuple(
            Change(f"properties.networkProfile.{name}", before.get(name), value)
            for name, value in after.items()
            if before.get(name) != value
        )

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
            "spec_edit": network_edit(self.changes()),
            "spec_file": self.spec_file,
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
        if isinstance(run.error, InvalidRequest | Declined):
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
