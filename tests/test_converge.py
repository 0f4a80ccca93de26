"""Interrupted and failed runs converge (issue #10): the subnet ledger, Failed resources repaired, bounded
waits, an honest re-run report. On the emulator with the real SDK; Ctrl-C is played by a progress event."""

from __future__ import annotations

import threading
from typing import Any

from aksnet.arm import records_subnet
from aksnet.azure.retry import RetryBounds
from aksnet.clock import FakeClock
from aksnet.plan import Ids
from aksnet.progress import NullProgress
from helpers import SECOND, ZERO_SUB, PollersHeld, StopAt, actions, after_exit, down, emulated, reasons, scenario, up

ARM = "https://management.azure.com"
NETWORK_API = "2026-03-01"
REPAIRED = "was Failed; re-sent as read, with the spec's settings"


def arm(session: Any, method: str, resource_id: str, body: Any = None, api: str = NETWORK_API) -> Any:
    status, _, payload = session.emulator.request(method, f"{ARM}{resource_id}?api-version={api}", body)
    assert status < 300, payload
    return payload


def identity_tags(session: Any, spec: Any) -> dict[str, str]:
    rid = Ids.of(spec, ZERO_SUB).identity
    return dict(arm(session, "GET", rid, api="2024-11-30").get("tags") or {})


def owner_and_second(tmp_path: Any, **emulator: Any) -> tuple[Any, Any]:
    """The VNet owner's deployment, done; and the second deployment's spec."""
    session = emulated(tmp_path, **emulator)
    assert up(scenario("overlay-cilium"), session).ok
    return session, scenario("overlay-cilium", *SECOND)


# --- defect 1: a subnet in a VNet of others is recorded before its PUT -------------------------------------


def test_a_stop_while_the_subnet_is_created_leaves_it_recorded_and_down_removes_it(tmp_path: Any) -> None:
    clock = PollersHeld()
    session, spec = owner_and_second(tmp_path, latency=1.0, clock=clock)
    clock.hold()  # the subnet's create stays in flight
    stop = threading.Event()
    stopped = up(spec, session, stop=stop, progress=StopAt(stop, step="subnet", kind="waiting"))
    assert stopped.exit_code == 130 and actions(stopped)["snet-second"] == "skipped"
    subnet = Ids.of(spec, ZERO_SUB).subnet
    assert records_subnet(identity_tags(session, spec), subnet)
    session = after_exit(session, tmp_path, latency=1.0)
    clock.release()
    again = up(spec, session)
    assert again.ok, again.error
    assert actions(again)["snet-second"] == "unchanged"
    removed = down(spec, session)
    assert removed.ok and actions(removed)["snet-second"] == "deleted"
    owner = down(scenario("overlay-cilium"), session)
    assert owner.ok, owner.error
    assert actions(owner)["vnet-aks-cilium"] == "deleted"  # no subnet of another deployment holds it


def test_a_subnet_create_that_ends_failed_keeps_its_record_and_a_rerun_repairs_it(tmp_path: Any) -> None:
    _, spec = owner_and_second(tmp_path)
    faulty = emulated(tmp_path, faults="lro_fail=subnets")  # the same database: the next subnet operation fails
    failed = up(spec, faulty)
    assert failed.exit_code == 3 and actions(failed)["snet-second"] == "failed"
    subnet = Ids.of(spec, ZERO_SUB).subnet
    assert (failed.error.code, failed.error.resource_id) == ("InternalServerError", subnet)
    assert records_subnet(identity_tags(faulty, spec), subnet)
    again = up(spec, faulty)
    assert again.ok, again.error
    assert (actions(again)["snet-second"], reasons(again)["snet-second"]) == ("updated", REPAIRED)
    assert arm(faulty, "GET", subnet)["properties"]["provisioningState"] == "Succeeded"
    stopped = down(spec, faulty)  # the next subnet delete ends Failed too: the record stays, and a re-run finishes
    assert stopped.exit_code == 3 and actions(stopped)["snet-second"] == "failed"
    assert records_subnet(identity_tags(faulty, spec), subnet)
    assert actions(down(spec, faulty))["snet-second"] == "deleted"


