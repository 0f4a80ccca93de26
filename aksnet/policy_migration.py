"""Plan a change of an AKS cluster's network policy engine: the ordered cluster updates, or a refusal.

Pure: no I/O and no ``azure.*`` imports. The executor PUTs each step as one full cluster update and
re-reads Azure in between; :func:`apply_step` predicts the state after a step for dry runs and tests.

Doc names in comments are files of MicrosoftDocs/azure-aks-docs under ``articles/aks/`` (the source
of learn.microsoft.com/azure/aks); ``arm-facts`` is /work/shared/arm-facts.md.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from aksnet.errors import InvalidRequest

ENGINES = ("none", "azure", "calico", "cilium")
ENGINE_NAMES = {"none": "no policy engine", "azure": "Azure NPM", "calico": "Calico", "cilium": "Cilium"}

# includes/kubenet-retirement.md and includes/azure-network-policy-manager-{linux,windows}-retirement.md
KUBENET_END_OF_SUPPORT = date(2028, 3, 31)
NPM_LINUX_END_OF_SUPPORT = date(2028, 9, 30)
NPM_WINDOWS_END_OF_SUPPORT = date(2026, 9, 30)

# concepts-network-cni-overview.md: AKS rejects pod CIDRs overlapping these "during cluster creation or
# update".
RESERVED_RANGES = tuple(
    ipaddress.ip_network(cidr) for cidr in ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
)

# update-azure-cni.md: the overlay update needs a cluster that "Is on Kubernetes version 1.27 or later".
OVERLAY_MIN_KUBERNETES = (1, 27)
# azure-cni-overlay.md, "Dual-stack networking with Azure CNI Powered by Cilium": Kubernetes 1.29 or later.
DUAL_STACK_CILIUM_MIN_KUBERNETES = (1, 29)
# azure-cni-powered-by-cilium.md version table: Kubernetes 1.32 ships Cilium 1.17.9, the first with endPort.
CILIUM_END_PORT_MIN_KUBERNETES = (1, 32)

UNINSTALL = {"networkPolicy": "none"}
TO_OVERLAY = {"networkPlugin": "azure", "networkPluginMode": "overlay"}
# arm-facts §4.4: the API rejects networkDataplane cilium without networkPolicy cilium, and the reverse.
TO_CILIUM = {"networkDataplane": "cilium", "networkPolicy": "cilium"}

STEP_FIELDS = {
    "networkPlugin": "plugin",
    "networkPluginMode": "plugin_mode",
    "networkDataplane": "dataplane",
    "networkPolicy": "policy",
}


@dataclass(frozen=True)
class ClusterNetwork:
    """The parts of a ManagedCluster that decide how its policy engine can change."""

    id: str
    name: str
    provisioning_state: str
    plugin: str
    plugin_mode: str | None
    dataplane: str
    policy: str
    pool_os: tuple[str, ...]
    identity_type: str
    ip_families: tuple[str, ...]
    pod_cidr: str | None
    service_cidr: str | None
    kubernetes_version: str | None
    pod_subnet: bool
    node_auto_provisioning: bool = False

    @classmethod
    def from_arm(cls, cluster: Mapping[str, Any]) -> ClusterNetwork:
        """Read a ManagedCluster ARM JSON body (camelCase, as GET returns it); tolerate missing fields."""
        props = _mapping(cluster.get("properties"))
        profile = _mapping(props.get("networkProfile"))
        pools = [_mapping(pool) for pool in _sequence(props.get("agentPoolProfiles"))]
        pod_cidrs = [str(cidr) for cidr in _sequence(profile.get("podCidrs"))]
        service_cidrs = [str(cidr) for cidr in _sequence(profile.get("serviceCidrs"))]
        provisioning = _mapping(props.get("nodeProvisioningProfile"))
        return cls(
            id=str(cluster.get("id") or ""),
            name=str(cluster.get("name") or ""),
            provisioning_state=str(props.get("provisioningState") or ""),
            plugin=_lower(profile.get("networkPlugin"), ""),
            plugin_mode=_lower(profile.get("networkPluginMode"), "") or None,
            dataplane=_lower(profile.get("networkDataplane"), "azure"),
            policy=_lower(profile.get("networkPolicy"), "none"),
            pool_os=tuple(str(pool.get("osType") or "Linux") for pool in pools),
            identity_type=str(_mapping(cluster.get("identity")).get("type") or "None"),
            ip_families=_ip_families(profile, pod_cidrs),
            pod_cidr=_ipv4_first(profile.get("podCidr"), pod_cidrs),
            service_cidr=_ipv4_first(profile.get("serviceCidr"), service_cidrs),
            kubernetes_version=_kubernetes_version(props),
            pod_subnet=any(pool.get("podSubnetID") for pool in pools),
            node_auto_provisioning=_lower(provisioning.get("mode"), "") == "auto",
        )

    @property
    def windows_pool_count(self) -> int:
        return sum(1 for os_type in self.pool_os if os_type.lower() == "windows")

    @property
    def dual_stack(self) -> bool:
        return any(family.lower() == "ipv6" for family in self.ip_families)

    @property
    def network_label(self) -> str:
        if self.plugin == "azure":
            return "Azure CNI Overlay" if self.plugin_mode == "overlay" else "Azure CNI"
        if self.plugin == "none":
            return "BYO CNI"
        return self.plugin


@dataclass(frozen=True)
class MigrationStep:
    """One full cluster update: the networkProfile fields it sets (ARM names) and why."""

    set: Mapping[str, str]
    why: str


@dataclass(frozen=True)
class MigrationWarning:
    """Something the user must know before the plan runs; ``code`` is stable UPPER_SNAKE."""

    code: str
    message: str


@dataclass(frozen=True)
class MigrationPlan:
    """The ordered cluster updates that move ``source`` to the ``target`` engine, with their warnings."""

    source: ClusterNetwork
    target: str
    steps: tuple[MigrationStep, ...]
    warnings: tuple[MigrationWarning, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": {
                "networkPlugin": self.source.plugin,
                "networkPluginMode": self.source.plugin_mode,
                "networkDataplane": self.source.dataplane,
                "networkPolicy": self.source.policy,
            },
            "to": self.target,
            "steps": [{"set": dict(step.set), "why": step.why} for step in self.steps],
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
        }


class MigrationRefused(InvalidRequest):
    """The requested move is unsupported; nothing changed. Carries the nearest supported alternative."""

    def __init__(self, reason: str, alternative: str, code: str) -> None:
        super().__init__(f"{reason} Nearest supported alternative: {alternative}", code=code)
        self.reason = reason
        self.alternative = alternative

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "alternative": self.alternative}


def plan_policy_migration(current: ClusterNetwork, target: str, *, today: date | None = None) -> MigrationPlan:
    """Compute the supported path from the cluster's engine to ``target``, or raise MigrationRefused."""
    today = today or date.today()
    target = target.strip().lower()
    _refuse_unknown_target(current, target)
    _refuse_unless_succeeded(current)
    if _already_there(current, target):
        return MigrationPlan(current, target, (), tuple(_retirement_warnings(current, target, (), today)))
    for refuse in _REFUSALS:
        refuse(current, target, today)
    steps = tuple(_path(current, target))
    return MigrationPlan(current, target, steps, tuple(_warnings(current, target, steps, today)))


