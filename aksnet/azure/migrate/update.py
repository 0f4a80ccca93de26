"""One full cluster update: the body sent, the reconcile that re-sends a failed cluster, and the check
that the cluster reads back as the step said.

``arm-facts`` is /work/shared/arm-facts.md.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from aksnet.arm import provisioning_state
from aksnet.azure.errors import translate
from aksnet.azure.retry import RetryBounds, operation_in_progress
from aksnet.errors import AksnetError, AzureOperationError
from aksnet.policy_migration import STEP_FIELDS, ClusterNetwork, MigrationStep, MigrationWarning, apply_step
from aksnet.policy_migration.result import MigrationRun


def update_names(run: MigrationRun, number: int) -> tuple[str, str]:
    """The timing key and the progress label of the run's ``number``-th cluster update."""
    if run.reconcile is not None and number == 1:
        return "reconcile", "reconcile"
    step = number - (run.reconcile is not None)
    return f"step_{step}", f"step {step}/{len(run.plan.steps) if run.plan else 0}"


def reconcile_step(cluster: Mapping[str, Any], network: ClusterNetwork) -> MigrationStep:
    """Re-send a failed or canceled cluster as AKS recorded it, so AKS retries its last operation."""
    profile = cluster.get("properties", {}).get("networkProfile") or {}
    recorded = {key: str(profile[key]) for key in STEP_FIELDS if profile.get(key)}
    recorded["networkPolicy"] = network.policy
    why = (
        f"Re-send cluster {network.name} as AKS recorded it ({describe(recorded)}), so AKS retries the "
        f"operation that left it {network.provisioning_state}, as `az aks update` without changes does."
    )
    return MigrationStep(recorded, why)


def reconcile_warning(network: ClusterNetwork) -> MigrationWarning:
    """Why the run starts with one more cluster update than the plan has."""
    return MigrationWarning(
        "RECONCILE_FAILED_CLUSTER",
        f"Cluster {network.name} is in provisioningState {network.provisioning_state}: an earlier operation "
        "(perhaps a step of an interrupted migration) did not finish. Before step 1, aksnet re-sends the "
        "cluster unchanged so AKS retries it; that is one more cluster update, which can reimage all node "
        "pools. If it fails again, fix the cause AKS reports (az aks show, the activity log), then re-run.",
    )


def describe(values: Mapping[str, str]) -> str:
    """`key=value, ...` of the networkProfile fields a step sets."""
    return ", ".join(f"{key}={value}" for key, value in values.items())


def updated_body(cluster: dict[str, Any], step: MigrationStep) -> dict[str, Any]:
    """The full cluster body to PUT: the cluster as read, with the step's fields set."""
    body = copy.deepcopy(cluster)
    profile = body.setdefault("properties", {}).setdefault("networkProfile", {})
    # AKS's partial PUT back-fills an omitted or empty networkPolicy from the stored cluster, so the policy
    # is always sent, "none" included (arm-facts §1.1).
    profile["networkPolicy"] = profile.get("networkPolicy") or "none"
    profile.update(step.set)
    return body


def _engine_fields(network: ClusterNetwork) -> tuple[str, str, str, str]:
    return (network.plugin, network.plugin_mode or "", network.dataplane, network.policy)


def check_applied(before: dict[str, Any], after: dict[str, Any], step: MigrationStep, label: str, name: str) -> None:
    """Raise unless the cluster succeeded and reads back with the engine fields the step set."""
    state = provisioning_state(after)
    if state != "succeeded":
        raise AzureOperationError(
            f"cluster {name} is {state} after {label}; a re-run resumes from there", code="STEP_NOT_SUCCEEDED"
        )
    lowered = MigrationStep({key: value.lower() for key, value in step.set.items()}, step.why)
    expected = _engine_fields(apply_step(ClusterNetwork.from_arm(before), lowered))
    actual = _engine_fields(ClusterNetwork.from_arm(after))
    if actual != expected:
        shown = "plugin {}, mode {}, dataplane {}, policy {}"
        raise AzureOperationError(
            f"cluster {name} reads back as {shown.format(*actual)} after {label}, not "
            f"{shown.format(*expected)}; another change may have raced this one. Re-run to plan from the "
            "cluster's current state",
            code="STEP_NOT_APPLIED",
        )


def put_error(exc: BaseException, name: str, bounds: RetryBounds) -> AksnetError:
    """The error for a failed PUT: a cluster kept busy past the bound, or the translated Azure error."""
    if operation_in_progress(exc):
        return AzureOperationError(
            f"another operation kept cluster {name} busy for more than {bounds.operation_seconds:.0f}s; nothing "
            "more was changed. Re-run once it has finished: aksnet resumes from the cluster's state",
            code="OperationNotAllowed",
        )
    return translate(exc, f"updating cluster {name}")
