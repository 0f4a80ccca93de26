"""What `up`, `down` and `migrate-policy` report: one line per resource, timings, the cluster, the error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from aksnet.errors import AksnetError

# created/updated/unchanged: this deployment owns it; adopted: found, used, never changed or deleted;
# deleted/kept: what teardown did and why; failed: the step's Azure operation failed; skipped: never started.
Action = Literal["created", "updated", "unchanged", "adopted", "deleted", "kept", "skipped", "failed"]


@dataclass(frozen=True)
class ResourceResult:
    """What happened to one resource, and why."""

    type: str
    id: str
    action: Action
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "id": self.id, "action": self.action, "reason": self.reason}


class Outcome:
    """What every command's result shares: it is ok without an error, and exits with the error's code."""

    error: AksnetError | None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else self.error.exit_code


@dataclass
class RunResult(Outcome):
    """The outcome of one deployment's run; `as_dict` is the contract's JSON."""

    deployment: str
    resources: list[ResourceResult] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    cluster: dict[str, Any] | None = None
    error: AksnetError | None = None
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "deployment": self.deployment,
            "resources": [r.as_dict() for r in self.resources],
            "cluster": self.cluster,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "error": self.error.as_dict() if self.error else None,
            **self.extra,
        }
