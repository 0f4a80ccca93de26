"""A plan as text: verdict, findings, capacity, steps in waves, and the exact request bodies."""

from __future__ import annotations

import json
from typing import Protocol

from aksnet.findings import Finding
from aksnet.plan import Plan, StepList
from aksnet.render.capacity import render_capacity
from aksnet.render.findings import render_findings
from aksnet.render.text import table


def render_plan(plan: Plan) -> str:
    parts = [
        render_verdict(plan.spec.deployment, plan),
        "",
        "Capacity",
        render_capacity(plan.capacity) if plan.capacity else "  unknown until the subnet you bring is read",
        "",
        render_steps(plan),
    ]
    return "\n".join(parts)


class Judged(Protocol):
    """What a plan's verdict is made of."""

    @property
    def subscription_id(self) -> str: ...

    @property
    def findings(self) -> tuple[Finding, ...]: ...

    @property
    def notes(self) -> tuple[str, ...]: ...

    @property
    def ok(self) -> bool: ...


def render_verdict(deployment: str, plan: Judged) -> str:
    """The plan's title, its verdict with the counts, its notes, and the findings."""
    errors = sum(f.severity == "error" for f in plan.findings)
    warnings = len(plan.findings) - errors
    verdict = "OK" if plan.ok else "INVALID: Azure would reject this; nothing will be created"
    lines = [
        f"aksnet plan: {deployment} (subscription {plan.subscription_id})",
        f"{verdict} - {errors} error(s), {warnings} warning(s)",
        *(f"note: {note}" for note in plan.notes),
        "",
        "Findings",
        render_findings(plan.findings),
    ]
    return "\n".join(lines)


def render_steps(plan: StepList) -> str:
    """The steps in waves, then the exact request bodies."""
    waves = table(
        ("wave", "step", "action", "resource"),
        ((n + 1, s.id, s.action, s.resource_id) for n, wave in enumerate(plan.waves()) for s in wave),
    )
    return "\n".join(
        [
            "Steps (each wave runs in parallel; every wave waits for the one before)",
            waves,
            "",
            "Requests (the exact ARM bodies; -o json for scripts)",
            render_requests(plan),
        ]
    )


def render_requests(plan: StepList) -> str:
    blocks = []
    for step in plan.steps:
        if step.body is None:
            continue
        body = json.dumps(step.body, indent=2)
        blocks.append(f"  PUT {step.resource_id}\n" + "\n".join(f"    {line}" for line in body.splitlines()))
    return "\n".join(blocks)
