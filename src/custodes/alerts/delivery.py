"""Delivering matching delta entries to alerts: signed webhooks or JSON lines, each version once.

Every attempt's outcome is committed before the next step, so the log survives a crash and a
version marked delivered is never sent again. A receiver that is down is retried with
exponential backoff and jitter within the run; after `max_attempts` attempts (counted across
runs) the version is marked failed and waits for `custodes alerts retry`. While one version of
an alert has just failed, that alert's later versions wait for the next run, so a dead receiver
costs one version's retries per run, not every version's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, select, update

from custodes import __version__
from custodes.alerts.matching import Entry, entries_due
from custodes.alerts.subscriptions import Alert, list_alerts
from custodes.sources.netguard import RefusedURL, guard_url
from custodes.store.dialect import insert_for
from custodes.store.schema import alert_deliveries, deltas

SIGNATURE_HEADER = "X-Custodes-Signature"
DELIVERY_HEADER = "X-Custodes-Delivery"
USER_AGENT = f"custodes/{__version__} (alerts)"
MAX_DELAY = 300.0  # seconds: no backoff waits longer than this
MAX_RETRY_AFTER = 120.0  # seconds: a receiver's Retry-After is honoured up to this
_ERROR_BODY = 200  # characters of a receiver's error body kept in the log
# 4xx answers that may succeed later; any other 4xx, and every 3xx, will not change by retrying
_RETRYABLE_4XX = frozenset({408, 409, 425, 429})


@dataclass(frozen=True)
class Response:
    """What a receiver answered: enough to decide and to log."""

    status: int
    headers: Mapping[str, str]
    text: str = ""


Post = Callable[[str, bytes, Mapping[str, str]], Response]


@dataclass(frozen=True)
class DeliveryFailure:
    """A version that could not be delivered, named by alert and target."""

    alert: int
    target: str
    version: int
    attempts: int
    message: str

    def __str__(self) -> str:
        return (f"alert {self.alert} -> {self.target}: version {self.version} failed after "
                f"{self.attempts} attempt(s): {self.message}")


@dataclass
class DeliveryReport:
    """What one delivery run did: versions delivered and failed in this run, and still pending."""

    delivered: int = 0
    failed: int = 0
    pending: int = 0
    attempts: int = 0
    failures: list[DeliveryFailure] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failures"] = [str(f) for f in self.failures]
        return data


@dataclass(frozen=True)
class _Attempt:
    ok: bool
    error: str | None = None
    retry_after: float | None = None
    permanent: bool = False


def delivery_id(alert_pk: int, version: int) -> str:
    """The idempotency key receivers de-duplicate on: one per (alert, version)."""
    return f"{alert_pk}-{version}"


def build_payload(alert_pk: int, version: int, created_at: str, entries: list[Entry]) -> bytes:
    """The body as sent and signed: serialised once, so the signature covers exactly these bytes."""
    payload = {"alert": alert_pk, "version": version, "created_at": created_at,
               "entries": [e.payload() for e in entries]}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def sign(body: bytes, secret: str) -> str:
    """The signature header's value: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, secret: str, header: str | None) -> bool:
    """What a receiver does: recompute the HMAC of the raw body and compare in constant time."""
    return bool(header) and hmac.compare_digest(sign(body, secret), str(header))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a receiver asked us to wait (delta-seconds or an HTTP date), None if absent or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempts: int, base: float, rng: random.Random | None = None) -> float:
    """Wait before the next attempt: base**(attempts-1) seconds, capped, plus up to 25 % jitter."""
    jitter = 1.0 + (rng or random).random() * 0.25
    return float(min(MAX_DELAY, base ** max(0, attempts - 1)) * jitter)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def _http_post(timeout: float, allow_private: bool) -> Iterator[Post]:
    """A POST that follows no redirect and reads at most a little of the answer for at most
    `timeout` seconds, so an endless or dripping body cannot hold a delivery run. The transport
    re-checks the address it connects to (no DNS-rebinding window after `guard_url`)."""
    from custodes.sources.guarded_transport import GuardedTransport

    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False,
                      transport=GuardedTransport(allow_private=allow_private),
                      headers={"User-Agent": USER_AGENT}) as client:
        def post(url: str, body: bytes, headers: Mapping[str, str]) -> Response:
            request = client.build_request("POST", url, content=body, headers=dict(headers))
            response = client.send(request, stream=True)
            deadline = time.monotonic() + timeout
            try:
                text = b""  # a short answer is read whole, so the connection can be reused
                for chunk in response.iter_bytes():
                    text += chunk
                    if len(text) >= _ERROR_BODY or time.monotonic() > deadline:
                        break
                return Response(response.status_code, dict(response.headers),
                                text[:_ERROR_BODY].decode("utf-8", "replace"))
            finally:
                response.close()

        yield post


def _judge(response: Response) -> _Attempt:
    if 200 <= response.status < 300:
        return _Attempt(True)
    detail = f": {response.text.strip()}" if response.text.strip() else ""
    if 300 <= response.status < 400:
        where = response.headers.get("location") or response.headers.get("Location") or "?"
        return _Attempt(False, f"HTTP {response.status} redirect to {where} (redirects are not followed)",
                        permanent=True)
    retry_after = None
    if response.status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after") or response.headers.get("Retry-After"))
    permanent = 400 <= response.status < 500 and response.status not in _RETRYABLE_4XX
    return _Attempt(False, f"HTTP {response.status}{detail}", retry_after, permanent)


