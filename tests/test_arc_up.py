"""AKS on Azure Local on the emulator: up, a re-run, an interrupted run, the field failures, status and down.

The real SDK clients (hybridcontainerservice, hybridkubernetes, azurestackhcivm, extendedlocation) and
the real azure-core pipeline run against the emulator; only the transport is swapped.
"""

from __future__ import annotations

import threading
from typing import Any

from aksnet.arc.spec import ArcSpec
from aksnet.azure.arc.clients import ArcClients
from aksnet.azure.arc.status import arc_status
from aksnet.azure.arc.teardown import preview_arc, read_arc_teardown, tear_down_arc
from aksnet.azure.teardown import DownOptions
from aksnet.clock import FakeClock
from aksnet.errors import Interrupted
from aksnet.progress import NullProgress
from aksnet.result import RunResult
from helpers import ZERO_SUB, emulated, scenario, up

CALICO = "azure-local-calico"
SHARED = "azure-local-shared-network"
ARM = "https://management.azure.com"


def actions(result: RunResult) -> dict[str, str]:
    """Each resource's action by step kind (the last segment of its ARM type)."""
    return {r.type.rsplit("/", 1)[-1]: r.action for r in result.resources}


def arc(name: str, *overrides: str) -> ArcSpec:
    spec = scenario(name, *overrides)
    assert isinstance(spec, ArcSpec)
    return spec


def down(spec: ArcSpec, session: Any) -> RunResult:
    return tear_down_arc(read_arc_teardown(spec, session, {}), DownOptions())


def pool_counters(session: Any, lnet_path: str) -> dict[str, str]:
    _, _, body = session.emulator.request("GET", f"{ARM}{lnet_path}?api-version=2024-01-01")
    return dict(body["properties"]["subnets"][0]["properties"]["ipPools"][0]["info"])


CALICO_LNET = (
    f"/subscriptions/{ZERO_SUB}/resourceGroups/rg-arc-calico/providers/Microsoft.AzureStackHCI/logicalNetworks/aks-lnet"
)
SHARED_LNET = (
    f"/subscriptions/{ZERO_SUB}/resourceGroups/rg-azlocal/providers/Microsoft.AzureStackHCI/logicalNetworks/lnet-shared"
)


