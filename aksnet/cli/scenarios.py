"""`aksnet scenarios`: the bundled scenario files, one line each."""

from __future__ import annotations

from aksnet.cli.common import Output, OutputOption, print_json, print_text


def command(output: OutputOption = Output.table) -> None:
    """List the bundled scenario files with what each sets up."""
    from aksnet.scenarios import bundled

    found = bundled()
    if output is Output.json:
        print_json([{"name": s.name, "path": str(s.path), "description": s.description} for s in found])
        return
    width = max((len(s.name) for s in found), default=0)
    print_text("\n".join(f"{s.name:<{width}}  {s.description}\n{'':<{width}}  {s.path}" for s in found))