def apply_step(current: ClusterNetwork, step: MigrationStep) -> ClusterNetwork:
    """The cluster as it should read after ``step`` succeeds."""
    unknown = sorted(set(step.set) - set(STEP_FIELDS))
    if unknown:
        raise ValueError(f"apply_step cannot model networkProfile fields {unknown}")
    changes: dict[str, Any] = {STEP_FIELDS[key]: value for key, value in step.set.items()}
    return replace(current, **changes)


# --- reading ARM ---------------------------------------------------------------------------------------


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


def _lower(value: Any, default: str) -> str:
    # ARM enums compare case-insensitively; "" means "not set" (partial PUT, arm-facts §1.1).
    return str(value).strip().lower() if value else default


def _ip_families(profile: Mapping[str, Any], pod_cidrs: Sequence[str]) -> tuple[str, ...]:
    families = tuple(str(family) for family in _sequence(profile.get("ipFamilies")))
    if families:
        return families
    return ("IPv4", "IPv6") if any(":" in cidr for cidr in pod_cidrs) else ("IPv4",)


def _ipv4_first(single: Any, many: Sequence[str]) -> str | None:
    if single:
        return str(single)
    return next((cidr for cidr in many if ":" not in cidr), None)


def _kubernetes_version(props: Mapping[str, Any]) -> str | None:
    # The running version decides preconditions; kubernetesVersion may be an alias such as "1.30".
    version = props.get("currentKubernetesVersion") or props.get("kubernetesVersion")
    return str(version) if version else None


