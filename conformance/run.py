"""`make conformance`: the real Azure CLI (pinned, its own venv) against `aksnet emulator serve`.

Installs azure-cli once (bench/azcli.py, .bench/azcli), serves the emulator on a free port with a
fresh database and an isolated AZURE_CONFIG_DIR, logs in through the emulator's fake authority, and
runs the docs' flows (conformance/flows.py), asserting each command's outcome. Every request az
sent is recorded; `--fixtures` writes them as the replay fixtures `make test` holds the in-process
emulator to (tests/fixtures/az-flows/, tests/emulator/test_az_replay.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import azcli  # noqa: E402
import azrun  # noqa: E402
import served  # noqa: E402
from flows import FLOWS, Flow, Step  # noqa: E402

OUT = ROOT / ".bench" / "conformance"
FIXTURES = ROOT / "tests" / "fixtures" / "az-flows"
AKSNET = str(Path(sys.executable).parent / "aksnet")
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--fixtures", action="store_true", help=f"write the recorded requests to {FIXTURES}")
    parser.add_argument("--flow", action="append", help="run only these flows (by name)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    az = azcli.find_or_install(ROOT / ".bench", pinned=True)
    if not az.ok or az.path is None:
        print(f"conformance: no Azure CLI: {az.origin}", file=sys.stderr)
        return 1
    install = time.perf_counter() - started
    flows = [f for f in FLOWS if not args.flow or f.name in args.flow]
    server = served.start(AKSNET, OUT / "emulator.db", record=OUT / "requests.jsonl", cwd=ROOT)
    try:
        results, marks = _run_all(azrun.Az(az.path, OUT / "azconfig", server.ca_bundle), server.base, flows)
    finally:
        code = server.stop()
    failed = sum(1 for _, _, ok, _ in results if not ok)
    _report(results, az, install, time.perf_counter() - started - install, code)
    if args.fixtures and not failed:
        _write_fixtures(OUT / "requests.jsonl", marks, az.version)
    return 1 if failed or code != 0 else 0


Result = tuple[str, str, bool, str]  # flow, command, passed, why (or the time)


def _run_all(az: azrun.Az, base: str, flows: list[Flow]) -> tuple[list[Result], dict[str, tuple[int, int]]]:
    az.login(base)
    results: list[Result] = []
    marks: dict[str, tuple[int, int]] = {}
    for flow in flows:
        first = _lines(OUT / "requests.jsonl")
        variables: dict[str, str] = {}
        for step in flow.steps:
            results.append(_run_step(az, flow, step, variables))
        marks[flow.name] = (first, _lines(OUT / "requests.jsonl"))
    return results, marks


def _run_step(az: azrun.Az, flow: Flow, step: Step, variables: dict[str, str]) -> Result:
    command = step.args.format(**variables)
    ran = az.run(command)
    ok, why = _judge(step, ran)
    if ok and step.capture:
        variables[step.capture] = ran.stdout.strip()
    label = f"az {command}"
    return flow.name, label, ok, why if not ok else f"{ran.seconds:.1f} s"


def _judge(step: Step, ran: azrun.Ran) -> tuple[bool, str]:
    out = ran.stdout.strip()
    if step.expect != "ok":
        if ran.code == 0:
            return False, f"succeeded; Azure refuses this with {step.expect}"
        return (f"({step.expect})" in ran.stderr, _tail(ran.stderr))
    if ran.code != 0:
        return False, f"exit {ran.code}: {_tail(ran.stderr)}"
    if step.check is not None and out != step.check:
        return False, f"printed {out!r}, expected {step.check!r}"
    if step.contains is not None and step.contains not in ran.stdout:
        return False, f"output lacks {step.contains!r}: {_tail(ran.stdout)}"
    return True, ""


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-3:])[:400]


def _lines(path: Path) -> int:
    return sum(1 for _ in path.open()) if path.exists() else 0


def _report(results: list[Result], az: azcli.AzCli, install: float, run: float, server_exit: int) -> None:
    width = max(len(c) for _, c, _, _ in results)
    current = ""
    for flow, command, ok, why in results:
        if flow != current:
            print(f"\n{flow}")
            current = flow
        print(f"  {'pass' if ok else 'FAIL'}  {command:<{min(width, 110)}}  {why}")
    passed = sum(1 for _, _, ok, _ in results if ok)
    print(f"\nconformance: {passed} passed, {len(results) - passed} failed")
    print(f"- az: azure-cli {az.version} ({az.origin}); getting it took {install:.1f} s")
    print(f"- {len(results)} az commands in {run:.0f} s; the server stopped on SIGTERM with exit {server_exit}")


def _write_fixtures(record: Path, marks: dict[str, tuple[int, int]], version: str) -> None:
    """One file per flow: each request az sent, the status it got, and the ids the emulator made up."""
    lines = record.read_text().splitlines()
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for flow, (first, last) in marks.items():
        exchanges = [_fixture_entry(json.loads(line)) for line in lines[first:last]]
        document = {"flow": flow, "azure_cli": version, "exchanges": exchanges}
        (FIXTURES / f"{flow}.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"- wrote {len(marks)} replay fixtures to {FIXTURES.relative_to(ROOT)}")


def _fixture_entry(entry: dict[str, Any]) -> dict[str, Any]:
    response = entry.pop("response")
    headers = entry.pop("headers")
    entry["made"] = GUID.findall(json.dumps(response, sort_keys=True) + json.dumps(headers, sort_keys=True))
    entry["code"] = _error_code(response)
    return entry


def _error_code(response: Any) -> str | None:
    if not isinstance(response, dict):
        return None
    error = response.get("error") if isinstance(response.get("error"), dict) else response
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and "status" not in response else None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
