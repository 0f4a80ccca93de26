"""The bundled scenarios as text: name, what it sets up, where the file is."""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.result import ScenarioInfo


def render_scenarios(scenarios: Sequence[ScenarioInfo]) -> str:
    width = max((len(s.name) for s in scenarios), default=0)
    return "\n".join(f"{s.name:<{width}}  {s.description}\n{'':<{width}}  {s.path}" for s in scenarios)
