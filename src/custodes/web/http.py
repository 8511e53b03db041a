"""HTTP concerns that apply to every response: conditional GETs and security headers.

Written as plain ASGI middleware (no BaseHTTPMiddleware) so that streamed exports stay streamed
and a 304 costs two stat() calls and no query.

Conditional requests: every GET/HEAD answer outside /static carries a weak ETag and a
Last-Modified derived from the database's data version (see `store.ReadOnlyStore.version`).
Since everything the app shows is a function of (URL, data), a client whose If-None-Match
names the current version gets 304 Not Modified without any work being done. Static files keep
Starlette's own validators.

Response cache: for the same reason, a 200 answer to a GET is reused verbatim (headers and
body, compressed or not) until the data version changes, so a popular page costs one render per
data change instead of one per request. Exports are never cached (they stream, and can be
large); the cache is an LRU bounded in bytes.

Review pages (/review, served only by `custodes serve --review`) are per person and change
with every decision, so they get none of this: no validators, no 304, never cached, and
`Cache-Control: no-store`. They are also sent with `Referrer-Policy: same-origin` instead of
`no-referrer`, because under `no-referrer` browsers send `Origin: null` with a form and the
review forms' same-origin check (see `auth.py`) needs the real one.

Security: evidence quotes and titles come from documents anybody could have written, so pages
are sent with a strict Content-Security-Policy (scripts and styles from this origin only, no
inline code, no framing) on top of Jinja's autoescaping.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from email.utils import format_datetime, parsedate_to_datetime

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from custodes.web.store import ReadOnlyStore

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
)


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match comparison: weak, over a comma-separated list, '*' matches anything."""
    wanted = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


CachedResponse = tuple[int, list[tuple[bytes, bytes]], bytes]


class ResponseCache:
    """LRU of complete responses for one data version; emptied when the version changes."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_entry: int = 2 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self.enabled = max_bytes > 0
        self._entries: OrderedDict[tuple[str, ...], CachedResponse] = OrderedDict()
        self._size = 0
        self._version = ""
        self._lock = threading.Lock()

    def get(self, version: str, key: tuple[str, ...]) -> CachedResponse | None:
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._size = 0
                self._version = version
                return None
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, version: str, key: tuple[str, ...], response: CachedResponse) -> None:
        size = len(response[2]) + sum(len(k) + len(v) for k, v in response[1])
        if size > self.max_entry:
            return
        with self._lock:
            if version != self._version or key in self._entries:
                return
            self._entries[key] = response
            self._size += size
            while self._size > self.max_bytes and self._entries:
                _, old = self._entries.popitem(last=False)
                self._size -= len(old[2]) + sum(len(k) + len(v) for k, v in old[1])


REVIEW_PREFIX = "/review"
PRIVATE_HEADERS = (("cache-control", "no-store"), ("referrer-policy", "same-origin"))


def is_private(path: str) -> bool:
    """A review page: per person, never cached, never answered with 304."""
    return path == REVIEW_PREFIX or path.startswith(REVIEW_PREFIX + "/")


def _cacheable(scope: Scope) -> bool:
    return scope["method"] == "GET" and not scope["path"].startswith(("/static/", "/api/v1/export/"))


class HttpHeadersMiddleware:
    """Adds validators and security headers; answers 304 when the client is up to date, and
    from the response cache when another client already asked the same question."""

    def __init__(self, app: ASGIApp, store: ReadOnlyStore, cache: ResponseCache | None = None) -> None:
        self.app = app
        self.store = store
        self.cache = cache if cache is not None else ResponseCache()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = is_private(scope["path"])
        conditional = (scope["method"] in ("GET", "HEAD") and not scope["path"].startswith("/static/")
                       and not private)
        validators: list[tuple[str, str]] = []
        key: tuple[str, ...] | None = None
        token = ""
        if conditional:
            version = self.store.version()
            token = version.token
            validators = [("etag", version.etag),
                          ("last-modified", format_datetime(version.last_modified, usegmt=True)),
                          ("cache-control", "no-cache")]
            if self._not_modified(Headers(scope=scope), version.etag, version.last_modified.timestamp()):
                headers = [(k.encode(), v.encode()) for k, v in (*validators, *SECURITY_HEADERS)]
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
            if self.cache.enabled and _cacheable(scope):
                gzip = "gzip" in Headers(scope=scope).get("accept-encoding", "").lower()
                key = (scope["path"], scope["query_string"].decode("latin-1"), "gzip" if gzip else "")
                hit = self.cache.get(token, key)
                if hit is not None:
                    await send({"type": "http.response.start", "status": hit[0], "headers": hit[1]})
                    await send({"type": "http.response.body", "body": hit[2]})
                    return

        start: dict[str, object] = {}
        chunks: list[bytes] = []
        keep = key is not None

        async def send_with_headers(message: Message) -> None:
            nonlocal keep
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if private:
                    for name, value in PRIVATE_HEADERS:
                        headers[name] = value
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
                if message["status"] == 200:
                    for name, value in validators:
                        headers[name] = value
                else:
                    keep = False
                start.update(status=message["status"], headers=list(message["headers"]))
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if sum(len(c) for c in chunks) > self.cache.max_entry:
                    keep = False
                    chunks.clear()
                elif not message.get("more_body", False) and key is not None:
                    status, headers_list = start["status"], start["headers"]
                    self.cache.put(token, key, (status, headers_list, b"".join(chunks)))  # type: ignore[arg-type]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _not_modified(headers: Headers, etag: str, modified: float) -> bool:
        if_none_match = headers.get("if-none-match")
        if if_none_match is not None:
            return etag_matches(if_none_match, etag)
        since = headers.get("if-modified-since")
        if since:
            try:
                return parsedate_to_datetime(since).timestamp() >= modified
            except (TypeError, ValueError):
                return False
        return False
