"""AKS rules about the control-plane identity and what it may do on the subnet and route table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aksnet.emulator import authorization, ids
from aksnet.emulator.aks_model import Net
from aksnet.emulator.context import Ctx
from aksnet.emulator.errors import ArmError, aks_bad_request
from aksnet.emulator.store import Row

if TYPE_CHECKING:
    from aksnet.emulator.aks_validation import Subject


def user_identity(ctx: Ctx, net: Net) -> Row | None:
    """The cluster's user-assigned identity, which must exist when one is named."""
    if net.identity_type != "UserAssigned" or not net.identity_ids:
        return None
    row = ctx.tx.get(net.identity_ids[0])
    if row is None or row.type.lower() != ids.IDENTITY.lower():
        raise aks_bad_request(
            "UserAssignedIdentityNotFound",
            f"The user-assigned identity {net.identity_ids[0]} was not found.",
            "identity.userAssignedIdentities",
        )
    return row


def check_identity(ctx: Ctx, subject: Subject, subnets: Sequence[Row], pod_subnets: Sequence[Row] = ()) -> None:
    """The identity must exist and hold Network Contributor on every node and pod subnet (and, kubenet,
    the route table) before the cluster is created."""
    net = subject.net
    found = user_identity(ctx, net)
    if not subnets:
        return
    tables = [t for t in (_route_table(s) for s in subnets) if t] if net.plugin == "kubenet" else []
    if found is None:
        # Azure accepts a system-assigned identity in your own subnet (az grants it Network Contributor
        # after the create); only kubenet with your own route table needs a user-assigned one.
        if tables:
            raise aks_bad_request(
                "CustomRouteTableWithUnsupportedMSIType",
                "Clusters using managed identity type SystemAssigned do not support bringing your own route "
                "table. "
                "Please see https://aka.ms/aks/customrt for more information",
            )
        return
    for subnet in (*subnets, *pod_subnets):
        _require_role(ctx, subject, found, subnet.id, "Microsoft.Network/virtualNetworks/subnets/join/action")
    for table in tables:
        _require_role(ctx, subject, found, table, "Microsoft.Network/routeTables/write")


def _route_table(subnet: Row) -> str | None:
    table = (subnet.body["properties"].get("routeTable") or {}).get("id")
    return str(table) if table else None


def _require_role(ctx: Ctx, subject: Subject, identity: Row, target: str, action: str) -> None:
    principal = identity.body["properties"]["principalId"]
    cutoff = ctx.now - ctx.settings.faults.rbac_delay
    if authorization.holds_role(ctx.tx, principal, target, authorization.NETWORK_WRITERS, older_than=cutoff):
        return
    client = identity.body["properties"]["clientId"]
    node_rg = ids.rg_id(ids.subscription_of(subject.cluster_id), subject.mc["properties"]["nodeResourceGroup"])
    vmss = f"{node_rg}/providers/Microsoft.Compute/virtualMachineScaleSets"
    raise ArmError(
        403,
        "LinkedAuthorizationFailed",
        f"The client '{client}' with object id '{principal}' has permission to perform action "
        f"'Microsoft.Compute/virtualMachineScaleSets/write' on scope '{vmss}'; however, it does not have "
        f"permission to perform action(s) '{action}' on the linked scope(s) '{target}' (respectively) or the "
        "linked scope(s) are invalid.",
    )
