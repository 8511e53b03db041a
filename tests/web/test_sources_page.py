"""Source health on the web: /sources and /api/v1/sources show what `custodes sources list` shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from custodes.store.db import open_database
from custodes.store.watch import add_source, get_source, record_failure, record_success
from tests.helpers import LiveServer

NOW = "2026-12-01T10:00:00+00:00"


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("sources") / "custodes.db"
    engine = open_database(db)
    with engine.begin() as conn:
        for name in ("healthy", "broken", "quiet"):
            add_source(conn, name=name, url=f"https://{name}.example.org/feed", kind="feed", every_seconds=3600,
                       lang="en", now=NOW)
        ok = get_source(conn, "healthy")
        broken = get_source(conn, "broken")
        quiet = get_source(conn, "quiet")
        assert ok and broken and quiet
        record_success(conn, ok, now=NOW, new_items=4, etag=None, last_modified=None)
        record_failure(conn, broken, now=NOW, error="https://broken.example.org/feed: HTTP 503 <script>x</script>")
        record_success(conn, quiet, now=NOW, new_items=2, etag=None, last_modified=None)
        for _ in range(3):
            record_success(conn, quiet, now=NOW, new_items=0, etag=None, last_modified=None)
    engine.dispose()
    with LiveServer(db) as live:
        yield live.url


def test_the_api_gives_each_sources_health(watched: str) -> None:
    body = httpx.get(f"{watched}/api/v1/sources").json()
    health = {s["name"]: s for s in body["sources"]}
    assert health["healthy"]["health"] == "ok" and health["healthy"]["items_total"] == 4
    assert health["broken"]["health"] == "failing" and health["broken"]["consecutive_failures"] == 1
    assert "HTTP 503" in health["broken"]["last_error"]
    assert health["quiet"]["health"] == "silent" and health["quiet"]["silent"] is True
    assert health["quiet"]["runs_without_items"] == 3


def test_the_page_lists_them_with_errors_escaped(watched: str) -> None:
    response = httpx.get(f"{watched}/sources")
    assert response.status_code == 200
    html = response.text
    assert "<strong>silent</strong>" in html and "<strong>failing</strong>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html
    assert 'href="/sources" aria-current="page"' in html


def test_an_empty_database_says_how_to_add_sources(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    open_database(db).dispose()
    with LiveServer(db) as live:
        html = httpx.get(f"{live.url}/sources").text
        assert httpx.get(f"{live.url}/api/v1/sources").json() == {"sources": []}
    assert "custodes sources import --example" in html
