"""`migrate-policy`: move an existing cluster to another network policy engine, one full cluster PUT per step.

Every run plans from the cluster as Azure holds it (after waiting out an operation in flight), so a re-run
after a failure or Ctrl-C continues from wherever the cluster is. Each step GETs the cluster, sets the
step's networkProfile fields, PUTs the whole cluster back (the only API, arm-facts §1.1), waits for the
operation, checks ``Succeeded`` and reads the cluster back before the next step.
"""

from __future__ import annotations

import copy
import ipaddress
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from aksnet.azure.arm import ResourceId, arm_dict, get_or_none, same_id
from aksnet.azure.clients import Clients
from aksnet.azure.context import StoppableClock
from aksnet.azure.errors import azure_call, translate
from aksnet.azure.lro import wait_for
from aksnet.azure.retry import RetryBounds, operation_in_progress, retrying
from aksnet.azure.session import Session
from aksnet.errors import AksnetError, AzureOperationError, Interrupted, InvalidRequest
from aksnet.policy_migration import (
    STEP_FIELDS,
    ClusterNetwork,
    MigrationPlan,
    MigrationRefused,
    MigrationStep,
    MigrationWarning,
    apply_step,
    plan_policy_migration,
)
from aksnet.policy_scan import PolicyScan, scan_policy_path
from aksnet.progress import NullProgress, Progress
from aksnet.result import Action, ResourceResult

CLUSTER_TYPE = "Microsoft.ContainerService/managedClusters"
SETTLED = {"succeeded", "failed", "canceled"}
NEEDS_RECONCILE = {"failed", "canceled"}


def _confirmed(run: MigrationRun) -> bool:
    return True


@dataclass
class MigrateOptions:
    """What the user asked for, and how the run reports, stops and bounds its waits."""

    target: str
    dry_run: bool = False
    policies: Path | None = None
    subscription: str | None = None
    confirm: Callable[[MigrationRun], bool] = _confirmed
    progress: Progress = field(default_factory=NullProgress)
    stop: threading.Event = field(default_factory=threading.Event)
    bounds: RetryBounds = field(default_factory=RetryBounds)
    today: date | None = None


@dataclass
class MigrationRun:
    """What a run planned and did; ``as_dict`` is the `migrate-policy -o json` document."""

    cluster_id: str
    target: str
    dry_run: bool
    source: ClusterNetwork | None = None
    plan: MigrationPlan | None = None
    reconcile: MigrationStep | None = None
    reconcile_warning: MigrationWarning | None = None
    scan_warning: MigrationWarning | None = None
    sent: int = 0
    applied: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    policy_scan: PolicyScan | None = None
    scanned_policies: bool = False
    notes: list[str] = field(default_factory=list)
    error: AksnetError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else self.error.exit_code

    @property
    def updates(self) -> list[MigrationStep]:
        """Every cluster update this run makes, in order: the reconcile (if any), then the plan's steps."""
        steps = list(self.plan.steps) if self.plan else []
        return [self.reconcile, *steps] if self.reconcile else steps

    @property
    def warnings(self) -> list[MigrationWarning]:
        planned = list(self.plan.warnings) if self.plan else []
        return [w for w in (self.reconcile_warning, *planned, self.scan_warning) if w is not None]

    def resource(self) -> ResourceResult:
        action, reason = _outcome(self)
        return ResourceResult(CLUSTER_TYPE, self.cluster_id, action, reason)

    def as_dict(self) -> dict[str, Any]:
        planned = self.plan
        if planned is None and self.source is not None:
            planned = MigrationPlan(self.source, self.target, (), ())
        document: dict[str, Any] = {
            "ok": self.ok,
            "cluster": self.cluster_id,
            "from": planned.as_dict()["from"] if planned else None,
            "to": self.target,
            "steps": [{"set": dict(s.set), "why": s.why} for s in (self.plan.steps if self.plan else ())],
            "reconcile": {"set": dict(self.reconcile.set), "why": self.reconcile.why} if self.reconcile else None,
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
            "dry_run": self.dry_run,
            "resources": [self.resource().as_dict()],
            "timings": {key: round(value, 3) for key, value in self.timings.items()},
            "notes": list(self.notes),
            "error": self.error.as_dict() if self.error else None,
        }
        if self.scanned_policies:
            findings = self.policy_scan.findings if self.policy_scan else ()
            document["policy_findings"] = [
                {"namespace": f.namespace, "name": f.name, "construct": f.construct, "detail": f.detail}
                for f in findings
            ]
        return document


