"""A finding: one rule's verdict on the user's input, with the field, what is wrong and the fix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """A rule violation (error) or a risk worth knowing (warning)."""

    severity: Severity
    code: str
    field: str
    message: str
    hint: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def error(code: str, field: str, message: str, hint: str) -> Finding:
    return Finding("error", code, field, message, hint)


def warning(code: str, field: str, message: str, hint: str) -> Finding:
    return Finding("warning", code, field, message, hint)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


MOST_LISTED = 3


def listed(items: Sequence[str]) -> str:
    """The first few items of a list for a message, and how many more."""
    shown = ", ".join(items[:MOST_LISTED])
    return shown + (f" and {len(items) - MOST_LISTED} more" if len(items) > MOST_LISTED else "")
