"""Several deployments at once: independent, bounded by --parallel, one failure never stops the others."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from aksnet.azure.provision import Confirm, UpOptions, provision
from aksnet.azure.session import Session, open_session
from aksnet.errors import AksnetError, AzureOperationError, Interrupted, InvalidRequest
from aksnet.progress import Progress, for_terminal
from aksnet.result import RunResult
from aksnet.spec import Spec, load_spec


def load_all(paths: Sequence[str], overrides: Sequence[str]) -> list[Spec | RunResult]:
    """Each spec, or a failed result naming the file; a bad file never stops the good ones."""
    loaded: list[Spec | RunResult] = []
    seen: dict[tuple[str, ...], str] = {}
    for path in paths:
        try:
            spec = load_spec(path, overrides)
            _refuse_overlap(spec, path, seen)
        except AksnetError as exc:
            loaded.append(RunResult(path, error=exc))
        else:
            loaded.append(spec)
    return loaded


def _refuse_overlap(spec: Spec, path: str, seen: dict[tuple[str, ...], str]) -> None:
    """Deployments run independently only if no two claim the same name or the same cluster."""
    claims = {
        ("deployment", spec.deployment): f"deployment {spec.deployment}",
        ("cluster", spec.subscription_id or "", spec.resource_group.lower(), spec.cluster.name.lower()): (
            f"cluster {spec.resource_group}/{spec.cluster.name}"
        ),
    }
    for key, what in claims.items():
        if key in seen:
            raise InvalidRequest(
                f"{path}: {what} is also in {seen[key]}; two deployments of one run would race on the same "
                "resources. Nothing was written for this file",
                code="DUPLICATE_DEPLOYMENT",
            )
    seen.update(dict.fromkeys(claims, path))


def run_fleet(
    paths: Sequence[str],
    *,
    overrides: Sequence[str] = (),
    emulator: bool,
    yes: bool,
    parallel: int,
    subscription: str | None,
    json_output: bool,
    env: Mapping[str, str],
    session: Session | None = None,
    progress: Progress | None = None,
    confirm: Confirm | None = None,
) -> list[RunResult]:
    loaded = load_all(paths, overrides)
    specs = [item for item in loaded if isinstance(item, Spec)]
    if not specs:
        return [item for item in loaded if isinstance(item, RunResult)]
    owned = session is None
    session = session or open_session(emulator=emulator, env=env)
    progress = progress or for_terminal(fleet=len(specs) > 1)
    stop = threading.Event()

    def options() -> UpOptions:
        return UpOptions(
            allow_cluster_update=yes, subscription=subscription, progress=progress, stop=stop, confirm=confirm
        )

    try:
        if len(specs) == 1:
            done = {id(specs[0]): provision(specs[0], session, options(), env)}
        else:
            done = _concurrently(specs, session=session, make=options, env=env, parallel=parallel, stop=stop)
    finally:
        progress.close()
        if owned:
            session.close()
    return [item if isinstance(item, RunResult) else done[id(item)] for item in loaded]


def _concurrently(
    specs: list[Spec],
    *,
    session: Session,
    make: Callable[[], UpOptions],
    env: Mapping[str, str],
    parallel: int,
    stop: threading.Event,
) -> dict[int, RunResult]:
    futures: dict[int, Future[RunResult]] = {}
    pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="aksnet-deployment")
    try:
        for spec in specs:
            futures[id(spec)] = pool.submit(provision, spec, session, make(), env)
        return {id(spec): _outcome(spec, futures[id(spec)]) for spec in specs}
    except KeyboardInterrupt:
        stop.set()
        results = {}
        for spec in specs:
            future = futures.get(id(spec))
            results[id(spec)] = (
                _outcome(spec, future)
                if future and not future.cancel()
                else RunResult(spec.deployment, error=Interrupted("interrupted before it started"))
            )
        return results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _outcome(spec: Spec, future: Future[RunResult]) -> RunResult:
    """The deployment's result; an unexpected exception fails that deployment alone, never the fleet."""
    try:
        return future.result()
    except Exception as exc:
        error = AzureOperationError(f"{spec.deployment}: {exc.__class__.__name__}: {exc}", code="UNEXPECTED")
        return RunResult(spec.deployment, error=error)