def _outcome(run: MigrationRun) -> tuple[Action, str]:
    total = len(run.updates)
    if run.error is not None:
        done = f"{run.applied} of {total} cluster update(s) applied"
        if isinstance(run.error, InvalidRequest):
            return "unchanged", f"nothing written: {run.error.code}"
        if isinstance(run.error, Interrupted):
            running = f"; update {run.sent} continues in Azure" if run.sent > run.applied else ""
            return ("updated" if run.sent else "unchanged"), f"interrupted; {done}{running}; a re-run resumes"
        return "failed", f"{done}; a re-run resumes from the cluster's state"
    if run.dry_run:
        return "unchanged", f"dry run: {total} cluster update(s) planned, nothing written"
    if not total:
        return "unchanged", f"already at {run.target}: nothing to do"
    return "updated", f"{total} cluster update(s) applied"


def cluster_resource_id(subscription: str, resource_group: str, name: str) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/{CLUSTER_TYPE}/{name}"


def migrate_policy(
    session: Session, resource_group: str, name: str, options: MigrateOptions, env: Mapping[str, str]
) -> MigrationRun:
    """Plan and (unless a dry run) apply the move; the run carries any error instead of raising."""
    run = MigrationRun(cluster_resource_id("-", resource_group, name), options.target, options.dry_run)
    try:
        subscription, _ = session.subscription(options.subscription, None, env)
        run.cluster_id = cluster_resource_id(subscription, resource_group, name)
        clients = session.clients(subscription)
        _Migration(session, clients, resource_group=resource_group, name=name, options=options, run=run).run()
    except AksnetError as exc:
        run.error = exc
    except KeyboardInterrupt:
        options.stop.set()
        run.error = Interrupted(
            "interrupted; the cluster operation under way continues in Azure, and a re-run waits for it and resumes"
        )
    return run


@dataclass(frozen=True)
class _Subnet:
    id: str
    prefixes: tuple[str, ...]


