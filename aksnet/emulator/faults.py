"""The `AKSNET_EMULATOR_FAULTS` switch: what to break, and the dice that decide when."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, fields

_FLOATS = ("throttle", "server_error", "propagation", "rbac_delay")
_LISTS = ("lro_fail", "unregistered", "no_rbac_write_in")
_FLAGS = ("no_rbac_write",)
# AKS on Azure Local's field failures, each on (`=1`, or the bare name) or off (`=0`):
# arc_dns: the cluster's DNS cannot resolve the Azure Local cluster name (every cluster create fails);
# arc_webhook: the next cluster PUT is accepted, then its admission webhook fails (a half-created cluster);
# arc_orphan_cc: deleting a cluster leaves its connected cluster behind.
_SWITCHES = ("arc_dns", "arc_webhook", "arc_orphan_cc")

# azure-core retries a status at most 3 times (4 attempts, arm-facts §1.4). The fake never
# faults one client request more often in a row than that budget absorbs: the faults stay
# transient, as Azure's are, and a run under throttle=0.2 still succeeds.
MAX_FAULTS_IN_A_ROW = 2


@dataclass(frozen=True)
class Faults:
    """Parsed fault switches; durations are seconds of the emulator clock."""

    throttle: float = 0.0
    server_error: float = 0.0
    propagation: float = 0.0
    rbac_delay: float = 0.0
    lro_fail: tuple[str, ...] = ()
    unregistered: tuple[str, ...] = ()
    no_rbac_write: bool = False
    no_rbac_write_in: tuple[str, ...] = ()  # resource groups where the caller cannot assign roles
    arc_dns: bool = False
    arc_webhook: bool = False
    arc_orphan_cc: bool = False
    seed: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> Faults:
        """Parse `throttle=0.1,seed=3,lro_fail=managedClusters,no_rbac_write,unregistered=NS1|NS2`."""
        values: dict[str, object] = {}
        for item in (text or "").split(","):
            name, _, raw = item.strip().partition("=")
            if name:
                values[name.strip()] = _value(name.strip(), raw.strip())
        return cls(**values)  # type: ignore[arg-type]

    def fails_lro(self, arm_type_segment: str) -> bool:
        return arm_type_segment.lower() in {t.lower() for t in self.lro_fail}

    def denies_role_writes(self, resource_group: str) -> bool:
        """Whether the caller lacks roleAssignments/write in `resource_group` ('' for the subscription)."""
        return self.no_rbac_write or resource_group.lower() in {g.lower() for g in self.no_rbac_write_in}

    def arc(self, name: str) -> bool:
        """Whether the Azure Local fault `name` (arc_dns, arc_webhook, arc_orphan_cc) is on."""
        return bool(getattr(self, name))

    def is_unregistered(self, namespace: str) -> bool:
        return namespace.lower() in {n.lower() for n in self.unregistered}

    def __str__(self) -> str:
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (0.0, (), False, None):
                continue
            text = "|".join(value) if isinstance(value, tuple) else ("" if value is True else value)
            parts.append(f.name if text == "" else f"{f.name}={text}")
        return ",".join(parts)


def _value(name: str, raw: str) -> object:
    if name in _FLAGS:
        return True
    if name in _SWITCHES:
        if raw not in ("", "0", "1"):
            raise ValueError(f"AKSNET_EMULATOR_FAULTS: {name}={raw!r} is neither 1 nor 0")
        return raw != "0"
    if name in _LISTS:
        return tuple(part.strip() for part in raw.split("|") if part.strip())
    try:
        if name == "seed":
            return int(raw)
        if name in _FLOATS:
            return _non_negative(name, float(raw))
    except ValueError:
        raise ValueError(f"AKSNET_EMULATOR_FAULTS: {name}={raw!r} is not a number") from None
    known = ", ".join((*_FLOATS, *_LISTS, *_FLAGS, *_SWITCHES, "seed"))
    raise ValueError(f"AKSNET_EMULATOR_FAULTS: unknown fault {name!r} (known: {known})")


def _non_negative(name: str, value: float) -> float:
    if value < 0 or (name in ("throttle", "server_error") and value > 1):
        raise ValueError(f"AKSNET_EMULATOR_FAULTS: {name}={value} is out of range")
    return value


class Dice:
    """Seeded, thread-safe choices of which requests get a transient fault."""

    def __init__(self, faults: Faults) -> None:
        self._faults = faults
        self._random = random.Random(faults.seed)
        self._lock = threading.Lock()
        self._in_a_row: dict[str, int] = {}

    def transient(self, request_id: str | None) -> str | None:
        """'throttle', 'server_error' or None for the next request with this client request id."""
        with self._lock:
            roll = self._random.random()
            if request_id and self._in_a_row.get(request_id, 0) >= MAX_FAULTS_IN_A_ROW:
                self._in_a_row.pop(request_id, None)
                return None
            kind = self._pick(roll)
            if request_id and kind:
                self._in_a_row[request_id] = self._in_a_row.get(request_id, 0) + 1
            elif request_id:
                self._in_a_row.pop(request_id, None)
            return kind

    def _pick(self, roll: float) -> str | None:
        if roll < self._faults.throttle:
            return "throttle"
        if roll < self._faults.throttle + self._faults.server_error:
            return "server_error"
        return None

    def coin(self) -> bool:
        with self._lock:
            return self._random.random() < 0.5
