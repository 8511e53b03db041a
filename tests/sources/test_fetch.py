"""The fetcher over real loopback HTTP: limits, retries, redirects, robots.txt and the SSRF guard."""

from __future__ import annotations

import gzip
import random
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from custodes import __version__
from custodes.sources.fetch import Fetcher, FetchError, FetchPolicy, parse_retry_after
from tests.httpserver import FixtureServer, Reply, Request

FAST = FetchPolicy(allow_private=True, per_host_delay=0, backoff_base=0.01, backoff_max=0.05, retries=2,
                   connect_timeout=2, read_timeout=2, total_timeout=5)
LAST_MODIFIED = "Tue, 01 Dec 2026 10:00:00 GMT"


class SleepRecorder:
    """An injected sleep that records what it was asked for and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class FakeTime:
    """A clock that only moves when the fetcher sleeps, so spacing is checked without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class HostsFileTransport(httpx.BaseTransport):
    """Connects requests for the named hosts to another address, like an /etc/hosts entry.

    The Host header keeps the original name, so the fetcher's view (URLs, redirects, the guard's
    resolver) is of a public host while the socket reaches the fixture server on 127.0.0.1.
    """

    def __init__(self, hosts: dict[str, str]) -> None:
        self.hosts = hosts
        self.inner = httpx.HTTPTransport(trust_env=False)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host in self.hosts:
            request.url = request.url.copy_with(host=self.hosts[request.url.host])
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(scope="module")
def shared_server() -> Iterator[FixtureServer]:
    with FixtureServer() as server:  # one per module: stopping a server costs half a second
        yield server


@pytest.fixture
def srv(shared_server: FixtureServer) -> FixtureServer:
    """The module's server with no routes and no recorded requests; each test has its own Fetcher."""
    with shared_server._lock:
        shared_server.routes.clear()
        shared_server.requests.clear()
    return shared_server


def fetcher(policy: FetchPolicy = FAST, **kwargs: Any) -> Fetcher:
    return Fetcher(policy, **kwargs)


def sequence(*replies: Reply) -> Callable[[Request], Reply]:
    """A route answering with each reply in turn, then repeating the last."""
    served = iter(replies)
    last = [replies[-1]]

    def answer(request: Request) -> Reply:
        last[0] = next(served, last[0])
        return last[0]
    return answer


def fetch_error(f: Fetcher, url: str, **kwargs: str) -> FetchError:
    with pytest.raises(FetchError) as info:
        f.fetch(url, **kwargs)
    return info.value


# -- plain responses and conditional GET -----------------------------------------------------------

def test_the_user_agent_carries_the_operators_contact(monkeypatch: pytest.MonkeyPatch) -> None:
    from custodes.sources.fetch import user_agent

    monkeypatch.setenv("CUSTODES_CONTACT", "mailto:desk@example.org")
    assert user_agent().endswith("; +mailto:desk@example.org)")
    assert FetchPolicy().user_agent == user_agent()
    monkeypatch.delenv("CUSTODES_CONTACT")
    assert "+" not in user_agent()


def test_a_200_returns_body_type_charset_validators_and_sends_an_honest_user_agent(srv: FixtureServer) -> None:
    srv.route("/feed.xml", Reply(body=b"<rss version='2.0'/>", content_type="application/rss+xml; charset=UTF-8",
                                 headers={"ETag": '"v1"', "Last-Modified": LAST_MODIFIED}))
    with fetcher() as f:
        result = f.fetch(srv.url("/feed.xml"))
    assert (result.status, result.body) == (200, b"<rss version='2.0'/>")
    assert (result.content_type, result.charset) == ("application/rss+xml", "utf-8")
    assert (result.etag, result.last_modified) == ('"v1"', LAST_MODIFIED)
    assert result.final_url == result.url == srv.url("/feed.xml")
    assert result.redirects == [] and result.attempts == 1 and not result.not_modified
    for request in srv.requests:  # robots.txt and the feed
        assert request.headers["user-agent"].startswith(f"custodes/{__version__} (")
        assert "robots.txt" in request.headers["user-agent"]
    assert [r.path for r in srv.requests] == ["/robots.txt", "/feed.xml"]
    assert srv.hits("/feed.xml")[0].headers["accept-encoding"] == "gzip, deflate"
    assert f.stats.requests == 2 and f.stats.bytes_received == len(b"<rss version='2.0'/>")


