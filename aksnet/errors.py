"""The error tree. Each class carries the exit code the CLI leaves with; nothing else picks one.

    AksnetError                      1   base; `code`, `message`, `hint` (the fix), `resource_id`, `arm_code`
    ├── Declined                     1   the person at the terminal said no: "cancelled; nothing changed"
    ├── InvalidRequest               2   the spec or the request is invalid; nothing was written (+ findings)
    │   ├── SpecInvalid              2   the scenario file cannot be read or typed (SPEC_INVALID findings)
    │   └── MigrationRefused         2   an unsupported policy-engine move (+ the nearest alternative)
    ├── AzureOperationError          3   an Azure operation failed; what was done is reported, a re-run resumes
    ├── AuthError                    4   no credential, no subscription, 401/403, no right to grant
    └── Interrupted                130   Ctrl-C (SIGINT); a re-run resumes
        └── Terminated             143   SIGTERM (CI cancellation, timeouts); treated like Ctrl-C

`code` is aksnet's UPPER_SNAKE vocabulary, except where an Azure operation failed: then it is ARM's
own code (`PrincipalNotFound`, `ScopeLocked`, `InUseSubnetCannotBeDeleted`), also given as `arm_code`,
so scripts keep matching what Azure's documentation names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class AksnetError(Exception):
    """Base of every error aksnet reports to a user."""

    exit_code = 1
    code = "ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        hint: str | None = None,
        resource_id: str | None = None,
        arm_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.hint = hint
        self.resource_id = resource_id
        self.arm_code = arm_code

    def with_hint(self, hint: str) -> AksnetError:
        """This error with `hint` as its fix (the same object: its type and exit code stay)."""
        self.hint = hint
        return self

    def as_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {"code": self.code, "message": self.message}
        for name in ("hint", "resource_id", "arm_code"):
            value = getattr(self, name)
            if value is not None:
                document[name] = value
        return document

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InvalidRequest(AksnetError):
    """The spec or the request is invalid; nothing was written."""

    exit_code = 2
    code = "INVALID_REQUEST"

    def __init__(
        self, message: str, *, code: str | None = None, hint: str | None = None, findings: Sequence[Any] = ()
    ) -> None:
        super().__init__(message, code=code, hint=hint)
        self.findings = list(findings)


class SpecInvalid(InvalidRequest):
    """The scenario file cannot be read or does not fit the model; carries SPEC_INVALID findings."""

    code = "SPEC_INVALID"


class MigrationRefused(InvalidRequest):
    """The requested policy-engine move is unsupported; nothing changed. Carries the nearest alternative."""

    def __init__(self, reason: str, alternative: str, code: str) -> None:
        super().__init__(f"{reason} Nearest supported alternative: {alternative}", code=code)
        self.reason = reason
        self.alternative = alternative

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "alternative": self.alternative}


class Declined(AksnetError):
    """The person at the terminal declined the confirmation; nothing changed (exit 1, as az and Terraform)."""

    exit_code = 1
    code = "CONFIRMATION_DECLINED"

    def __init__(self, detail: str = "") -> None:
        super().__init__("cancelled; nothing changed" + (f" ({detail})" if detail else ""))


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


class Terminated(Interrupted):
    """The process was sent SIGTERM; handled like Ctrl-C, and a re-run resumes."""

    exit_code = 143
    code = "TERMINATED"
