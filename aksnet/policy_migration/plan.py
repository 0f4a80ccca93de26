"""What the planner answers: the ordered cluster updates with their warnings, or a refusal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from aksnet.policy_migration.cluster import ClusterNetwork

STEP_FIELDS = {
    "networkPlugin": "plugin",
    "networkPluginMode": "plugin_mode",
    "networkDataplane": "dataplane",
    "networkPolicy": "policy",
}


@dataclass(frozen=True)
class MigrationStep:
    """One full cluster update: the networkProfile fields it sets (ARM names) and why."""

    set: Mapping[str, str]
    why: str

    def as_dict(self) -> dict[str, Any]:
        return {"set": dict(self.set), "why": self.why}


@dataclass(frozen=True)
class MigrationWarning:
    """Something the user must know before the plan runs; ``code`` is stable UPPER_SNAKE."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class MigrationPlan:
    """The ordered cluster updates that move ``source`` to the ``target`` engine, with their warnings."""

    source: ClusterNetwork
    target: str
    steps: tuple[MigrationStep, ...]
    warnings: tuple[MigrationWarning, ...]

    @property
    def network_from(self) -> dict[str, str | None]:
        """The cluster's network settings before the move (ARM names)."""
        return {
            "networkPlugin": self.source.plugin,
            "networkPluginMode": self.source.plugin_mode,
            "networkDataplane": self.source.dataplane,
            "networkPolicy": self.source.policy,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.network_from,
            "to": self.target,
            "steps": [step.as_dict() for step in self.steps],
            "warnings": [warning.as_dict() for warning in self.warnings],
        }


def apply_step(current: ClusterNetwork, step: MigrationStep) -> ClusterNetwork:
    """The cluster as it should read after ``step`` succeeds."""
    unknown = sorted(set(step.set) - set(STEP_FIELDS))
    if unknown:
        raise ValueError(f"apply_step cannot model networkProfile fields {unknown}")
    changes: dict[str, Any] = {STEP_FIELDS[key]: value for key, value in step.set.items()}
    return replace(current, **changes)


def sets_overlay(step: MigrationStep) -> bool:
    """Whether ``step`` moves the cluster to Azure CNI Overlay."""
    return step.set.get("networkPluginMode") == "overlay"