def _minor_version(version: str | None) -> tuple[int, int] | None:
    parts = (version or "").lstrip("v").split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return None


def _older_than(current: ClusterNetwork, minimum: tuple[int, int]) -> bool:
    version = _minor_version(current.kubernetes_version)
    return version is not None and version < minimum


def _parse_network(cidr: str | None) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(cidr, strict=True) if cidr else None
    except ValueError:
        return None


# --- refusals ------------------------------------------------------------------------------------------


def _refuse_unknown_target(current: ClusterNetwork, target: str) -> None:
    if target not in ENGINES:
        raise MigrationRefused(
            f"Unknown network policy engine {target!r} for cluster {current.name}.",
            "--to none, azure, calico or cilium.",
            "UNKNOWN_TARGET",
        )


def _refuse_unless_succeeded(current: ClusterNetwork) -> None:
    # A running operation makes any PUT fail with 409 OperationNotAllowed (arm-facts §2.2).
    if current.provisioning_state.lower() != "succeeded":
        state = current.provisioning_state or "unknown"
        raise MigrationRefused(
            f"Cluster {current.name} is in provisioningState {state!r}, not 'Succeeded'.",
            "wait for the running operation to finish, or reconcile the failed one "
            "(`az aks update` with no changes), then run migrate-policy again.",
            "CLUSTER_NOT_SUCCEEDED",
        )


def _already_there(current: ClusterNetwork, target: str) -> bool:
    if target == "cilium":
        return current.dataplane == "cilium" and current.policy == "cilium"
    return current.policy == target


def _refuse_unknown_plugin(current: ClusterNetwork, target: str, today: date) -> None:
    if current.plugin not in ("kubenet", "azure", "none"):
        raise MigrationRefused(
            f"Cluster {current.name} reports networkPlugin {current.plugin!r}; aksnet cannot plan from it.",
            "re-read the cluster with a current api-version (Azure always returns networkPlugin).",
            "NETWORK_PLUGIN_UNKNOWN",
        )


def _refuse_byo_cni(current: ClusterNetwork, target: str, today: date) -> None:
    # use-byo-cni.md: with networkPlugin none the user's own CNI owns pod networking and policy.
    if current.plugin == "none" and target != "none":
        raise MigrationRefused(
            f"Cluster {current.name} uses bring-your-own CNI (networkPlugin none), which cannot take "
            f"an AKS-managed policy engine such as {ENGINE_NAMES[target]}.",
            "enforce policy with the CNI you installed, or create a cluster with Azure CNI Overlay "
            "and --network-dataplane cilium and move the workloads to it.",
            "BYO_CNI_NO_MANAGED_ENGINE",
        )


def _refuse_leaving_cilium(current: ClusterNetwork, target: str, today: date) -> None:
    # update-azure-cni.md documents moves onto the Cilium dataplane only; no doc describes leaving it.
    if current.dataplane == "cilium" and target != "cilium":
        raise MigrationRefused(
            f"Cluster {current.name} runs Azure CNI Powered by Cilium; leaving the Cilium dataplane "
            f"or Cilium network policy (for {ENGINE_NAMES[target]}) is not supported by AKS.",
            "keep Cilium and relax or delete NetworkPolicy objects instead; for another engine, "
            "create a new cluster and move the workloads to it.",
            "LEAVING_CILIUM_UNSUPPORTED",
        )


