"""The HTTPS listener: 127.0.0.1 only, TLS from `certs`, one thread per connection (HTTP/1.1 keep-alive).

Requests for the fake authority or Graph go to `authority`; every other one goes to the same
`Emulator.handle_http` the in-process transport calls, on this server's own host, so operation
URLs and metadata name it. Nothing a client sends can crash the server: a body the emulator cannot
parse is its 400, a path it does not emulate its 400/404, an unexpected error a 500 in ARM's shape.
"""

from __future__ import annotations

import json
import logging
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aksnet.emulator import Emulator
from aksnet.emulator.serve import authority
from aksnet.emulator.serve.certs import Certificate
from aksnet.emulator.serve.record import Recorder

HOST = "127.0.0.1"
MAX_BODY = 16 * 1024 * 1024
log = logging.getLogger("aksnet.emulator.serve")


class EmulatorServer(ThreadingHTTPServer):
    """An HTTPS server in front of one Emulator; TLS is negotiated in each connection's own thread.

    Binding comes first (`bind`), so a port in use is reported before anything is written; `serve`
    then attaches the emulator and the certificate and answers on a background thread.
    """

    daemon_threads = True
    allow_reuse_address = False  # a port in use is an error to report, not one to share
    emulator: Emulator
    recorder: Recorder | None = None

    def __init__(self, port: int) -> None:
        super().__init__((HOST, port), _Handler)
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base(self) -> str:
        return f"https://{HOST}:{self.port}"

    def serve(self, emulator: Emulator, cert: Certificate, record: Path | None = None) -> None:
        """Answer with `emulator` over TLS with `cert`, on a background thread until `shutdown()`."""
        self.tls.load_cert_chain(str(cert.cert), str(cert.key))
        self.emulator = emulator
        self.recorder = Recorder(record) if record else None
        threading.Thread(target=self.serve_forever, name="aksnet-emulator-serve", daemon=True).start()

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            secured = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:  # a client that does not trust the certificate, or went away
            log.info("TLS handshake with %s failed: %s", client_address, exc)
            return
        with secured:  # the server closes the plain socket; the TLS one is this thread's to close
            super().finish_request(secured, client_address)


def bind(port: int) -> EmulatorServer:
    """Listen on 127.0.0.1:`port` (0: any free port); OSError when it is taken or not allowed."""
    return EmulatorServer(port)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The headers and the body go out in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK of the headers: 40 ms added to every answer on a kept-alive connection.
    disable_nagle_algorithm = True
    server: EmulatorServer

    def do_GET(self) -> None:
        self._answer()

    do_PUT = do_POST = do_PATCH = do_DELETE = do_HEAD = do_GET

    def _answer(self) -> None:
        started = time.perf_counter()
        method, path = self.command, urlsplit(self.path).path
        body, readable = self._body()
        if not readable:
            return
        try:
            status, headers, payload = self._dispatch(method, path, body)
        except Exception:  # the server stays up whatever a request does; the client gets ARM's 500
            log.exception("%s %s failed", method, path)
            status, headers, payload = _internal_error()
        self._send(status, headers, payload, head=method == "HEAD")
        log.info("%s %s %d %.0f ms", method, self.path, status, (time.perf_counter() - started) * 1000)

    def _dispatch(self, method: str, path: str, body: bytes | None) -> tuple[int, dict[str, str], bytes]:
        if authority.answers(method, path):
            status, document = authority.answer(method, path, self.server.base, body)
            return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(document).encode()
        sent = {k: v for k, v in self.headers.items()}
        url = self.server.base + self.path
        status, headers, payload = self.server.emulator.handle_http(method, url, sent, body)
        if self.server.recorder is not None:
            self.server.recorder.add((method, self.path, sent, body), status, headers, payload)
        return status, headers, payload

    def _body(self) -> tuple[bytes | None, bool]:
        """The request body (None when empty) and whether it could be read; when not, the answer is sent."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._chunked()
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            self._refuse(400, "InvalidRequestContent", f"The Content-Length header '{length}' is not a number.")
            return None, False
        if int(length) > MAX_BODY:
            self._refuse(413, "RequestEntityTooLarge", f"The request body is larger than {MAX_BODY} bytes.")
            return None, False
        return (self.rfile.read(int(length)) or None), True

    def _chunked(self) -> tuple[bytes | None, bool]:
        data = b""
        while True:
            size_line = self.rfile.readline(64).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                self._refuse(400, "InvalidRequestContent", "The chunked request body is malformed.")
                return None, False
            if len(data) + size > MAX_BODY:
                self._refuse(413, "RequestEntityTooLarge", f"The request body is larger than {MAX_BODY} bytes.")
                return None, False
            if size == 0:
                self.rfile.readline(64)
                return (data or None), True
            data += self.rfile.read(size)
            self.rfile.readline(64)

    def _refuse(self, status: int, code: str, message: str) -> None:
        payload = json.dumps({"error": {"code": code, "message": message}}).encode()
        self._send(status, {"Content-Type": "application/json; charset=utf-8"}, payload, head=False)
        self.close_connection = True

    def _send(self, status: int, headers: dict[str, str], payload: bytes, *, head: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if not head:
            self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)


def _internal_error() -> tuple[int, dict[str, str], bytes]:
    error = {"error": {"code": "InternalServerError", "message": "The aksnet emulator failed to answer this request."}}
    return 500, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(error).encode()
