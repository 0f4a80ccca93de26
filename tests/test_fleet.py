"""`aksnet up A.yaml B.yaml ...`: deployments run at once (bounded by --parallel), each independent of the
others, with one result each, the worst exit code, and one credential and transport shared by all."""

from __future__ import annotations

import json
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from aksnet.azure.auth import TOKEN_REFRESH_SECONDS, SharedToken
from aksnet.azure.fleet import run_fleet
from aksnet.azure.session import Session
from aksnet.azure.up_options import UpOptions
from aksnet.cli.main import app
from aksnet.cli.up import load_fleet
from aksnet.emulator import Emulator
from aksnet.progress import NullProgress
from aksnet.scenarios import SCENARIO_DIR
from helpers import ZERO_SUB, emulated

runner = CliRunner()
RESULT_KEYS = {"ok", "deployment", "resources", "cluster", "timings", "error"}


def fleet_specs(folder: Path, count: int, base: str = "overlay-cilium") -> list[str]:
    """`count` copies of a bundled scenario, each with its own deployment, resource group and cluster."""
    data = yaml.safe_load((SCENARIO_DIR / f"{base}.yaml").read_text())
    paths = []
    for i in range(count):
        variant = {**data, "deployment": f"fleet-{i}", "resource_group": f"rg-fleet-{i}"}
        variant["cluster"] = {**data["cluster"], "name": f"aks-fleet-{i}"}
        path = folder / f"fleet-{i}.yaml"
        path.write_text(yaml.safe_dump(variant))
        paths.append(str(path))
    return paths


def fleet(paths: list[str], session: Any, *, parallel: int = 8, progress: Any = None) -> list[Any]:
    shown = progress or NullProgress()
    options = partial(UpOptions, allow_cluster_update=True, progress=shown)
    return run_fleet(load_fleet(paths, ()), session, options, parallel=parallel, env={})


class Recorder(NullProgress):
    """Remembers which thread reported each deployment's first event; can hold deployments at a barrier."""

    def __init__(self, barrier: threading.Barrier | None = None, fail: str | None = None) -> None:
        self.barrier, self.fail = barrier, fail
        self.threads: dict[str, str] = {}
        self.lock = threading.Lock()

    def started(self, deployment: str, step: str, what: str) -> None:
        if step != "subscription":
            return
        with self.lock:
            self.threads[deployment] = threading.current_thread().name
        if deployment == self.fail:
            raise RuntimeError("a bug in one deployment's path")
        if self.barrier is not None:
            self.barrier.wait()  # every deployment must get here before any goes on


def cluster_state(result: Any) -> str:
    return str(result.cluster["properties"]["provisioningState"])


def test_several_specs_provision_at_the_same_time_each_with_its_own_result(tmp_path: Path) -> None:
    paths = fleet_specs(tmp_path, 3)
    progress = Recorder(barrier=threading.Barrier(3, timeout=60))
    results = fleet(paths, emulated(tmp_path), parallel=3, progress=progress)
    assert [r.deployment for r in results] == ["fleet-0", "fleet-1", "fleet-2"]
    assert all(r.ok for r in results), [r.error for r in results]
    assert {cluster_state(r) for r in results} == {"Succeeded"}
    assert len(set(progress.threads.values())) == 3


def test_parallel_bounds_how_many_deployments_run_at_once(tmp_path: Path) -> None:
    progress = Recorder()
    results = fleet(fleet_specs(tmp_path, 4), emulated(tmp_path), parallel=2, progress=progress)
    assert all(r.ok for r in results)
    assert len(progress.threads) == 4
    assert len(set(progress.threads.values())) == 2


def test_a_file_that_does_not_parse_fails_alone(tmp_path: Path) -> None:
    good = fleet_specs(tmp_path, 2)
    bad = tmp_path / "bad.yaml"
    bad.write_text("deployment: [")
    results = fleet([good[0], str(bad), good[1]], emulated(tmp_path))
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].deployment == str(bad)
    assert results[1].exit_code == 2
    assert [cluster_state(r) for r in (results[0], results[2])] == ["Succeeded", "Succeeded"]


def test_a_failed_cluster_operation_fails_its_deployment_only_and_a_rerun_finishes_it(tmp_path: Path) -> None:
    paths = fleet_specs(tmp_path, 3)
    results = fleet(paths, emulated(tmp_path, faults="lro_fail=managedClusters"))
    failed = [r for r in results if not r.ok]
    assert len(failed) == 1  # the fault breaks the first cluster operation, whichever deployment's it is
    assert failed[0].exit_code == 3
    assert all(cluster_state(r) == "Succeeded" for r in results if r.ok)
    rerun = fleet(paths, emulated(tmp_path, faults="lro_fail=managedClusters"))
    assert all(r.ok for r in rerun), [r.error for r in rerun]


def test_an_unexpected_error_in_one_deployment_never_stops_the_others(tmp_path: Path) -> None:
    results = fleet(fleet_specs(tmp_path, 3), emulated(tmp_path), progress=Recorder(fail="fleet-1"))
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error is not None
    assert (results[1].error.code, results[1].exit_code) == ("UNEXPECTED", 3)
    assert "RuntimeError" in results[1].error.message


def test_two_specs_claiming_the_same_deployment_or_cluster_refuse_the_later_one(tmp_path: Path) -> None:
    first, second = fleet_specs(tmp_path, 2)
    same_cluster = yaml.safe_load(Path(second).read_text())
    same_cluster["cluster"]["name"], same_cluster["resource_group"] = "aks-fleet-0", "rg-fleet-0"
    Path(second).write_text(yaml.safe_dump(same_cluster))
    results = fleet([first, first, second], emulated(tmp_path))
    assert [r.ok for r in results] == [True, False, False]
    assert {r.error.code for r in results[1:] if r.error} == {"DUPLICATE_DEPLOYMENT"}
    assert all(r.exit_code == 2 and not r.resources for r in results[1:])


