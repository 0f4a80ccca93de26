"""Every text rendering, one module per kind of result; JSON is each result's own `as_dict`.

`text_of` picks the renderer by the result's type; a renderer module is imported only when used.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aksnet.result import CapacityResult, StatusResult


def text_of(result: Any, width: int = 120) -> str:
    """The table (or text) a person reads for `result`; '' when the error report alone says it all."""
    from aksnet.result import (
        CapacityResult,
        CredentialsResult,
        Failure,
        FleetResult,
        RunResult,
        ScenarioFile,
        ScenarioList,
        StatusResult,
    )

    if isinstance(result, Failure):
        return ""
    if _is(result, "aksnet.plan", "Plan"):
        from aksnet.render.plan import render_plan

        return render_plan(result, width)
    if _is(result, "aksnet.arc.plan", "ArcPlan"):
        from aksnet.render.arc import render_arc_plan

        return render_arc_plan(result, width)
    if isinstance(result, RunResult):
        if result.dry_run is not None:
            from aksnet.render.teardown import render_teardown

            return render_teardown(result, width)
        from aksnet.render.result import render_result

        return render_result(result, width)
    if isinstance(result, FleetResult):
        from aksnet.render.result import render_fleet

        return render_fleet(result.results, width)
    if isinstance(result, StatusResult):
        return _status(result, width)
    if _is(result, "aksnet.policy_migration.result", "MigrationRun"):
        from aksnet.render.migration import render_migration

        return render_migration(result.as_dict(), width)
    if isinstance(result, CapacityResult):
        return _capacity(result, width)
    if isinstance(result, ScenarioList):
        from aksnet.render.scenarios import render_scenarios

        return render_scenarios(result.scenarios, width)
    if isinstance(result, ScenarioFile):
        return result.content
    if isinstance(result, CredentialsResult):
        from aksnet.render.result import render_credentials

        return render_credentials(result, width)
    raise TypeError(f"no text rendering for {type(result).__name__}")


def _is(result: Any, module: str, name: str) -> bool:
    """isinstance without importing the class's module: an object of a class whose module was never imported
    cannot exist, so the renderers of results a command never makes cost it nothing."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(result, getattr(loaded, name))


def _status(result: StatusResult, width: int) -> str:
    if result.cluster.get("platform") == "azure-local":
        from aksnet.render.arc import render_arc_status

        return render_arc_status(result.cluster)
    from aksnet.render.status import render_status

    return render_status(result.cluster, width)


def _capacity(result: CapacityResult, width: int) -> str:
    from aksnet.netcalc import Capacity

    if not isinstance(result.capacity, Capacity):
        from aksnet.render.arc import render_arc_capacity

        return render_arc_capacity(result.capacity)
    from aksnet.render.capacity import render_capacity_verdict

    return render_capacity_verdict(result.capacity, width)