def _refuse_cilium_with_windows(current: ClusterNetwork, target: str, today: date) -> None:
    # update-azure-cni.md: the Cilium update "isn't supported on clusters with Windows node pools".
    if target == "cilium" and current.windows_pool_count:
        raise MigrationRefused(
            f"Cluster {current.name} has {current.windows_pool_count} Windows node pool(s); Azure CNI "
            "Powered by Cilium is Linux only and cannot be enabled with Windows pools.",
            "--to calico (Linux and Windows pools), or remove the Windows pools first.",
            "CILIUM_WINDOWS_POOLS",
        )


def _refuse_cilium_with_nap(current: ClusterNetwork, target: str, today: date) -> None:
    # update-azure-cni.md: clusters with node auto-provisioning can't be updated to Cilium.
    if target == "cilium" and current.node_auto_provisioning:
        raise MigrationRefused(
            f"Cluster {current.name} has node auto-provisioning (NAP) enabled, which blocks the "
            "update to Azure CNI Powered by Cilium.",
            "disable NAP (nodeProvisioningProfile.mode Manual), run migrate-policy --to cilium, then re-enable NAP.",
            "CILIUM_WITH_NODE_AUTO_PROVISIONING",
        )


def _refuse_dual_stack_engine(current: ClusterNetwork, target: str, today: date) -> None:
    # azure-cni-overlay.md and configure-kubenet-dual-stack.md: dual-stack supports neither Azure nor
    # Calico network policies.
    if target in ("azure", "calico") and current.dual_stack:
        raise MigrationRefused(
            f"Cluster {current.name} is dual-stack (ipFamilies {', '.join(current.ip_families)}); "
            f"{ENGINE_NAMES[target]} network policies are not supported on dual-stack clusters.",
            "--to cilium (Cilium enforces IPv4 and IPv6 policy on dual-stack Azure CNI Overlay).",
            "POLICY_NOT_SUPPORTED_DUAL_STACK",
        )


def _refuse_dual_stack_cilium_on_old_kubernetes(current: ClusterNetwork, target: str, today: date) -> None:
    if target == "cilium" and current.dual_stack and _older_than(current, DUAL_STACK_CILIUM_MIN_KUBERNETES):
        raise MigrationRefused(
            f"Cluster {current.name} is dual-stack on Kubernetes {current.kubernetes_version}; "
            "dual-stack with Azure CNI Powered by Cilium needs Kubernetes 1.29 or later.",
            "upgrade the cluster to Kubernetes 1.29 or later, then run migrate-policy --to cilium.",
            "CILIUM_DUAL_STACK_NEEDS_K8S_1_29",
        )


def _refuse_npm_on_kubenet(current: ClusterNetwork, target: str, today: date) -> None:
    # configure-kubenet.md: "Azure Network Policies aren't supported with kubenet"; the API answers
    # NetworkPolicyAzureNotSupportedForKubenet (arm-facts §2.2).
    if target == "azure" and current.plugin == "kubenet":
        raise MigrationRefused(
            f"Cluster {current.name} uses kubenet, and Azure Network Policy Manager is not supported on kubenet.",
            "migrate to Azure CNI Overlay first, or choose --to calico (supported on kubenet) or "
            "--to cilium (aksnet moves the cluster to Azure CNI Overlay on the way).",
            "NPM_ON_KUBENET",
        )


