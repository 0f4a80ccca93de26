"""Requests, responses, and the table that maps (method, path pattern) to a handler."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from aksnet.emulator.errors import ArmError

if TYPE_CHECKING:
    from aksnet.emulator.context import Ctx

# The host the in-process transport addresses; a served emulator answers on its own host instead.
ARM = "https://management.azure.com"
_QUERY_SAFE = "$/()',:"


@dataclass
class Request:
    """One ARM request, its path URL-decoded and its header names lower-cased; `base` is its scheme and host."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any = None
    base: str = ARM

    def url(self, **query: str) -> str:
        """This request's own URL (on the host it came to) with `query` added or replaced."""
        merged = {k: v for k, v in self.query.items() if k not in query} | query
        return f"{self.base}{quote(self.path)}?{urlencode(merged, safe=_QUERY_SAFE, quote_via=quote)}"

    @classmethod
    def parse(cls, method: str, url: str, headers: dict[str, str], body: Any) -> Request:
        parts = urlsplit(url)
        query = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        lowered = {k.lower(): v for k, v in headers.items()}
        # ARM tolerates an empty segment (the SDK's empty parentResourcePath yields `//`).
        path = re.sub("/{2,}", "/", unquote(parts.path)).rstrip("/") or "/"
        base = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ARM
        return cls(method.upper(), path, query, lowered, body, base)


@dataclass
class Response:
    """What a handler answers; `delay` is simulated service time slept after the transaction."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Handler = Callable[["Ctx", dict[str, str]], Response]


@dataclass(frozen=True)
class Route:
    """A method, a compiled path pattern, the handler, and the ARM type it counts under."""

    method: str
    pattern: re.Pattern[str]
    handler: Handler
    arm_type: str


def route(method: str, template: str, handler: Handler, arm_type: str) -> Route:
    """`{name}` matches one segment, `{name*}` one or more; literal segments match any case."""
    regex = ""
    for piece in re.split(r"(\{\w+\*?\})", template):
        if piece.startswith("{"):
            name = piece.strip("{}*")
            regex += f"(?P<{name}>.+?)" if piece.endswith("*}") else f"(?P<{name}>[^/]+)"
        else:
            regex += re.escape(piece)
    return Route(method, re.compile(f"^{regex}$", re.IGNORECASE), handler, arm_type)


class Router:
    """First matching route wins; an unknown route is a clear 400, never a silent success."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = list(routes)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        path_matched = False
        for candidate in self._routes:
            found = candidate.pattern.match(path)
            if found is None:
                continue
            path_matched = True
            if candidate.method == method:
                return candidate, found.groupdict()
        if path_matched:
            raise ArmError(405, "MethodNotAllowed", f"The aksnet emulator does not support {method} on '{path}'.")
        raise ArmError(
            400,
            "InvalidResourceType",
            f"The aksnet emulator has no route for {method} '{path}'; this part of ARM is not emulated.",
        )