def test_an_unchanged_feed_costs_one_304(srv: FixtureServer) -> None:
    def feed(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(body=b"<rss/>", headers={"ETag": '"v1"'}, content_type="application/rss+xml")
    srv.route("/feed.xml", feed)
    with fetcher() as f:
        result = f.fetch(srv.url("/feed.xml"), etag='"v1"', last_modified=LAST_MODIFIED)
    assert result.not_modified and result.status == 304 and result.body == b""
    assert (result.etag, result.last_modified) == ('"v1"', LAST_MODIFIED)  # Last-Modified: the one we sent
    hits = srv.hits("/feed.xml")
    assert len(hits) == 1
    assert hits[0].headers["if-modified-since"] == LAST_MODIFIED
    assert f.stats.not_modified == 1


def test_a_wrong_content_type_is_refused_and_a_missing_one_is_allowed(srv: FixtureServer) -> None:
    srv.route("/image", Reply(body=b"\x89PNG", content_type="image/png"))
    srv.route("/untyped", Reply(body=b"hello", content_type=None))
    with fetcher() as f:
        error = fetch_error(f, srv.url("/image"))
        assert error.kind == "bad_content_type" and "image/png" in str(error)
        assert srv.url("/image") in str(error) and "\n" not in str(error)
        assert f.fetch(srv.url("/untyped")).body == b"hello"


# -- retries ---------------------------------------------------------------------------------------

def test_a_429_with_retry_after_waits_at_least_that_long_then_succeeds(srv: FixtureServer) -> None:
    srv.route("/busy", sequence(Reply(429, headers={"Retry-After": "1"}), Reply(body=b"ok")))
    sleep = SleepRecorder()
    with fetcher(sleep=sleep) as f:
        result = f.fetch(srv.url("/busy"))
    assert result.body == b"ok" and result.attempts == 2
    assert sleep.calls and min(sleep.calls) >= 1.0
    assert f.stats.retries == 1


def test_repeated_500s_give_up_with_http_error_after_every_attempt(srv: FixtureServer) -> None:
    srv.route("/broken", Reply(500, body=b"oops"))
    sleep = SleepRecorder()
    with fetcher(sleep=sleep, rng=random.Random(7)) as f:
        error = fetch_error(f, srv.url("/broken"))
    assert (error.kind, error.status, error.attempts) == ("http_error", 500, 3)
    assert "3 attempts" in str(error)
    assert len(srv.hits("/broken")) == 3
    # full jitter: each wait is within [0, base * 2**n]
    assert len(sleep.calls) == 2 and 0 <= sleep.calls[0] <= 0.01 and 0 <= sleep.calls[1] <= 0.02
    again = SleepRecorder()
    with fetcher(sleep=again, rng=random.Random(7)) as f:
        fetch_error(f, srv.url("/broken"))
    assert again.calls == sleep.calls  # a seeded rng makes the backoff reproducible


def test_a_404_is_not_retried(srv: FixtureServer) -> None:
    with fetcher(sleep=SleepRecorder()) as f:
        error = fetch_error(f, srv.url("/missing"))
    assert (error.kind, error.status) == ("http_error", 404)
    assert len(srv.hits("/missing")) == 1 and f.stats.retries == 0


def test_a_retry_after_beyond_the_limit_gives_up_at_once(srv: FixtureServer) -> None:
    srv.route("/later", Reply(503, headers={"Retry-After": "3600"}))
    sleep = SleepRecorder()
    with fetcher(sleep=sleep) as f:
        error = fetch_error(f, srv.url("/later"))
    assert (error.kind, error.status) == ("rate_limited", 503)
    assert len(srv.hits("/later")) == 1 and sleep.calls == []


def test_retry_after_as_an_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    wait = parse_retry_after(when)
    assert wait is not None and 115 <= wait <= 121
    assert parse_retry_after("soon") is None and parse_retry_after("7") == 7.0


def test_a_refused_connection_is_a_network_error_after_retries() -> None:
    with FixtureServer() as server:
        url = server.url("/gone")
    with fetcher(replace(FAST, obey_robots=False), sleep=SleepRecorder()) as f:
        error = fetch_error(f, url)
    assert (error.kind, error.attempts) == ("network", 3)


# -- body limits and encodings ---------------------------------------------------------------------

def test_a_slow_drip_body_is_cut_off_at_the_total_timeout(srv: FixtureServer) -> None:
    srv.route("/drip", Reply(body=b"x" * 20_000, chunk_size=100, chunk_delay=0.02, content_type="text/plain"))
    started = time.monotonic()
    with fetcher(replace(FAST, total_timeout=0.4)) as f:
        error = fetch_error(f, srv.url("/drip"))
    assert error.kind == "timeout"
    assert time.monotonic() - started < 2.0  # the whole body would take 4 s
    assert len(srv.hits("/drip")) == 1  # a deadline cut-off is not retried


def test_an_endless_body_stops_at_max_bytes(srv: FixtureServer) -> None:
    srv.route("/endless", Reply(endless=True, content_type="text/plain"))
    with fetcher(replace(FAST, max_bytes=200_000)) as f:
        error = fetch_error(f, srv.url("/endless"))
    assert error.kind == "too_large"
    assert 200_000 < f.stats.bytes_received < 200_000 + 70_000


def test_a_declared_length_over_the_cap_is_refused_without_reading(srv: FixtureServer) -> None:
    srv.route("/huge", Reply(body=b"x" * 1000, headers={"Content-Length": "50000000"}, content_type="text/plain"))
    with fetcher(replace(FAST, max_bytes=1_000_000)) as f:
        error = fetch_error(f, srv.url("/huge"))
    assert error.kind == "too_large" and "50000000" in str(error)
    assert f.stats.bytes_received == 0


def test_a_gzip_bomb_stops_at_the_decompressed_cap(srv: FixtureServer) -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * 1_000_000
    bomb = b"".join(compressor.compress(block) for _ in range(50)) + compressor.flush()  # 50 MB of zeros
    assert len(bomb) < 100_000
    srv.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}, content_type="text/html"))
    with fetcher(replace(FAST, max_decompressed_bytes=2_000_000)) as f:
        error = fetch_error(f, srv.url("/bomb"))
    assert error.kind == "too_large" and "decompressed" in str(error)


