"""`--query`: a JMESPath expression (the library az uses) over a command's JSON document.

The expression is compiled before the command runs, so a typo costs nothing; jmespath is imported
only when a query is given (`aksnet --help` and `aksnet plan` never load it).
"""

from __future__ import annotations

from typing import Any

from aksnet.errors import InvalidRequest

EXAMPLE = "e.g. --query 'resources[].id' or --query \"findings[?severity=='error'].code\""


def compile_query(text: str) -> Any:
    """The compiled expression; InvalidRequest (QUERY_INVALID) when it does not parse."""
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.compile(text)
    except JMESPathError as exc:
        raise InvalidRequest(
            f"--query {text!r} is not a JMESPath expression: {_first_line(exc)}",
            code="QUERY_INVALID",
            hint=f"write a JMESPath expression (jmespath.org), {EXAMPLE}",
        ) from None


def search(compiled: Any, text: str, document: Any) -> Any:
    """The part of `document` the expression selects; InvalidRequest (QUERY_INVALID) when it cannot apply."""
    from jmespath.exceptions import JMESPathError

    try:
        return compiled.search(document)
    except JMESPathError as exc:
        raise InvalidRequest(
            f"--query {text!r} cannot be applied to the result: {_first_line(exc)}",
            code="QUERY_INVALID",
            hint="print the document with -o json to see its shape",
        ) from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
