"""`make bench`: what aksnet adds to provisioning time, measured whole-process, printed as one table.

Every figure is a median over repeated runs of the real `aksnet` command on this machine in this
run; the comparison sits beside it. Sections: start-up (against `az aks create --help`), `up` on
the emulator at latency 0.02 (against the service-time critical path of the plan's DAG and the
sequential sum of the same steps; plus one run at latency 0.1), a 20-deployment fleet (against
one `up`), a 50-pool `plan`, when a finished cluster operation is noticed, and the docs' az
sequence beside `aksnet up`/`down` on one served emulator (bench/sidebyside.py). Options: --runs N
(start-up runs; `up` and the fleet use fewer), --quick (fewer runs everywhere), or BENCH_RUNS=N.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import azcli
import critical
import importtime
import measure
import sidebyside
import specs

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
OUT = BENCH / "out"
BIN = Path(sys.executable).parent
AKSNET = str(BIN / "aksnet")
LATENCY = 0.02
SLOW_LATENCY = 0.1  # one run where the critical path (31 s) dominates, as it does against Azure
FLEET = 20
FLEET_PARALLEL = 20
RSS_LIMIT_MB = 120.0
HELP_LIMIT, PLAN_LIMIT = 0.12, 0.20  # x `az aks create --help` (#17)
OVERHEAD_LIMIT = 0.6  # seconds of `up` beyond the plan's critical path (#17)
RERUN_LIMIT = 1.2  # a re-run of `up` that changes nothing, x `plan --live` of the same file (#17)


@dataclass
class Row:
    """One line of the table."""

    measurement: str
    value: str
    comparison: str = ""
    target: str = ""
    met: bool | None = None  # None: no target, or nothing to judge it against
    note: str = ""  # printed under the table, referenced by number


def main(argv: Sequence[str]) -> int:
    options = _options(argv)
    started = time.perf_counter()
    BENCH.mkdir(exist_ok=True)
    shutil.rmtree(OUT, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKSNET_")}
    rows: list[Row] = []
    notes: list[str] = []

    _say("Azure CLI ...")
    az = azcli.find_or_install(BENCH)
    notes.append(_byte_compile())
    notes.append(f"az: {az.path} (azure-cli {az.version}, {az.origin})" if az.ok else f"az: unavailable: {az.origin}")

    _say(f"start-up, {options.runs} interleaved runs each ...")
    big_plan = specs.many_pools(BENCH / "plan-50-pools.yaml")
    commands = {
        "help": [AKSNET, "--help"],
        "plan": [AKSNET, "plan", str(specs.UP_SCENARIO)],
        "plan50": [AKSNET, "plan", str(big_plan)],
    }
    if az.ok and az.path:
        commands["az"] = [az.path, "aks", "create", "--help"]
    startup = measure.interleaved(
        commands,
        runs=options.runs,
        env={**env, **azcli.environment(BENCH)},
        cwd=ROOT,
        out_dir=OUT / "startup",
    )
    rows += _startup_rows(startup, az, notes)
    rows += _import_rows(env)

    _say(f"up on the emulator at latency {LATENCY}, {options.up_runs} runs ...")
    path = critical.of_file(specs.UP_SCENARIO)
    up = _up_series("up", [str(specs.UP_SCENARIO)], runs=options.up_runs, env=env, warmup=1)
    rows += _up_rows(up, path, env, notes)
    _say(f"a re-run of up that changes nothing beside plan --live, {options.up_runs} interleaved runs ...")
    rows.append(_rerun_row(env, runs=options.up_runs))
    _say(f"up on the emulator at latency {SLOW_LATENCY}, one run ...")
    slow = _up_series("up-slow", [str(specs.UP_SCENARIO)], runs=1, env=env, warmup=0, latency=SLOW_LATENCY)
    rows.append(_slow_row(slow, path))

    _say(f"fleet of {FLEET} deployments, {options.fleet_runs} runs ...")
    fleet_specs = [str(p) for p in specs.fleet(BENCH / "fleet", FLEET)]
    fleet = _up_series(
        "fleet", [*fleet_specs, "--parallel", str(FLEET_PARALLEL)], runs=options.fleet_runs, env=env, warmup=0
    )
    rows += _fleet_rows(fleet, up, notes)
    rows.append(_fleet_cpu_row())

    _say("noticing a finished cluster operation (simulated Azure) ...")
    rows.append(_notice_row(env))

    if az.ok and az.path:
        _say(f"the docs' az sequence beside aksnet up/down, one served emulator at latency {LATENCY} ...")
        rows += _side_by_side_rows(
            sidebyside.measure(az.path, AKSNET, specs.UP_SCENARIO, work=BENCH, latency=LATENCY, cwd=ROOT), path
        )
    else:
        rows.append(Row("az vs aksnet on a served emulator", "not measured", "az unavailable", note=az.origin))

    _print(rows, notes, options, time.perf_counter() - started)
    return 0


@dataclass
class Options:
    """How many runs each kind of measurement gets."""

    runs: int
    up_runs: int
    fleet_runs: int


def _options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "10")))
    parser.add_argument("--quick", action="store_true", help="3 start-up runs, 2 of up, 1 of the fleet")
    args = parser.parse_args(argv)
    if args.quick:
        return Options(3, 2, 1)
    runs = max(args.runs, 1)
    return Options(runs, max(runs // 2, 1), max(runs // 3, 1))


def _byte_compile() -> str:
    """aksnet's modules compiled to bytecode before anything is timed, as pip compiles an installed wheel.

    Why: `make install` is an editable install, which leaves aksnet's sources uncompiled, and with
    PYTHONDONTWRITEBYTECODE set (as it is in some shells and CI images) every run would compile the
    ~160 modules of an `up` from source again (0.1-0.2 s), which no installed aksnet does. az's own
    modules were compiled when it was installed.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "aksnet")], check=True, cwd=ROOT)
    return "aksnet's modules byte-compiled first (python -m compileall), as pip does when it installs the wheel"