class _Migration:
    """One run against one cluster: read, plan, check live, confirm, then the updates one by one."""

    def __init__(
        self,
        session: Session,
        clients: Clients,
        *,
        resource_group: str,
        name: str,
        options: MigrateOptions,
        run: MigrationRun,
    ) -> None:
        self.session, self.clients = session, clients
        self.resource_group, self.name = resource_group, name
        self.options, self.run_result = options, run
        self.clock = StoppableClock(session.clock, options.stop)
        self.progress = options.progress

    # --- the run ---------------------------------------------------------------------------------------

    def run(self) -> None:
        run = self.run_result
        cluster = self._settled()
        run.cluster_id = str(cluster.get("id") or run.cluster_id)
        network = ClusterNetwork.from_arm(cluster)
        run.source = network
        if network.provisioning_state.lower() in NEEDS_RECONCILE:
            run.reconcile = _reconcile_step(cluster, network)
            run.reconcile_warning = _reconcile_warning(network)
            # Plan from the state the reconcile restores: the network profile AKS recorded.
            network = replace(network, provisioning_state="Succeeded")
        run.plan = plan_policy_migration(network, self.options.target, today=self.options.today)
        self._refuse_pod_cidr_overlapping_vnet(cluster, run.plan)
        if self.options.policies is not None:
            self._scan_policies(cluster, run.plan, self.options.policies)
        if self.options.dry_run or not run.updates:
            return
        if not self.options.confirm(run):
            raise InvalidRequest("not confirmed; nothing was changed", code="CONFIRMATION_DECLINED")
        for number, step in enumerate(run.updates, start=1):
            self._apply(step, *_update_names(run, number))
            run.applied = number

    # --- reading ---------------------------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        clusters = self.clients.containerservice.managed_clusters
        found = get_or_none(lambda: clusters.get(self.resource_group, self.name), f"reading cluster {self.name}")
        if found is None:
            raise InvalidRequest(
                f"cluster {self.name} not found in resource group {self.resource_group}", code="CLUSTER_NOT_FOUND"
            )
        return arm_dict(found)

    def _settled(self) -> dict[str, Any]:
        """The cluster once no operation runs on it; a re-run after Ctrl-C waits here for the step it left.

        A dry run does not wait: it reads the cluster as it is, and the planner refuses a busy one.
        """
        started = self.clock.now()
        waited = 0.0
        while True:
            cluster = self._read()
            state = _state(cluster)
            if state in SETTLED or self.options.dry_run:
                break
            waited = self.clock.now() - started
            if waited >= self.options.bounds.operation_seconds:
                raise AzureOperationError(
                    f"cluster {self.name} is still {state} after {waited:.0f}s; nothing was changed. "
                    "Re-run once the running operation has finished",
                    code="OPERATION_STILL_RUNNING",
                )
            self.progress.waiting(self.name, "waiting", f"an earlier operation is still {state}")
            self.clock.sleep(self.clients.cluster_polling_interval)
        if waited:
            self.run_result.timings["wait_for_running_operation"] = self.clock.now() - started
        return cluster

    # --- live checks the pure planner cannot make --------------------------------------------------------

    def _subnets_of_cluster_vnets(self, cluster: dict[str, Any]) -> list[_Subnet]:
        """Every subnet of every VNet the node pools sit in (pods, nodes, and anything else there)."""
        vnets: dict[str, ResourceId] = {}
        for subnet_id in _pool_subnet_ids(cluster):
            rid = ResourceId.parse(subnet_id)
            vnet_id = subnet_id.rsplit("/subnets/", 1)[0]
            vnets.setdefault(vnet_id.lower(), rid)
        subnets: list[_Subnet] = []
        for vnet_id, rid in vnets.items():
            network = self.session.clients(rid.subscription).network
            with azure_call(f"reading virtual network {rid.parent}"):
                vnet = arm_dict(network.virtual_networks.get(rid.resource_group, rid.parent or ""))
            subnets += [_subnet(vnet_id, raw) for raw in vnet.get("properties", {}).get("subnets") or []]
        return subnets

    def _refuse_pod_cidr_overlapping_vnet(self, cluster: dict[str, Any], plan: MigrationPlan) -> None:
        if not any(step.set.get("networkPluginMode") == "overlay" for step in plan.steps):
            return
        if not _pool_subnet_ids(cluster):
            self.run_result.notes.append(
                "the node pools use the AKS-managed virtual network; AKS itself checks that pod CIDR "
                f"{plan.source.pod_cidr} does not overlap it when the cluster moves to Azure CNI Overlay"
            )
            return
        pod = ipaddress.ip_network(str(plan.source.pod_cidr))  # the planner refused an invalid one
        for subnet in self._subnets_of_cluster_vnets(cluster):
            overlapping = [p for p in subnet.prefixes if _overlaps(pod, p)]
            if overlapping:
                raise _pod_cidr_overlap_refusal(plan.source, subnet, overlapping[0])

    def _scan_policies(self, cluster: dict[str, Any], plan: MigrationPlan, path: Path) -> None:
        run = self.run_result
        run.scanned_policies = True
        if plan.target != "cilium" or not plan.steps:
            run.notes.append(
                f"policy scan of {path} skipped: it lists what Cilium enforces differently, and this plan "
                "does not move the cluster to Cilium"
            )
            return
        pod_cidrs, node_cidrs = self._cluster_ranges(cluster, plan.source)
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

    def _cluster_ranges(self, cluster: dict[str, Any], source: ClusterNetwork) -> tuple[list[str], list[str]]:
        """Pod and node address ranges, so the scan checks ipBlocks against the cluster's own ranges."""
        pools = _pools(cluster)
        node_ids = [p["vnetSubnetID"] for p in pools if p.get("vnetSubnetID")]
        pod_subnet_ids = [p["podSubnetID"] for p in pools if p.get("podSubnetID")]
        subnets = self._subnets_of_cluster_vnets(cluster) if node_ids or pod_subnet_ids else []
        node_cidrs = _prefixes_of(subnets, node_ids)
        profile = cluster.get("properties", {}).get("networkProfile") or {}
        if source.plugin == "kubenet" or source.plugin_mode == "overlay":
            pod_cidrs = [str(c) for c in (profile.get("podCidrs") or [profile.get("podCidr")]) if c]
        else:
            # Flat Azure CNI: pods take addresses from the pod subnet if any, else from the node subnet.
            pod_cidrs = _prefixes_of(subnets, pod_subnet_ids) or node_cidrs
        return pod_cidrs, node_cidrs

    # --- one cluster update ------------------------------------------------------------------------------

    def _apply(self, step: MigrationStep, key: str, label: str) -> None:
        started = self.clock.now()
        self.progress.started(self.name, label, f"set {_describe(step.set)}")
        try:
            before = self._read()
            poller = self._put(_updated_body(before, step), key, label)
            self.run_result.sent += 1
            doing = f"updating cluster {self.name} ({label}: {_describe(step.set)})"
            with azure_call(doing):
                wait_for(poller, doing=doing, stop=self.options.stop, report=self._reporter(label))
            _check_applied(before, self._read(), step, label, self.name)
        except AksnetError as exc:
            self.progress.failed(self.name, label, exc.message)
            raise
        elapsed = self.clock.now() - started
        self.run_result.timings[key] = elapsed
        self.progress.finished(self.name, label, "Succeeded", elapsed)

    def _reporter(self, label: str) -> Callable[[str], None]:
        def report(status: str) -> None:
            if status.lower() in SETTLED:
                return  # the step's own line reports the end
            state = "Updating" if status.lower() == "inprogress" else status
            self.progress.waiting(self.name, label, f"reimaging all node pools: {state}")

        return report

    def _put(self, body: dict[str, Any], key: str, label: str) -> Any:
        from azure.core.exceptions import HttpResponseError
        from azure.mgmt.containerservice.models import ManagedCluster

        def note_busy(attempt: int, error: BaseException) -> None:
            self.progress.waiting(self.name, label, f"another operation is running on the cluster (attempt {attempt})")

        busy = retrying(
            operation_in_progress,
            clock=self.clock,
            max_seconds=self.options.bounds.operation_seconds,
            on_retry=note_busy,
        )
        clusters = self.clients.containerservice.managed_clusters
        started = self.clock.now()
        try:
            # The model drops the read-only fields of the GET body when the SDK serialises it.
            poller = busy(clusters.begin_create_or_update, self.resource_group, self.name, ManagedCluster(body))
        except HttpResponseError as exc:
            raise _put_error(exc, self.name, self.options.bounds) from exc
        if self.clock.now() - started > 1:
            self.run_result.timings[f"{key}.waited_for_other_operation"] = self.clock.now() - started
        return poller