def test_a_subnet_put_azure_refuses_clears_the_record(tmp_path: Any) -> None:
    session, spec = owner_and_second(tmp_path)
    vnet = Ids.of(spec, ZERO_SUB).vnet
    lock = f"{vnet}/providers/Microsoft.Authorization/locks/frozen"
    arm(session, "PUT", lock, {"properties": {"level": "ReadOnly"}}, api="2016-09-01")
    refused = up(spec, session)
    assert refused.exit_code == 3 and refused.error.code == "ScopeLocked"
    tags = identity_tags(session, spec)
    assert not records_subnet(tags, Ids.of(spec, ZERO_SUB).subnet)
    assert not [name for name in tags if name.startswith("aksnet-subnet-")]


def test_with_a_brought_identity_the_subnet_is_recorded_on_the_resource_group_it_created(tmp_path: Any) -> None:
    session, _ = owner_and_second(tmp_path)
    shared = Ids.of(scenario("overlay-cilium"), ZERO_SUB).identity
    spec = scenario("overlay-cilium", *SECOND, f"identity.id={shared}", "identity.name=")
    created = up(spec, session)
    assert created.ok, created.error
    group = arm(session, "GET", Ids.of(spec, ZERO_SUB).resource_group, api="2025-04-01")
    assert records_subnet(group["tags"], Ids.of(spec, ZERO_SUB).subnet)
    removed = down(spec, session)
    assert removed.ok, removed.error
    assert actions(removed)["snet-second"] == "deleted" and actions(removed)["rg-second"] == "deleted"
    assert actions(removed)["id-aks-cilium"] == "kept"


# --- defect 2: Failed resources are repaired, and the error is ARM's --------------------------------------


def test_a_route_table_create_that_ends_failed_is_arms_error_then_repaired(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="lro_fail=routeTables")
    failed = up(scenario("kubenet-byo-route-table"), session)
    assert failed.exit_code == 3
    table = Ids.of(scenario("kubenet-byo-route-table"), ZERO_SUB).route_table
    assert (failed.error.code, failed.error.resource_id) == ("InternalServerError", table)
    assert "An error occurred." in failed.error.message and "HttpResponseError" not in failed.error.message
    again = up(scenario("kubenet-byo-route-table"), session)
    assert again.ok, again.error
    assert (actions(again)["myRouteTable"], reasons(again)["myRouteTable"]) == ("updated", REPAIRED)
    assert arm(session, "GET", table)["properties"]["provisioningState"] == "Succeeded"
    assert actions(up(scenario("kubenet-byo-route-table"), session))["myRouteTable"] == "unchanged"


