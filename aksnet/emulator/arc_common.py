"""What the Azure Local resource providers share: their api-versions, service times, faults' flags.

API_VERSIONS is a table per ARM type (the versions the pinned SDKs send, and Microsoft's own
clients'), kept as data so that a general api-version check can absorb it. Service times are
ASSUMPTIONS: no document gives them ("a few minutes" for a cluster [CLI]; see the README).
"""

from __future__ import annotations

from aksnet.emulator import ids
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError

API_VERSIONS: dict[str, tuple[str, ...]] = {
    # azure-mgmt-extendedlocation 2.0.0 default; Az.AksArc reads with 2021-08-31-preview.
    ids.CUSTOM_LOCATION: ("2021-08-15", "2021-08-31-preview"),
    # The stable API aksnet pins; azure-mgmt-azurestackhcivm 1.0.0b1's default preview.
    ids.LOGICAL_NETWORK: ("2024-01-01", "2025-06-01-preview"),
    # azure-mgmt-hybridkubernetes 2.0.0's default; Microsoft's clients (Az.AksArc, templates).
    ids.CONNECTED_CLUSTER: ("2026-05-01", "2024-01-01"),
    # azure-mgmt-hybridcontainerservice 1.0.0: the only stable API.
    ids.PROVISIONED_CLUSTER: ("2024-01-01",),
    "Microsoft.HybridContainerService/kubernetesVersions": ("2024-01-01",),
    "Microsoft.HybridContainerService/skus": ("2024-01-01",),
}

# Seconds at AKSNET_EMULATOR_LATENCY=1. ASSUMPTIONS (no documented service times).
LNET_CREATE = 20.0
LNET_DELETE = 10.0
CONNECTED_CREATE = 10.0
CONNECTED_DELETE = 30.0
CLUSTER_CREATE = 480.0
CLUSTER_UPDATE = 300.0
CLUSTER_DELETE = 240.0
LISTS_CREATE = 60.0  # the one-time PUT of kubernetesVersions/default or skus/default
RETRY_AFTER = 5.0


def check_api_version(ctx: Ctx, arm_type: str) -> None:
    """ARM's answer to an api-version the resource type does not serve."""
    asked = ctx.req.query.get("api-version", "")
    served = API_VERSIONS[arm_type]
    if asked not in served:
        short = arm_type.split("/", 1)[1]
        raise ArmError(
            400,
            "NoRegisteredProviderFound",
            f"No registered resource provider found for location 'eastus' and API version '{asked}' for type "
            f"'{short}'. The supported api-versions are '{', '.join(served)}'.",
        )


def fault_once(ctx: Ctx, name: str) -> bool:
    """Whether a one-shot fault (`name=1`) fires now; it fires once per database."""
    if not ctx.settings.faults.arc(name) or ctx.tx.kv_get(f"fault:{name}"):
        return False
    ctx.tx.kv_set(f"fault:{name}", "consumed")
    return True