@pytest.mark.parametrize("encoding, encode", [
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send it
])
def test_compressed_bodies_are_decoded(srv: FixtureServer, encoding: str, encode: Callable[[bytes], bytes]) -> None:
    page = "<html><body>Überwachung: facial recognition</body></html>".encode() * 200
    srv.route("/page", Reply(body=encode(page), headers={"Content-Encoding": encoding}))
    with fetcher() as f:
        assert f.fetch(srv.url("/page")).body == page


def test_a_corrupt_gzip_body_is_a_bad_encoding(srv: FixtureServer) -> None:
    broken = gzip.compress(b"<html>" * 500)[:40] + b"garbage" * 20
    srv.route("/bad", Reply(body=broken, headers={"Content-Encoding": "gzip"}))
    with fetcher() as f:
        assert fetch_error(f, srv.url("/bad")).kind == "bad_encoding"


# -- redirects -------------------------------------------------------------------------------------

def test_a_redirect_chain_is_followed_and_recorded(srv: FixtureServer) -> None:
    srv.route("/a", Reply(301, headers={"Location": "/b"}))
    srv.route("/b", lambda r: Reply(302, headers={"Location": srv.url("/c#frag")}))
    srv.route("/c", Reply(body=b"final"))
    with fetcher() as f:
        result = f.fetch(srv.url("/a"))
    assert result.body == b"final" and result.url == srv.url("/a")
    assert result.redirects == [srv.url("/b"), srv.url("/c")] and result.final_url == srv.url("/c")


