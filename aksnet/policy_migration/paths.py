"""The path: the ordered cluster updates that move a cluster to the target engine.

Doc names in comments are files of MicrosoftDocs/azure-aks-docs under ``articles/aks/``; ``arm-facts`` is
/work/shared/arm-facts.md.
"""

from __future__ import annotations

from aksnet.policy_migration.cluster import ENGINE_NAMES, ClusterNetwork
from aksnet.policy_migration.plan import MigrationStep, apply_step

UNINSTALL = {"networkPolicy": "none"}
TO_OVERLAY = {"networkPlugin": "azure", "networkPluginMode": "overlay"}
# arm-facts §4.4: the API rejects networkDataplane cilium without networkPolicy cilium, and the reverse.
TO_CILIUM = {"networkDataplane": "cilium", "networkPolicy": "cilium"}


def already_there(current: ClusterNetwork, target: str) -> bool:
    """Whether the cluster already runs the target engine."""
    if target == "cilium":
        return current.dataplane == "cilium" and current.policy == "cilium"
    return current.policy == target


def path(current: ClusterNetwork, target: str) -> list[MigrationStep]:
    """The cluster updates, in order, from the current engine to ``target``."""
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