# --- start-up -------------------------------------------------------------------------------


def _startup_rows(startup: dict[str, measure.Series], az: azcli.AzCli, notes: list[str]) -> list[Row]:
    _require(startup, "help", "plan", "plan50")
    reference = startup.get("az")
    rows = []
    for key, label, limit in (
        ("help", "aksnet --help", HELP_LIMIT),
        ("plan", f"aksnet plan {specs.UP_SCENARIO.name}", PLAN_LIMIT),
    ):
        rows.append(_versus_az(label, startup[key], reference, limit, az))
    if reference is not None:
        rows.append(Row("az aks create --help", _s(reference.median), f"azure-cli {az.version}", "reference"))
    else:
        rows.append(Row("az aks create --help", "not measured", "az unavailable", "reference", note=az.origin))
    small, big = startup["plan"], startup["plan50"]
    row = _versus_az("aksnet plan, 50 node pools", big, reference, 0.60, az)
    row.comparison = f"{big.median / small.median:.2f}x the bundled plan, {row.comparison}"
    rows.append(row)
    notes.append(f"start-up: median of {small.n} runs each, interleaved, after one warm-up run each")
    return rows


def _versus_az(
    label: str, series: measure.Series, reference: measure.Series | None, limit: float, az: azcli.AzCli
) -> Row:
    if reference is None:
        return Row(label, _s(series.median), "no az to compare", f"<= {limit:.2f}x az", None)
    ratio = series.median / reference.median
    return Row(label, _s(series.median), f"{ratio:.2f}x az", f"<= {limit:.2f}x az", ratio <= limit)