def test_cli_prints_one_document_listing_each_deployment_and_exits_with_the_worst(tmp_path: Path) -> None:
    good = fleet_specs(tmp_path, 3)
    bad = tmp_path / "bad.yaml"
    bad.write_text("deployment: [")
    env = {"AKSNET_EMULATOR_DB": str(tmp_path / "e.db"), "AKSNET_EMULATOR_FAULTS": "lro_fail=managedClusters"}
    result = runner.invoke(app, ["--emulator", "up", *good, str(bad), "-o", "json"], env=env)
    assert "Traceback" not in result.output
    document = json.loads(result.stdout)
    assert set(document) == {"ok", "deployments"}
    assert document["ok"] is False
    assert [set(d) >= RESULT_KEYS for d in document["deployments"]] == [True] * 4
    codes = sorted((d["error"] or {}).get("code", "ok") for d in document["deployments"])
    assert codes.count("ok") == 2 and "SPEC_INVALID" in codes
    assert result.exit_code == 3  # worst of 0, 0, 2 (invalid file) and 3 (failed cluster operation)


def test_cli_fleet_of_good_specs_exits_0_with_every_deployment_ok(tmp_path: Path) -> None:
    env = {"AKSNET_EMULATOR_DB": str(tmp_path / "e.db")}
    result = runner.invoke(app, ["--emulator", "up", *fleet_specs(tmp_path, 2), "-o", "json"], env=env)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["ok"] is True
    assert [d["deployment"] for d in document["deployments"]] == ["fleet-0", "fleet-1"]


# --- one credential and one transport for the whole fleet ------------------------------------


class CountingCredential:
    """A credential that counts how often a token was fetched (as `az account get-access-token` would run)."""

    def __init__(self, inner: Any, lifetime: float = 3600.0) -> None:
        self.inner, self.lifetime, self.calls = inner, lifetime, 0
        self.lock = threading.Lock()

    def _count(self) -> None:
        with self.lock:
            self.calls += 1
        time.sleep(0.05)  # slow enough that concurrent first requests overlap

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        self._count()
        return AccessToken(self.inner.get_token(*scopes).token, int(time.time() + self.lifetime))

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        from azure.core.credentials import AccessTokenInfo

        self._count()
        return AccessTokenInfo(self.inner.get_token_info(*scopes).token, int(time.time() + self.lifetime))


def session_with(tmp_path: Path, credential: Any) -> Session:
    emu = Emulator(tmp_path / "e.db")
    return Session(credential, emu.transport(), emu.clock, default_subscription=(ZERO_SUB, "test"))


def test_the_whole_fleet_fetches_one_token_and_shares_one_transport(tmp_path: Path) -> None:
    emu_credential = Emulator(tmp_path / "c.db").credential()
    counting = CountingCredential(emu_credential)
    session = session_with(tmp_path, SharedToken(counting))
    results = fleet(fleet_specs(tmp_path, 3), session)
    assert all(r.ok for r in results)
    assert counting.calls == 1
    clients = session.clients(results[0].cluster["id"].split("/")[2])
    assert clients.transport is session.transport


def test_without_sharing_every_client_fetches_its_own_token(tmp_path: Path) -> None:
    counting = CountingCredential(Emulator(tmp_path / "c.db").credential())
    results = fleet(fleet_specs(tmp_path, 1), session_with(tmp_path, counting))
    assert results[0].ok
    assert counting.calls >= 4  # one per SDK client: what SharedToken saves


def test_a_shared_token_is_renewed_before_it_expires_and_a_claims_challenge_bypasses_it(tmp_path: Path) -> None:
    counting = CountingCredential(Emulator(tmp_path / "c.db").credential(), lifetime=TOKEN_REFRESH_SECONDS + 60)
    shared = SharedToken(counting)
    first = shared.get_token_info("https://management.azure.com/.default")
    assert shared.get_token_info("https://management.azure.com/.default") is first
    assert counting.calls == 1
    counting.lifetime = TOKEN_REFRESH_SECONDS - 60  # the next token is already due for renewal
    shared._tokens.clear()
    shared.get_token_info("https://management.azure.com/.default")
    shared.get_token_info("https://management.azure.com/.default")
    assert counting.calls == 3
    shared.get_token_info("https://management.azure.com/.default", options={"claims": "{}"})
    assert counting.calls == 4


@pytest.mark.parametrize("parallel", [1, 20])
def test_results_keep_the_order_of_the_files_whatever_finishes_first(tmp_path: Path, parallel: int) -> None:
    paths = fleet_specs(tmp_path, 4)
    results = fleet(list(reversed(paths)), emulated(tmp_path), parallel=parallel)
    assert [r.deployment for r in results] == ["fleet-3", "fleet-2", "fleet-1", "fleet-0"]


def test_the_fleet_table_says_stopped_for_an_interrupted_deployment_and_failed_for_a_failed_one() -> None:
    from aksnet.errors import AzureOperationError, Interrupted
    from aksnet.render.result import render_fleet
    from aksnet.result import RunResult

    stopped = RunResult("a", error=Interrupted("interrupted; Azure keeps what was started"))
    failed = RunResult("b", error=AzureOperationError("the cluster create failed", code="CreateFailed"))
    rows = {line.split()[0]: line.split()[1] for line in render_fleet([stopped, failed]).splitlines()[2:]}
    assert rows == {"a": "STOPPED", "b": "FAILED"}
