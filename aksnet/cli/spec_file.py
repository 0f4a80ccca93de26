"""`migrate-policy --spec FILE`: the scenario file kept in step with the cluster after a move.

Checked before anything runs (it must be a file that describes this cluster); rewritten only after
a move that succeeded. Without --spec, the result says the exact edit to make.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aksnet.errors import InvalidRequest

if TYPE_CHECKING:
    from aksnet.policy_migration.result import MigrationRun


def checked_spec_file(path: str, resource_group: str, name: str) -> Path:
    """The file --spec names; refused (nothing changed) unless it is a scenario file of this cluster."""
    from aksnet.spec import load_spec

    file = Path(path)
    if not file.is_file():
        raise InvalidRequest(
            f"--spec {path}: no such file", code="BAD_ARGUMENT", hint="pass the scenario file the cluster was made from"
        )
    spec = load_spec(file)
    if (spec.resource_group.lower(), spec.cluster.name.lower()) != (resource_group.lower(), name.lower()):
        raise InvalidRequest(
            f"--spec {path} describes cluster {spec.resource_group}/{spec.cluster.name}, not {resource_group}/{name}; "
            "nothing was changed",
            code="SPEC_MISMATCH",
            hint="pass the scenario file of the cluster you move",
        )
    return file


def keep_in_step(run: MigrationRun, file: Path | None) -> MigrationRun:
    """After a move: rewrite `file`'s network settings, or say the exact edit (dry run, no --spec)."""
    from aksnet.spec_edit import describe_edit, edited, network_edit

    edit = network_edit(run.changes())
    if not edit or run.error is not None:
        return run
    if run.dry_run:
        run.notes.append(f"after the move, the scenario file should say {describe_edit(edit)} (--spec FILE edits it)")
    elif file is None:
        run.notes.append(f"make your scenario file say {describe_edit(edit)}, or re-run with --spec FILE to edit it")
    else:
        file.write_text(edited(file.read_text(encoding="utf-8"), edit), encoding="utf-8")
        run.spec_file = str(file)
        run.notes.append(f"{file} now says {describe_edit(edit)} (comments and layout kept)")
    return run
