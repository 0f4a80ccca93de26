"""What a `migrate-policy` run is asked: the target, how it reports, asks, stops and bounds its waits."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from aksnet.azure.retry import RetryBounds
from aksnet.policy_migration.result import MigrationRun
from aksnet.progress import NullProgress, Progress
from aksnet.stopping import watched


def _confirmed(run: MigrationRun) -> None:
    """Go ahead: library callers decide before they call."""


@dataclass
class MigrateOptions:
    """What the user asked for, and how the run reports, stops and bounds its waits."""

    target: str
    dry_run: bool = False
    policies: Path | None = None
    subscription: str | None = None
    confirm: Callable[[MigrationRun], None] = _confirmed  # returns to go ahead, raises to refuse
    progress: Progress = field(default_factory=NullProgress)
    stop: threading.Event = field(default_factory=watched)  # set by Ctrl-C or SIGTERM too
    bounds: RetryBounds = field(default_factory=RetryBounds)
    today: date | None = None
