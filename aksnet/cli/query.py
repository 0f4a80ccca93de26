"""`--query`: a JMESPath expression (the library az uses) over a command's JSON document.

The expression is compiled before the command runs, so a typo costs nothing; jmespath is imported
only when a query is given (`aksnet --help` and `aksnet plan` never load it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aksnet.errors import InvalidRequest

EXAMPLE = "e.g. --query 'resources[].id' or --query \"findings[?severity=='error'].code\""


def compile_query(text: str) -> Any:
    """The compiled expression; InvalidRequest (QUERY_INVALID) when it does not parse."""
    import jmespath

    with _refused(text, "is not a JMESPath expression", f"write a JMESPath expression (jmespath.org), {EXAMPLE}"):
        return jmespath.compile(text)


def search(compiled: Any, text: str, document: Any) -> Any:
    """The part of `document` the expression selects; InvalidRequest (QUERY_INVALID) when it cannot apply."""
    with _refused(text, "cannot be applied to the result", "print the document with -o json to see its shape"):
        return compiled.search(document)


@contextmanager
def _refused(text: str, problem: str, hint: str) -> Iterator[None]:
    from jmespath.exceptions import JMESPathError

    try:
        yield
    except JMESPathError as exc:
        raise InvalidRequest(
            f"--query {text!r} {problem}: {_first_line(exc)}", code="QUERY_INVALID", hint=hint
        ) from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
