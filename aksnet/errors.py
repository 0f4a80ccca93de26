"""The error tree. Each class carries the exit code the CLI leaves with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class AksnetError(Exception):
    """Base of every error aksnet reports to a user."""

    exit_code = 1
    code = "ERROR"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {"code": self.code, "message": self.message}
        if isinstance(self.details, str):
            document["hint"] = self.details
        return document

    def __str__(self) -> str:
        return f"{self.message} ({self.details})" if isinstance(self.details, str) else self.message


class InvalidRequest(AksnetError):
    """The spec or the request is invalid; nothing was written."""

    exit_code = 2
    code = "INVALID_REQUEST"

    def __init__(self, message: str, *, code: str | None = None, findings: Sequence[Any] = ()) -> None:
        super().__init__(message, code=code)
        self.findings = list(findings)


class AzureOperationError(AksnetError):
    """An Azure operation failed; what was done is reported and a re-run resumes."""

    exit_code = 3
    code = "AZURE_OPERATION_FAILED"


class AuthError(AksnetError):
    """No credential, no subscription, or Azure refused with 401/403."""

    exit_code = 4
    code = "AUTHORIZATION_FAILED"


class Interrupted(AksnetError):
    """The user pressed Ctrl-C; a re-run resumes from what Azure holds."""

    exit_code = 130
    code = "INTERRUPTED"
