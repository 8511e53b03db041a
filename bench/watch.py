"""Watch benchmark: F fixture feeds x I items served on 127.0.0.1, watched into a fresh database.

    python bench/watch.py --feeds 200 --items 50

First run: every feed is fetched, every item page fetched, read, stored and extracted, and the
change feed published. Second run, nothing changed: every feed answers 304 to its conditional
request, so the run must cost only those requests (target: under 2 s). Prints items/s, peak RSS,
and the second run's time and request count.

All feeds live on one loopback host, so the per-host limits are opened up (`--concurrency`,
no delay); on the internet the default one request per second per host applies.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT))

from corpus import generate  # noqa: E402
from custodes.analyse import after_run, after_store  # noqa: E402
from custodes.index.changes import publish_delta  # noqa: E402
from custodes.ingest import Ingestor  # noqa: E402
from custodes.sources.fetch import Fetcher, FetchPolicy  # noqa: E402
from custodes.store.db import open_database  # noqa: E402
from custodes.store.watch import add_source, utc_now  # noqa: E402
from custodes.watch import Watcher  # noqa: E402
from tests.httpserver import FixtureServer, Reply, Request  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def page(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{paragraphs}</article></body></html>").encode()


def feed(base: str, f: int, items: int) -> bytes:
    when = format_datetime(datetime(2024, 1, 1 + f % 28, tzinfo=UTC))
    entries = "".join(f"<item><title>Item {f}-{i}</title><link>{base}/f{f}/i{i}.html</link>"
                      f"<pubDate>{when}</pubDate></item>" for i in range(items))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {f}</title>'
            f"<link>{base}/</link>{entries}</channel></rss>").encode()


def conditional(body: bytes, etag: str) -> object:
    def handler(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag}, content_type=None)
        return Reply(200, body, headers={"ETag": etag}, content_type="application/rss+xml")
    return handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--bytes", type=int, default=3000, help="approximate text size per item page")
    parser.add_argument("--threads", type=int, default=8, help="item pages fetched in parallel")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight to the one loopback host")
    args = parser.parse_args()
    total = args.feeds * args.items
    with FixtureServer() as srv, tempfile.TemporaryDirectory() as tmp:
        base = srv.url("")
        srv.route("/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
        docs = generate(total, args.bytes)
        for n, doc in enumerate(docs):
            f, i = divmod(n, args.items)
            srv.route(f"/f{f}/i{i}.html", Reply(body=page(doc.get("title") or f"Item {n}", doc["text"])))
        for f in range(args.feeds):
            srv.route(f"/f{f}.xml", conditional(feed(base, f, args.items), f'"feed-{f}"'))
        setup_rss = peak_rss_mb()  # the fixture server's pages live in this process too
        engine = open_database(Path(tmp) / "bench.db")
        with engine.begin() as conn:
            for f in range(args.feeds):
                add_source(conn, name=f"feed {f}", url=f"{base}/f{f}.xml", kind="feed", every_seconds=3600,
                           lang="en", now=utc_now().isoformat())
        policy = FetchPolicy(allow_private=True, per_host_delay=0, per_host_concurrency=args.concurrency)
        ingestor = Ingestor(engine, max_bytes=5_000_000, after_store=after_store, after_run=after_run)
        with Fetcher(policy) as fetcher:
            watcher = Watcher(engine, fetcher, ingestor, threads=args.threads)
            start = time.perf_counter()
            first = watcher.run_due()
            with engine.connect() as conn:
                published = publish_delta(conn, trigger="watch", deltas_dir=Path(tmp) / "deltas")
            first_s = time.perf_counter() - start
            before = len(srv.requests)
            start = time.perf_counter()
            second = watcher.run_due(every=True)
            watch_s = time.perf_counter() - start
            with engine.connect() as conn:  # `custodes watch` skips this when a round stored nothing
                again = publish_delta(conn, trigger="watch", deltas_dir=Path(tmp) / "deltas")
            second_s = time.perf_counter() - start
            second_requests = srv.requests[before:]
    stored = first.stored
    failed = sum(s.failed for s in first.sources)
    print(f"feeds: {args.feeds} x {args.items} items = {total} item pages")
    print(f"first run: {stored} stored, {failed} failed, {first.failed_sources} failing feed(s), "
          f"{first_s:.1f} s, {total / first_s:.1f} items/s; {published.message()}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB ({setup_rss:.0f} MB of it before watching: the generated pages "
          "and the fixture server)")
    conditional_only = all(r.headers.get("if-none-match") for r in second_requests)
    print(f"second run (nothing changed): {watch_s:.2f} s polling, {len(second_requests)} request(s), "
          f"all conditional: {conditional_only}, {sum(1 for s in second.sources if s.not_modified)} x 304; "
          f"{again.message()}")
    print(f"planning the change feed anyway (as `custodes changes publish` would): {second_s - watch_s:.2f} s more")
    print("target: second run under 2 s with only conditional requests")


if __name__ == "__main__":
    main()
