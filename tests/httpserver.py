"""A real HTTP server on 127.0.0.1 that tests program route by route.

Feeds, pages, robots.txt, redirects, 304s, 429s, slow and endless bodies and webhook receivers
are all served by one small threaded server from the standard library, so fetching code runs
over a real socket and no test reaches the internet.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """What a route answers: status, headers and a body, optionally slow or endless."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    chunk_delay: float = 0.0  # seconds between chunks of `chunk_size` bytes
    chunk_size: int = 1024
    endless: bool = False  # keep sending `body` forever (no Content-Length)


@dataclass
class Request:
    """One request as the server saw it, kept for assertions."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


Route = Reply | Callable[[Request], Reply]


class FixtureServer:
    """`with FixtureServer() as srv: srv.route("/feed.xml", Reply(body=...)); srv.url("/feed.xml")`.

    Unknown paths answer 404. `requests` records every request in arrival order.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def route(self, path: str, reply: Route) -> None:
        self.routes[path] = reply

    def url(self, path: str = "/") -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def __enter__(self) -> FixtureServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                  body, time.monotonic())
                with server._lock:
                    server.requests.append(request)
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None:
                    reply = Reply(404, b"not found", content_type="text/plain")
                else:
                    reply = route(request) if callable(route) else route
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                if reply.content_type:
                    self.send_header("Content-Type", reply.content_type)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.endless:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    try:
                        for chunk in _forever(reply.body or b"x" * 1024):
                            self.wfile.write(chunk)
                            if reply.chunk_delay:
                                time.sleep(reply.chunk_delay)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return
                if "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command == "HEAD" or reply.status == 304:
                    return
                try:
                    if reply.chunk_delay:
                        for i in range(0, len(reply.body), reply.chunk_size):
                            self.wfile.write(reply.body[i:i + reply.chunk_size])
                            self.wfile.flush()
                            time.sleep(reply.chunk_delay)
                    else:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = _handle  # noqa: N815
            do_POST = _handle  # noqa: N815
            do_HEAD = _handle  # noqa: N815

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up mid-reply (a size cap, a timeout) is what the tests provoke, not an error."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _forever(chunk: bytes) -> Iterator[bytes]:
    while True:
        yield chunk
