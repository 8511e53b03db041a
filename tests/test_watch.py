"""The watcher end to end: feeds and pages served on 127.0.0.1, stored, extracted, published.

Articles and feeds are written for these tests. Every fetch goes over a real socket to the
fixture server; the default policy (no --allow-private) must refuse that server outright.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from custodes.analyse import after_run, after_store
from custodes.index.changes import publish_delta
from custodes.ingest import Ingestor
from custodes.sources.fetch import Fetcher, FetchPolicy
from custodes.store.schema import deployments, documents, watch_items
from custodes.store.watch import add_source, get_source, utc_now
from custodes.watch import Watcher
from tests.helpers import ROOT, run_cli
from tests.httpserver import FixtureServer, Reply, Request

ARTICLES = {
    "/news/kenya-cameras.html": ("Nairobi widens its camera grid",
                                 "Kenya's national police installed Huawei surveillance cameras along Nairobi's "
                                 "main roads in 2019, the interior ministry said."),
    "/news/serbia-lamps.html": ("Belgrade lamp posts carry cameras",
                                "Serbia's interior ministry deployed Huawei facial recognition cameras on lamp "
                                "posts across Belgrade in 2020."),
    "/private/zambia.html": ("Lusaka control room", "Zambia bought Huawei surveillance cameras in 2018."),
}


def article_html(title: str, sentence: str, canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    filler = " ".join(["Officials gave no figure for the cost of the work and did not answer questions."] * 3)
    return (f"<!doctype html><html><head><title>{title}</title>{link}</head><body><article><h1>{title}</h1>"
            f"<p>{sentence}</p><p>{filler}</p></article></body></html>").encode()


def rss(base: str, paths: list[str], pub: datetime | None = None) -> bytes:
    when = format_datetime(pub or datetime(2024, 5, 6, 9, 0, tzinfo=UTC))
    items = "".join(f"<item><title>{ARTICLES.get(p, ('x', ''))[0]}</title><link>{base}{p}</link>"
                    f"<pubDate>{when}</pubDate></item>" for p in paths)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fixture wire</title>'
            f"<link>{base}/</link>{items}</channel></rss>").encode()


def conditional(body: bytes, etag: str, content_type: str = "application/rss+xml") -> object:
    def handler(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag}, content_type=None)
        return Reply(200, body, headers={"ETag": etag}, content_type=content_type)
    return handler


@pytest.fixture
def site() -> Iterator[FixtureServer]:
    with FixtureServer() as srv:
        srv.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
        for path, (title, sentence) in ARTICLES.items():
            srv.route(path, Reply(body=article_html(title, sentence)))
        yield srv


def make_watcher(engine: Engine) -> Watcher:
    fetcher = Fetcher(FetchPolicy(allow_private=True, per_host_delay=0, backoff_base=0.01, retries=1))
    ingestor = Ingestor(engine, max_bytes=5_000_000, after_store=after_store, after_run=after_run)
    return Watcher(engine, fetcher, ingestor, threads=4)


def watch_feed(engine: Engine, url: str, name: str = "wire", kind: str = "feed") -> None:
    with engine.begin() as conn:
        add_source(conn, name=name, url=url, kind=kind, every_seconds=3600, lang=None, now=utc_now().isoformat())


def test_a_feed_is_read_its_items_stored_and_extracted_and_robots_obeyed(engine: Engine,
                                                                         site: FixtureServer) -> None:
    paths = list(ARTICLES)
    site.route("/feed.xml", conditional(rss(site.url(""), paths + ["/news/kenya-cameras.html?utm_source=x"]), '"v1"'))
    watch_feed(engine, site.url("/feed.xml"))
    run = make_watcher(engine).run_due()
    (outcome,) = run.sources
    assert outcome.error is None
    assert outcome.stored == 2 and outcome.failed == 1  # the /private/ item is refused by robots.txt
    assert site.hits("/private/zambia.html") == []
    assert len(site.hits("/news/kenya-cameras.html")) == 1  # the tracking-parameter duplicate is the same item
    with engine.connect() as conn:
        docs = conn.execute(select(documents.c.url, documents.c.source, documents.c.published)).all()
        pairs = {tuple(r) for r in conn.execute(select(deployments.c.country, deployments.c.supplier))}
        failed = conn.execute(select(watch_items.c.reason).where(watch_items.c.outcome == "failed")).scalars().all()
    assert {d.url for d in docs} == {site.url("/news/kenya-cameras.html"), site.url("/news/serbia-lamps.html")}
    assert {d.source for d in docs} == {"watch:wire"}
    assert {d.published for d in docs} == {"2024-05-06"}
    assert ("KEN", "Huawei") in pairs and ("SRB", "Huawei") in pairs
    assert len(failed) == 1 and "robots" in failed[0].lower()


def test_an_unchanged_feed_costs_one_conditional_request(engine: Engine, site: FixtureServer) -> None:
    site.route("/feed.xml", conditional(rss(site.url(""), ["/news/kenya-cameras.html"]), '"v1"'))
    watch_feed(engine, site.url("/feed.xml"))
    watcher = make_watcher(engine)
    watcher.run_due()
    before = len(site.requests)
    second = watcher.run_due(every=True)
    new_requests = site.requests[before:]
    assert [r.path for r in new_requests] == ["/feed.xml"]
    assert new_requests[0].headers.get("if-none-match") == '"v1"'
    assert second.sources[0].not_modified


def test_seen_items_are_not_fetched_again_when_the_feed_changes(engine: Engine, site: FixtureServer) -> None:
    site.route("/feed.xml", Reply(body=rss(site.url(""), ["/news/kenya-cameras.html"]),
                                  content_type="application/rss+xml"))
    watch_feed(engine, site.url("/feed.xml"))
    watcher = make_watcher(engine)
    watcher.run_due()
    site.route("/feed.xml", Reply(body=rss(site.url(""), ["/news/kenya-cameras.html", "/news/serbia-lamps.html"]),
                                  content_type="application/rss+xml"))
    run = watcher.run_due(every=True)
    assert run.sources[0].new == 1 and run.sources[0].stored == 1
    assert len(site.hits("/news/kenya-cameras.html")) == 1


def test_a_source_that_stops_yielding_items_is_flagged_silent(engine: Engine, site: FixtureServer) -> None:
    site.route("/feed.xml", Reply(body=rss(site.url(""), ["/news/kenya-cameras.html"]),
                                  content_type="application/rss+xml"))
    watch_feed(engine, site.url("/feed.xml"))
    watcher = make_watcher(engine)
    watcher.run_due()
    with engine.connect() as conn:
        assert get_source(conn, "wire").health == "ok"  # type: ignore[union-attr]
    for _ in range(3):
        watcher.run_due(every=True)
    with engine.connect() as conn:
        source = get_source(conn, "wire")
    assert source is not None and source.silent and source.health == "silent"
    assert source.items_total == 1 and source.consecutive_failures == 0


def test_a_failing_source_is_reported_and_the_others_go_on(engine: Engine, site: FixtureServer) -> None:
    site.route("/broken.xml", Reply(500, b"oops", content_type="text/plain"))
    site.route("/feed.xml", Reply(body=rss(site.url(""), ["/news/serbia-lamps.html"]),
                                  content_type="application/rss+xml"))
    watch_feed(engine, site.url("/broken.xml"), name="broken")
    watch_feed(engine, site.url("/feed.xml"), name="wire")
    watcher = make_watcher(engine)
    watcher.run_due()
    watcher.run_due(every=True)
    with engine.connect() as conn:
        broken, wire = get_source(conn, "broken"), get_source(conn, "wire")
    assert broken is not None and wire is not None
    assert broken.consecutive_failures == 2 and broken.health == "failing" and "500" in (broken.last_error or "")
    assert wire.items_total == 1 and wire.health == "ok"


def test_dates_in_the_future_are_flagged_not_trusted(engine: Engine, site: FixtureServer) -> None:
    future = datetime.now(UTC) + timedelta(days=400)
    site.route("/feed.xml", Reply(body=rss(site.url(""), ["/news/kenya-cameras.html"], pub=future),
                                  content_type="application/rss+xml"))
    watch_feed(engine, site.url("/feed.xml"))
    make_watcher(engine).run_due()
    with engine.connect() as conn:
        doc = conn.execute(select(documents.c.published, documents.c.extra)).one()
        flag = conn.execute(select(watch_items.c.date_flag)).scalar_one()
    assert doc.published is None
    assert json.loads(doc.extra)["date_flag"] == "future" and flag == "future"


def test_a_sitemap_index_leads_to_its_children(engine: Engine, site: FixtureServer) -> None:
    base = site.url("")
    site.route("/sitemap.xml", Reply(body=(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sm-1.xml</loc></sitemap></sitemapindex>").encode(), content_type="application/xml"))
    site.route("/sm-1.xml", Reply(body=(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/news/serbia-lamps.html</loc><lastmod>2024-02-01</lastmod></url></urlset>").encode(),
        content_type="application/xml"))
    watch_feed(engine, site.url("/sitemap.xml"), name="map", kind="sitemap")
    run = make_watcher(engine).run_due()
    assert run.sources[0].stored == 1
    with engine.connect() as conn:
        assert conn.execute(select(documents.c.published)).scalar_one() == "2024-02-01"


def test_a_changed_page_supersedes_what_it_said_before(engine: Engine, site: FixtureServer) -> None:
    page = "/tracker.html"
    both = (ARTICLES["/news/kenya-cameras.html"][1] + " " + ARTICLES["/news/serbia-lamps.html"][1])
    site.route(page, Reply(body=article_html("Camera tracker", both)))
    watch_feed(engine, site.url(page), name="tracker", kind="page")
    watcher = make_watcher(engine)
    watcher.run_due()
    with engine.connect() as conn:
        assert {r.country for r in conn.execute(select(deployments.c.country))} >= {"KEN", "SRB"}
    site.route(page, Reply(body=article_html("Camera tracker", ARTICLES["/news/kenya-cameras.html"][1])))
    run = watcher.run_due(every=True)
    assert run.sources[0].stored == 1
    with engine.connect() as conn:
        countries = {r.country for r in conn.execute(select(deployments.c.country))}
        extras = [json.loads(e) for e in conn.execute(select(documents.c.extra)).scalars() if e]
    assert "SRB" not in countries and "KEN" in countries
    assert sum(1 for e in extras if e.get("superseded_by")) == 1


def test_a_truncated_page_is_held_back_by_the_shrink_guard(engine: Engine, site: FixtureServer,
                                                          tmp_path: Path) -> None:
    page = "/tracker.html"
    both = (ARTICLES["/news/kenya-cameras.html"][1] + " " + ARTICLES["/news/serbia-lamps.html"][1])
    site.route(page, Reply(body=article_html("Camera tracker", both)))
    watch_feed(engine, site.url(page), name="tracker", kind="page")
    watcher = make_watcher(engine)
    watcher.run_due()
    with engine.connect() as conn:
        first = publish_delta(conn, trigger="watch", deltas_dir=tmp_path)
    assert first.status == "published" and first.plan.added >= 2
    site.route(page, Reply(body=article_html("Camera tracker", ARTICLES["/news/kenya-cameras.html"][1])))
    watcher.run_due(every=True)
    with engine.connect() as conn:
        held = publish_delta(conn, trigger="watch", deltas_dir=tmp_path)
        assert held.status == "blocked" and "tracker" in (held.blocked_reason or "")
        forced = publish_delta(conn, trigger="watch", deltas_dir=tmp_path, force=True)
    assert forced.status == "published" and forced.plan.deleted >= 1


def test_cli_refuses_loopback_by_default_and_fetches_it_with_allow_private(tmp_path: Path,
                                                                         site: FixtureServer) -> None:
    db = tmp_path / "w.db"
    site.route("/feed.xml", Reply(body=rss(site.url(""), ["/news/kenya-cameras.html"]),
                                  content_type="application/rss+xml"))
    assert run_cli("sources", "add", site.url("/feed.xml"), "--name", "wire", "--every", "1h", db=db).returncode == 0
    refused = run_cli("watch", "--once", db=db)
    assert refused.returncode == 1
    assert site.requests == []  # refused before any connection
    listed = json.loads(run_cli("sources", "list", "--json", db=db).stdout)
    assert listed[0]["health"] == "failing" and "refused" in listed[0]["last_error"]
    ok = run_cli("watch", "--once", "--all", "--allow-private", "--per-host-delay", "0", db=db)
    assert ok.returncode == 0, ok.stderr
    listed = json.loads(run_cli("sources", "list", "--json", db=db).stdout)
    assert listed[0]["health"] == "ok" and listed[0]["items_total"] == 1
    assert "published delta 1" in ok.stdout


def test_sources_import_names_bad_lines_and_adds_the_rest(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    csv = tmp_path / "sources.csv"
    csv.write_text("name,url,kind,every,lang\nA,https://a.example.org/feed,feed,6h,en\n"
                   "B,https://b.example.org/feed,rss,6h,en\nC,https://c.example.org/map.xml,sitemap,1d,fr\n")
    result = run_cli("sources", "import", str(csv), db=db)
    assert result.returncode == 0, result.stderr
    assert "line 3" in result.stderr and "rss" in result.stderr
    names = [s["name"] for s in json.loads(run_cli("sources", "list", "--json", db=db).stdout)]
    assert names == ["A", "C"]
    again = run_cli("sources", "import", str(csv), db=db)
    assert "0 source(s) added, 2 already watched" in again.stdout
    assert run_cli("sources", "import", "--example", db=db).returncode == 0
    assert len(json.loads(run_cli("sources", "list", "--json", db=db).stdout)) > 5
    assert run_cli("sources", "remove", "A", db=db).returncode == 0
    assert run_cli("sources", "remove", "A", db=db).returncode == 2


def _round_done(db: Path) -> bool:
    import sqlite3

    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT last_success FROM watch_sources").fetchone()[0] is not None
    except (sqlite3.Error, TypeError):
        return False


def test_watch_loop_stops_cleanly_on_sigterm(tmp_path: Path, site: FixtureServer) -> None:
    db = tmp_path / "w.db"
    site.route("/feed.xml", Reply(body=rss(site.url(""), ["/news/kenya-cameras.html"]),
                                  content_type="application/rss+xml"))
    assert run_cli("sources", "add", site.url("/feed.xml"), "--name", "wire", db=db).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "custodes", "watch", "--allow-private", "--per-host-delay", "0",
                             "--db", str(db)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not _round_done(db):
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)  # the loop is now waiting for the source to be due again
        out, errs = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, (out, errs)
    assert "stopping after the current document" in errs
    listed = json.loads(run_cli("sources", "list", "--json", db=db).stdout)
    assert listed[0]["items_total"] == 1, (out, errs, listed)


def test_sigint_mid_round_stops_between_documents_and_leaves_every_stored_one_whole(tmp_path: Path,
                                                                                  site: FixtureServer) -> None:
    import sqlite3

    db = tmp_path / "w.db"
    paths = [f"/slow/{i}.html" for i in range(30)]
    title, sentence = ARTICLES["/news/kenya-cameras.html"]
    for i, path in enumerate(paths):
        body = article_html(f"{title} {i}", sentence.replace("2019", str(1990 + i)) + f" Item {i} of the wire.")
        site.route(path, Reply(body=body, chunk_delay=0.2, chunk_size=len(body) // 2 + 1))
    site.route("/feed.xml", Reply(body=rss(site.url(""), paths), content_type="application/rss+xml"))
    assert run_cli("sources", "add", site.url("/feed.xml"), "--name", "wire", db=db).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "custodes", "watch", "--allow-private", "--per-host-delay", "0",
                             "--threads", "2", "--db", str(db)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)

    def stored() -> int:
        try:
            with sqlite3.connect(db) as conn:
                return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        except sqlite3.Error:
            return 0

    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and stored() < 2:
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, errs = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, (out, errs)
    with sqlite3.connect(db) as conn:
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        extracted = conn.execute("SELECT count(*) FROM document_extractions").fetchone()[0]
        items = conn.execute("SELECT count(*) FROM watch_items").fetchone()[0]
    assert 2 <= docs < len(paths)  # stopped early, between documents
    assert extracted == docs == items  # every stored document has its extraction and its item row
