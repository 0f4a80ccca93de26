"""Plain text building blocks: tables that fit the terminal, key/value pairs, resources named for people.

Tables name a resource by its type and name (full ids stay in JSON) and wrap their last column at
word boundaries to the width they are given (`aksnet.cli` reads the terminal's); a cell may hold
several paragraphs (one per line), each wrapped on its own.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

DEFAULT_WIDTH = 120
NARROWEST = 28  # the last column never wraps narrower than this, whatever the terminal


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "  ", width: int | None = None) -> str:
    """Left-aligned columns; the last one runs free, wrapped at word boundaries to fit `width`. When the
    other columns leave it too little room, it goes on the lines below its row instead."""
    cells = [[str(c) for c in headers], *[[("" if c is None else str(c)) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers) - 1)]
    lead = len(indent) + sum(w + 2 for w in widths)
    if width is not None and width - lead < NARROWEST:
        return _last_column_below(cells, widths, indent, width)
    room = (width or 10**6) - lead
    lines = []
    for row in cells:
        first, *more = wrap(row[-1], room)
        lines.append(f"{indent}{_head(row, widths)}{first}".rstrip())
        lines += [f"{' ' * lead}{line}".rstrip() for line in more]
    return "\n".join(lines)


def _head(row: Sequence[str], widths: Sequence[int]) -> str:
    return "".join(f"{cell.ljust(w)}  " for cell, w in zip(row, widths, strict=False))


def _last_column_below(cells: Sequence[Sequence[str]], widths: Sequence[int], indent: str, width: int) -> str:
    below = indent + "    "
    lines: list[str] = []
    for row in cells:
        lines.append(f"{indent}{_head(row, widths)}".rstrip())
        if row[-1]:
            lines += [f"{below}{line}".rstrip() for line in wrap(row[-1], max(width - len(below), NARROWEST))]
    return "\n".join(lines)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters, broken only between words; each line of it a paragraph."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        hang = " " * (len(paragraph) - len(paragraph.lstrip(" ")))
        lines += textwrap.wrap(
            paragraph,
            width,
            subsequent_indent=hang + "  " if hang else "",
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return lines


def paragraph(text: str, indent: str, width: int) -> str:
    """`text` wrapped to `width`, every line indented."""
    return "\n".join(indent + line for line in wrap(text, max(width - len(indent), NARROWEST)))


def pairs(rows: Sequence[tuple[str, str]], indent: str = "  ", width: int | None = None) -> str:
    """Aligned `key  value` lines; a long value wraps under itself."""
    return table(("", ""), rows, indent, width).split("\n", 1)[1] if rows else ""


def short_type(arm_type: str) -> str:
    return arm_type.rsplit("/", 1)[-1]


def resource_label(arm_type: str, resource_id: str) -> str:
    """`managedClusters aks`: the type's last segment and the name; a role assignment by its scope and GUID."""
    parts = resource_id.rstrip("/").split("/")
    if arm_type.endswith("/roleAssignments") and len(parts) >= 5:
        return f"roleAssignments on {parts[-5]} ({parts[-1][:8]})"
    if arm_type.endswith("/provisionedClusterInstances") and len(parts) >= 5:
        return f"{short_type(arm_type)} {parts[-5]}/{parts[-1]}"  # the AKS Arc cluster: its connected cluster's name
    return f"{short_type(arm_type)} {parts[-1]}"
