"""A plan as text: verdict, findings, capacity, steps in waves, and the exact request bodies."""

from __future__ import annotations

import json

from aksnet.plan import Plan
from aksnet.render.capacity import render_capacity
from aksnet.render.findings import render_findings
from aksnet.render.text import table


def render_plan(plan: Plan) -> str:
    errors = sum(f.severity == "error" for f in plan.findings)
    warnings = len(plan.findings) - errors
    verdict = "OK" if plan.ok else "INVALID: Azure would reject this; nothing will be created"
    parts = [
        f"aksnet plan: {plan.spec.deployment} (subscription {plan.subscription_id})",
        f"{verdict} - {errors} error(s), {warnings} warning(s)",
        *(f"note: {note}" for note in plan.notes),
        "",
        "Findings",
        render_findings(plan.findings),
        "",
        "Capacity",
        render_capacity(plan.capacity) if plan.capacity else "  unknown until the subnet you bring is read",
        "",
        "Steps (each wave runs in parallel; every wave waits for the one before)",
        table(
            ("wave", "step", "action", "resource"),
            ((n + 1, s.id, s.action, s.resource_id) for n, wave in enumerate(plan.waves()) for s in wave),
        ),
        "",
        "Requests (the exact ARM bodies; -o json for scripts)",
        render_requests(plan),
    ]
    return "\n".join(parts)


def render_requests(plan: Plan) -> str:
    blocks = []
    for step in plan.steps:
        if step.body is None:
            continue
        body = json.dumps(step.body, indent=2)
        blocks.append(f"  PUT {step.resource_id}\n" + "\n".join(f"    {line}" for line in body.splitlines()))
    return "\n".join(blocks)