def _refuse_retired_npm(current: ClusterNetwork, target: str, today: date) -> None:
    if target != "azure":
        return
    # includes/azure-network-policy-manager-windows-retirement.md: no onboarding after 2026-09-30.
    if current.windows_pool_count and today > NPM_WINDOWS_END_OF_SUPPORT:
        raise MigrationRefused(
            f"Cluster {current.name} has {current.windows_pool_count} Windows node pool(s), and Azure "
            f"NPM on Windows reached end of support on {NPM_WINDOWS_END_OF_SUPPORT.isoformat()}; it "
            "can no longer be installed.",
            "--to calico (supports Windows pools), or remove the Windows pools and use --to cilium.",
            "NPM_WINDOWS_RETIRED",
        )
    if today > NPM_LINUX_END_OF_SUPPORT:
        raise MigrationRefused(
            f"Azure NPM on Linux reached end of support on {NPM_LINUX_END_OF_SUPPORT.isoformat()}; "
            f"aksnet does not install it on cluster {current.name}.",
            "--to cilium (the documented successor), or --to calico.",
            "NPM_RETIRED",
        )


def _refuse_overlay_preconditions(current: ClusterNetwork, target: str, today: date) -> None:
    if _needs_overlay(current, target):
        for refuse in (_overlay_identity, _overlay_kubernetes, _overlay_pod_subnet, _overlay_pod_cidr):
            refuse(current)


def _overlay_identity(current: ClusterNetwork) -> None:
    # update-azure-cni.md, Kubenet tab: detaching the route table needs a user-assigned managed
    # identity; "System-assigned managed identities aren't supported."
    if current.identity_type != "UserAssigned":
        raise MigrationRefused(
            f"Cluster {current.name} uses kubenet with identity type {current.identity_type}; the move "
            "to Azure CNI Overlay (needed before Cilium) requires a user-assigned managed identity to "
            "detach the route table.",
            "give the cluster a user-assigned control-plane identity (`az aks update --assign-identity "
            "<id>`, with Network Contributor on the subnet and route table) and run --to cilium again; "
            "or stay on kubenet with --to calico.",
            "OVERLAY_NEEDS_USER_ASSIGNED_IDENTITY",
        )


def _overlay_kubernetes(current: ClusterNetwork) -> None:
    if _older_than(current, OVERLAY_MIN_KUBERNETES):
        raise MigrationRefused(
            f"Cluster {current.name} runs Kubernetes {current.kubernetes_version}; the move from "
            "kubenet to Azure CNI Overlay (needed before Cilium) requires Kubernetes 1.27 or later.",
            "upgrade the cluster to Kubernetes 1.27 or later first, or stay on kubenet with --to calico.",
            "OVERLAY_NEEDS_K8S_1_27",
        )


def _overlay_pod_subnet(current: ClusterNetwork) -> None:
    # update-azure-cni.md: the cluster must not use dynamic IP allocation (podSubnetID).
    if current.pod_subnet:
        raise MigrationRefused(
            f"Cluster {current.name} has node pools with podSubnetID (dynamic IP allocation), which "
            "blocks the move to Azure CNI Overlay.",
            "move the pools off podSubnetID first, or stay on kubenet with --to calico.",
            "OVERLAY_BLOCKED_BY_POD_SUBNET",
        )


def _overlay_pod_cidr(current: ClusterNetwork) -> None:
    # update-azure-cni.md, Kubenet tab: the pod CIDR is kept; it must not overlap the service CIDR.
    pod = _parse_network(current.pod_cidr)
    if pod is None:
        raise MigrationRefused(
            f"Cluster {current.name} has no valid pod CIDR (podCidr {current.pod_cidr!r}), and kubenet "
            "keeps its pod CIDR when it moves to Azure CNI Overlay.",
            "re-read the cluster (Azure returns podCidr for kubenet) or fix its network profile first.",
            "POD_CIDR_INVALID",
        )
    service = _parse_network(current.service_cidr)
    if service is not None and pod.overlaps(service):
        raise MigrationRefused(
            f"Pod CIDR {pod} of cluster {current.name} overlaps its service CIDR {service}, which "
            "Azure CNI Overlay rejects.",
            "move to overlay with a new pod CIDR (`az aks update --network-plugin azure "
            "--network-plugin-mode overlay --pod-cidr <private range>`), then run --to cilium.",
            "POD_CIDR_OVERLAPS_SERVICE_CIDR",
        )
    reserved = next((r for r in RESERVED_RANGES if r.version == pod.version and pod.overlaps(r)), None)
    if reserved is not None:
        raise MigrationRefused(
            f"Pod CIDR {pod} of cluster {current.name} overlaps the reserved range {reserved}, which "
            "AKS rejects on update.",
            "move to overlay with a new pod CIDR outside 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 "
            "and 192.0.2.0/24 (`--pod-cidr`), then run --to cilium.",
            "POD_CIDR_RESERVED_RANGE",
        )