def test_a_failed_route_table_keeps_the_routes_aks_wrote_when_it_is_repaired(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    assert up(scenario("kubenet-byo-route-table"), session).ok
    table = Ids.of(scenario("kubenet-byo-route-table"), ZERO_SUB).route_table
    before = arm(session, "GET", table)
    assert len(before["properties"]["routes"]) == 4  # to-onprem and one per node
    faulty = emulated(tmp_path, faults="lro_fail=routeTables")
    arm(faulty, "PUT", table, {k: v for k, v in before.items() if k != "etag"})  # someone's PUT that ends Failed
    assert arm(faulty, "GET", table)["properties"]["provisioningState"] == "Failed"
    repaired = up(scenario("kubenet-byo-route-table"), faulty)
    assert repaired.ok, repaired.error
    assert actions(repaired)["myRouteTable"] == "updated"
    after = arm(faulty, "GET", table)
    assert after["properties"]["provisioningState"] == "Succeeded"
    assert _routes(after) == _routes(before)


def _routes(table: dict[str, Any]) -> dict[str, Any]:
    return {
        r["name"]: {k: v for k, v in r["properties"].items() if k != "provisioningState"}
        for r in table["properties"]["routes"]
    }


def test_a_failed_vnet_is_repaired_by_the_rerun(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="lro_fail=virtualNetworks")
    failed = up(scenario("byo-cni"), session)
    assert failed.exit_code == 3 and failed.error.code == "InternalServerError"
    again = up(scenario("byo-cni"), session)
    assert again.ok, again.error
    vnet = next(r for r in again.resources if r.type.endswith("/virtualNetworks"))
    assert (vnet.action, vnet.reason) == ("updated", REPAIRED)
    assert arm(session, "GET", vnet.id)["properties"]["provisioningState"] == "Succeeded"


def test_a_failed_route_table_association_is_repaired_and_kept(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="lro_fail=subnets")
    failed = up(scenario("kubenet-byo-route-table"), session)
    assert failed.exit_code == 3 and actions(failed)["myAKSSubnet"] == "failed"
    again = up(scenario("kubenet-byo-route-table"), session)
    assert again.ok, again.error
    assert (actions(again)["myAKSSubnet"], reasons(again)["myAKSSubnet"]) == ("updated", REPAIRED)
    ids = Ids.of(scenario("kubenet-byo-route-table"), ZERO_SUB)
    subnet = arm(session, "GET", ids.subnet)["properties"]
    assert subnet["provisioningState"] == "Succeeded" and subnet["routeTable"]["id"].lower() == ids.route_table.lower()


def test_a_failed_cluster_is_re_sent_and_says_so(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    assert up(scenario("overlay-cilium"), session).ok
    faulty = emulated(tmp_path, faults="lro_fail=managedClusters")
    failed = up(scenario("overlay-cilium", "cluster.node_pools.0.count=4"), faulty)
    assert failed.exit_code == 3 and failed.error.code == "VMExtensionProvisioningError"
    again = up(scenario("overlay-cilium", "cluster.node_pools.0.count=4"), faulty)
    assert again.ok, again.error
    assert (actions(again)["aks-cilium"], reasons(again)["aks-cilium"]) == ("updated", "was Failed; re-sent")


# --- defect 6: every wait is bounded and says what it waits for -------------------------------------------


class Waits(NullProgress):
    def __init__(self) -> None:
        self.lines: list[str] = []

    def waiting(self, deployment: str, step: str, status: str) -> None:
        self.lines.append(f"{step}: {status}")


def test_a_cluster_stuck_in_an_operation_ends_the_wait_at_the_bound_with_exit_3(tmp_path: Any) -> None:
    clock = FakeClock()
    session = emulated(tmp_path, latency=1.0, clock=clock)
    assert up(scenario("overlay-cilium"), session).ok
    cluster = Ids.of(scenario("overlay-cilium"), ZERO_SUB).cluster
    body = arm(session, "GET", cluster, api="2026-08-01")
    body["properties"]["agentPoolProfiles"][0]["count"] = 5  # someone's update: 300 s at latency 1
    arm(session, "PUT", cluster, body, api="2026-08-01")
    waits, started = Waits(), clock.now()
    stuck = up(scenario("overlay-cilium"), session, bounds=RetryBounds(operation_seconds=60), progress=waits)
    assert stuck.exit_code == 3 and stuck.error.code == "OPERATION_STILL_RUNNING"
    assert "cluster aks-cilium" in stuck.error.message and "re-run" in stuck.error.hint
    assert 60 <= clock.now() - started < 300  # the bound ended the wait, not the operation
    assert "managed_cluster: an operation already running on cluster aks-cilium is still updating" in waits.lines[0]


# --- defect 7: the re-run says what it finished ------------------------------------------------------------


class HoldTheCreate(StopAt):
    """Ctrl-C once the cluster's create is in flight; held there, so it cannot end before the re-run."""

    def __init__(self, stop: threading.Event, clock: PollersHeld) -> None:
        super().__init__(stop, step="managed_cluster", kind="waiting")
        self.clock = clock

    def started(self, deployment: str, step: str, what: str) -> None:
        if step == "managed_cluster":
            self.clock.hold()
        super().started(deployment, step, what)


def test_a_rerun_that_waited_for_the_create_a_stopped_run_began_reports_it_created(tmp_path: Any) -> None:
    clock = PollersHeld()
    session = emulated(tmp_path, latency=1.0, clock=clock)
    stop = threading.Event()
    stopped = up(scenario("overlay-cilium"), session, stop=stop, progress=HoldTheCreate(stop, clock))
    assert stopped.exit_code == 130
    resumed = up(scenario("overlay-cilium"), after_exit(session, tmp_path, latency=1.0))  # the old process is gone
    clock.release()
    assert resumed.ok, resumed.error
    assert (actions(resumed)["aks-cilium"], reasons(resumed)["aks-cilium"]) == (
        "created",
        "finished the operation started earlier",
    )