def _import_rows(env: dict[str, str]) -> list[Row]:
    python = sys.executable
    plan = importtime.profile([python, AKSNET, "plan", str(specs.UP_SCENARIO)], env=env, cwd=ROOT)
    help_ = importtime.profile([python, AKSNET, "--help"], env=env, cwd=ROOT)
    slowest = plan.slowest()
    azure_help, azure_plan = help_.names("azure"), plan.names("azure")
    return [
        Row(
            "imports of aksnet plan (-X importtime)",
            f"{plan.total_us / 1000:.0f} ms",
            f"slowest {slowest.name} {slowest.cumulative_us / 1000:.0f} ms",
            note="slowest top-level import of `aksnet plan`: " + importtime.breakdown(plan, slowest, top=6),
        ),
        Row(
            "azure.* modules imported by --help / plan",
            f"{len(azure_help)} / {len(azure_plan)}",
            ", ".join((azure_help + azure_plan)[:2]) or "none",
            "none",
            not azure_help and not azure_plan,
        ),
    ]


# --- up and the fleet -----------------------------------------------------------------------


def _up_series(
    label: str, args: list[str], *, runs: int, env: dict[str, str], warmup: int, latency: float = LATENCY
) -> measure.Series:
    db = BENCH / "db" / f"{label}.db"
    emulator = {
        **env,
        "AKSNET_EMULATOR": "1",
        "AKSNET_EMULATOR_DB": str(db),
        "AKSNET_EMULATOR_LATENCY": str(latency),
    }

    def fresh() -> None:
        db.parent.mkdir(parents=True, exist_ok=True)
        for stale in db.parent.glob(db.name + "*"):
            stale.unlink()

    series = measure.series(
        label,
        [AKSNET, "up", *args, "--yes", "-o", "json"],
        runs=runs,
        env=emulator,
        cwd=ROOT,
        out_dir=OUT / label,
        before_each=fresh,
        warmup=warmup,
    )
    for run in series.runs:
        _check_ok(label, run)
    return series


def _check_ok(label: str, run: measure.Run) -> None:
    try:
        document = json.loads(run.stdout.read_text())
    except ValueError:
        document = {}
    if run.code != 0 or not document.get("ok"):
        tail = run.stderr.read_text()[-2000:]
        raise SystemExit(f"bench: {label} failed (exit {run.code}); see {run.stdout}\n{tail}")


