"""Plan a change of an AKS cluster's network policy engine: the ordered cluster updates, or a refusal.

Pure: no I/O and no ``azure.*`` imports. The executor PUTs each step as one full cluster update and
re-reads Azure in between; :func:`apply_step` predicts the state after a step for dry runs and tests.

Doc names in comments are files of MicrosoftDocs/azure-aks-docs under ``articles/aks/`` (the source
of learn.microsoft.com/azure/aks); ``arm-facts`` is /work/shared/arm-facts.md.
"""

from __future__ import annotations

from datetime import date

from aksnet.errors import MigrationRefused
from aksnet.policy_migration.cluster import ENGINE_NAMES, ENGINES, ClusterNetwork
from aksnet.policy_migration.paths import TO_CILIUM, TO_OVERLAY, UNINSTALL, already_there, path
from aksnet.policy_migration.plan import (
    STEP_FIELDS,
    MigrationPlan,
    MigrationStep,
    MigrationWarning,
    apply_step,
    sets_overlay,
)
from aksnet.policy_migration.refusals import (
    RESERVED_RANGES,
    refuse_unknown_target,
    refuse_unless_succeeded,
    refuse_unsupported,
)
from aksnet.policy_migration.support import (
    CILIUM_END_PORT_MIN_KUBERNETES,
    DUAL_STACK_CILIUM_MIN_KUBERNETES,
    KUBENET_END_OF_SUPPORT,
    NPM_LINUX_END_OF_SUPPORT,
    NPM_WINDOWS_END_OF_SUPPORT,
    OVERLAY_MIN_KUBERNETES,
)
from aksnet.policy_migration.warnings import plan_warnings, retirement_warnings

__all__ = [
    "CILIUM_END_PORT_MIN_KUBERNETES",
    "DUAL_STACK_CILIUM_MIN_KUBERNETES",
    "ENGINES",
    "ENGINE_NAMES",
    "KUBENET_END_OF_SUPPORT",
    "NPM_LINUX_END_OF_SUPPORT",
    "NPM_WINDOWS_END_OF_SUPPORT",
    "OVERLAY_MIN_KUBERNETES",
    "RESERVED_RANGES",
    "STEP_FIELDS",
    "TO_CILIUM",
    "TO_OVERLAY",
    "UNINSTALL",
    "ClusterNetwork",
    "MigrationPlan",
    "MigrationRefused",
    "MigrationStep",
    "MigrationWarning",
    "apply_step",
    "plan_policy_migration",
    "sets_overlay",
]


def plan_policy_migration(current: ClusterNetwork, target: str, *, today: date | None = None) -> MigrationPlan:
    """Compute the supported path from the cluster's engine to ``target``, or raise MigrationRefused."""
    today = today or date.today()
    target = target.strip().lower()
    refuse_unknown_target(current, target)
    refuse_unless_succeeded(current)
    if already_there(current, target):
        return MigrationPlan(current, target, (), tuple(retirement_warnings(current, target, (), today)))
    refuse_unsupported(current, target, today)
    steps = tuple(path(current, target))
    return MigrationPlan(current, target, steps, tuple(plan_warnings(current, target, steps, today)))
