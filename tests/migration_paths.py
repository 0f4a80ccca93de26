"""The migration table both levels of tests check: for each network, current engine and target, the
exact `set` of each cluster PUT in order, the refusal code, or why the source cannot exist (docs:
migrate-from-npm-to-cilium, use-network-policies, upgrade-azure-cni; cli-contract §migrate-policy)."""

from __future__ import annotations

N = {"networkPolicy": "none"}
NPM = {"networkPolicy": "azure"}
CALICO = {"networkPolicy": "calico"}
CILIUM = {"networkDataplane": "cilium", "networkPolicy": "cilium"}
OVERLAY_STEP = {"networkPlugin": "azure", "networkPluginMode": "overlay"}


class Refused(str):
    """An expected refusal code."""


class InvalidSource(str):
    """A source that cannot exist, so there is nothing to plan; the reason is the value."""


NO_CILIUM_ON_KUBENET = InvalidSource("Cilium needs Azure CNI; kubenet cannot run it")
NO_NPM_ON_KUBENET = InvalidSource("Azure refuses NPM on kubenet")
NO_CILIUM_WITH_WINDOWS = InvalidSource("Cilium is Linux only; a cluster with Windows pools cannot run it")

# network, current engine, target -> the exact list of `set` dicts, a refusal code, or an invalid source.
PATHS: dict[tuple[str, str, str], list[dict[str, str]] | Refused | InvalidSource] = {
    # kubenet
    ("kubenet", "none", "none"): [],
    ("kubenet", "none", "azure"): Refused("NPM_ON_KUBENET"),
    ("kubenet", "none", "calico"): [CALICO],
    ("kubenet", "none", "cilium"): [OVERLAY_STEP, CILIUM],
    ("kubenet", "azure", "none"): NO_NPM_ON_KUBENET,
    ("kubenet", "azure", "azure"): NO_NPM_ON_KUBENET,
    ("kubenet", "azure", "calico"): NO_NPM_ON_KUBENET,
    ("kubenet", "azure", "cilium"): NO_NPM_ON_KUBENET,
    ("kubenet", "calico", "none"): [N],
    ("kubenet", "calico", "azure"): Refused("NPM_ON_KUBENET"),
    ("kubenet", "calico", "calico"): [],
    ("kubenet", "calico", "cilium"): [N, OVERLAY_STEP, CILIUM],
    ("kubenet", "cilium", "none"): NO_CILIUM_ON_KUBENET,
    ("kubenet", "cilium", "azure"): NO_CILIUM_ON_KUBENET,
    ("kubenet", "cilium", "calico"): NO_CILIUM_ON_KUBENET,
    ("kubenet", "cilium", "cilium"): NO_CILIUM_ON_KUBENET,
    # Azure CNI, node subnet
    ("azure-cni", "none", "none"): [],
    ("azure-cni", "none", "azure"): [NPM],
    ("azure-cni", "none", "calico"): [CALICO],
    ("azure-cni", "none", "cilium"): [CILIUM],
    ("azure-cni", "azure", "none"): [N],
    ("azure-cni", "azure", "azure"): [],
    ("azure-cni", "azure", "calico"): [N, CALICO],
    ("azure-cni", "azure", "cilium"): [CILIUM],
    ("azure-cni", "calico", "none"): [N],
    ("azure-cni", "calico", "azure"): [N, NPM],
    ("azure-cni", "calico", "calico"): [],
    ("azure-cni", "calico", "cilium"): [CILIUM],
    ("azure-cni", "cilium", "none"): Refused("LEAVING_CILIUM_UNSUPPORTED"),
    ("azure-cni", "cilium", "azure"): Refused("LEAVING_CILIUM_UNSUPPORTED"),
    ("azure-cni", "cilium", "calico"): Refused("LEAVING_CILIUM_UNSUPPORTED"),
    ("azure-cni", "cilium", "cilium"): [],
    # Azure CNI Overlay
    ("overlay", "none", "none"): [],
    ("overlay", "none", "azure"): [NPM],
    ("overlay", "none", "calico"): [CALICO],
    ("overlay", "none", "cilium"): [CILIUM],
    ("overlay", "azure", "none"): [N],
    ("overlay", "azure", "azure"): [],
    ("overlay", "azure", "calico"): [N, CALICO],
    ("overlay", "azure", "cilium"): [CILIUM],
    ("overlay", "calico", "none"): [N],
    ("overlay", "calico", "azure"): [N, NPM],
    ("overlay", "calico", "calico"): [],
    ("overlay", "calico", "cilium"): [CILIUM],
    ("overlay", "cilium", "none"): Refused("LEAVING_CILIUM_UNSUPPORTED"),
    ("overlay", "cilium", "azure"): Refused("LEAVING_CILIUM_UNSUPPORTED"),
    ("overlay", "cilium", "calico"): Refused("LEAVING_CILIUM_UNSUPPORTED"),
    ("overlay", "cilium", "cilium"): [],
    # Azure CNI Overlay with a Windows pool (today is after NPM on Windows ended, 2026-09-30)
    ("overlay+windows", "none", "none"): [],
    ("overlay+windows", "none", "azure"): Refused("NPM_WINDOWS_RETIRED"),
    ("overlay+windows", "none", "calico"): [CALICO],
    ("overlay+windows", "none", "cilium"): Refused("CILIUM_WINDOWS_POOLS"),
    ("overlay+windows", "azure", "none"): [N],
    ("overlay+windows", "azure", "azure"): [],
    ("overlay+windows", "azure", "calico"): [N, CALICO],
    ("overlay+windows", "azure", "cilium"): Refused("CILIUM_WINDOWS_POOLS"),
    ("overlay+windows", "calico", "none"): [N],
    ("overlay+windows", "calico", "azure"): Refused("NPM_WINDOWS_RETIRED"),
    ("overlay+windows", "calico", "calico"): [],
    ("overlay+windows", "calico", "cilium"): Refused("CILIUM_WINDOWS_POOLS"),
    ("overlay+windows", "cilium", "none"): NO_CILIUM_WITH_WINDOWS,
    ("overlay+windows", "cilium", "azure"): NO_CILIUM_WITH_WINDOWS,
    ("overlay+windows", "cilium", "calico"): NO_CILIUM_WITH_WINDOWS,
    ("overlay+windows", "cilium", "cilium"): NO_CILIUM_WITH_WINDOWS,
}


def possible() -> dict[tuple[str, str, str], list[dict[str, str]] | Refused]:
    """The paths from a source AKS can hold: each one's PUTs or refusal."""
    return {path: expected for path, expected in PATHS.items() if not isinstance(expected, InvalidSource)}
