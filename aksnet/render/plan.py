"""A plan as text: verdict, findings, capacity, the address map, what `up` does to each resource (in
waves), and the exact request bodies."""

from __future__ import annotations

import json
from typing import Protocol

from aksnet.arm import ARM_TYPES
from aksnet.findings import Finding
from aksnet.plan import Plan, Step, StepList
from aksnet.render.address_map import render_address_map
from aksnet.render.capacity import render_capacity
from aksnet.render.findings import render_findings
from aksnet.render.result import with_changes
from aksnet.render.text import DEFAULT_WIDTH, paragraph, resource_label, table


def render_plan(plan: Plan, width: int = DEFAULT_WIDTH) -> str:
    parts = [
        render_verdict(plan.spec.deployment, plan, width),
        "",
        "Capacity",
        render_capacity(plan.capacity, width) if plan.capacity else "  unknown until the subnet you bring is read",
        "",
        paragraph(
            "Address map (what the plan needs at maximum scale with surge, against what each range holds)", "", width
        ),
        render_address_map(plan.address_map, width),
        "",
        render_steps(plan, width),
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


def render_verdict(deployment: str, plan: Judged, width: int = DEFAULT_WIDTH) -> str:
    """The plan's title, its verdict with the counts, its notes, and the findings."""
    errors = sum(f.severity == "error" for f in plan.findings)
    warnings = len(plan.findings) - errors
    verdict = "OK" if plan.ok else "INVALID: Azure would reject this; nothing will be created"
    lines = [
        paragraph(f"aksnet plan: {deployment} (subscription {plan.subscription_id})", "", width),
        paragraph(f"{verdict} - {errors} error(s), {warnings} warning(s)", "", width),
        *(paragraph(f"note: {note}", "", width) for note in plan.notes),
        "",
        "Findings",
        render_findings(plan.findings, width),
    ]
    return "\n".join(lines)


def render_steps(plan: StepList, width: int = DEFAULT_WIDTH) -> str:
    """What `up` does to each resource, in waves (with every field an update changes), then the exact bodies."""
    rows = (
        (n + 1, plan.action_of(s), resource_label(ARM_TYPES[s.kind], s.resource_id), _why(plan, s))
        for n, wave in enumerate(plan.waves())
        for s in wave
    )
    return "\n".join(
        [
            paragraph(_steps_heading(plan), "", width),
            table(("wave", "action", "resource", "why / changes"), rows, width=width),
            "",
            "Requests (the exact ARM bodies; -o json for scripts)",
            render_requests(plan),
        ]
    )


def _steps_heading(plan: StepList) -> str:
    if plan.actions is None:
        return "Steps (offline: nothing was read, so every resource is to create; --live checks what exists)"
    return "What up will do (read just now; each wave runs in parallel, every wave waits for the one before)"


def _why(plan: StepList, step: Step) -> str:
    decided = (plan.actions or {}).get(step.id)
    if decided is None:
        return ""
    reason = f"{decided.finding.code}: {decided.reason}" if decided.finding is not None else decided.reason
    return with_changes(reason, decided.changes)


def render_requests(plan: StepList) -> str:
    blocks = []
    for step in plan.steps:
        if step.body is None:
            continue
        body = json.dumps(step.body, indent=2)
        blocks.append(f"  PUT {step.resource_id}\n" + "\n".join(f"    {line}" for line in body.splitlines()))
    return "\n".join(blocks)
