"""Who may use the review pages, and the checks every review form goes through.

Sessions: signing in with a review token (see `custodes.store.tokens`) creates a random session
id, kept server-side in memory with the token it was opened with and a CSRF secret, and sent to
the browser as an HttpOnly, SameSite=Strict cookie limited to /review. Each request looks the
token up again, so `custodes token revoke` ends its sessions at their next request. A restart
ends every session (people sign in again; nothing is lost).

Forms: every review form carries the session's CSRF secret in a hidden field (the sign-in form,
which comes before any session, a double-submit cookie), and every POST is refused unless that
field matches and its Origin header (or Referer, when there is no Origin) names this server's
own scheme, host and port. Review pages are sent with `Referrer-Policy: same-origin` (see
`http.py`) so that browsers send a real Origin with their forms rather than `null`.

Scripts may instead send `Authorization: Bearer SECRET` with a POST; no cookie is involved, so
no CSRF secret is needed, but a foreign Origin is still refused.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from fastapi import Request
from sqlalchemy import Engine

from custodes.store.tokens import TokenInfo, active_token, verify_token

SESSION_COOKIE = "custodes_review"
LOGIN_COOKIE = "custodes_review_login"
SESSION_SECONDS = 12 * 3600  # a session ends 12 hours after sign-in...
IDLE_SECONDS = 2 * 3600  # ...or after 2 hours without a request
MAX_FORM_BYTES = 64 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"


class Refused(Exception):
    """A request the review pages will not act on; `status` and a message saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Session:
    id: str
    token_pk: int
    name: str
    csrf: str
    created: float
    seen: float = field(default=0.0)


class Sessions:
    """The review sessions of one running app."""

    def __init__(self, engine: Engine, *, max_age: float = SESSION_SECONDS, idle: float = IDLE_SECONDS) -> None:
        self.engine = engine
        self.max_age = max_age
        self.idle = idle
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def verify(self, secret: str) -> TokenInfo | None:
        with self.engine.connect() as conn:
            return verify_token(conn, secret.strip())

    def open(self, secret: str) -> Session | None:
        """A new session for the holder of this token secret, or None if it opens nothing."""
        token = self.verify(secret)
        if token is None:
            return None
        now = time.monotonic()
        session = Session(secrets.token_urlsafe(32), token.pk, token.name, secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._prune(now)
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id whose token is still active (checked now, in the database)."""
        if not session_id:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None and self._expired(session, now):
                del self._sessions[session_id]
                session = None
        if session is None:
            return None
        with self.engine.connect() as conn:
            if active_token(conn, session.token_pk) is None:
                self.close(session_id)
                return None
        session.seen = now
        return session

    def close(self, session_id: str | None) -> None:
        if session_id:
            with self._lock:
                self._sessions.pop(session_id, None)

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.created > self.max_age or now - session.seen > self.idle

    def _prune(self, now: float) -> None:
        for key in [k for k, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[key]


def _origin_of(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def own_origin(request: Request) -> tuple[str, str, int] | None:
    """This server's scheme, host and port as the request addressed it."""
    host = request.headers.get("host")
    if not host:
        return None
    return _origin_of(f"{request.url.scheme}://{host}")


def check_same_origin(request: Request, *, required: bool = True) -> None:
    """Refuse a request whose Origin (or, without one, Referer) is not this server; with
    `required`, also one that names no origin at all."""
    claimed = request.headers.get("origin")
    source = "Origin"
    if claimed is None:
        claimed, source = request.headers.get("referer"), "Referer"
    if claimed is None:
        if required:
            raise Refused(403, "refused: the request carries neither Origin nor Referer, so it cannot be shown "
                               "to come from this site's own review pages")
        return
    ours = own_origin(request)
    if ours is None or _origin_of(claimed) != ours:
        raise Refused(403, f"refused: cross-origin request ({source} {claimed!r} is not this server); "
                           "review forms only work from this site's own pages")


def check_csrf(expected: str, given: str | None) -> None:
    if not given:
        raise Refused(403, "refused: the form carries no CSRF token; reload the page and try again")
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise Refused(403, "refused: the form's CSRF token is wrong or out of date; reload the page and try again")


def bearer_secret(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form body (no multipart: the review forms have no files), at most 64 KB."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != FORM_TYPE:
        raise Refused(415, f"send the form as {FORM_TYPE}")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise Refused(413, f"the form is over {MAX_FORM_BYTES:,} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise Refused(413, f"the form is over {MAX_FORM_BYTES:,} bytes")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as exc:
        raise Refused(400, "the form is not UTF-8") from exc
    out: dict[str, str] = {}
    for key, value in pairs:
        out.setdefault(key, value)
    return out
