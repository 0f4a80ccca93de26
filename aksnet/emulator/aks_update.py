"""Which changes a cluster update may make (arm-facts §4.4, §4.5), judged on the back-filled body."""

from __future__ import annotations

from typing import Any

from aksnet.emulator import ids
from aksnet.emulator.aks_model import Net, view
from aksnet.emulator.errors import aks_bad_request

# Egress types AKS can migrate between in place; `none` can be neither source nor target.
_MIGRATABLE_OUTBOUND = {"loadBalancer", "managedNATGateway", "userAssignedNATGateway", "userDefinedRouting"}
_NETWORK_FIELDS = ("networkPlugin", "networkPluginMode", "networkPolicy", "networkDataplane", "outboundType")
_SWITCH_PAIR = {"azure", "calico"}


def check(old_mc: dict[str, Any], new_mc: dict[str, Any], requested: dict[str, Any]) -> bool:
    """Raise for a forbidden change; return whether the network profile changes (the long update)."""
    old, new = view(old_mc), view(new_mc)
    old_np, new_np = old_mc["properties"]["networkProfile"], new_mc["properties"]["networkProfile"]
    ipam_change = _check_plugin(old, new, requested)
    _check_dataplane(old, new)
    _check_policy(old, new)
    _check_immutables(old_np, new_np, ipam_change)
    _check_outbound(old, new)
    _check_pool_subnets(old, new)
    return any(old_np.get(f) != new_np.get(f) for f in _NETWORK_FIELDS)


def _changed(name: str) -> Exception:
    return aks_bad_request("PropertyChangeNotAllowed", f"Changing property '{name}' is not allowed.", name)


def _check_plugin(old: Net, new: Net, requested: dict[str, Any]) -> bool:
    """kubenet or flat Azure CNI may move to Azure CNI Overlay; nothing else changes the IPAM."""
    if (old.plugin, old.mode) == (new.plugin, new.mode):
        return False
    if not (new.overlay and old.plugin in ("kubenet", "azure") and not old.overlay):
        raise _changed("networkProfile.networkPlugin")
    if old.dataplane != new.dataplane:
        raise aks_bad_request(
            "IpamAndDataplaneChangeNotAllowed",
            "The IPAM mode and the network dataplane cannot be changed in one operation; migrate to Azure "
            "CNI "
            "Overlay first, then update the dataplane.",
            "networkProfile.networkDataplane",
        )
    _check_overlay_migration(old, new, requested)
    return True


def _check_overlay_migration(old: Net, new: Net, requested: dict[str, Any]) -> None:
    if old.policy != "none" or new.policy != "none":
        raise aks_bad_request(
            "ValidationError",
            "Cannot update cluster to Azure CNI Overlay while using network policies with Azure CNI v1.",
            "networkProfile.networkPolicy",
        )
    if old.plugin == "kubenet" and new.identity_type != "UserAssigned":
        raise aks_bad_request(
            "OverlayMigrationRequiresUserAssignedIdentity",
            "Migrating a kubenet cluster to Azure CNI Overlay detaches its route table, which needs a "
            "user-assigned "
            "managed identity; system-assigned managed identities aren't supported.",
            "identity",
        )
    if old.plugin == "azure" and not (requested.get("podCidr") or requested.get("podCidrs")):
        raise aks_bad_request(
            "OverlayMigrationRequiresPodCidr",
            "Migrating from Azure CNI node subnet to Azure CNI Overlay needs a podCidr.",
            "networkProfile.podCidr",
        )


def _check_dataplane(old: Net, new: Net) -> None:
    if old.dataplane == "cilium" and new.dataplane != "cilium":
        raise aks_bad_request(
            "CiliumDataplaneCannotBeRemoved",
            "A cluster on the Cilium dataplane cannot go back to another dataplane.",
            "networkProfile.networkDataplane",
        )


def _check_policy(old: Net, new: Net) -> None:
    if {old.policy, new.policy} == _SWITCH_PAIR:
        raise aks_bad_request(
            "NetworkPolicyDirectSwitchNotAllowed",
            f"Changing networkPolicy from {old.policy} to {new.policy} directly is not supported; set it to "
            "none "
            f"first, then to {new.policy}.",
            "networkProfile.networkPolicy",
        )


def _check_immutables(old_np: dict[str, Any], new_np: dict[str, Any], ipam_change: bool) -> None:
    for field in ("serviceCidr", "dnsServiceIP", "ipFamilies"):
        if old_np.get(field) != new_np.get(field):
            raise _changed(f"networkProfile.{field}")
    if not ipam_change and old_np.get("podCidr") != new_np.get("podCidr"):
        raise _changed("networkProfile.podCidr")


def _check_outbound(old: Net, new: Net) -> None:
    if old.outbound != new.outbound and not {old.outbound, new.outbound} <= _MIGRATABLE_OUTBOUND:
        raise _changed("networkProfile.outboundType")


def _check_pool_subnets(old: Net, new: Net) -> None:
    before = {p.name: p for p in old.pools}
    for pool in new.pools:
        previous = before.get(pool.name)
        if previous is None:
            continue
        if not ids.same(previous.subnet_id or "", pool.subnet_id or ""):
            raise _changed("agentPoolProfile.vnetSubnetID")
        if previous.os_type != pool.os_type:
            raise _changed("agentPoolProfile.osType")