def _up_rows(up: measure.Series, path: critical.CriticalPath, env: dict[str, str], notes: list[str]) -> list[Row]:
    wall = up.median
    cp, seq = path.critical * LATENCY, path.sequential * LATENCY
    issue = (path.critical - 3.0) * LATENCY  # the issue's 307 s leaves out the subnet association PUT
    ratio = wall / cp
    rows = [
        Row(
            f"aksnet up (emulator, latency {LATENCY})",
            _s(wall),
            f"{ratio:.3f}x critical path {_s(cp)}",
            "<= 1.10x (then 1.05x)",
            ratio <= 1.10,
            note=f"critical path of the plan's DAG: {path.describe()} = {path.critical:g} s, x {LATENCY}; "
            f"against the issue's 307 s ({_s(issue)}, which leaves out the subnet's route table association "
            f"that must precede the grant and the cluster) the ratio is {wall / issue:.3f}x",
        ),
        Row(
            "aksnet up vs a sequential run",
            _s(wall),
            f"{wall / seq:.3f}x sequential {_s(seq)}",
            note=f"sequential: every step's service time one after another ({path.sequential:g} s x {LATENCY}), "
            "what the docs' az script waits for, before counting its own start-up per command",
        ),
    ]
    outside = statistics.median(
        r.seconds - json.loads(r.stdout.read_text())["timings"]["managed_cluster"] for r in up.runs
    )
    before = path.before_cluster * LATENCY
    rows.append(
        Row(
            "aksnet up: wall outside the cluster step",
            _s(outside),
            f"steps before it need {_s(before)} of service",
            note="process wall time minus the managed_cluster step's own time (from -o json `timings`): "
            "start-up, the steps before the cluster, and exit",
        )
    )
    overhead = wall - cp
    sdk = _sdk_import_seconds(env)
    if sdk is not None:
        rows.append(
            Row(
                "aksnet up: overhead over the critical path",
                _s(overhead),
                f"Azure SDK + requests imports: {_s(sdk)}",
                f"<= {_s(OVERHEAD_LIMIT)} (#17)",
                overhead <= OVERHEAD_LIMIT,
                note="wall time minus the critical path; beside it, the import time of the outermost azure.* and "
                "requests modules in one `up` (-X importtime; they load on a background thread, mostly while "
                "up waits for Azure)",
            )
        )
    stats = _inproc(["requests", str(specs.UP_SCENARIO), str(LATENCY), str(BENCH / "db" / "inproc.db")])
    if stats.get("ok"):
        s = stats["stats"]
        polls = s["by_type"].get("operations", 0)
        methods = ", ".join(f"{n} {m}" for m, n in sorted(s["by_method"].items(), key=lambda kv: -kv[1]))
        rows.append(
            Row(
                "aksnet up: ARM requests",
                str(s["requests"]),
                f"{methods}; {polls} are LRO polls",
                note="Emulator.stats() of one in-process up; polls follow the emulator's Retry-After "
                "(scaled like the service time, so the count is the same as at full scale)",
            )
        )
    else:
        rows.append(Row("aksnet up: ARM requests", "not measured", str(stats)[:60]))
    rows.append(
        Row(
            "aksnet up: peak RSS",
            f"{up.peak_rss_mb:.0f} MB",
            "max of the runs",
            f"< {RSS_LIMIT_MB:.0f} MB",
            up.peak_rss_mb < RSS_LIMIT_MB,
        )
    )
    notes.append(f"up: median of {up.n} runs after one warm-up, each on a fresh emulator database")
    return rows


def _rerun_row(env: dict[str, str], *, runs: int) -> Row:
    """`up` again on what one `up` made (nothing to change) beside `plan --live` of the same file."""
    db = BENCH / "db" / "rerun.db"
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    emulator = {**env, "AKSNET_EMULATOR": "1", "AKSNET_EMULATOR_DB": str(db), "AKSNET_EMULATOR_LATENCY": str(LATENCY)}
    scenario = str(specs.UP_SCENARIO)
    up_again = [AKSNET, "up", scenario, "--yes", "-o", "json"]
    _check_ok("rerun", measure.run_once(up_again, env=emulator, cwd=ROOT, out_dir=OUT / "rerun", name="first"))
    found = measure.interleaved(
        {"rerun": up_again, "live": [AKSNET, "plan", "--live", scenario, "-o", "json"]},
        runs=runs,
        env=emulator,
        cwd=ROOT,
        out_dir=OUT / "rerun",
    )
    _require(found, "rerun", "live")
    for run in found["rerun"].runs:
        _check_ok("rerun", run)
    rerun, live = found["rerun"].median, found["live"].median
    counted = _inproc(["rerun", scenario, str(BENCH / "db" / "rerun-inproc.db")])
    requests = (
        f"; {counted['rerun']['requests']} requests vs {counted['live']['requests']}" if counted.get("ok") else ""
    )
    return Row(
        "aksnet up re-run, nothing to change",
        _s(rerun),
        f"{rerun / live:.2f}x plan --live ({_s(live)}){requests}",
        f"<= {RERUN_LIMIT:.1f}x plan --live (#17)",
        rerun / live <= RERUN_LIMIT,
        note=f"median of {found['rerun'].n} interleaved runs of each on the state one `up` made, latency {LATENCY}; "
        "the request counts are Emulator.stats() of the same two commands in-process",
    )