_REFUSALS: tuple[Callable[[ClusterNetwork, str, date], None], ...] = (
    _refuse_unknown_plugin,
    _refuse_byo_cni,
    _refuse_leaving_cilium,
    _refuse_cilium_with_windows,
    _refuse_cilium_with_nap,
    _refuse_dual_stack_engine,
    _refuse_dual_stack_cilium_on_old_kubernetes,
    _refuse_npm_on_kubenet,
    _refuse_retired_npm,
    _refuse_overlay_preconditions,
)


# --- the path ------------------------------------------------------------------------------------------


def _needs_overlay(current: ClusterNetwork, target: str) -> bool:
    # update-azure-cni.md: "Kubenet clusters can't migrate directly to the Cilium data plane."
    return target == "cilium" and current.plugin == "kubenet"


def _path(current: ClusterNetwork, target: str) -> list[MigrationStep]:
    if target == "cilium":
        return _path_to_cilium(current)
    if target == "none":
        return [_uninstall(current, "the target is no policy engine")]
    if current.policy == "none":
        return [_install(current, target)]
    # use-network-policies.md, "Change cluster network policy": change to none, then to the new engine.
    reason = f"switching to {ENGINE_NAMES[target]} goes through none"
    return [_uninstall(current, reason), _install(current, target)]


def _path_to_cilium(current: ClusterNetwork) -> list[MigrationStep]:
    # update-azure-cni.md: enabling Cilium uninstalls and replaces NPM or Calico in the same update, so
    # Azure CNI clusters need no separate uninstall.
    steps: list[MigrationStep] = []
    state = current
    if state.plugin == "kubenet":
        if state.policy != "none":
            # update-azure-cni.md: the overlay update requires that no network policy is enabled.
            steps.append(_uninstall(state, "the move to Azure CNI Overlay requires no policy engine"))
            state = apply_step(state, steps[-1])
        steps.append(_to_overlay(state))
        state = apply_step(state, steps[-1])
    steps.append(_to_cilium(state))
    return steps


def _uninstall(current: ClusterNetwork, reason: str) -> MigrationStep:
    why = f"Uninstall {ENGINE_NAMES[current.policy]} from {current.name}: {reason}."
    return MigrationStep(dict(UNINSTALL), why)


def _install(current: ClusterNetwork, target: str) -> MigrationStep:
    why = f"Install {ENGINE_NAMES[target]} on {current.name} ({current.network_label})."
    return MigrationStep({"networkPolicy": target}, why)


def _to_overlay(current: ClusterNetwork) -> MigrationStep:
    why = (
        f"Move {current.name} from kubenet to Azure CNI Overlay keeping pod CIDR {current.pod_cidr}, "
        "because kubenet can't take the Cilium dataplane and IPAM and dataplane changes can't share "
        "one update."
    )
    return MigrationStep(dict(TO_OVERLAY), why)


def _to_cilium(current: ClusterNetwork) -> MigrationStep:
    replaced = ""
    if current.policy not in ("none", "cilium"):
        replaced = f", which uninstalls and replaces {ENGINE_NAMES[current.policy]}"
    why = f"Switch {current.name} to the Cilium dataplane and Cilium network policy in one update{replaced}."
    return MigrationStep(dict(TO_CILIUM), why)


# --- warnings ------------------------------------------------------------------------------------------