# --- helpers -------------------------------------------------------------------------------------------


def _update_names(run: MigrationRun, number: int) -> tuple[str, str]:
    """The timing key and the progress label of the run's ``number``-th cluster update."""
    if run.reconcile is not None and number == 1:
        return "reconcile", "reconcile"
    step = number - (run.reconcile is not None)
    return f"step_{step}", f"step {step}/{len(run.plan.steps) if run.plan else 0}"


def _state(cluster: Mapping[str, Any]) -> str:
    return str(cluster.get("properties", {}).get("provisioningState") or "succeeded").lower()


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


def _reconcile_step(cluster: Mapping[str, Any], network: ClusterNetwork) -> MigrationStep:
    profile = cluster.get("properties", {}).get("networkProfile") or {}
    recorded = {key: str(profile[key]) for key in STEP_FIELDS if profile.get(key)}
    recorded["networkPolicy"] = network.policy
    why = (
        f"Re-send cluster {network.name} as AKS recorded it ({_describe(recorded)}), so AKS retries the "
        f"operation that left it {network.provisioning_state}, as `az aks update` without changes does."
    )
    return MigrationStep(recorded, why)


def _reconcile_warning(network: ClusterNetwork) -> MigrationWarning:
    return MigrationWarning(
        "RECONCILE_FAILED_CLUSTER",
        f"Cluster {network.name} is in provisioningState {network.provisioning_state}: an earlier operation "
        "(perhaps a step of an interrupted migration) did not finish. Before step 1, aksnet re-sends the "
        "cluster unchanged so AKS retries it; that is one more cluster update, which can reimage all node "
        "pools. If it fails again, fix the cause AKS reports (az aks show, the activity log), then re-run.",
    )


def _describe(values: Mapping[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in values.items())


def _updated_body(cluster: dict[str, Any], step: MigrationStep) -> dict[str, Any]:
    body = copy.deepcopy(cluster)
    profile = body.setdefault("properties", {}).setdefault("networkProfile", {})
    # AKS's partial PUT back-fills an omitted or empty networkPolicy from the stored cluster, so the policy
    # is always sent, "none" included (arm-facts §1.1).
    profile["networkPolicy"] = profile.get("networkPolicy") or "none"
    profile.update(step.set)
    return body


def _engine_fields(network: ClusterNetwork) -> tuple[str, str, str, str]:
    return (network.plugin, network.plugin_mode or "", network.dataplane, network.policy)


def _check_applied(before: dict[str, Any], after: dict[str, Any], step: MigrationStep, label: str, name: str) -> None:
    state = _state(after)
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


def _put_error(exc: BaseException, name: str, bounds: RetryBounds) -> AksnetError:
    if operation_in_progress(exc):
        return AzureOperationError(
            f"another operation kept cluster {name} busy for more than {bounds.operation_seconds:.0f}s; nothing "
            "more was changed. Re-run once it has finished: aksnet resumes from the cluster's state",
            code="OperationNotAllowed",
        )
    return translate(exc, f"updating cluster {name}")
