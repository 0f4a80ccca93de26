"""`nextLink` paging of list answers, for clients whose paging must be exercised.

With a page size (`AKSNET_EMULATOR_PAGE_SIZE`, `serve --page-size`), every `{"value": [...]}`
answer to a GET is cut into pages; each but the last carries a `nextLink` to the same URL on the
same host with `$skiptoken` set to the next offset, as ARM's lists do. Handlers stay unaware.
"""

from __future__ import annotations

from dataclasses import replace

from aksnet.emulator.router import Request, Response

TOKEN = "$skiptoken"


def page(req: Request, response: Response, size: int) -> Response:
    """`response` cut to the page `req` asks for, when paging is on and it is a list."""
    body = response.body
    if size <= 0 or req.method != "GET" or not isinstance(body, dict) or not isinstance(body.get("value"), list):
        return response
    raw = req.query.get(TOKEN, "0")
    start = int(raw) if raw.isdigit() else 0
    items = body["value"]
    out = dict(body, value=items[start : start + size])
    if start + size < len(items):
        out["nextLink"] = req.url(**{TOKEN: str(start + size)})
    return replace(response, body=out)
