"""The bundled scenarios as text: name and what it sets up (the file's path is in -o json)."""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.render.text import DEFAULT_WIDTH, paragraph, table
from aksnet.result import ScenarioInfo


def render_scenarios(scenarios: Sequence[ScenarioInfo], width: int = DEFAULT_WIDTH) -> str:
    rows = ((s.name, s.description) for s in scenarios)
    listing = table(("name", "what it sets up"), rows, indent="", width=width)
    usage = "Use a name wherever a scenario file goes (`aksnet plan NAME`); `aksnet scenarios show NAME` prints it."
    return f"{listing}\n\n{paragraph(usage, '', width)}"