def _post_webhook(alert: Alert, body: bytes, version: int, post: Post, allow_private: bool) -> _Attempt:
    url = str(alert.webhook)
    try:
        guard_url(url, allow_private=allow_private)
    except RefusedURL as exc:
        return _Attempt(False, str(exc), permanent=exc.kind != "unresolvable")
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(body, str(alert.secret)),
               DELIVERY_HEADER: delivery_id(alert.pk, version), "User-Agent": USER_AGENT}
    try:
        return _judge(post(url, body, headers))
    except httpx.HTTPError as exc:
        return _Attempt(False, f"{type(exc).__name__}: {exc}")


def _append_file(alert: Alert, body: bytes) -> _Attempt:
    path = Path(str(alert.file_path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            handle.write(body + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        return _Attempt(False, f"{path}: {exc.strerror or exc}")
    return _Attempt(True)


@dataclass
class _Run:
    engine: Engine
    allow_private: bool
    max_attempts: int
    backoff_base: float
    sleep: Callable[[float], None]
    now: Callable[[], str]
    post: Post
    rng: random.Random | None
    report: DeliveryReport

    def open_row(self, alert: Alert, version: int, entries: int) -> tuple[str, int]:
        """The log row of (alert, version), made pending if new: its state and attempts so far."""
        with self.engine.begin() as conn:
            conn.execute(insert_for(conn, alert_deliveries)
                         .values(alert_pk=alert.pk, version=version, entries=entries, state="pending", attempts=0)
                         .on_conflict_do_nothing(index_elements=["alert_pk", "version"]))
            row = conn.execute(select(alert_deliveries.c.state, alert_deliveries.c.attempts)
                               .where(alert_deliveries.c.alert_pk == alert.pk,
                                      alert_deliveries.c.version == version)).one()
        return str(row.state), int(row.attempts)

    def record(self, alert: Alert, version: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(alert_deliveries)
                         .where(alert_deliveries.c.alert_pk == alert.pk, alert_deliveries.c.version == version)
                         .values(**values))

    def attempt(self, alert: Alert, body: bytes, version: int) -> _Attempt:
        if alert.webhook:
            return _post_webhook(alert, body, version, self.post, self.allow_private)
        return _append_file(alert, body)

    def deliver_version(self, alert: Alert, version: int, created_at: str, entries: list[Entry]) -> str:
        """Attempt until delivered, failed, or out of attempts; returns the final state."""
        state, attempts = self.open_row(alert, version, len(entries))
        if state != "pending":
            return state
        body = build_payload(alert.pk, version, created_at, entries)
        last_error = "no attempt left (max_attempts reached)"
        while attempts < self.max_attempts:
            result = self.attempt(alert, body, version)
            attempts += 1
            self.report.attempts += 1
            at = self.now()
            if result.ok:
                self.record(alert, version, state="delivered", attempts=attempts, last_attempt_at=at,
                            last_error=None, delivered_at=at)
                return "delivered"
            last_error = str(result.error)
            final = result.permanent or attempts >= self.max_attempts
            self.record(alert, version, state="failed" if final else "pending", attempts=attempts,
                        last_attempt_at=at, last_error=last_error)
            if final:
                break
            wait = (min(result.retry_after, MAX_RETRY_AFTER) if result.retry_after is not None
                    else backoff_delay(attempts, self.backoff_base, self.rng))
            self.sleep(wait)
        self.record(alert, version, state="failed")
        self.report.failures.append(DeliveryFailure(alert.pk, alert.target, version, attempts, last_error))
        return "failed"

    def deliver_alert(self, alert: Alert) -> None:
        with self.engine.connect() as conn:
            due = entries_due(conn, alert)
            created = dict(conn.execute(select(deltas.c.version, deltas.c.created_at)
                                        .where(deltas.c.version.in_(list(due)))).all())
        versions = sorted(due)
        for i, version in enumerate(versions):
            state = self.deliver_version(alert, version, str(created.get(version, "")), due[version])
            if state == "delivered":
                self.report.delivered += 1
            elif state == "failed":
                self.report.failed += 1
                self.report.pending += len(versions) - i - 1  # wait for the next run
                return


def deliver_alerts(engine: Engine, *, allow_private: bool = False, max_attempts: int = 5,
                   backoff_base: float = 2.0, sleep: Callable[[float], None] = time.sleep,
                   now: Callable[[], str] | None = None, post: Post | None = None, timeout: float = 10.0,
                   rng: random.Random | None = None) -> DeliveryReport:
    """Deliver every undelivered matching delta version to every active alert, oldest first.

    `post`, `sleep`, `now` and `rng` are there so tests run without waiting; by default webhooks
    are POSTed with httpx (no redirects followed) after the SSRF guard passes the URL.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    report = DeliveryReport()
    with engine.connect() as conn:
        active = list_alerts(conn)
    with _http_post(timeout, allow_private) as default_post:
        run = _Run(engine, allow_private, max_attempts, backoff_base, sleep, now or _now_iso,
                   post or default_post, rng, report)
        for alert in active:
            run.deliver_alert(alert)
    return report