def _slow_row(slow: measure.Series, path: critical.CriticalPath) -> Row:
    cp = path.critical * SLOW_LATENCY
    ratio = slow.median / cp
    return Row(
        f"aksnet up (emulator, latency {SLOW_LATENCY}), 1 run",
        _s(slow.median),
        f"{ratio:.3f}x critical path {_s(cp)}",
        "<= 1.10x (then 1.05x)",
        ratio <= 1.10,
        note=f"the same up where Azure's service time is {SLOW_LATENCY / LATENCY:g} times longer: aksnet's own "
        "overhead (start-up, SDK imports, request handling) is about the same number of seconds, now against "
        "a 31 s critical path",
    )


def _sdk_import_seconds(env: dict[str, str]) -> float | None:
    db = BENCH / "db" / "importtime.db"
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    emulator = {**env, "AKSNET_EMULATOR": "1", "AKSNET_EMULATOR_DB": str(db), "AKSNET_EMULATOR_LATENCY": "0"}
    prof = importtime.profile(
        [sys.executable, AKSNET, "up", str(specs.UP_SCENARIO), "--yes", "-o", "json"], env=emulator, cwd=ROOT
    )
    heavy = prof.outermost({"azure", "requests"})
    return sum(m.cumulative_us for m in heavy) / 1e6 if heavy else None


def _fleet_rows(fleet: measure.Series, up: measure.Series, notes: list[str]) -> list[Row]:
    ratio = fleet.median / up.median
    for run in fleet.runs:
        document = json.loads(run.stdout.read_text())
        if len(document["deployments"]) != FLEET:
            raise SystemExit(f"bench: the fleet reported {len(document['deployments'])} deployments, not {FLEET}")
    notes.append(
        f"fleet: median of {fleet.n} runs of `aksnet up` with {FLEET} specs (.bench/fleet/), --parallel "
        f"{FLEET_PARALLEL} (the default, 8, runs them in 3 waves)"
    )
    return [
        Row(
            f"aksnet up of {FLEET} deployments (--parallel {FLEET_PARALLEL})",
            _s(fleet.median),
            f"{ratio:.2f}x one up ({_s(up.median)})",
            "<= 1.30x",
            ratio <= 1.30,
        ),
        Row(
            f"aksnet up of {FLEET} deployments: peak RSS",
            f"{fleet.peak_rss_mb:.0f} MB",
            "max of the runs",
            f"< {RSS_LIMIT_MB:.0f} MB",
            fleet.peak_rss_mb < RSS_LIMIT_MB,
        ),
    ]


def _fleet_cpu_row() -> Row:
    """Process CPU per deployment until the last cluster create of a fleet started, beside one `up`'s."""
    fleet_specs = sorted(str(p) for p in (BENCH / "fleet").glob("*.yaml"))
    label = "CPU per deployment before its cluster create"
    found = [
        _inproc(["fleetcpu", str(LATENCY), str(BENCH / "db" / f"cpu-{n}.db"), *fleet_specs[:n]]) for n in (FLEET, 1)
    ]
    if not all(f.get("ok") for f in found):
        return Row(label, "not measured", str(found)[:60])
    per, one = float(found[0]["cpu"]) / FLEET, float(found[1]["cpu"])
    return Row(
        label,
        _s(per),
        f"fleet of {FLEET}; one up alone: {_s(one)}",
        note=f"in-process (bench/inproc.py fleetcpu): the process's CPU time (start-up, imports, preflight and "
        f"steps of every deployment, the emulator's share included) when the last of {FLEET} cluster creates "
        "started, divided by the deployments",
    )


def _notice_row(env: dict[str, str]) -> Row:
    result = _inproc(["notice", str(specs.UP_SCENARIO), str(BENCH / "db" / "notice.db")])
    label = "finished cluster operation noticed (Azure)"
    if not result.get("ok"):
        return Row(label, "not measured", str(result)[:60], "<= 5 s", False)
    delays: list[float] = result["delays"]
    return Row(
        label,
        f"{max(delays):.1f} s",
        f"worst of {len(delays)}; median {statistics.median(delays):.1f} s",
        "<= 5 s",
        max(delays) <= 5.0,
        note=f"simulated: the emulator at full scale on a fake clock, its Retry-After removed, the clients "
        f"configured as against Azure (cluster polled every {result['cluster_poll']:g} s); {len(delays)} "
        "operation lengths spread the end across one poll period",
    )


