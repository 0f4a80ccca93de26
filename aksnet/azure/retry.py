"""Narrow retries: each retries one named Azure condition, with capped jittered backoff and a bound."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aksnet.azure.errors import arm_code, status_of
from aksnet.clock import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryBounds:
    """How long each condition may be waited out before the run fails with exit 3."""

    principal_seconds: float = 180.0  # a new identity's principal replicating to Entra ID
    grant_seconds: float = 900.0  # a fresh role assignment taking effect for the cluster PUT
    operation_seconds: float = 1800.0  # another operation on the cluster finishing
    visible_seconds: float = 120.0  # a role assignment readable after its PUT


def principal_not_found(exc: BaseException) -> bool:
    return arm_code(exc) == "PrincipalNotFound"


def grant_not_yet_effective(exc: BaseException) -> bool:
    return status_of(exc) == 403 and arm_code(exc) == "LinkedAuthorizationFailed"


def operation_in_progress(exc: BaseException) -> bool:
    return status_of(exc) == 409 and arm_code(exc) == "OperationNotAllowed"


def retrying(
    condition: Callable[[BaseException], bool],
    *,
    clock: Clock,
    max_seconds: float,
    first_wait: float = 2.0,
    max_wait: float = 30.0,
    on_retry: Callable[[int, BaseException], None] | None = None,
) -> Any:
    """A tenacity Retrying for one condition; time and sleep come from `clock` so tests control them."""
    import tenacity

    start = clock.now()

    def out_of_time(state: tenacity.RetryCallState) -> bool:
        return clock.now() - start >= max_seconds

    def before_sleep(state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        if error is None:
            return
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        log.info("retrying %s after attempt %d in %.1fs: %s", condition.__name__, state.attempt_number, wait, error)
        if on_retry is not None:
            on_retry(state.attempt_number, error)

    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(condition),
        wait=tenacity.wait_random_exponential(multiplier=first_wait, max=max_wait),
        stop=out_of_time,
        sleep=clock.sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
