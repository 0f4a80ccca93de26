"""Independent operations at once: reads in parallel, and a dependency graph whose nodes start as soon as
what they wait for is done (`up`'s steps, `down`'s deletes)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Protocol, TypeVar

from aksnet.arm import ARM_TYPES
from aksnet.errors import AksnetError, AzureOperationError, Interrupted
from aksnet.result import Action, ResourceResult, RunResult
from aksnet.stopping import interruption

T = TypeVar("T")
READERS = 8
MAX_PARALLEL = 8
RESUMES = "Azure keeps what was started, and a re-run resumes from it"


def in_parallel(calls: Mapping[str, Callable[[], T]]) -> dict[str, T]:
    """Run independent reads at once; the first error is raised once all have finished."""
    if not calls:
        return {}
    with ThreadPoolExecutor(max_workers=min(READERS, len(calls)), thread_name_prefix="aksnet-read") as pool:
        futures = {name: pool.submit(call) for name, call in calls.items()}
        return {name: future.result() for name, future in futures.items()}


class Node(Protocol):
    """One operation of a graph: its id, the ids it waits for, and the resource it is about."""

    @property
    def id(self) -> str: ...

    @property
    def depends_on(self) -> tuple[str, ...]: ...

    @property
    def kind(self) -> str: ...

    @property
    def resource_id(self) -> str: ...


N = TypeVar("N", bound=Node)


def run_graph(
    nodes: Sequence[N],
    run: Callable[[N], ResourceResult],
    *,
    stop: threading.Event,
    result: RunResult,
    workers: int = MAX_PARALLEL,
    resumes: str = RESUMES,
) -> dict[str, ResourceResult]:
    """Each node's outcome by id, for those that ran. After the first failure (`result.error`, set here for
    an exception `run` raises, or by `run` itself) or a stop, nothing new starts and the running ones end.
    `resumes` says, after "interrupted; " or "stopped; ", what becomes of the run."""
    done: dict[str, ResourceResult] = {}
    running: dict[Future[ResourceResult], N] = {}
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aksnet-step")
    try:
        while True:
            if result.error is None and not stop.is_set():
                for node in _ready(nodes, done, running.values()):
                    running[pool.submit(run, node)] = node
            if not running:
                break
            finished, _ = wait(running, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                _collect(running.pop(future), future, done, result)
    except KeyboardInterrupt:
        stop.set()  # running operations stop waiting within a tenth of a second
        result.error = interruption(f"interrupted; {resumes}")
        for future, node in running.items():
            _collect(node, future, done, result)
    finally:
        pool.shutdown(wait=True)
    if stop.is_set() and result.error is None and len(done) < len(nodes):
        result.error = interruption(f"stopped; {resumes}")
    return done


def _ready(nodes: Sequence[N], done: dict[str, ResourceResult], running: Iterable[N]) -> list[N]:
    busy = {n.id for n in running}
    return [n for n in nodes if n.id not in done and n.id not in busy and all(d in done for d in n.depends_on)]


def _collect(node: Node, future: Future[ResourceResult], done: dict[str, ResourceResult], result: RunResult) -> None:
    try:
        done[node.id] = future.result()
        return
    except AksnetError as exc:
        error = exc
    except Exception as exc:  # a bug in one operation still reports what the others did
        error = AzureOperationError(f"{node.id}: {exc.__class__.__name__}: {exc}", code="UNEXPECTED")
    result.error = result.error or error
    action: Action = "skipped" if isinstance(error, Interrupted) else "failed"
    done[node.id] = ResourceResult(ARM_TYPES[node.kind], node.resource_id, action, error.message)
