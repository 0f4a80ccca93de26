"""How `up` runs (its options), and whether an existing cluster may change: --yes, or the person asked."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from aksnet.azure.retry import RetryBounds
from aksnet.errors import InvalidRequest
from aksnet.progress import Confirm, NullProgress, Progress
from aksnet.stopping import watched

if TYPE_CHECKING:
    from aksnet.arc.spec import ArcSpec
    from aksnet.spec import Spec

_ASKING = threading.Lock()  # deployments of a fleet ask their questions one at a time


@dataclass
class UpOptions:
    """How `up` runs: confirmation given (or how to ask), subscription flag, retry bounds, progress."""

    allow_cluster_update: bool = False  # --yes: an existing cluster may change without a question
    subscription: str | None = None
    bounds: RetryBounds = field(default_factory=RetryBounds)
    progress: Progress = field(default_factory=NullProgress)
    stop: threading.Event = field(default_factory=watched)  # set by Ctrl-C or SIGTERM too
    confirm: Confirm | None = None  # asks the person at a terminal; None refuses a change without --yes


class Described(Protocol):
    """A change to a cluster that can say what it is (a cloud cluster's Change, an Azure Local Difference)."""

    def describe(self) -> str: ...


def cluster_update_allowed(
    spec: Spec | ArcSpec, changes: Sequence[Described], options: UpOptions, actions: Sequence[str] = ()
) -> bool:
    """Whether the existing cluster may change: --yes, or the person at the terminal said so after seeing
    what `up` will do (`actions`, the same lines `plan --live` shows; else the changes themselves)."""
    if options.allow_cluster_update or not changes:
        return options.allow_cluster_update
    listed = "; ".join(c.describe() for c in changes)
    refused = f"cluster {spec.cluster.name} would change ({listed}); re-run with --yes to apply"
    if options.confirm is None:
        raise InvalidRequest(refused, code="CONFIRMATION_REQUIRED")
    summary = f"{spec.deployment}: cluster {spec.cluster.name} exists and would change. What up will do:\n"
    summary += "\n".join(actions or [f"  {c.describe()}" for c in changes]) + "\n"
    with _ASKING:
        options.confirm(
            summary,
            "Apply these changes?",
            refused=refused,
            declined=f"cluster {spec.cluster.name} left as it is; the change was: {listed}",
        )
    return True
