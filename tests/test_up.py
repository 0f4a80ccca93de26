"""`aksnet up` on the emulator: real SDK clients and azure-core pipeline; only the transport is swapped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aksnet.arm import records_subnet
from aksnet.azure.preflight import live_plan
from aksnet.azure.retry import RetryBounds
from aksnet.clock import FakeClock
from aksnet.errors import AuthError, Interrupted
from aksnet.plan import build_plan
from aksnet.rules import check
from aksnet.scenarios import bundled
from helpers import SECOND, Recorder, StopAt, actions, emulated, scenario, up

PASSWORD = "Str0ng-Passw0rd!x"
ENV = {"AKSNET_WINDOWS_ADMIN_PASSWORD": PASSWORD}


@pytest.mark.parametrize("name", [s.name for s in bundled()])
def test_every_bundled_scenario_provisions_and_a_second_up_changes_nothing(tmp_path: Any, name: str) -> None:
    session = emulated(tmp_path)
    first = up(scenario(name), session, env=ENV)
    assert first.ok, first.error
    # What the plan creates is created; what it only uses (Azure Local's custom location, a brought network)
    # is adopted.
    assert {r.action for r in first.resources} - {"adopted"} == {"created"}
    assert first.cluster["properties"]["provisioningState"] == "Succeeded"
    second = up(scenario(name), session, env=ENV)
    assert second.ok, second.error
    assert {r.action for r in second.resources} - {"adopted"} == {"unchanged"}


def test_a_rerun_that_changes_nothing_sends_only_the_reads_plan_live_sends(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    spec = scenario("kubenet-byo-route-table")
    first = up(spec, session)
    assert first.ok, first.error

    def requests(run: Any) -> dict[str, int]:
        before = session.emulator.stats()["by_type"]
        run()
        after = session.emulator.stats()["by_type"]
        return {kind: n - before.get(kind, 0) for kind, n in after.items() if n != before.get(kind, 0)}

    live = requests(lambda: live_plan(spec, check(spec), session, subscription=None, env={}))
    again: list[Any] = []
    rerun = requests(lambda: again.append(up(spec, session)))
    assert again[0].ok and set(actions(again[0]).values()) == {"unchanged"}
    assert again[0].cluster["properties"]["provisioningState"] == "Succeeded"  # the cluster as preflight read it
    assert rerun == live  # the preflight's reads, and not one request more


def test_the_plan_shows_exactly_the_bodies_the_sdk_sends(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    recorder = Recorder(session.transport)
    session.transport = recorder
    spec = scenario("azure-cni-calico-windows")
    result = up(spec, session, env=ENV)
    assert result.ok, result.error
    plan = build_plan(spec, subscription_id="00000000-0000-0000-0000-000000000000")
    puts = {url: body for method, url, body, _ in recorder.sent if method == "PUT"}
    for step in plan.steps:
        if step.body is None or step.kind == "subnet":
            continue  # the subnet was created inline with its VNet
        sent = puts[f"https://management.azure.com{step.resource_id}".lower()]
        expected = json.loads(json.dumps(step.body).replace("<identity.principalId>", _principal(sent)))
        if step.kind == "managed_cluster":
            expected["properties"]["windowsProfile"]["adminPassword"] = PASSWORD
        assert sent == expected, step.id


def _principal(sent: dict[str, Any]) -> str:
    return str(sent.get("properties", {}).get("principalId", "<identity.principalId>"))


def test_created_resources_carry_the_deployment_tags(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    up(scenario("kubenet-byo-route-table"), session)
    clients = session.clients("00000000-0000-0000-0000-000000000000")
    for tags in (
        clients.resource.resource_groups.get("myResourceGroup").tags,
        clients.network.virtual_networks.get("myResourceGroup", "myAKSVnet").tags,
        clients.network.route_tables.get("myResourceGroup", "myRouteTable").tags,
        clients.msi.user_assigned_identities.get("myResourceGroup", "myIdentity").tags,
        clients.containerservice.managed_clusters.get("myResourceGroup", "myAKSCluster").tags,
    ):
        assert tags["aksnet-deployment"] == "kubenet-byo-rt" and tags["managed-by"] == "aksnet"


def test_route_table_is_associated_and_aks_routes_survive_a_rerun(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    up(scenario("kubenet-byo-route-table"), session)
    network = session.clients("00000000-0000-0000-0000-000000000000").network
    subnet = network.subnets.get("myResourceGroup", "myAKSVnet", "myAKSSubnet")
    assert subnet.route_table.id.lower().endswith("/routetables/myroutetable")
    before = {r.name for r in network.route_tables.get("myResourceGroup", "myRouteTable").routes}
    assert "to-onprem" in before and len(before) > 1  # AKS added a route per node beside the user's
    again = up(scenario("kubenet-byo-route-table", "route_table.routes.0.address_prefix=10.101.0.0/16"), session)
    assert actions(again)["myRouteTable"] == "updated"
    after = {r.name for r in network.route_tables.get("myResourceGroup", "myRouteTable").routes}
    assert after == before


def test_brought_network_is_read_and_never_written(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    up(scenario("overlay-cilium"), session)
    recorder = Recorder(session.transport)
    session.transport = recorder
    session._clients.clear()
    spec = scenario("overlay-cilium", *SECOND)
    result = up(spec, session)
    assert result.ok, result.error
    assert actions(result)["vnet-aks-cilium"] == "adopted"
    assert actions(result)["snet-second"] == "created"
    writes = [url for method, url, _, _ in recorder.sent if method in ("PUT", "PATCH", "DELETE")]
    assert writes and not [url for url in writes if url.endswith("/virtualnetworks/vnet-aks-cilium")]
    identity = session.clients("00000000-0000-0000-0000-000000000000").msi.user_assigned_identities.get(
        "rg-second", "id-second"
    )
    subnet = next(r.id for r in result.resources if r.id.endswith("/snet-second"))
    assert records_subnet(identity.tags, subnet)


def test_throttling_and_server_errors_are_absorbed_by_the_sdk_retry(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="throttle=0.2,server_error=0.2,seed=7", clock=FakeClock())
    result = up(scenario("kubenet-byo-route-table"), session)
    assert result.ok, result.error


def test_principal_propagation_is_waited_out_then_granted(tmp_path: Any) -> None:
    clock = FakeClock()
    session = emulated(tmp_path, faults="propagation=40", clock=clock)
    result = up(scenario("kubenet-byo-route-table"), session)
    assert result.ok, result.error
    # Both grants wait for the same principal, concurrently on one clock: the one that asks first waits it out,
    # the other may then find it replicated (which one is up to the scheduler; it was flaky under load).
    waited = [result.timings[f"role_assignment.{label}.propagation"] for label in ("subnet", "route_table")]
    assert max(waited) > 0
    # The fake clock only moves when somebody sleeps: the 40 s window was waited out, not skipped.
    assert sum(clock.slept) >= 39


def test_principal_that_never_appears_fails_with_exit_3_and_what_to_check(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="propagation=100000", clock=FakeClock())
    result = up(scenario("kubenet-byo-route-table"), session, bounds=RetryBounds(principal_seconds=60))
    assert result.exit_code == 3
    assert result.error.code == "PrincipalNotFound"
    assert "re-run" in result.error.message
    assert actions(result)["myAKSCluster"] == "skipped"


def test_grant_not_yet_in_effect_is_retried_until_the_cluster_put_succeeds(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="rbac_delay=120", clock=FakeClock())
    result = up(scenario("kubenet-byo-route-table"), session)
    assert result.ok, result.error
    assert result.timings["managed_cluster.waited_for_grant"] >= 60


def test_grant_that_never_takes_effect_is_exit_3_not_a_warning(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="rbac_delay=100000", clock=FakeClock())
    result = up(scenario("kubenet-byo-route-table"), session, bounds=RetryBounds(grant_seconds=300))
    assert result.exit_code == 3 and result.error.code == "LinkedAuthorizationFailed"
    assert "re-run" in result.error.message


def test_failed_cluster_operation_is_exit_3_and_a_rerun_finishes(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="lro_fail=managedClusters")
    failed = up(scenario("overlay-cilium"), session)
    assert failed.exit_code == 3 and failed.error.code not in ("", None)
    assert actions(failed)["aks-cilium"] == "failed"
    assert actions(failed)["rg-aks-cilium"] == "created"
    again = up(scenario("overlay-cilium"), session)
    assert again.ok, again.error
    assert again.cluster["properties"]["provisioningState"] == "Succeeded"


def test_a_failed_vnet_operation_stops_the_run_before_the_cluster(tmp_path: Any) -> None:
    session = emulated(tmp_path, faults="lro_fail=virtualNetworks")
    result = up(scenario("byo-cni"), session)
    assert result.exit_code == 3
    assert actions(result)["aks-byocni"] == "skipped"


def test_interrupted_up_resumes_to_the_same_state_as_a_clean_run(tmp_path: Any) -> None:
    import threading

    clock = FakeClock()
    session = emulated(tmp_path, latency=1.0, clock=clock)
    stop = threading.Event()
    interrupted = up(
        scenario("kubenet-byo-route-table"),
        session,
        stop=stop,
        progress=StopAt(stop, step="managed_cluster", kind="started"),
    )
    assert isinstance(interrupted.error, Interrupted) and interrupted.exit_code == 130
    resumed = up(scenario("kubenet-byo-route-table"), session)
    assert resumed.ok, resumed.error
    clean = up(scenario("kubenet-byo-route-table"), emulated(tmp_path / "clean", latency=1.0, clock=FakeClock()))
    assert _shape(resumed.cluster) == _shape(clean.cluster)
    assert actions(resumed)["myAKSCluster"] in ("created", "unchanged")


def _shape(cluster: Any) -> Any:
    properties = cluster["properties"]
    pools = [(p["name"], p["count"], p["maxPods"]) for p in properties["agentPoolProfiles"]]
    return properties["provisioningState"], properties["networkProfile"]["networkPlugin"], pools


def test_invalid_spec_never_reaches_azure(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    result = up(scenario("overlay-cilium", "cluster.dns_service_ip=10.9.0.10"), session)
    assert result.exit_code == 2
    assert session.emulator.stats()["requests"] == 0


def test_windows_pool_without_password_is_refused_before_any_write(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    result = up(scenario("azure-cni-calico-windows"), session, env={})
    assert result.exit_code == 2
    assert "WINDOWS_PASSWORD_MISSING" in {f.code for f in result.error.findings}
    assert session.emulator.stats()["requests"] == 0


def test_cluster_change_needs_confirmation(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    up(scenario("overlay-cilium"), session)
    changed = up(scenario("overlay-cilium", "cluster.node_pools.0.count=4"), session, allow_cluster_update=False)
    assert changed.exit_code == 2 and changed.error.code == "CONFIRMATION_REQUIRED"
    applied = up(scenario("overlay-cilium", "cluster.node_pools.0.count=4"), session, allow_cluster_update=True)
    assert applied.ok and actions(applied)["aks-cilium"] == "updated"


def test_immutable_change_is_refused(tmp_path: Any) -> None:
    session = emulated(tmp_path)
    up(scenario("overlay-cilium"), session)
    result = up(
        scenario("overlay-cilium", "cluster.service_cidr=10.1.0.0/16", "cluster.dns_service_ip=10.1.0.10"), session
    )
    assert result.exit_code == 2 and result.error.code == "IMMUTABLE_CHANGE"


def test_no_subscription_anywhere_is_exit_4() -> None:
    from aksnet.subscription import resolve_subscription

    with pytest.raises(AuthError) as caught:
        resolve_subscription(None, None, {"AZURE_CONFIG_DIR": "/nonexistent"})
    assert caught.value.exit_code == 4 and "az login" in str(caught.value)
