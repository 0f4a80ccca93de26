"""What every rule receives besides the spec, and the field paths rules report."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from aksnet.findings import Finding
from aksnet.spec import Spec


@dataclass(frozen=True)
class RuleContext:
    """The day the rules judge retirements by, the environment (for the Windows password) and mode."""

    today: date
    env: Mapping[str, str] | None = None
    require_secrets: bool = False


Rule = Callable[[Spec, RuleContext], Iterator[Finding]]


def pool_field(index: int, name: str) -> str:
    return f"cluster.node_pools.{index}.{name}"