def _inproc(args: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "inproc.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=600,
    )
    try:
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result
    except (ValueError, IndexError):
        return {"ok": False, "error": done.stderr[-300:]}


# --- az and aksnet side by side on a served emulator ------------------------------------------


def _side_by_side_rows(found: sidebyside.SideBySide, path: critical.CriticalPath) -> list[Row]:
    create, teardown = found.aksnet_up / found.az_create, found.aksnet_down / found.az_teardown
    where = f"aksnet emulator serve, latency {LATENCY}, one run"
    chain, down_floor = critical.teardown_floor()
    up_floor, down_floor = path.critical * LATENCY, down_floor * LATENCY
    return [
        Row(f"az: the docs' {found.commands} create commands", _s(found.az_create), where, "reference"),
        Row(
            "aksnet up, same scenario and server",
            _s(found.aksnet_up),
            f"{create:.2f}x az; the critical path alone {_s(up_floor)} = {up_floor / found.az_create:.2f}x",
            "<= 0.40x az (#17)",
            create <= 0.40,
            note="both over HTTPS to one `aksnet emulator serve` with tokens from its fake authority: az "
            "logged in first (untimed), ran the docs' commands with the scenario's values, deleted everything, "
            "then `aksnet --arm-endpoint` ran up and down of the bundled kubenet-byo-route-table scenario. "
            "The critical path is the service time no client can go below; a ratio target under it "
            "cannot be met on a machine where az runs this fast",
        ),
        Row(f"az: {found.teardown_commands} deletes", _s(found.az_teardown), where, "reference"),
        Row(
            "aksnet down, same scenario and server",
            _s(found.aksnet_down),
            f"{teardown:.2f}x az; the service time alone {_s(down_floor)} = {down_floor / found.az_teardown:.2f}x",
            "<= 0.50x az (#17)",
            teardown <= 0.50,
            note=f"the service-time floor of this teardown: {chain} = {down_floor / LATENCY:g} s, x {LATENCY}",
        ),
    ]


# --- output ---------------------------------------------------------------------------------


def _require(found: dict[str, measure.Series], *keys: str) -> None:
    for key in keys:
        bad = found[key].failures
        if bad:
            raise SystemExit(f"bench: {key} exited {bad[0].code}: {bad[0].stderr.read_text()[-1000:]}")


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def _print(rows: list[Row], notes: list[str], options: Options, took: float) -> None:
    header = Row("measurement", "value (median)", "comparison", "target", None)
    table = [header, *rows]
    footnotes = [r.note for r in rows if r.note]
    cells = []
    for r in table:
        mark = f" [{footnotes.index(r.note) + 1}]" if r.note else ""
        met = "met?" if r is header else {True: "yes", False: "NO", None: "-"}[r.met]
        cells.append((r.measurement + mark, r.value, r.comparison, r.target, met))
    width = [max(len(c[i]) for c in cells) for i in range(5)]
    lines = []
    for i, c in enumerate(cells):
        lines.append(f"{c[0]:<{width[0]}}  {c[1]:>{width[1]}}  {c[2]:<{width[2]}}  {c[3]:<{width[3]}}  {c[4]}".rstrip())
        if i == 0:
            lines.append("-" * max(len(line) for line in lines))
    print()
    print("\n".join(lines))
    print()
    for n, note in enumerate(footnotes, 1):
        print(f"[{n}] {note}")
    for note in notes:
        print(f"- {note}")
    print(
        f"- machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.release()}; bench took {took:.0f} s"
    )


def _say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
