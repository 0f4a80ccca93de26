"""The executor of one `migrate-policy` run: wait for the cluster to settle, plan, check live, confirm,
then PUT each update, wait for it and read the cluster back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from aksnet.arm import is_terminal
from aksnet.azure.arm import read_arm
from aksnet.azure.clients import Clients
from aksnet.azure.context import StoppableClock
from aksnet.azure.lro import Watch, wait_for, wait_until_settled
from aksnet.azure.migrate.live_checks import refuse_pod_cidr_overlapping_vnet, scan_policies
from aksnet.azure.migrate.options import MigrateOptions
from aksnet.azure.migrate.update import (
    check_applied,
    describe,
    put_error,
    reconcile_step,
    reconcile_warning,
    update_names,
    updated_body,
)
from aksnet.azure.retry import operation_in_progress, retrying
from aksnet.azure.session import Session
from aksnet.errors import AksnetError, InvalidRequest
from aksnet.policy_migration import ClusterNetwork, MigrationStep, plan_policy_migration
from aksnet.policy_migration.result import MigrationRun

NEEDS_RECONCILE = {"failed", "canceled"}


class Migration:
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
            run.reconcile = reconcile_step(cluster, network)
            run.reconcile_warning = reconcile_warning(network)
            # Plan from the state the reconcile restores: the network profile AKS recorded.
            network = replace(network, provisioning_state="Succeeded")
        run.plan = plan_policy_migration(network, self.options.target, today=self.options.today)
        refuse_pod_cidr_overlapping_vnet(self.session, cluster, run.plan, run)
        if self.options.policies is not None:
            scan_policies(self.session, cluster, run.plan, self.options.policies, run)
        if self.options.dry_run or not run.updates:
            return
        self.options.confirm(run)
        for number, step in enumerate(run.updates, start=1):
            self._apply(step, *update_names(run, number))
            run.applied = number

    # --- reading ---------------------------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        clusters = self.clients.containerservice.managed_clusters
        found = read_arm(lambda: clusters.get(self.resource_group, self.name), f"reading cluster {self.name}")
        if found is None:
            raise InvalidRequest(
                f"cluster {self.name} not found in resource group {self.resource_group}", code="CLUSTER_NOT_FOUND"
            )
        return found

    def _settled(self) -> dict[str, Any]:
        """The cluster once no operation runs on it; a re-run after Ctrl-C waits here for the step it left.

        A dry run does not wait: it reads the cluster as it is, and the planner refuses a busy one.
        """
        if self.options.dry_run:
            return self._read()
        settled = wait_until_settled(
            self._read,
            what=f"cluster {self.name}",
            clock=self.clock,
            poll_seconds=self.clients.cluster_polling_interval,
            bound_seconds=self.options.bounds.operation_seconds,
            report=lambda status: self.progress.waiting(self.name, "waiting", status),
        )
        if settled.waited_for is not None:
            self.run_result.waited_for_running_operation = settled.seconds
        assert settled.body is not None  # _read raises CLUSTER_NOT_FOUND rather than answering None
        return settled.body

    # --- one cluster update ------------------------------------------------------------------------------

    def _apply(self, step: MigrationStep, key: str, label: str) -> None:
        started = self.clock.now()
        self.progress.started(self.name, label, f"set {describe(step.set)}")
        try:
            before = self._read()
            poller = self._put(updated_body(before, step), key, label)
            self.run_result.sent += 1
            doing = f"updating cluster {self.name} ({label}: {describe(step.set)})"
            watch = Watch(self.options.stop, self.clock, self.options.bounds.operation_seconds)
            wait_for(
                poller, doing=doing, watch=watch, report=self._reporter(label), resource_id=self.run_result.cluster_id
            )
            check_applied(before, self._read(), step, label, self.name)
        except AksnetError as exc:
            self.progress.failed(self.name, label, exc.message)
            raise
        elapsed = self.clock.now() - started
        self.run_result.step_seconds[key] = elapsed
        self.progress.finished(self.name, label, "Succeeded", elapsed)

    def _reporter(self, label: str) -> Callable[[str], None]:
        def report(status: str) -> None:
            if is_terminal(status):
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
            raise put_error(exc, self.name, self.options.bounds) from exc
        if self.clock.now() - started > 1:
            self.run_result.waited_for_other_operation[key] = self.clock.now() - started
        return poller
