"""`aksnet scenarios`: the bundled scenario files, one line each."""

from __future__ import annotations

from aksnet.cli.common import Output, OutputOption, finish


def command(output: OutputOption = Output.table) -> None:
    """List the bundled scenario files with what each sets up."""
    from aksnet.result import ScenarioInfo, ScenarioList
    from aksnet.scenarios import bundled

    finish(output, lambda: ScenarioList([ScenarioInfo(s.name, str(s.path), s.description) for s in bundled()]))
