"""A record of every ARM exchange the server answered, one JSON line each (`serve --record FILE`).

What a client sent (method, path, api-version, body) and what it got (status, body): the conformance
suite records az's requests once and replays them in-process in `make test`. Authority and Graph
requests (client secrets, tokens) are never recorded.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Request headers that change the answer, and response headers that carry values a replay must map.
SENT_HEADERS = ("if-match", "if-none-match")
KEPT_HEADERS = ("azure-asyncoperation", "location")


# What a client sent: method, path with query, headers, body.
Exchange = tuple[str, str, dict[str, str], bytes | None]


class Recorder:
    """Appends exchanges to a JSON-lines file, safely from many handler threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def add(self, request: Exchange, status: int, headers: dict[str, str], answer: bytes) -> None:
        method, target, sent, body = request
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        entry: dict[str, Any] = {
            "method": method,
            "path": parts.path,
            "query": {k: v for k, v in query.items() if k != "api-version"},
            "api_version": query.get("api-version"),
            "body": _json(body),
            "headers_sent": {k.lower(): v for k, v in sent.items() if k.lower() in SENT_HEADERS},
            "status": status,
            "headers": {k.lower(): v for k, v in headers.items() if k.lower() in KEPT_HEADERS},
            "response": _json(answer),
        }
        line = json.dumps(entry, sort_keys=True)
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


def _json(raw: bytes | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return {"unparsed": raw.decode("utf-8", "replace")}
