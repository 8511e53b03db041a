"""The one way custodes fetches a URL: politely, within limits, and never onto its own network.

Feeds and pages are supplied by users and by other feeds, so every fetch is treated as hostile
input: the address is checked by the SSRF guard before connecting and on every redirect, the
body is capped on the wire and after decompression, slow bodies are cut off, and only the
content types we can use are accepted. It is also polite: an honest User-Agent, robots.txt
obeyed, per-host spacing and concurrency limits, backoff on 429/5xx, and conditional GET so an
unchanged feed costs one 304.

DNS rebinding: the default transport (`guarded_transport.GuardedTransport`) resolves the host
itself at connect time, re-checks every address and connects to exactly the checked address, so
a name that resolves to a public address for `guard_url` and to 127.0.0.1 a moment later is
still refused. An injected `transport` (tests, special set-ups) gets only the `guard_url` check
before each request; then the residual window between that check and the transport's own
resolution is the injector's responsibility.
"""

from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
from protego import Protego

from custodes import __version__
from custodes.sources import netguard
from custodes.sources.decompress import CappedDecoder, DecodeError, TooLarge
from custodes.sources.guarded_transport import GuardedTransport
from custodes.sources.politeness import HostLimiter

CONTACT_ENV = "CUSTODES_CONTACT"  # a URL or e-mail address site operators can reach the operator at


def user_agent() -> str:
    """custodes/VERSION, what it does, and the operator's contact when $CUSTODES_CONTACT gives one."""
    contact = os.environ.get(CONTACT_ENV, "").strip()
    return (f"custodes/{__version__} (reads public reporting on surveillance technology; obeys robots.txt"
            + (f"; +{contact})" if contact else ")"))


USER_AGENT = user_agent()
ROBOTS_AGENT = "custodes"  # the token robots.txt groups are matched against
ROBOTS_TTL_SECONDS = 24 * 3600  # as Google caches robots.txt
ROBOTS_RETRY_SECONDS = 3600
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_TYPES = ("text/html", "application/xhtml+xml", "application/rss+xml", "application/atom+xml",
                 "application/xml", "text/xml", "application/feed+json", "application/json",
                 "application/pdf", "text/plain")


@dataclass(frozen=True)
class FetchPolicy:
    """Every limit a fetch obeys; the defaults suit watching public news sites."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # between bytes
    total_timeout: float = 60.0  # whole response incl. body (a slow-drip body is cut off)
    max_bytes: int = 10_000_000  # bytes on the wire
    max_decompressed_bytes: int = 20_000_000
    max_redirects: int = 5
    retries: int = 3  # extra attempts after the first, on 429/5xx/timeouts/connection errors
    backoff_base: float = 1.0  # seconds; exponential with full jitter
    backoff_max: float = 60.0
    max_retry_after: float = 300.0  # a longer Retry-After gives up (kind "rate_limited") instead of sleeping
    per_host_delay: float = 1.0  # min seconds between request starts to one host (Crawl-delay raises it)
    per_host_concurrency: int = 2
    user_agent: str = field(default_factory=user_agent)
    allow_private: bool = False
    obey_robots: bool = True
    allowed_types: tuple[str, ...] = DEFAULT_TYPES


@dataclass
class FetchResult:
    """A successful (2xx) or not-modified (304) response, body already decoded."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int  # 200..299, or 304
    body: bytes  # decompressed; b"" on 304
    content_type: str | None  # media type, lower-case, no parameters
    charset: str | None
    etag: str | None
    last_modified: str | None
    redirects: list[str]
    attempts: int

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A fetch that did not produce a usable response; `kind` says why, in a word a program can test.

    Kinds: refused_scheme, refused_private, unresolvable (the SSRF guard), robots, too_large,
    bad_content_type, http_error, rate_limited, timeout, network, redirect_loop,
    too_many_redirects, bad_encoding.
    """

    def __init__(self, url: str, kind: str, message: str, status: int | None = None, *,
                 attempts: int | None = None):
        self.url = url
        self.kind = kind
        self.message = " ".join(message.split())
        self.status = status
        self.attempts = attempts
        super().__init__(f"{url}: {self.message}")


@dataclass
class FetchStats:
    """Counters for a Fetcher's lifetime, safe to update from several threads."""

    requests: int = 0
    not_modified: int = 0
    retries: int = 0
    bytes_received: int = 0
    refused: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, *, requests: int = 0, not_modified: int = 0, retries: int = 0, bytes_received: int = 0,
            refused: int = 0) -> None:
        with self._lock:
            self.requests += requests
            self.not_modified += not_modified
            self.retries += retries
            self.bytes_received += bytes_received
            self.refused += refused