def _warnings(
    current: ClusterNetwork, target: str, steps: Sequence[MigrationStep], today: date
) -> list[MigrationWarning]:
    warnings = [_reimage_warning(current, steps)]
    warnings += _calico_resources_warning(current, steps)
    warnings += _not_enforced_warning(current, target, steps)
    warnings += _cilium_behaviour_warning(current, target)
    warnings += _one_way_warning(current, steps)
    warnings += _retirement_warnings(current, target, steps, today)
    return warnings


def _reimage_warning(current: ClusterNetwork, steps: Sequence[MigrationStep]) -> MigrationWarning:
    # use-network-policies.md and update-azure-cni.md: each install, uninstall or CNI update reimages
    # every node pool simultaneously; pool-by-pool is not supported.
    return MigrationWarning(
        "REIMAGE_ALL_POOLS",
        f"This plan makes {len(steps)} cluster update(s) to {current.name}; each one reimages all "
        f"{len(current.pool_os)} node pool(s) at the same time (not pool by pool), with disruption "
        "like a node-image upgrade.",
    )


def _step_number(steps: Sequence[MigrationStep], predicate: Callable[[MigrationStep], bool]) -> int:
    return next(number for number, step in enumerate(steps, start=1) if predicate(step))


def _removes_engine(step: MigrationStep) -> bool:
    return step.set.get("networkPolicy") in ("none", "cilium")


def _sets_overlay(step: MigrationStep) -> bool:
    return step.set.get("networkPluginMode") == "overlay"


def _calico_resources_warning(current: ClusterNetwork, steps: Sequence[MigrationStep]) -> list[MigrationWarning]:
    if current.policy != "calico":
        return []
    # use-network-policies.md, "Uninstall": Calico's CRDs and CRs stay; deleting them before Calico is
    # removed breaks the cluster.
    number = _step_number(steps, _removes_engine)
    return [
        MigrationWarning(
            "CALICO_RESOURCES_REMAIN",
            f"Step {number} uninstalls Calico from {current.name}, but its CRDs and custom resources "
            "(names ending in projectcalico.org or tigera.io) stay. Delete them by hand only after "
            f"step {number} has completed, never before: deleting them while Calico runs breaks the "
            "cluster.",
        )
    ]


def _not_enforced_warning(
    current: ClusterNetwork, target: str, steps: Sequence[MigrationStep]
) -> list[MigrationWarning]:
    subject = f"NetworkPolicy objects in {current.name}"
    if target == "none":
        # use-network-policies.md, "Uninstall": the objects stay but are no longer enforced.
        message = f"{subject} stay in the cluster but are no longer enforced after the update."
    elif target == "cilium":
        # update-azure-cni.md: "Cilium begins enforcing network policies only after all nodes are reimaged."
        last = len(steps)
        if current.policy == "none":
            message = f"Cilium enforces {subject} only once step {last} has reimaged every node."
        elif last == 1:
            message = f"{subject} are enforced inconsistently, or not at all, until step 1 has reimaged every node."
        else:
            message = f"{subject} are not enforced from step 1 until step {last} has reimaged every node."
    elif len(steps) == 2:
        message = (
            f"{subject} are not enforced between step 1 (uninstall {ENGINE_NAMES[current.policy]}) "
            f"and the end of step 2 (install {ENGINE_NAMES[target]})."
        )
    else:
        return []
    return [MigrationWarning("POLICIES_NOT_ENFORCED", message)]


def _end_port_support(current: ClusterNetwork) -> str:
    version = _minor_version(current.kubernetes_version)
    if version is not None and version >= CILIUM_END_PORT_MIN_KUBERNETES:
        return f"endPort works (Kubernetes {current.kubernetes_version} ships Cilium 1.17 or later)"
    running = current.kubernetes_version or "an unknown version"
    return (
        f"endPort needs Cilium 1.17 (Kubernetes 1.32 or later; this cluster runs {running}), so "
        "replace port ranges with single ports first"
    )