def test_up_creates_network_connected_cluster_and_cluster_then_a_rerun_changes_nothing(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    first = up(arc(CALICO), session)
    assert first.ok, first.error
    assert actions(first) == {
        "resourceGroups": "created",
        "customLocations": "adopted",
        "logicalNetworks": "created",
        "connectedClusters": "created",
        "provisionedClusterInstances": "created",
    }
    assert first.cluster is not None
    assert first.cluster["properties"]["controlPlane"]["controlPlaneEndpoint"]["hostIP"] == "10.220.32.18"
    # 1 control-plane node + 3 workers + the control-plane IP, lowest first; the upgrade IP stays free.
    assert pool_counters(session, CALICO_LNET) == {"used": "5", "available": "15"}
    again = up(arc(CALICO), session)
    assert again.ok and set(actions(again).values()) == {"unchanged", "adopted"}


def test_status_shows_the_cluster_its_owner_and_pool_usage(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    assert up(arc(CALICO), session).ok
    status = arc_status(ArcClients(session.clients(ZERO_SUB)), "rg-arc-calico", "arc-calico")
    assert status["platform"] == "azure-local" and status["ownership"]["deployment"] == CALICO
    assert status["control_plane"]["hostIP"] == "10.220.32.18"
    assert status["logical_networks"][0]["ip_pools"] == [
        {"range": "10.220.32.18-10.220.32.37", "used": 5, "available": 15}
    ]


def test_a_second_cluster_on_a_brought_network_counts_the_first_and_down_keeps_the_network(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    result = up(arc(SHARED), session)
    assert result.ok, result.error
    assert actions(result)["logicalNetworks"] == "adopted"
    assert result.cluster is not None
    assert result.cluster["properties"]["controlPlane"]["controlPlaneEndpoint"]["hostIP"] == "10.220.48.5"
    # the seeded arc-existing holds 4 (1 + 2 + its control-plane IP); arc-shared 1 + 2 (explicit IP outside).
    assert pool_counters(session, SHARED_LNET) == {"used": "7", "available": "33"}
    done = down(arc(SHARED), session)
    assert done.ok, done.error
    assert actions(done)["logicalNetworks"] == "kept" and actions(done)["customLocations"] == "kept"
    assert pool_counters(session, SHARED_LNET) == {"used": "4", "available": "36"}


def test_preflight_reads_the_other_clusters_and_refuses_their_control_plane_ip(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    assert up(arc(SHARED), session).ok  # arc-shared holds 10.220.48.5, outside the pool
    puts = session.emulator.stats()["by_method"].get("PUT", 0)
    second = ("deployment=third", "arc.cluster.name=arc-third", "resource_group=rg-arc-third")
    taken = up(arc(SHARED, *second), session)
    assert taken.exit_code == 2
    conflict = [f for f in taken.findings or () if f.code == "ARC_IP_CONFLICT"]
    assert conflict and conflict[0].field == "arc.cluster.control_plane.ip" and "arc-shared" in conflict[0].message
    in_range = up(
        arc(
            SHARED,
            *second,
            "arc.cluster.control_plane.ip=null",
            "arc.cluster.load_balancer_ips=[10.220.48.4-10.220.48.6]",
        ),
        session,
    )
    assert [f.field for f in in_range.findings or () if f.code == "ARC_IP_CONFLICT"] == [
        "arc.cluster.load_balancer_ips.0"
    ]
    assert session.emulator.stats()["by_method"].get("PUT", 0) == puts


def test_a_spec_that_disagrees_with_a_brought_network_is_refused_before_any_write(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    result = up(arc(SHARED, "arc.logical_network.vlan=49"), session)
    assert result.exit_code == 2
    found = [f for f in result.findings or () if f.code == "IMMUTABLE_CHANGE"]
    assert found and found[0].field == "arc.logical_network.vlan" and "48" in found[0].message


def test_changing_the_pod_cidr_of_an_existing_cluster_is_immutable_change(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    assert up(arc(CALICO), session).ok
    changed = up(arc(CALICO, "arc.cluster.pod_cidr=10.245.0.0/16"), session)
    assert changed.exit_code == 2
    assert [f.code for f in changed.findings or () if f.severity == "error"] == ["IMMUTABLE_CHANGE"]


def test_scaling_an_existing_cluster_needs_yes_and_then_updates_it(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    assert up(arc(CALICO), session).ok
    refused = up(arc(CALICO, "arc.cluster.node_pools.0.count=4"), session, allow_cluster_update=False)
    assert refused.exit_code == 2 and refused.error is not None and refused.error.code == "CONFIRMATION_REQUIRED"
    scaled = up(arc(CALICO, "arc.cluster.node_pools.0.count=4"), session)
    assert scaled.ok and actions(scaled)["provisionedClusterInstances"] == "updated"
    assert pool_counters(session, CALICO_LNET)["used"] == "6"


def test_wrong_region_and_missing_network_are_live_findings(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    result = up(arc(CALICO, "arc.location=westeurope"), session)
    assert "ARC_LOCATION_MISMATCH" in {f.code for f in result.findings or ()}
    missing = up(arc(SHARED, "arc.logical_network.name=lnet-missing"), session)
    assert "ARC_LNET_NOT_FOUND" in {f.code for f in missing.findings or ()}
    gone = up(arc(CALICO, "arc.custom_location_id=" + CL_ELSEWHERE), session)
    assert "ARC_CUSTOM_LOCATION_NOT_FOUND" in {f.code for f in gone.findings or ()}


CL_ELSEWHERE = (
    f"/subscriptions/{ZERO_SUB}/resourceGroups/rg-azlocal/providers/Microsoft.ExtendedLocation/customLocations/cl-other"
)


class StopWhenClusterWaits(NullProgress):
    """Plays Ctrl-C as the cluster step begins: its PUT is sent, its wait is stopped."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def started(self, deployment: str, step: str, what: str) -> None:
        if step == "provisioned_cluster":
            self.stop.set()


def test_an_interrupted_up_resumes_to_the_state_of_a_clean_run(tmp_path: Any) -> None:
    session = emulated(tmp_path, latency=1.0, clock=FakeClock())
    stop = threading.Event()
    interrupted = up(arc(CALICO), session, stop=stop, progress=StopWhenClusterWaits(stop))
    assert isinstance(interrupted.error, Interrupted) and interrupted.exit_code == 130
    resumed = up(arc(CALICO), session)
    assert resumed.ok, resumed.error
    clean = up(arc(CALICO), emulated(tmp_path / "clean", latency=1.0, clock=FakeClock()))
    assert _shape(resumed.cluster) == _shape(clean.cluster)
    assert pool_counters(session, CALICO_LNET) == {"used": "5", "available": "15"}


def _shape(cluster: Any) -> Any:
    properties = cluster["properties"]
    pools = [(p["name"], p["count"]) for p in properties["agentPoolProfiles"]]
    return properties["provisioningState"], properties["controlPlane"], properties["networkProfile"], pools


def test_dns_unreachable_fails_the_cluster_with_the_field_message(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="arc_dns=1")
    result = up(arc(CALICO), session)
    assert result.exit_code == 3 and result.error is not None
    assert result.error.code == "CloudAgentConnectivityError", result.error.message
    assert "Temporary failure in name resolution" in result.error.message
    assert actions(result)["provisionedClusterInstances"] == "failed"
    assert actions(result)["connectedClusters"] == "created"


def test_a_failed_webhook_leaves_a_half_created_cluster_that_a_rerun_finishes(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="arc_webhook=1")
    failed = up(arc(CALICO), session)
    assert failed.exit_code == 3 and "vhybridakscluster.kb.io" in (failed.error.message if failed.error else "")
    again = up(arc(CALICO), session)
    assert again.ok, again.error
    assert actions(again)["provisionedClusterInstances"] == "updated"
    assert pool_counters(session, CALICO_LNET) == {"used": "5", "available": "15"}


def test_down_deletes_the_connected_cluster_the_cluster_delete_left_behind(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="arc_orphan_cc=1")
    assert up(arc(CALICO), session).ok
    done = down(arc(CALICO), session)
    assert done.ok, done.error
    assert actions(done) == {
        "provisionedClusterInstances": "deleted",
        "connectedClusters": "deleted",
        "logicalNetworks": "deleted",
        "customLocations": "kept",
        "resourceGroups": "deleted",
    }
    assert down(arc(CALICO), session).ok  # nothing left: every target skipped


def test_down_without_the_fault_finds_the_connected_cluster_gone_with_its_cluster(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    assert up(arc(CALICO), session).ok
    preview = preview_arc(read_arc_teardown(arc(CALICO), session, {}))
    assert [r.action for r in preview.resources] == ["deleted", "deleted", "deleted", "kept", "deleted"]
    done = down(arc(CALICO), session)
    assert actions(done)["connectedClusters"] == "skipped"
    assert session.emulator.request("GET", f"{ARM}{CALICO_LNET}?api-version=2024-01-01")[0] == 404


def test_down_keeps_a_network_another_cluster_still_uses(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    assert up(arc(CALICO), session).ok
    other = arc(
        SHARED,
        "deployment=someone-else",
        "arc.logical_network={name: aks-lnet, resource_group: rg-arc-calico, existing: true}",
        "arc.cluster.control_plane.ip=null",
        "arc.other_clusters=0",
    )
    assert up(other, session).ok
    done = down(arc(CALICO), session)
    kept = next(r for r in done.resources if r.type.endswith("logicalNetworks"))
    assert kept.action == "kept" and "arc-shared" in kept.reason
    assert actions(done)["resourceGroups"] == "kept"  # it still holds the network and the other cluster's


def test_the_commands_on_the_emulator_plan_live_up_status_down(tmp_path: Any) -> None:
    import json

    from typer.testing import CliRunner

    from aksnet.cli.main import app
    from aksnet.scenarios import SCENARIO_DIR

    path = str(SCENARIO_DIR / "azure-local-shared-network.yaml")
    env = {"AKSNET_EMULATOR_DB": str(tmp_path / "emulator.db")}

    def run(*args: str) -> Any:
        result = CliRunner().invoke(app, ["--emulator", *args, "-o", "json"], env=env)
        assert "Traceback" not in result.output
        return result

    live = run("plan", path, "--live")
    assert live.exit_code == 0, live.output
    capacity = json.loads(live.stdout)["capacity"]
    # this cluster (1 + 4 at the autoscaler's max + 1 upgrade, explicit CP IP) and arc-existing (1 + 2 + 1 + 1)
    assert [c["name"] for c in capacity["by_cluster"]] == ["arc-shared", "arc-existing"]
    assert (capacity["pool_needed"], capacity["pool_available"]) == (11, 36)
    assert run("up", path).exit_code == 0
    status = json.loads(run("status", "-g", "rg-arc-shared", "-n", "arc-shared", "--platform", "azure-local").stdout)
    assert status["cluster"]["logical_networks"][0]["ip_pools"][0]["used"] == 7
    assert run("down", path).exit_code == 2  # no terminal and no --yes: nothing deleted
    done = run("down", path, "--yes")
    assert done.exit_code == 0 and '"ok": true' in done.output  # progress lines go to stderr, mixed in here
