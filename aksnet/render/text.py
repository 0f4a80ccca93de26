"""Plain text building blocks: aligned tables and key/value pairs, resource names for tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "  ") -> str:
    """Left-aligned columns; the last column runs free."""
    cells = [[str(c) for c in headers], *[[("" if c is None else str(c)) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers) - 1)]
    lines = []
    for row in cells:
        head = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        lines.append(f"{indent}{head}  {row[-1]}".rstrip())
    return "\n".join(lines)


def pairs(rows: Sequence[tuple[str, str]], indent: str = "  ") -> str:
    """Aligned `key  value` lines."""
    width = max((len(k) for k, _ in rows), default=0)
    return "\n".join(f"{indent}{k:<{width}}  {v}" for k, v in rows)


def short_type(arm_type: str) -> str:
    return arm_type.rsplit("/", 1)[-1]
