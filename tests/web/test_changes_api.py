"""/api/v1/changes and /feeds/deployments.atom on a real server over loopback, on a database with
three deltas built through the real pipeline: 20 deployments added, one changed and one added,
one removed by a review."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest
from sqlalchemy import select

from custodes.index.changes import publish_delta
from custodes.review.decisions import decide
from custodes.store.db import open_database
from custodes.store.schema import claims
from tests.helpers import LiveServer
from tests.index.changes_corpus import article, ingest, twenty_articles

KENYA_FR = ("Kenya's national police service deployed a facial recognition system supplied by Hikvision "
            "in 2021.")


@pytest.fixture(scope="module")
def feed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("changes")
    db = folder / "custodes.db"
    engine = open_database(db)
    ingest(engine, folder, twenty_articles())
    with engine.connect() as conn:
        assert publish_delta(conn, trigger="ingest", now="2025-01-01T00:00:00+00:00").version == 1
    ingest(engine, folder, [{**article(30, "Kenya", "Hikvision"), "title": "Kenya adds face matching",
                             "text": KENYA_FR}, article(31, "Ghana", "Huawei")], name="second")
    with engine.connect() as conn:
        assert publish_delta(conn, trigger="ingest", now="2025-02-01T00:00:00+00:00").version == 2
    with engine.begin() as conn:
        claim_id = conn.execute(select(claims.c.id).where(claims.c.country == "SRB",
                                                          claims.c.supplier == "Huawei")).scalar_one()
        decide(conn, claim_id, "reject", {}, "tester", None, "2025-03-01T00:00:00+00:00")
    with engine.connect() as conn:
        assert publish_delta(conn, trigger="review", now="2025-03-01T00:00:00+00:00").version == 3
    engine.dispose()
    return db


@pytest.fixture(scope="module")
def feed_client(feed_db: Path) -> Iterator[httpx.Client]:
    with LiveServer(feed_db) as live, httpx.Client(base_url=live.url, timeout=30, trust_env=False) as c:
        yield c


def changes(client: httpx.Client, **params: object) -> dict:  # type: ignore[type-arg]
    r = client.get("/api/v1/changes", params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_every_entry_in_version_order_replays_to_the_export(feed_client: httpx.Client) -> None:
    body = changes(feed_client)
    assert body["latest"] == 3 and body["next"] is None
    assert [(v["version"], v["added"], v["modified"], v["deleted"], v["trigger"]) for v in body["versions"]] == [
        (1, 20, 0, 0, "ingest"), (2, 1, 1, 0, "ingest"), (3, 0, 0, 1, "review")]
    entries = body["entries"]
    assert [(e["version"], e["pk"]) for e in entries] == sorted((e["version"], e["pk"]) for e in entries)
    assert len(entries) == 23
    replayed: dict[str, dict] = {}  # type: ignore[type-arg]
    for e in entries:
        if e["op"] == "DEL":
            assert e["record"] is None
            del replayed[e["deployment_id"]]
        else:
            replayed[e["deployment_id"]] = e["record"]
    export = feed_client.get("/api/v1/export/deployments.jsonl")
    assert export.status_code == 200
    current = {r["id"]: r for r in map(json.loads, export.text.splitlines())}
    assert replayed == current


def test_since_returns_only_later_deltas(feed_client: httpx.Client) -> None:
    body = changes(feed_client, since=1)
    assert [v["version"] for v in body["versions"]] == [2, 3]
    assert sorted((e["op"], e["country"], e["supplier"]) for e in body["entries"]) == [
        ("ADD", "GHA", "Huawei"), ("DEL", "SRB", "Huawei"), ("MOD", "KEN", "Hikvision")]
    assert changes(feed_client, since=3)["entries"] == []


def test_filters_by_country_code_or_name_vendor_alias_and_tech(feed_client: httpx.Client) -> None:
    kenya = changes(feed_client, country="KEN")["entries"]
    assert [(e["op"], e["supplier"]) for e in kenya] == [("ADD", "Huawei"), ("ADD", "Hikvision"),
                                                         ("MOD", "Hikvision")]
    assert changes(feed_client, country="Kenya")["entries"] == kenya
    hik = changes(feed_client, vendor="Hik-Vision")["entries"]
    assert {e["supplier"] for e in hik} == {"Hikvision"} and len(hik) == 11
    huawei_del = [e for e in changes(feed_client, vendor="huawei")["entries"] if e["op"] == "DEL"]
    assert [(e["country"], e["tech"]) for e in huawei_del] == [("SRB", ["video_surveillance"])]
    (fr,) = changes(feed_client, tech="facial_recognition")["entries"]
    assert fr["op"] == "MOD" and fr["record"]["tech"] == ["facial_recognition", "video_surveillance"]
    assert any(ev["text"] == KENYA_FR for ev in fr["record"]["evidence"])
    assert changes(feed_client, country="KEN", vendor="hikvision", tech="facial_recognition")["entries"] == [fr]


def test_bad_filters_are_422_naming_the_parameter(feed_client: httpx.Client) -> None:
    for params, name in (({"country": "Atlantis"}, "country"), ({"vendor": "Nobody Ltd"}, "vendor"),
                         ({"tech": "mind_reading"}, "tech"), ({"cursor": "x"}, "cursor"), ({"since": -1}, "since")):
        r = feed_client.get("/api/v1/changes", params=params)
        assert r.status_code == 422, params
        assert r.json()["details"][0]["parameter"] == name


def test_pages_follow_next_until_the_end(feed_client: httpx.Client) -> None:
    everything = changes(feed_client)["entries"]
    seen, params = [], {"limit": 5}
    while True:
        page = changes(feed_client, **params)
        assert len(page["entries"]) <= 5
        seen += page["entries"]
        if page["next"] is None:
            break
        params = {"limit": 5, "cursor": page["next"]}
    assert [e["pk"] for e in seen] == [e["pk"] for e in everything]


def test_atom_feed_parses_newest_first_with_titles_links_and_evidence(feed_client: httpx.Client) -> None:
    r = feed_client.get("/feeds/deployments.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo and feed.version == "atom10"
    assert feed.feed.updated == "2025-03-01T00:00:00+00:00"
    assert len(feed.entries) == 23
    first = feed.entries[0]
    assert first.id.startswith("urn:custodes:delta:3:dep-") and first.id.endswith(":DEL")
    assert first.title == "DEL: Serbia — Huawei (video_surveillance)"
    mod = feed.entries[1] if feed.entries[1].title.startswith("MOD") else feed.entries[2]
    assert mod.title == "MOD: Kenya — Hikvision (facial_recognition, video_surveillance)"
    dep = mod.id.split(":")[4]
    assert mod.link == f"{feed_client.base_url}/countries/KEN#d-{dep}"
    assert KENYA_FR in mod.content[0].value and mod.updated == "2025-02-01T00:00:00+00:00"
    page = feed_client.get("/countries/KEN")
    assert page.status_code == 200 and f'id="d-{dep}"' in page.text
    versions = [int(e.id.split(":")[3]) for e in feed.entries]
    assert versions == sorted(versions, reverse=True)
    assert sum(e.title.startswith("ADD: ") for e in feed.entries) == 21


def test_atom_feed_filters(feed_client: httpx.Client) -> None:
    kenya = feedparser.parse(feed_client.get("/feeds/deployments.atom", params={"country": "Kenya"}).content)
    assert sorted(e.title for e in kenya.entries) == [
        "ADD: Kenya — Hikvision (video_surveillance)", "ADD: Kenya — Huawei (video_surveillance)",
        "MOD: Kenya — Hikvision (facial_recognition, video_surveillance)"]
    wanted = {"vendor": "Hangzhou Hikvision", "tech": "facial_recognition"}
    fr = feedparser.parse(feed_client.get("/feeds/deployments.atom", params=wanted).content)
    assert [e.title for e in fr.entries] == ["MOD: Kenya — Hikvision (facial_recognition, video_surveillance)"]
    assert feed_client.get("/feeds/deployments.atom", params={"tech": "nope"}).status_code == 422


def test_both_endpoints_are_in_the_openapi_document(feed_client: httpx.Client) -> None:
    paths = feed_client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/changes"]) == {"get"} and set(paths["/feeds/deployments.atom"]) == {"get"}
    params = {p["name"] for p in paths["/api/v1/changes"]["get"]["parameters"]}
    assert {"since", "country", "vendor", "tech", "limit", "cursor"} <= params
