"""Several deployments at once: independent, bounded by --parallel, one failure never stops the others."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from aksnet.arc.spec import ArcSpec
from aksnet.azure.provision import provision
from aksnet.azure.session import Session
from aksnet.azure.up_options import UpOptions
from aksnet.errors import AzureOperationError
from aksnet.result import RunResult
from aksnet.spec import Spec
from aksnet.stopping import interruption, watched


def run_fleet(
    loaded: Sequence[Spec | ArcSpec | RunResult],
    session: Session,
    options: Callable[[], UpOptions],
    *,
    parallel: int,
    env: Mapping[str, str],
) -> list[RunResult]:
    """One result per item of `loaded` (a file that failed to load keeps its result), in that order.

    `options` makes each deployment's UpOptions; they share the stop event of the first one.
    """
    specs = [item for item in loaded if not isinstance(item, RunResult)]
    if len(specs) == 1:
        done = {id(specs[0]): provision(specs[0], session, options(), env)}
    elif specs:
        done = _concurrently(specs, session=session, make=options, env=env, parallel=parallel)
    else:
        done = {}
    return [item if isinstance(item, RunResult) else done[id(item)] for item in loaded]


def _concurrently(
    specs: list[Spec | ArcSpec],
    *,
    session: Session,
    make: Callable[[], UpOptions],
    env: Mapping[str, str],
    parallel: int,
) -> dict[int, RunResult]:
    futures: dict[int, Future[RunResult]] = {}
    stop = watched()

    def options() -> UpOptions:
        made = make()
        made.stop = stop
        return made

    pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="aksnet-deployment")
    try:
        for spec in specs:
            futures[id(spec)] = pool.submit(provision, spec, session, options(), env)
        return {id(spec): _outcome(spec, futures[id(spec)]) for spec in specs}
    except KeyboardInterrupt:
        stop.set()
        results = {}
        for spec in specs:
            future = futures.get(id(spec))
            results[id(spec)] = (
                _outcome(spec, future)
                if future and not future.cancel()
                else RunResult(spec.deployment, error=interruption("interrupted before it started"))
            )
        return results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _outcome(spec: Spec | ArcSpec, future: Future[RunResult]) -> RunResult:
    """The deployment's result; an unexpected exception fails that deployment alone, never the fleet."""
    try:
        return future.result()
    except Exception as exc:
        error = AzureOperationError(f"{spec.deployment}: {exc.__class__.__name__}: {exc}", code="UNEXPECTED")
        return RunResult(spec.deployment, error=error)
