"""Azure SDK exceptions become aksnet's errors here, once; ARM error codes stay data to act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aksnet.errors import AksnetError, AuthError, AzureOperationError


def arm_code(exc: BaseException) -> str | None:
    """The ARM/AKS error code of an SDK exception (wrapped or AKS's unwrapped body), if any."""
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    if code:
        return str(code)
    body = _body(exc)
    inner = body.get("error", body) if isinstance(body, dict) else {}
    return str(inner["code"]) if isinstance(inner, dict) and inner.get("code") else None


def arm_message(exc: BaseException) -> str:
    error = getattr(exc, "error", None)
    message = getattr(error, "message", None)
    if message:
        return str(message)
    body = _body(exc)
    inner = body.get("error", body) if isinstance(body, dict) else {}
    if isinstance(inner, dict) and inner.get("message"):
        return str(inner["message"])
    return str(getattr(exc, "message", None) or exc).splitlines()[0]


def status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return int(status) if isinstance(status, int) else None


def _body(exc: BaseException) -> Any:
    response = getattr(exc, "response", None)
    try:
        return response.json() if response is not None else None
    except Exception:
        return None


def translate(exc: BaseException, doing: str) -> AksnetError:
    """The aksnet error for an SDK exception raised while `doing` something."""
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceRequestError

    if isinstance(exc, AksnetError):
        return exc
    if isinstance(exc, ClientAuthenticationError) and status_of(exc) in (None, 401):
        return AuthError(f"{doing}: Azure did not accept the credential", code="NO_CREDENTIAL")
    if isinstance(exc, ServiceRequestError):
        return AzureOperationError(f"{doing}: could not reach Azure ({exc.__class__.__name__})", code="NETWORK")
    if isinstance(exc, HttpResponseError):
        code = arm_code(exc) or f"HTTP_{status_of(exc)}"
        message = f"{doing}: {code}: {arm_message(exc)}"
        if status_of(exc) in (401, 403) and code != "LinkedAuthorizationFailed":
            return AuthError(message, code=code)
        return AzureOperationError(message, code=code)
    return AzureOperationError(f"{doing}: {exc.__class__.__name__}: {exc}", code="UNEXPECTED")


@contextmanager
def azure_call(doing: str) -> Iterator[None]:
    """Translate Azure's errors (only those) raised inside the block."""
    from azure.core.exceptions import AzureError

    try:
        yield
    except AzureError as exc:
        raise translate(exc, doing) from exc