def _cilium_behaviour_warning(current: ClusterNetwork, target: str) -> list[MigrationWarning]:
    if target != "cilium":
        return []
    # migrate-from-npm-to-cilium-network-policy.md, "Pre-migration validation"; the ipBlock limit is
    # Cilium's own (azure-cni-powered-by-cilium.md, Limitations), so it applies from Calico too.
    npm_only = ""
    if current.policy == "azure":
        npm_only = (
            " Ingress through LoadBalancer or NodePort services with externalTrafficPolicy Cluster, "
            "which NPM let through, becomes subject to ingress policy."
        )
    return [
        MigrationWarning(
            "NPM_TO_CILIUM_BEHAVIOUR",
            f"Cilium enforces some NetworkPolicy constructs in {current.name} differently from "
            f"{ENGINE_NAMES[current.policy]}: an ipBlock cannot select pod or node IPs (select pods "
            "with namespaceSelector/podSelector; allow nodes with a CiliumNetworkPolicy toEntities "
            "host/remote-node); named ports can be enforced wrongly, so use numbers; egress to the "
            f"pod's own node IP is blocked unless allowed; {_end_port_support(current)}.{npm_only} "
            "Run with --policies PATH to list the affected policies.",
        )
    ]


def _one_way_warning(current: ClusterNetwork, steps: Sequence[MigrationStep]) -> list[MigrationWarning]:
    if not any(_sets_overlay(step) for step in steps):
        return []
    number = _step_number(steps, _sets_overlay)
    # update-azure-cni.md, "Update the IPAM mode to Azure CNI Overlay" and its Kubenet tab.
    return [
        MigrationWarning(
            "KUBENET_TO_OVERLAY_ONE_WAY",
            f"Step {number} moves {current.name} from kubenet to Azure CNI Overlay; it is one-way and "
            f"irreversible. Pod CIDR {current.pod_cidr} is kept and must not overlap the VNet's "
            "subnets. AKS deletes the pod routes from a customer-provided route table, or deletes an "
            "AKS-managed route table entirely. A custom azure-ip-masq-agent configuration can break "
            "connectivity to the ranges it lists.",
        )
    ]


def _retirement_warnings(
    current: ClusterNetwork, target: str, steps: Sequence[MigrationStep], today: date
) -> list[MigrationWarning]:
    lines = _kubenet_retirement(current, steps, today) + _npm_retirement(current, target, today)
    return [MigrationWarning("RETIREMENT", line) for line in lines]


def _support_phrase(end: date, today: date) -> str:
    if today > end:
        return f"reached end of support on {end.isoformat()}"
    return f"reaches end of support on {end.isoformat()} ({(end - today).days} days after {today.isoformat()})"


def _kubenet_retirement(current: ClusterNetwork, steps: Sequence[MigrationStep], today: date) -> list[str]:
    if current.plugin != "kubenet":
        return []
    if any(_sets_overlay(step) for step in steps):
        outcome = "this plan moves it to Azure CNI Overlay"
    else:
        outcome = "this plan keeps it on kubenet; --to cilium would move it to Azure CNI Overlay"
    return [f"kubenet on {current.name} {_support_phrase(KUBENET_END_OF_SUPPORT, today)}; {outcome}."]


def _npm_retirement(current: ClusterNetwork, target: str, today: date) -> list[str]:
    if "azure" not in (current.policy, target):
        return []
    if current.policy == target:
        role = "keeps"
    elif target == "azure":
        role = "installs"
    else:
        role = "removes"
    lines = [
        f"Azure NPM on Linux {_support_phrase(NPM_LINUX_END_OF_SUPPORT, today)}; this plan {role} NPM "
        f"on {current.name}; Cilium is the documented successor."
    ]
    if current.windows_pool_count:
        lines.append(
            f"Azure NPM on Windows {_support_phrase(NPM_WINDOWS_END_OF_SUPPORT, today)}; "
            f"{current.name} has {current.windows_pool_count} Windows node pool(s) and this plan "
            f"{role} NPM."
        )
    return lines
