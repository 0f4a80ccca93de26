"""`migrate-policy` on the emulator: real SDK clients and azure-core pipeline; only the transport is swapped.

Source clusters come from the bundled scenarios through `up`. Two kinds cannot: an overlay cluster with a
Windows pool running Azure NPM (NPM on Windows ended on 2026-09-30, so `up` and the emulator refuse to
create one; it is seeded into the emulator's store as a cluster created before that date), and the
dual-stack and system-assigned kubenet clusters of the refusal tests (PUT directly to the emulator,
because the scenario file has no field for them).
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from migration_paths import CILIUM, OVERLAY_STEP, N, possible

from aksnet.azure.migrate import MigrateOptions, migrate_policy
from aksnet.azure.retry import RetryBounds
from aksnet.clock import FakeClock
from aksnet.emulator.store import Store
from aksnet.errors import Declined, Interrupted
from aksnet.policy_migration import ClusterNetwork
from aksnet.policy_migration.result import MigrationRun
from aksnet.progress import NullProgress
from helpers import ZERO_SUB, Recorder, emulated, scenario, up

TODAY = date(2026, 11, 22)
PASSWORD = "Str0ng-Passw0rd!x"
ENV = {"AKSNET_WINDOWS_ADMIN_PASSWORD": PASSWORD}
AKS_API = "2026-08-01"
PROFILE_FIELDS = ("networkPlugin", "networkPluginMode", "networkDataplane", "networkPolicy")
WINDOWS_POOL = "cluster.node_pools.1={name: npwin, mode: User, os_type: Windows, count: 2, vm_size: Standard_D4s_v5}"


# --- source clusters -----------------------------------------------------------------------------------


def _kubenet(engine: str) -> list[str]:
    return [f"cluster.network_policy={engine}"]


def _flat_cni(engine: str) -> list[str]:
    return [f"cluster.network_policy={engine}", f"cluster.network_dataplane={_dataplane(engine)}"]


def _overlay(engine: str) -> list[str]:
    return [f"cluster.network_policy={engine}", f"cluster.network_dataplane={_dataplane(engine)}"]


def _overlay_windows(engine: str) -> list[str]:
    return [*_overlay(engine), WINDOWS_POOL, "cluster.windows_admin_username=winadmin"]


def _dataplane(engine: str) -> str:
    return "cilium" if engine == "cilium" else "null"


# network -> (scenario, resource group, cluster, overrides for a source engine)
NETWORKS = {
    "kubenet": ("kubenet-byo-route-table", "myResourceGroup", "myAKSCluster", _kubenet),
    "azure-cni": ("azure-cni-npm", "rg-aks-cni-npm", "aks-cni-npm", _flat_cni),
    "overlay": ("overlay-cilium", "rg-aks-cilium", "aks-cilium", _overlay),
    "overlay+windows": ("overlay-cilium", "rg-aks-cilium", "aks-cilium", _overlay_windows),
}
# (network, source, target) -> the `set` of each cluster PUT, in order, or the refusal code.
PAIRS = possible()
TO_OVERLAY = OVERLAY_STEP


class Source:
    """A source cluster on a fresh emulator, and a way to migrate it through a recording session."""

    def __init__(self, tmp_path: Path, network: str, engine: str, **emulator: Any) -> None:
        name, self.resource_group, self.name, overrides = NETWORKS[network]
        self.tmp_path, self.emulator = tmp_path, emulator
        session = emulated(tmp_path, **emulator)
        seeded = "azure" if network == "overlay+windows" and engine == "azure" else None
        result = up(scenario(name, *overrides("none" if seeded else engine)), session, env=ENV)
        assert result.ok, result.error
        self.id = result.cluster["id"]
        self.emu = session.emulator
        if seeded:
            self.seed_policy(seeded)

    def seed_policy(self, policy: str) -> None:
        """Write the policy straight into the store: a cluster set up before NPM on Windows ended."""
        store = Store(self.tmp_path / "emulator.db")
        try:
            with store.transaction() as tx:
                row = tx.get(self.id)
                assert row is not None
                row.body["properties"]["networkProfile"]["networkPolicy"] = policy
                tx.put(row)
        finally:
            store.close()

    def session(self, recorder: Any = None, **emulator: Any) -> tuple[Any, Recorder]:
        session = emulated(self.tmp_path, **(self.emulator | emulator))
        wrapped = Recorder(session.transport, recorder)
        session.transport = wrapped
        return session, wrapped

    def migrate(self, target: str, session: Any = None, **options: Any) -> tuple[MigrationRun, Recorder]:
        if session is None:
            session, recorder = self.session()
        else:
            recorder = session.transport
        run = migrate_policy(
            session, self.resource_group, self.name, MigrateOptions(target, today=TODAY, **options), {}
        )
        return run, recorder

    def read(self) -> dict[str, Any]:
        status, _, body = self.emu.request("GET", f"https://management.azure.com{self.id}?api-version={AKS_API}")
        assert status == 200, body
        return dict(body)

    def network(self) -> ClusterNetwork:
        return ClusterNetwork.from_arm(self.read())


def _profile(body: dict[str, Any]) -> dict[str, Any]:
    profile = body["properties"]["networkProfile"]
    return {field: profile.get(field) for field in PROFILE_FIELDS}


def _expected_profiles(start: dict[str, Any], sets: list[dict[str, str]]) -> list[dict[str, Any]]:
    profiles, current = [], dict(start)
    for values in sets:
        current = current | values
        profiles.append(dict(current))
        if values.get("networkPlugin") == "azure":
            current["networkDataplane"] = current["networkDataplane"] or "azure"  # AKS fills it on Azure CNI
    return profiles


# --- every pair -----------------------------------------------------------------------------------------


def test_every_network_of_the_table_has_a_cluster_here() -> None:
    """The table itself (every source, engine and target) is checked in tests/test_policy_migration.py."""
    assert {network for network, _, _ in PAIRS} == set(NETWORKS)


@pytest.mark.parametrize(("network", "source", "target"), list(PAIRS), ids=[f"{n}:{s}->{t}" for n, s, t in PAIRS])
def test_every_pair_runs_its_path_on_the_emulator(tmp_path: Path, network: str, source: str, target: str) -> None:
    cluster = Source(tmp_path, network, source)
    start = _profile(cluster.read())
    run, recorder = cluster.migrate(target)
    expected = PAIRS[(network, source, target)]
    if isinstance(expected, str):
        assert (run.exit_code, run.error.code if run.error else None) == (2, expected)
        assert "alternative" in run.as_dict()["error"]
        assert recorder.writes() == []
        assert cluster.network().policy == source
        return
    assert run.ok, run.error
    sent = [_profile(body) for body in recorder.cluster_puts()]
    assert sent == _expected_profiles(start, expected)
    assert all("networkPolicy" in body["properties"]["networkProfile"] for body in recorder.cluster_puts())
    final = cluster.network()
    assert (final.provisioning_state, final.policy) == ("Succeeded", target)
    assert (final.dataplane == "cilium") == (target == "cilium")
    assert final.plugin == ("azure" if target == "cilium" else start["networkPlugin"])
    assert run.as_dict()["resources"][0]["action"] == ("updated" if expected else "unchanged")


def test_each_put_is_the_whole_cluster_without_read_only_fields(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "overlay+windows", "calico")
    run, recorder = cluster.migrate("none")
    assert run.ok, run.error
    [body] = recorder.cluster_puts()
    assert {"location", "identity", "tags", "properties"} <= set(body)
    props = body["properties"]
    assert [p["name"] for p in props["agentPoolProfiles"]] == ["system", "npwin"]
    assert props["windowsProfile"]["adminUsername"] == "winadmin"
    for read_only in ("provisioningState", "fqdn", "currentKubernetesVersion", "powerState"):
        assert read_only not in props
    assert all("provisioningState" not in pool for pool in props["agentPoolProfiles"])
    assert all(value == {} for value in body["identity"]["userAssignedIdentities"].values())


# --- refusals the emulator's clusters show --------------------------------------------------------------


def _direct_cluster(cluster: Source, name: str, identity: dict[str, Any], profile: dict[str, Any]) -> str:
    path = f"/subscriptions/{ZERO_SUB}/resourceGroups/{cluster.resource_group}/providers/"
    path += f"Microsoft.ContainerService/managedClusters/{name}"
    body = {
        "location": "eastus",
        "identity": identity,
        "properties": {
            "dnsPrefix": name,
            "agentPoolProfiles": [{"name": "nodepool1", "count": 3, "mode": "System"}],
            "networkProfile": profile,
        },
    }
    status, _, answer = cluster.emu.request("PUT", f"https://management.azure.com{path}?api-version={AKS_API}", body)
    assert status == 201, answer
    return name


@pytest.mark.parametrize("target", ["azure", "calico"])
def test_dual_stack_refuses_npm_and_calico_without_writing(tmp_path: Path, target: str) -> None:
    cluster = Source(tmp_path, "overlay", "none")
    profile = {"networkPlugin": "azure", "networkPluginMode": "overlay", "ipFamilies": ["IPv4", "IPv6"]}
    cluster.name = _direct_cluster(cluster, "aks-dual", {"type": "SystemAssigned"}, profile)
    run, recorder = cluster.migrate(target)
    assert (run.exit_code, run.error.code) == (2, "POLICY_NOT_SUPPORTED_DUAL_STACK")
    assert recorder.writes() == []


def test_kubenet_with_a_system_assigned_identity_cannot_move_to_cilium(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "kubenet", "none")
    profile = {"networkPlugin": "kubenet", "networkPolicy": "calico"}
    cluster.name = _direct_cluster(cluster, "aks-sami", {"type": "SystemAssigned"}, profile)
    run, recorder = cluster.migrate("cilium")
    assert (run.exit_code, run.error.code) == (2, "OVERLAY_NEEDS_USER_ASSIGNED_IDENTITY")
    assert "user-assigned" in run.error.as_dict()["alternative"]
    assert recorder.writes() == []
    # Staying on kubenet needs no route-table detach, so the identity does not matter there.
    assert cluster.migrate("none")[0].ok


def test_pod_cidr_overlapping_a_subnet_of_the_vnet_is_refused_before_any_write(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "kubenet", "none")
    vnet = f"/subscriptions/{ZERO_SUB}/resourceGroups/myResourceGroup/providers/Microsoft.Network"
    vnet += "/virtualNetworks/myAKSVnet"
    address_space = {"addressSpace": {"addressPrefixes": ["192.168.0.0/16", "10.244.0.0/16"]}}
    for path, body in (
        (vnet, {"location": "eastus", "properties": address_space}),
        (f"{vnet}/subnets/later", {"properties": {"addressPrefix": "10.244.8.0/24"}}),
    ):
        status, _, answer = cluster.emu.request(
            "PUT", f"https://management.azure.com{path}?api-version=2026-03-01", body
        )
        assert status < 300, answer
    run, recorder = cluster.migrate("cilium")
    assert (run.exit_code, run.error.code) == (2, "POD_CIDR_OVERLAPS_VNET_SUBNET")
    assert "10.244.8.0/24" in run.error.message and "--pod-cidr" in run.error.as_dict()["alternative"]
    assert recorder.writes() == []
    # AKS itself rejects the overlay update for the same reason.
    overlay = {"location": "eastus", "properties": {"networkProfile": TO_OVERLAY | N}}
    status, _, error = cluster.emu.request(
        "PUT", f"https://management.azure.com{cluster.id}?api-version={AKS_API}", overlay
    )
    assert (status, error["code"]) == (400, "NetworkProfileCIDROverlapVNET")


def test_a_cluster_that_is_not_found_is_exit_2(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "overlay", "none")
    cluster.name = "nope"
    run, _ = cluster.migrate("cilium")
    assert (run.exit_code, run.error.code) == (2, "CLUSTER_NOT_FOUND")
    assert run.as_dict()["from"] is None


# --- dry run and confirmation ---------------------------------------------------------------------------


def test_dry_run_shows_the_path_and_warnings_and_writes_nothing(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "kubenet", "calico")
    run, recorder = cluster.migrate("cilium", dry_run=True)
    assert run.ok and recorder.writes() == []
    document = run.as_dict()
    assert [step["set"] for step in document["steps"]] == [N, TO_OVERLAY, CILIUM]
    codes = [w["code"] for w in document["warnings"]]
    assert codes[0] == "REIMAGE_ALL_POOLS"
    assert {"CALICO_RESOURCES_REMAIN", "POLICIES_NOT_ENFORCED", "KUBENET_TO_OVERLAY_ONE_WAY", "RETIREMENT"} <= set(
        codes
    )
    assert document["dry_run"] is True
    assert document["resources"][0]["action"] == "unchanged"
    assert cluster.network().policy == "calico"


def test_a_declined_confirmation_changes_nothing(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "overlay", "azure")
    asked: list[int] = []

    def decline(run: MigrationRun) -> None:
        asked.append(len(run.updates))
        raise Declined()

    run, recorder = cluster.migrate("calico", confirm=decline)
    assert asked == [2]
    assert (run.exit_code, run.error.code) == (1, "CONFIRMATION_DECLINED")
    assert run.as_dict()["resources"][0]["action"] == "unchanged"
    assert recorder.writes() == []


def test_no_confirmation_is_asked_when_there_is_nothing_to_do(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "overlay", "calico")
    run, recorder = cluster.migrate("calico", confirm=lambda run: pytest.fail("asked"))
    assert run.ok and recorder.writes() == []
    assert run.as_dict()["resources"][0]["reason"] == "already at calico: nothing to do"


# --- waiting, interruption, failure, resume -------------------------------------------------------------


class StopWhenStepWaits(NullProgress):
    """Plays the user pressing Ctrl-C as the given step begins: its PUT is sent, its wait is stopped."""

    def __init__(self, stop: threading.Event, step: str) -> None:
        self.stop, self.step = stop, step

    def started(self, deployment: str, step: str, what: str) -> None:
        if step.startswith(self.step):
            self.stop.set()


def test_an_interrupted_step_is_resumed_without_repeating_steps(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "kubenet", "calico", latency=1.0, clock=FakeClock())
    stop = threading.Event()
    first, recorder = cluster.migrate("cilium", stop=stop, progress=StopWhenStepWaits(stop, "step 1/3"))
    assert isinstance(first.error, Interrupted) and first.exit_code == 130
    assert [_profile(body)["networkPolicy"] for body in recorder.cluster_puts()] == ["none"]
    assert first.as_dict()["resources"][0]["action"] == "updated"
    second, recorder = cluster.migrate("cilium")
    assert second.ok, second.error
    assert [step["set"] for step in second.as_dict()["steps"]] == [TO_OVERLAY, CILIUM]
    assert [_profile(body) for body in recorder.cluster_puts()] == [
        {"networkPlugin": "azure", "networkPluginMode": "overlay", "networkDataplane": None, "networkPolicy": "none"},
        {
            "networkPlugin": "azure",
            "networkPluginMode": "overlay",
            "networkDataplane": "cilium",
            "networkPolicy": "cilium",
        },
    ]
    assert (cluster.network().dataplane, cluster.network().policy) == ("cilium", "cilium")


def test_a_running_operation_is_waited_out_before_planning(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "overlay", "none", latency=1.0, clock=FakeClock())
    scale = {"location": "eastus2", "properties": {"agentPoolProfiles": [{"name": "system", "count": 4}]}}
    status, _, _ = cluster.emu.request("PUT", f"https://management.azure.com{cluster.id}?api-version={AKS_API}", scale)
    assert status == 200 and cluster.network().provisioning_state == "Updating"
    dry, _ = cluster.migrate("calico", dry_run=True)
    assert (dry.exit_code, dry.error.code) == (2, "CLUSTER_NOT_SUCCEEDED")
    run, recorder = cluster.migrate("calico")
    assert run.ok, run.error
    assert run.timings["wait_for_running_operation"] >= 250
    assert [_profile(body)["networkPolicy"] for body in recorder.cluster_puts()] == ["calico"]


def _start_an_update_before_the_first_cluster_put(cluster: Source) -> Any:
    started: list[bool] = []

    def before_send(method: str, path: str) -> None:
        if method == "PUT" and "/managedclusters/" in path and not started:
            started.append(True)
            scale = {"location": "eastus2", "properties": {"agentPoolProfiles": [{"name": "system", "count": 4}]}}
            url = f"https://management.azure.com{cluster.id}?api-version={AKS_API}"
            assert cluster.emu.request("PUT", url, scale)[0] == 200

    return before_send


def test_operation_not_allowed_is_retried_until_the_other_operation_ends(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "overlay", "azure", latency=1.0, clock=FakeClock())
    session, recorder = cluster.session(_start_an_update_before_the_first_cluster_put(cluster))
    run, _ = cluster.migrate("cilium", session=session)
    assert run.ok, run.error
    statuses = [status for method, path, _, status in recorder.sent if method == "PUT"]
    assert statuses[0] == 409 and statuses[-1] == 200 and len(statuses) > 2
    assert run.timings["step_1.waited_for_other_operation"] >= 250
    assert cluster.network().policy == "cilium"


def test_operation_not_allowed_past_the_bound_is_exit_3(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "overlay", "azure", latency=1.0, clock=FakeClock())
    session, _ = cluster.session(_start_an_update_before_the_first_cluster_put(cluster))
    run, _ = cluster.migrate("cilium", session=session, bounds=RetryBounds(operation_seconds=60))
    assert (run.exit_code, run.error.code) == (3, "OperationNotAllowed")
    assert "re-run" in run.error.message.lower()


def test_a_failed_step_is_exit_3_and_a_rerun_reconciles_then_continues(tmp_path: Path) -> None:
    cluster = Source(tmp_path, "kubenet", "calico")
    failing, _ = cluster.session(faults="lro_fail=managedClusters")
    failed, _ = cluster.migrate("cilium", session=failing)
    assert (failed.exit_code, failed.error.code) == (3, "VMExtensionProvisioningError")
    assert failed.as_dict()["resources"][0]["action"] == "failed"
    assert cluster.network().provisioning_state == "Failed"
    preview, recorder = cluster.migrate("cilium", dry_run=True)
    document = preview.as_dict()
    assert document["reconcile"]["set"] == {"networkPlugin": "kubenet", "networkPolicy": "none"}
    assert [step["set"] for step in document["steps"]] == [TO_OVERLAY, CILIUM]
    assert document["warnings"][0]["code"] == "RECONCILE_FAILED_CLUSTER"
    assert recorder.writes() == []
    resumed, recorder = cluster.migrate("cilium")
    assert resumed.ok, resumed.error
    sent = [_profile(body) for body in recorder.cluster_puts()]
    assert [(p["networkPlugin"], p["networkPolicy"]) for p in sent] == [
        ("kubenet", "none"),
        ("azure", "none"),
        ("azure", "cilium"),
    ]
    assert set(resumed.timings) == {"reconcile", "step_1", "step_2"}