def test_a_redirect_loop_is_detected(srv: FixtureServer) -> None:
    srv.route("/x", Reply(302, headers={"Location": "/y"}))
    srv.route("/y", Reply(302, headers={"Location": "/x"}))
    with fetcher() as f:
        assert fetch_error(f, srv.url("/x")).kind == "redirect_loop"
    assert len(srv.hits("/x")) == 1


def test_too_many_redirects_are_refused(srv: FixtureServer) -> None:
    for i in range(10):
        srv.route(f"/r{i}", Reply(307, headers={"Location": f"/r{i + 1}"}))
    with fetcher(replace(FAST, max_redirects=3)) as f:
        error = fetch_error(f, srv.url("/r0"))
    assert error.kind == "too_many_redirects"
    assert [r.path for r in srv.requests if r.path != "/robots.txt"] == ["/r0", "/r1", "/r2", "/r3"]


# -- the SSRF guard --------------------------------------------------------------------------------

def test_the_default_policy_refuses_loopback_without_any_request(srv: FixtureServer) -> None:
    with Fetcher() as f:
        error = fetch_error(f, srv.url("/feed.xml"))
    assert error.kind == "refused_private" and "127.0.0.1" in str(error)
    assert srv.requests == [] and f.stats.refused == 1 and f.stats.requests == 0


def test_a_redirect_from_a_public_host_to_a_private_address_is_refused(srv: FixtureServer) -> None:
    # The guard sees "public.test" as a public address; the hosts-file transport carries the socket
    # to the fixture server. The redirect target is the loopback address itself and must be refused.
    names = {"public.test": ["93.184.216.34"], "127.0.0.1": ["127.0.0.1"]}
    srv.route("/start", Reply(302, headers={"Location": srv.url("/secret")}))
    srv.route("/secret", Reply(body=b"internal"))
    policy = replace(FAST, allow_private=False)
    with fetcher(policy, resolver=lambda host, port: names[host],
                 transport=HostsFileTransport({"public.test": "127.0.0.1"})) as f:
        error = fetch_error(f, f"http://public.test:{srv.port}/start")
    assert error.kind == "refused_private" and "redirect to" in str(error)
    assert srv.hits("/secret") == []
    assert srv.hits("/start")[0].headers["host"] == f"public.test:{srv.port}"
    assert f.stats.refused == 1


def test_the_default_transport_connects_to_the_address_it_checked(srv: FixtureServer) -> None:
    srv.route("/page", Reply(body=b"reached"))
    # "fixture.test" exists only in this resolver: reaching the server proves the socket used it.
    with fetcher(resolver=lambda host, port: ["127.0.0.1"]) as f:
        assert f.fetch(f"http://fixture.test:{srv.port}/page").body == b"reached"


def test_dns_rebinding_between_check_and_connect_is_refused(srv: FixtureServer) -> None:
    answers = iter([["93.184.216.34"]])

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers, ["127.0.0.1"])  # public for the check, loopback for the connection
    srv.route("/page", Reply(body=b"internal"))
    with fetcher(replace(FAST, allow_private=False, obey_robots=False), resolver=rebinding) as f:
        error = fetch_error(f, f"http://rebind.test:{srv.port}/page")
    assert error.kind == "refused_private" and "connect time" in str(error)
    assert srv.requests == [] and f.stats.refused == 1


# -- robots.txt ------------------------------------------------------------------------------------

@pytest.mark.parametrize("agent", ["custodes", "*"])
def test_a_robots_disallow_is_obeyed_and_the_page_never_requested(srv: FixtureServer, agent: str) -> None:
    srv.route("/robots.txt", Reply(body=f"User-agent: {agent}\nDisallow: /private\n".encode(),
                                   content_type="text/plain"))
    srv.route("/private/page", Reply(body=b"secret"))
    srv.route("/public", Reply(body=b"fine"))
    with fetcher() as f:
        error = fetch_error(f, srv.url("/private/page"))
        assert error.kind == "robots" and "disallowed for custodes" in str(error)
        assert f.fetch(srv.url("/public")).body == b"fine"
    assert srv.hits("/private/page") == []
    assert len(srv.hits("/robots.txt")) == 1  # cached per host


