"""Findings as text: severity, code, field, what is wrong and the fix."""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.findings import Finding


def render_findings(findings: Sequence[Finding]) -> str:
    if not findings:
        return "  none"
    blocks = []
    for f in findings:
        where = f" [{f.field}]" if f.field else ""
        blocks.append(f"  {f.severity:<7} {f.code}{where}\n          {f.message}\n          fix: {f.hint}")
    return "\n".join(blocks)
