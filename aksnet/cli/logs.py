"""Logging as Azure SDK users expect: one package logger (`aksnet`), quiet by default, on stderr.

--verbose logs what aksnet decides and why (subscription and its source, what preflight read,
each retry, each teardown decision); --debug adds azure-core's HTTP logging, which redacts the
Authorization header and every header and query parameter not on its allow-list. Request and
response bodies are never logged (aksnet does not pass `logging_enable`), so the Windows password
in a cluster body cannot reach a log.
"""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(name)s %(levelname)s: %(message)s"


def configure(*, verbose: bool, debug: bool) -> None:
    aksnet, azure = logging.getLogger("aksnet"), logging.getLogger("azure")
    if not (verbose or debug):
        # The SDK logs every credential it tried at WARNING; aksnet reports the outcome itself.
        aksnet.setLevel(logging.WARNING)
        azure.setLevel(logging.ERROR)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    for logger in (aksnet, azure):
        logger.handlers[:] = [handler]
        logger.propagate = False
    aksnet.setLevel(logging.DEBUG if debug else logging.INFO)
    azure.setLevel(logging.DEBUG if debug else logging.WARNING)