def test_robots_rules_for_another_agent_do_not_apply(srv: FixtureServer) -> None:
    srv.route("/robots.txt", Reply(body=b"User-agent: OtherBot\nDisallow: /\n", content_type="text/plain"))
    srv.route("/page", Reply(body=b"fine"))
    with fetcher() as f:
        assert f.fetch(srv.url("/page")).body == b"fine"


def test_a_robots_404_allows_everything(srv: FixtureServer) -> None:
    srv.route("/page", Reply(body=b"fine"))
    with fetcher() as f:
        assert f.fetch(srv.url("/page")).body == b"fine"
    assert [r.path for r in srv.requests] == ["/robots.txt", "/page"]


def test_an_unreachable_robots_txt_disallows_the_host_for_now(srv: FixtureServer) -> None:
    srv.route("/robots.txt", Reply(503, content_type="text/plain"))
    srv.route("/page", Reply(body=b"fine"))
    with fetcher(replace(FAST, retries=0)) as f:
        error = fetch_error(f, srv.url("/page"))
    assert error.kind == "robots" and "robots.txt unreachable" in str(error)
    assert srv.hits("/page") == []


def test_robots_txt_is_read_again_after_an_hour_when_it_was_unreachable_and_daily_otherwise(
        srv: FixtureServer) -> None:
    srv.route("/robots.txt", Reply(503, content_type="text/plain"))
    srv.route("/page", Reply(body=b"fine"))
    fake = FakeTime()
    with fetcher(replace(FAST, retries=0), clock=fake.clock, sleep=fake.sleep) as f:
        assert fetch_error(f, srv.url("/page")).kind == "robots"
        srv.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow:\n", content_type="text/plain"))
        fake.now += 600
        assert fetch_error(f, srv.url("/page")).kind == "robots"  # still the cached verdict
        fake.now += 3600
        assert f.fetch(srv.url("/page")).body == b"fine"
        srv.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /page\n", content_type="text/plain"))
        fake.now += 3600
        assert f.fetch(srv.url("/page")).body == b"fine"
        fake.now += 24 * 3600
        assert fetch_error(f, srv.url("/page")).kind == "robots"
    assert len(srv.hits("/robots.txt")) == 3


@pytest.mark.parametrize("crawl_delay, expected", [("2", 2.0), ("100", 30.0)])
def test_crawl_delay_spaces_requests_and_is_capped(srv: FixtureServer, crawl_delay: str, expected: float) -> None:
    srv.route("/robots.txt", Reply(body=f"User-agent: *\nCrawl-delay: {crawl_delay}\n".encode(),
                                   content_type="text/plain"))
    for i in range(3):
        srv.route(f"/p{i}", Reply(body=b"page"))
    fake = FakeTime()
    with fetcher(replace(FAST, per_host_delay=0.5), clock=fake.clock, sleep=fake.sleep) as f:
        for i in range(3):
            f.fetch(srv.url(f"/p{i}"))
    assert fake.sleeps == [expected] * 3  # robots.txt at t0, then one page every `expected` seconds


def test_the_policy_delay_spaces_requests_to_one_host(srv: FixtureServer) -> None:
    srv.route("/p", Reply(body=b"page"))
    fake = FakeTime()
    with fetcher(replace(FAST, per_host_delay=1.5, obey_robots=False), clock=fake.clock, sleep=fake.sleep) as f:
        for _ in range(3):
            f.fetch(srv.url("/p"))
    assert fake.sleeps == [1.5, 1.5]


# -- concurrency -----------------------------------------------------------------------------------

def test_the_per_host_concurrency_limit_holds_across_threads(srv: FixtureServer) -> None:
    lock = threading.Lock()
    in_flight = [0]
    peak = [0]

    def slow(request: Request) -> Reply:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.15)
        with lock:
            in_flight[0] -= 1
        return Reply(body=b"done")
    srv.route("/slow", slow)
    with fetcher(replace(FAST, per_host_concurrency=2)) as f, ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda i: f.fetch(srv.url(f"/slow?i={i}")), range(6)))
    assert [r.body for r in results] == [b"done"] * 6
    assert peak[0] == 2  # never more than the limit, and the limit is actually used
    assert len(srv.hits("/robots.txt")) == 1
