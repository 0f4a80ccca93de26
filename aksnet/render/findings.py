"""Findings as text: severity, code, field, what is wrong and the fix, wrapped to the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.findings import Finding
from aksnet.render.text import DEFAULT_WIDTH, paragraph

BODY = " " * 10


def render_findings(findings: Sequence[Finding], width: int = DEFAULT_WIDTH) -> str:
    if not findings:
        return "  none"
    blocks = []
    for f in findings:
        where = f" [{f.field}]" if f.field else ""
        blocks.append(
            paragraph(f"{f.severity:<7} {f.code}{where}", "  ", width)
            + "\n"
            + paragraph(f.message, BODY, width)
            + "\n"
            + paragraph(f"fix: {f.hint}", BODY, width)
        )
    return "\n".join(blocks)