@dataclass
class _Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""


@dataclass
class _Robots:
    """What one origin's robots.txt says: rules, everything allowed (None), or unreachable."""

    rules: Protego | None
    unreachable: str | None = None
    fetched_at: float = 0.0

    def expired(self, now: float) -> bool:
        """A long-running watcher re-reads robots.txt daily, and retries an unreachable one hourly."""
        ttl = ROBOTS_RETRY_SECONDS if self.unreachable is not None else ROBOTS_TTL_SECONDS
        return now - self.fetched_at > ttl


class Fetcher:
    """Fetches URLs under a FetchPolicy; safe to share between threads. Close it (or use `with`)."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, resolver: netguard.Resolver = netguard.resolve_host,
                 transport: httpx.BaseTransport | None = None, rng: random.Random | None = None) -> None:
        self.policy = policy
        self.stats = FetchStats()
        self._sleep = sleep
        self._clock = clock
        self._resolver = resolver
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._limiter = HostLimiter(delay=policy.per_host_delay, concurrency=policy.per_host_concurrency,
                                    clock=clock, sleep=sleep)
        self._robots: dict[tuple[str, str, int], _Robots] = {}
        self._robots_locks: dict[tuple[str, str, int], threading.Lock] = {}
        self._robots_guard = threading.Lock()
        self._client = httpx.Client(
            transport=transport or GuardedTransport(allow_private=policy.allow_private, resolver=resolver),
            follow_redirects=False, trust_env=False, headers={"User-Agent": policy.user_agent})

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              accept: str | None = None) -> FetchResult:
        """GET the URL; FetchError unless the answer is 2xx or 304 and passes every check."""
        headers = {"Accept": accept or ", ".join(self.policy.allowed_types), "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._guard(url, url)
        response, redirects, attempts = self._follow(url, headers, robots=self.policy.obey_robots, typed=True)
        if response.status == 304:
            self.stats.add(not_modified=1)
            return FetchResult(url, response.url, 304, b"", None, None, response.headers.get("etag") or etag,
                               response.headers.get("last-modified") or last_modified, redirects, attempts)
        if not 200 <= response.status < 300:
            raise FetchError(url, "http_error", f"HTTP {response.status}{_at(response.url, url)}",
                             response.status, attempts=attempts)
        content_type, charset = media_type(response.headers.get("content-type"))
        return FetchResult(url, response.url, response.status, response.body, content_type, charset,
                           response.headers.get("etag"), response.headers.get("last-modified"), redirects, attempts)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- redirects, retries, one attempt ---------------------------------------------------------

    def _guard(self, url: str, requested: str) -> None:
        try:
            netguard.guard_url(url, allow_private=self.policy.allow_private, resolver=self._resolver)
        except netguard.RefusedURL as exc:
            self.stats.add(refused=1)
            where = "" if url == requested else f"redirect to {url}: "
            raise FetchError(requested, exc.kind, where + str(exc)) from exc
        except ValueError as exc:  # e.g. a non-numeric port
            self.stats.add(refused=1)
            raise FetchError(requested, "refused_scheme", f"malformed URL {url!r}: {exc}") from exc

    def _follow(self, requested: str, headers: dict[str, str], *, robots: bool,
                typed: bool) -> tuple[_Response, list[str], int]:
        """Follow redirects ourselves so every hop is guarded, robots-checked and counted."""
        current = requested
        seen = {urldefrag(requested).url}
        redirects: list[str] = []
        attempts = 0
        while True:
            if robots:
                self._check_robots(current, requested)
            response, tries = self._with_retries(current, headers, requested, typed=typed)
            attempts += tries
            if response.status not in REDIRECT_STATUSES:
                return response, redirects, attempts
            location = response.headers.get("location", "").strip()
            if not location:
                raise FetchError(requested, "http_error",
                                 f"HTTP {response.status} without a Location{_at(current, requested)}",
                                 response.status, attempts=attempts)
            target = urldefrag(urljoin(current, location)).url
            if target in seen:
                raise FetchError(requested, "redirect_loop", f"redirect loop: {current} sends us back to {target}",
                                 response.status, attempts=attempts)
            if len(redirects) >= self.policy.max_redirects:
                raise FetchError(requested, "too_many_redirects",
                                 f"more than {self.policy.max_redirects} redirects (last to {target})",
                                 response.status, attempts=attempts)
            seen.add(target)
            redirects.append(target)
            self._guard(target, requested)
            current = target

    def _with_retries(self, url: str, headers: dict[str, str], requested: str, *,
                      typed: bool) -> tuple[_Response, int]:
        """One hop, retried on 429/5xx, timeouts and connection errors with jittered backoff."""
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                response = self._attempt(url, headers, requested, typed=typed)
            except httpx.TimeoutException as exc:
                failure = FetchError(requested, "timeout", f"timed out ({type(exc).__name__}){_at(url, requested)}")
            except httpx.TransportError as exc:
                failure = FetchError(requested, "network",
                                     f"network error: {exc or type(exc).__name__}{_at(url, requested)}")
            else:
                if response.status not in RETRY_STATUSES:
                    return response, attempt
                if response.status in RETRY_AFTER_STATUSES:
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
                if retry_after is not None and retry_after > self.policy.max_retry_after:
                    raise FetchError(requested, "rate_limited",
                                     f"the server asks us to wait {retry_after:.0f}s (Retry-After), longer than "
                                     f"the {self.policy.max_retry_after:.0f}s we accept{_at(url, requested)}",
                                     response.status, attempts=attempt)
                failure = FetchError(requested, "http_error", f"HTTP {response.status}{_at(url, requested)}",
                                     response.status)
            if attempt > self.policy.retries:
                raise FetchError(requested, failure.kind, f"{failure.message} (gave up after {attempt} attempts)",
                                 failure.status, attempts=attempt)
            self.stats.add(retries=1)
            self._sleep(self._backoff(attempt - 1, retry_after))

    def _backoff(self, retry: int, retry_after: float | None) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**retry)], but never less than Retry-After."""
        ceiling = min(self.policy.backoff_max, self.policy.backoff_base * 2 ** retry)
        with self._rng_lock:
            wait = self._rng.uniform(0, ceiling)
        return max(wait, retry_after or 0.0)

    def _attempt(self, url: str, headers: dict[str, str], requested: str, *, typed: bool) -> _Response:
        policy = self.policy
        timeout = httpx.Timeout(connect=policy.connect_timeout, read=min(policy.read_timeout, policy.total_timeout),
                                write=policy.read_timeout, pool=policy.total_timeout)
        with self._limiter.slot(host_key(url)):
            self.stats.add(requests=1)
            deadline = self._clock() + policy.total_timeout
            try:
                with self._client.stream("GET", url, headers=headers, timeout=timeout) as response:
                    if not 200 <= response.status_code < 300:
                        return _Response(url, response.status_code, response.headers)
                    if typed:
                        self._check_type(response, url, requested)
                    body = self._read_body(response, url, requested, deadline)
                    return _Response(url, response.status_code, response.headers, body)
            except netguard.RefusedURL as exc:  # the transport's connect-time re-check
                self.stats.add(refused=1)
                raise FetchError(requested, exc.kind, f"{exc}{_at(url, requested)}") from exc
            except httpx.InvalidURL as exc:
                raise FetchError(requested, "refused_scheme", f"malformed URL: {exc}{_at(url, requested)}") from exc

    def _check_type(self, response: httpx.Response, url: str, requested: str) -> None:
        content_type, _ = media_type(response.headers.get("content-type"))
        if content_type is not None and content_type not in self.policy.allowed_types:
            raise FetchError(requested, "bad_content_type",
                             f"content type {content_type} is not one custodes reads{_at(url, requested)}",
                             response.status_code)

    def _read_body(self, response: httpx.Response, url: str, requested: str, deadline: float) -> bytes:
        """Raw bytes counted against max_bytes and the deadline, decoded under the decompressed cap."""
        cap = self.policy.max_bytes
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(requested, "too_large",
                             f"declares {declared} bytes, over the {cap}-byte cap{_at(url, requested)}",
                             response.status_code)
        try:
            decoder = CappedDecoder(response.headers.get("content-encoding"), self.policy.max_decompressed_bytes)
            parts: list[bytes] = []
            received = 0
            for chunk in response.iter_raw():
                received += len(chunk)
                self.stats.add(bytes_received=len(chunk))
                if received > cap:
                    raise FetchError(requested, "too_large", f"more than {cap} bytes on the wire{_at(url, requested)}",
                                     response.status_code)
                if self._clock() > deadline:
                    raise FetchError(requested, "timeout", f"body not finished within "
                                     f"{self.policy.total_timeout:g}s{_at(url, requested)}", response.status_code)
                parts.append(decoder.feed(chunk))
            parts.append(decoder.finish())
        except TooLarge as exc:
            raise FetchError(requested, "too_large", f"{exc}{_at(url, requested)}", response.status_code) from exc
        except DecodeError as exc:
            raise FetchError(requested, "bad_encoding", f"{exc}{_at(url, requested)}", response.status_code) from exc
        return b"".join(parts)

    # -- robots.txt ------------------------------------------------------------------------------

    def _check_robots(self, url: str, requested: str) -> None:
        robots = self._robots_for(url)
        if robots.unreachable is not None:
            raise FetchError(requested, "robots", robots.unreachable)
        if robots.rules is not None and not robots.rules.can_fetch(url, ROBOTS_AGENT):
            raise FetchError(requested, "robots",
                             f"disallowed for custodes by {origin_url(url)}/robots.txt{_at(url, requested)}")

    def _robots_for(self, url: str) -> _Robots:
        """The origin's robots.txt, fetched once per Fetcher (other threads wait for the first)."""
        origin = origin_key(url)
        with self._robots_guard:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            cached = self._robots.get(origin)
            if cached is None or cached.expired(self._clock()):
                cached = self._load_robots(url)
                cached.fetched_at = self._clock()
                self._robots[origin] = cached
            return cached

    def _load_robots(self, url: str) -> _Robots:
        robots_url = origin_url(url) + "/robots.txt"
        headers = {"Accept": "text/plain", "Accept-Encoding": "gzip, deflate"}
        try:
            response, _, _ = self._follow(robots_url, headers, robots=False, typed=False)
        except FetchError as exc:
            return _Robots(None, unreachable=f"robots.txt unreachable: {robots_url}: {exc.message}; "
                                             f"not fetching from {origin_url(url)} for now")
        if 400 <= response.status < 500:
            return _Robots(None)
        if not 200 <= response.status < 300:
            return _Robots(None, unreachable=f"robots.txt unreachable: {robots_url}: HTTP {response.status}; "
                                             f"not fetching from {origin_url(url)} for now")
        rules = Protego.parse(response.body.decode("utf-8", errors="replace"))
        delay = rules.crawl_delay(ROBOTS_AGENT)
        if delay:
            self._limiter.raise_delay(host_key(url), float(delay))
        return _Robots(rules)


def media_type(header: str | None) -> tuple[str | None, str | None]:
    """('text/html', 'utf-8') from 'text/html; charset=UTF-8'; (None, None) when absent."""
    if not header:
        return None, None
    media, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return media.strip().lower() or None, charset


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _at(url: str, requested: str) -> str:
    """Names the hop in a message when a redirect took us away from the requested URL."""
    return "" if url == requested else f" (at {url})"


def host_key(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def origin_key(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def origin_url(url: str) -> str:
    scheme, host, port = origin_key(url)
    default = 443 if scheme == "https" else 80
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + ("" if port == default else f":{port}")
