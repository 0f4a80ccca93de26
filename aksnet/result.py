"""What commands return: typed results that carry their error, and whose `as_dict` is the contract's JSON.

Every result is an `Outcome`: it is ok without an error and exits with the error's code, so exit
codes come only from the error classes (`aksnet.errors`). `aksnet.render` turns them into text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from aksnet.errors import AksnetError
from aksnet.findings import Finding

if TYPE_CHECKING:
    from aksnet.arc.capacity import ArcCapacity
    from aksnet.netcalc import Capacity

# created/updated/unchanged: this deployment owns it; adopted: found, used, never changed or deleted;
# deleted/kept: what teardown did and why; failed: the step's Azure operation failed; skipped: never started.
Action = Literal["created", "updated", "unchanged", "adopted", "deleted", "kept", "skipped", "failed"]


@dataclass(frozen=True)
class Change:
    """One field a write changes: its path in the ARM body, what Azure holds, what the spec asks for."""

    path: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "from": self.before, "to": self.after}

    def describe(self) -> str:
        """`properties.agentPoolProfiles[system].count: 3 -> 4` (`(none)` for a field that is not there)."""
        return f"{self.path}: {_shown(self.before)} -> {_shown(self.after)}"


def _shown(value: Any) -> str:
    return "(none)" if value is None else str(value)


@dataclass(frozen=True)
class ResourceResult:
    """What happened to one resource, and why; `changes` are the fields an update changed."""

    type: str
    id: str
    action: Action
    reason: str = ""
    changes: tuple[Change, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "action": self.action,
            "reason": self.reason,
            "changes": [c.as_dict() for c in self.changes],
        }


class Outcome:
    """What every command's result shares: it is ok without an error, and exits with the error's code."""

    error: AksnetError | None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else self.error.exit_code


def _rounded(seconds: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in seconds.items()}


@dataclass
class RunResult(Outcome):
    """The outcome of one deployment's `up` or `down`.

    `step_seconds` is each step's own time (the preflight's too); `grant_readable` how long each new
    grant (by label) took to be readable; `waited_for_grant` how long the cluster PUT waited for the
    grants to take effect. `dry_run` is None for `up`, and says whether `down` wrote anything.
    """

    deployment: str
    resources: list[ResourceResult] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)
    grant_readable: dict[str, float] = field(default_factory=dict)
    waited_for_grant: float | None = None
    cluster: dict[str, Any] | None = None
    error: AksnetError | None = None
    notes: list[str] = field(default_factory=list)
    findings: Sequence[Finding] | None = None
    dry_run: bool | None = None

    @property
    def total_seconds(self) -> float:
        return sum(self.step_seconds.values())

    @property
    def timings(self) -> dict[str, float]:
        """The contract's flat `timings`: step ids, plus `<grant step>.propagation` and the cluster's wait."""
        flat = dict(self.step_seconds)
        flat.update({f"role_assignment.{label}.propagation": s for label, s in self.grant_readable.items()})
        if self.waited_for_grant is not None:
            flat["managed_cluster.waited_for_grant"] = self.waited_for_grant
        return flat

    def as_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "ok": self.ok,
            "deployment": self.deployment,
            "resources": [r.as_dict() for r in self.resources],
            "cluster": self.cluster,
            "timings": _rounded(self.timings),
            "error": self.error.as_dict() if self.error else None,
        }
        if self.findings is not None:
            document["findings"] = [f.as_dict() for f in self.findings]
        if self.dry_run is not None:
            document["dry_run"] = self.dry_run
        return document


@dataclass
class FleetResult(Outcome):
    """Several deployments of one `up`; it exits with the worst of their codes."""

    results: list[RunResult]

    @property
    def error(self) -> AksnetError | None:  # type: ignore[override]
        failed = [r.error for r in self.results if r.error is not None]
        return max(failed, key=lambda e: e.exit_code) if failed else None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "deployments": [r.as_dict() for r in self.results]}


@dataclass
class StatusResult(Outcome):
    """`status`: the cluster's network as Azure holds it now."""

    cluster: dict[str, Any]
    error: AksnetError | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "cluster": self.cluster}


@dataclass
class CapacityResult(Outcome):
    """`capacity`: the arithmetic, and an error when the plan it was given does not fit."""

    capacity: Capacity | ArcCapacity
    error: AksnetError | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "capacity": self.capacity.as_dict()}


@dataclass(frozen=True)
class ScenarioInfo:
    """One bundled scenario file."""

    name: str
    path: str
    description: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "description": self.description}


@dataclass
class ScenarioList(Outcome):
    """`scenarios`: the bundled scenario files."""

    scenarios: list[ScenarioInfo]
    error: AksnetError | None = None

    def as_dict(self) -> list[dict[str, Any]]:
        return [s.as_dict() for s in self.scenarios]


@dataclass
class ScenarioFile(Outcome):
    """`scenarios show NAME`: one bundled scenario file, comments and all."""

    name: str
    path: str
    description: str
    content: str
    error: AksnetError | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "description": self.description, "content": self.content}


@dataclass
class CredentialsResult(Outcome):
    """`credentials`: which kubeconfig file now holds the cluster's context (never the secrets themselves)."""

    cluster: str
    resource_group: str
    file: str
    context: str
    server: str
    admin: bool
    error: AksnetError | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cluster": self.cluster,
            "resource_group": self.resource_group,
            "file": self.file,
            "context": self.context,
            "server": self.server,
            "admin": self.admin,
        }


@dataclass
class Failure(Outcome):
    """A command that failed before it had a result of its own: its error, in the command's JSON shape."""

    error: AksnetError
    shape: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {**self.shape, "ok": False, "error": self.error.as_dict()}
        findings = getattr(self.error, "findings", None)
        if findings:
            document["findings"] = [f.as_dict() for f in findings]
        return document
