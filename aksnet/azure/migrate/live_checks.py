"""What the pure planner cannot check: the pod CIDR against every subnet of the cluster's VNets, and the
cluster's own ranges for the policy scan. Both read the VNets the node pools sit in.

``arm-facts`` is /work/shared/arm-facts.md.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aksnet.arm import ResourceId, same_id
from aksnet.azure.arm import arm_dict
from aksnet.azure.errors import azure_call
from aksnet.azure.session import Session
from aksnet.policy_migration import ClusterNetwork, MigrationPlan, MigrationRefused, MigrationWarning, sets_overlay
from aksnet.policy_migration.result import MigrationRun
from aksnet.policy_migration.scan import scan_policy_path


@dataclass(frozen=True)
class _Subnet:
    id: str
    prefixes: tuple[str, ...]


def _subnets_of_cluster_vnets(session: Session, cluster: dict[str, Any]) -> list[_Subnet]:
    """Every subnet of every VNet the node pools sit in (pods, nodes, and anything else there)."""
    vnets: dict[str, ResourceId] = {}
    for subnet_id in _pool_subnet_ids(cluster):
        rid = ResourceId.parse(subnet_id)
        vnet_id = subnet_id.rsplit("/subnets/", 1)[0]
        vnets.setdefault(vnet_id.lower(), rid)
    subnets: list[_Subnet] = []
    for vnet_id, rid in vnets.items():
        network = session.clients(rid.subscription).network
        with azure_call(f"reading virtual network {rid.parent}"):
            vnet = arm_dict(network.virtual_networks.get(rid.resource_group, rid.parent or ""))
        subnets += [_subnet(vnet_id, raw) for raw in vnet.get("properties", {}).get("subnets") or []]
    return subnets


def refuse_pod_cidr_overlapping_vnet(
    session: Session, cluster: dict[str, Any], plan: MigrationPlan, run: MigrationRun
) -> None:
    """Refuse a move to overlay whose kept pod CIDR overlaps a subnet of the node pools' VNets."""
    if not any(sets_overlay(step) for step in plan.steps):
        return
    if not _pool_subnet_ids(cluster):
        run.notes.append(
            "the node pools use the AKS-managed virtual network; AKS itself checks that pod CIDR "
            f"{plan.source.pod_cidr} does not overlap it when the cluster moves to Azure CNI Overlay"
        )
        return
    pod = ipaddress.ip_network(str(plan.source.pod_cidr))  # the planner refused an invalid one
    for subnet in _subnets_of_cluster_vnets(session, cluster):
        overlapping = [p for p in subnet.prefixes if _overlaps(pod, p)]
        if overlapping:
            raise _pod_cidr_overlap_refusal(plan.source, subnet, overlapping[0])


def scan_policies(
    session: Session, cluster: dict[str, Any], plan: MigrationPlan, path: Path, run: MigrationRun
) -> None:
    """List the NetworkPolicies under ``path`` that Cilium enforces differently; only a move to Cilium scans."""
    run.scanned_policies = True
    if plan.target != "cilium" or not plan.steps:
        run.notes.append(
            f"policy scan of {path} skipped: it lists what Cilium enforces differently, and this plan "
            "does not move the cluster to Cilium"
        )
        return
    pod_cidrs, node_cidrs = _cluster_ranges(session, cluster, plan.source)
    scan = scan_policy_path(path, pod_cidrs=pod_cidrs, node_cidrs=node_cidrs)
    run.policy_scan = scan
    run.notes += [f"policy scan skipped {item}" for item in scan.skipped]
    flagged = sorted({f"{f.namespace}/{f.name}" for f in scan.findings})
    run.notes.append(
        f"policy scan: {scan.policies} NetworkPolicies read from {path}, {len(flagged)} behave differently "
        f"under Cilium (pod ranges {', '.join(pod_cidrs) or 'unknown'}; node subnets "
        f"{', '.join(node_cidrs) or 'unknown'})"
    )
    if flagged:
        run.scan_warning = MigrationWarning(
            "POLICIES_BEHAVE_DIFFERENTLY",
            f"{len(flagged)} of {scan.policies} NetworkPolicies use constructs Cilium treats "
            f"differently: {', '.join(flagged)}. Review policy_findings before the last step.",
        )


def _cluster_ranges(session: Session, cluster: dict[str, Any], source: ClusterNetwork) -> tuple[list[str], list[str]]:
    """Pod and node address ranges, so the scan checks ipBlocks against the cluster's own ranges."""
    pools = _pools(cluster)
    node_ids = [p["vnetSubnetID"] for p in pools if p.get("vnetSubnetID")]
    pod_subnet_ids = [p["podSubnetID"] for p in pools if p.get("podSubnetID")]
    subnets = _subnets_of_cluster_vnets(session, cluster) if node_ids or pod_subnet_ids else []
    node_cidrs = _prefixes_of(subnets, node_ids)
    profile = cluster.get("properties", {}).get("networkProfile") or {}
    if source.plugin == "kubenet" or source.plugin_mode == "overlay":
        pod_cidrs = [str(c) for c in (profile.get("podCidrs") or [profile.get("podCidr")]) if c]
    else:
        # Flat Azure CNI: pods take addresses from the pod subnet if any, else from the node subnet.
        pod_cidrs = _prefixes_of(subnets, pod_subnet_ids) or node_cidrs
    return pod_cidrs, node_cidrs


def _pools(cluster: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [p for p in cluster.get("properties", {}).get("agentPoolProfiles") or [] if isinstance(p, dict)]


def _pool_subnet_ids(cluster: Mapping[str, Any]) -> list[str]:
    ids = [str(p[key]) for p in _pools(cluster) for key in ("vnetSubnetID", "podSubnetID") if p.get(key)]
    return list(dict.fromkeys(ids))


def _subnet(vnet_id: str, raw: Mapping[str, Any]) -> _Subnet:
    props = raw.get("properties") or {}
    prefixes = props.get("addressPrefixes") or [props.get("addressPrefix")]
    subnet_id = str(raw.get("id") or f"{vnet_id}/subnets/{raw.get('name')}")
    return _Subnet(subnet_id, tuple(str(p) for p in prefixes if p))


def _prefixes_of(subnets: list[_Subnet], subnet_ids: list[str]) -> list[str]:
    chosen = [s for s in subnets if any(same_id(s.id, wanted) for wanted in subnet_ids)]
    return list(dict.fromkeys(prefix for s in chosen for prefix in s.prefixes))


def _overlaps(pod: ipaddress.IPv4Network | ipaddress.IPv6Network, prefix: str) -> bool:
    try:
        other = ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        return False
    return pod.version == other.version and pod.overlaps(other)


def _pod_cidr_overlap_refusal(source: ClusterNetwork, subnet: _Subnet, prefix: str) -> MigrationRefused:
    # arm-facts §2.2: since 2025-01 Azure CNI Overlay checks the pod CIDR against every subnet of the VNet.
    rid = ResourceId.parse(subnet.id)
    return MigrationRefused(
        f"Pod CIDR {source.pod_cidr} of cluster {source.name}, which kubenet keeps when it moves to Azure CNI "
        f"Overlay, overlaps subnet {rid.name} ({prefix}) of virtual network {rid.parent}; AKS rejects that "
        "update (NetworkProfileCIDROverlapVNET).",
        "move to overlay with a new pod CIDR outside every subnet of the VNet (`az aks update "
        "--network-plugin azure --network-plugin-mode overlay --pod-cidr <private range>`), then run "
        "migrate-policy --to cilium; or stay on kubenet with --to calico.",
        "POD_CIDR_OVERLAPS_VNET_SUBNET",
    )
