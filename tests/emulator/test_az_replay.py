"""The Azure CLI's own requests, replayed in-process: the emulator answers each one as it answered az.

`make conformance` runs the docs' flows with the real azure-cli against `aksnet emulator serve` and
records every request az sent (`conformance/run.py --fixtures`, tests/fixtures/az-flows/). Here
each flow is replayed in order on a fresh emulator: same method, path, api-version, headers and
body; every status (and error code) must be the one az got. Ids the emulator made up then
(principal ids, operation ids, eTags) are mapped to the ones it makes up now, so later requests
that quote them (role assignments, status polls, If-Match) mean the same thing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from aksnet.emulator import Emulator

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "az-flows"
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
FLOWS = sorted(p.stem for p in FIXTURES.glob("*.json"))


class Ids:
    """Recorded ids -> the ones this run made, learned from each answer in document order."""

    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}

    def learn(self, recorded: list[str], answer: Any, headers: dict[str, str]) -> None:
        made = GUID.findall(json.dumps(answer, sort_keys=True) + json.dumps(_kept(headers), sort_keys=True))
        assert len(made) == len(recorded), "the answer's shape differs from the one az got"
        for old, new in zip(recorded, made, strict=True):
            self.mapping.setdefault(old, new)

    def apply(self, value: Any) -> Any:
        if isinstance(value, str):
            return GUID.sub(lambda m: self.mapping.get(m.group(0), m.group(0)), value)
        if isinstance(value, dict):
            return {self.apply(k): self.apply(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.apply(v) for v in value]
        return value


def _kept(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items() if k.lower() in ("azure-asyncoperation", "location")}


def _error_code(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return None
    error = answer.get("error") if isinstance(answer.get("error"), dict) else answer
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and "status" not in answer else None


def _url(entry: dict[str, Any], ids: Ids) -> str:
    query = {k: ids.apply(v) for k, v in entry["query"].items()}
    if entry["api_version"] is not None:
        query["api-version"] = entry["api_version"]
    return f"https://management.azure.com{ids.apply(entry['path'])}?{urlencode(query)}"


@pytest.mark.parametrize("flow", FLOWS)
def test_the_emulator_answers_azs_requests_as_it_answered_az(emu: Emulator, flow: str) -> None:
    document = json.loads((FIXTURES / f"{flow}.json").read_text())
    ids = Ids()
    for number, entry in enumerate(document["exchanges"]):
        headers = ids.apply(entry["headers_sent"])
        status, out, answer = emu.request(entry["method"], _url(entry, ids), ids.apply(entry["body"]), headers)
        where = f"{flow} #{number}: {entry['method']} {entry['path']}"
        assert (status, _error_code(answer)) == (entry["status"], entry["code"]), f"{where}: {answer}"
        ids.learn(entry["made"], answer, out)


def test_every_flow_of_the_conformance_suite_has_a_replay_fixture() -> None:
    flows = ["kubenet-route-table", "overlay-cilium", "kubenet-to-overlay", "refused", "apiserver-vnet-integration"]
    assert sorted([*flows, "dual-stack-ipv6-outbound"]) == FLOWS
