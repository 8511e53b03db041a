"""Feeds, sitemaps and pages become the same list of items, under the same rules."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime

import pytest

from custodes.sources import xmlsafe
from custodes.sources.listed import ListingBuilder
from custodes.sources.listing import (
    ListedItem,
    ListingError,
    check_date,
    item_keys,
    normalise_url,
    page_metadata,
    parse_listing,
)
from custodes.sources.urls import is_http_url, is_normalised_http_url
from tests.conftest import SOURCES

WATCH = SOURCES / "watch"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def listing(name: str, *, url: str, kind: str = "feed", content_type: str | None = None):  # type: ignore[no-untyped-def]
    return parse_listing((WATCH / name).read_bytes(), url=url, kind=kind, content_type=content_type, now=NOW)


# feeds


def test_rss2_items_titles_dates_and_summaries() -> None:
    result = listing("rss2.xml", url="https://news.example.org/feed/", content_type="application/rss+xml")
    assert result.kind == "feed"
    assert result.title == "The Civic Ledger — Surveillance desk"
    assert [i.url for i in result.items] == [
        "https://news.example.org/2024/03/harbour-city-cameras",
        "https://news.example.org/2024/03/plate-readers-trial",
        "https://news.example.org/2024/03/drone-tender?id=77",
    ]
    first, second, third = result.items
    assert first.title == "Harbour city buys 400 face recognition cameras from Northwind Vision"
    assert first.published == "2024-03-05T10:00:00+00:00"
    assert first.summary == "The council approved a four-year contract worth 2.1 million euros."  # markup gone
    assert first.guid == "civic-ledger-1041"
    assert second.published == "2024-03-06T07:30:00+00:00"  # +0100 turned into UTC
    assert third.published == "2024-03-07"  # a bare date stays a date
    assert result.warnings == []  # no content type problem is worth a warning


def test_relative_link_resolved_against_the_feed_url() -> None:
    result = listing("rss2.xml", url="https://news.example.org/feed/")
    assert result.items[1].url == "https://news.example.org/2024/03/plate-readers-trial"


def test_tracking_parameters_fragment_port_and_host_case_are_normalised() -> None:
    result = listing("rss2.xml", url="https://news.example.org/feed/")
    urls = [i.url for i in result.items]
    assert not any("utm_" in u or "fbclid" in u or "#" in u or ":443" in u or "NEWS" in u for u in urls)
    assert "https://news.example.org/2024/03/drone-tender?id=77" in urls  # the rest of the query stays


def test_atom_feed_with_xml_base() -> None:
    result = listing("atom.xml", url="https://watch.example.net/blog/atom.xml", content_type="application/atom+xml")
    assert result.title == "Procurement Watch"
    assert [i.url for i in result.items] == [
        "https://watch.example.net/blog/posts/predictive-policing-contract",
        "https://watch.example.net/blog/posts/biometric-boarding",
    ]
    first, second = result.items
    assert first.published == "2024-04-01T12:15:00+00:00"  # published preferred to updated
    assert first.guid == "tag:watch.example.net,2024:entry-18"
    assert second.published == "2024-03-28T07:00:00+00:00"  # only updated given
    assert second.summary == "Passengers can still ask for a manual check."


def test_json_feed_detected_by_content() -> None:
    result = listing("feed.json", url="https://monitor.example.com/feed.json")
    assert result.kind == "feed"
    assert result.title == "Open Contracts Monitor"
    assert [i.url for i in result.items] == ["https://monitor.example.com/notes/77",
                                             "https://monitor.example.com/notes/78"]
    assert result.items[0].published == "2024-05-10T21:45:00+00:00"
    assert result.items[0].guid == "https://monitor.example.com/notes/77"
    assert result.items[1].published == "2024-05-12"
    assert result.items[1].summary == "The ruling covers searches made since 2021."
    assert result.warnings == ["item 3: no link, skipped"]


def test_json_feed_detected_by_content_type() -> None:
    body = (WATCH / "feed.json").read_bytes()
    result = parse_listing(b"\n  " + body, url="https://monitor.example.com/feed.json", kind="feed",
                           content_type="application/feed+json; charset=utf-8", now=NOW)
    assert len(result.items) == 2


def test_json_without_a_jsonfeed_version_is_refused() -> None:
    with pytest.raises(ListingError, match=r"https://api\.example\.com/x\.json: .*JSON Feed version"):
        parse_listing(b'{"version": "2", "items": []}', url="https://api.example.com/x.json", kind="feed", now=NOW)
    with pytest.raises(ListingError, match="not readable JSON"):
        parse_listing(b'{"version": ', url="https://api.example.com/x.json", kind="feed", now=NOW)


def test_item_without_link_skipped_and_duplicate_listed_once() -> None:
    result = listing("rss_missing_link_duplicate.xml", url="https://gazette.example.org/rss")
    assert [i.url for i in result.items] == [
        "https://gazette.example.org/county-gunshot-detection",
        "https://gazette.example.org/school-face-scanning-paused",
    ]
    assert result.items[0].title == "County signs gunshot detection contract"  # the first listing wins
    assert result.warnings == ["item 2: no link, skipped"]


def test_future_old_and_unreadable_dates_are_flagged_not_trusted() -> None:
    result = listing("rss_bad_dates.xml", url="https://dates.example.org/feed")
    flags = {i.url.rsplit("/", 1)[1]: (i.published, i.date_flag) for i in result.items}
    assert flags == {
        "scheduled-camera-tender": (None, "future"),
        "archive-police-database": (None, "too_old"),
        "broken-date": (None, "unparsed"),
        "this-morning": ("2026-12-03T07:00:00+00:00", None),
    }


def test_bozo_feed_with_entries_kept_with_a_warning() -> None:
    result = listing("rss_bozo.xml", url="https://sloppy.example.org/feed")
    assert [i.url for i in result.items] == ["https://sloppy.example.org/rail-behaviour-analytics"]
    [warning] = result.warnings
    assert warning.startswith("feed is not well-formed (") and warning.endswith("1 item read anyway")


def test_malformed_feed_raises_naming_url_and_reason() -> None:
    with pytest.raises(ListingError) as caught:
        listing("malformed.xml", url="https://broken.example.org/feed")
    assert caught.value.url == "https://broken.example.org/feed"
    assert str(caught.value).startswith("https://broken.example.org/feed: not a readable feed: ")


def test_not_a_feed_at_all_raises() -> None:
    with pytest.raises(ListingError, match="not an RSS, Atom or JSON feed"):
        parse_listing(b"<html><body><p>hello</p></body></html>", url="https://x.example.org/", kind="feed", now=NOW)


def test_empty_but_valid_feed_is_an_empty_listing() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    result = parse_listing(body, url="https://quiet.example.org/feed", kind="feed", now=NOW)
    assert result.items == [] and result.title == "Quiet" and result.warnings == []


def test_feed_is_never_read_as_a_file_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # feedparser.parse(bytes) tries open(bytes) first; a listing body must not read a local file
    secret = tmp_path / "secret.xml"
    secret.write_bytes(b'<rss version="2.0"><channel><item><link>https://leak.example.org/</link></item></channel></rss>')
    with pytest.raises(ListingError):
        parse_listing(str(secret).encode(), url="https://x.example.org/feed", kind="feed", now=NOW)


def test_feed_entity_declarations_refused() -> None:
    with pytest.raises(ListingError, match="declares entities"):
        listing("entities.xml", url="https://evil.example.org/feed")


# sitemaps


def test_sitemap_urlset_with_lastmod() -> None:
    result = listing("sitemap.xml", url="https://agency.example.gov/sitemap.xml", kind="sitemap")
    assert result.kind == "sitemap"
    assert [(i.url, i.published) for i in result.items] == [
        ("https://agency.example.gov/news/camera-network-expansion", "2024-02-20"),
        ("https://agency.example.gov/news/analytics-contract-award", "2024-02-21T15:30:00+00:00"),
        ("https://agency.example.gov/news/public-consultation", None),
    ]
    assert result.children == []
    assert result.warnings == ["item 4: no link, skipped"]


def test_sitemap_index_lists_children() -> None:
    result = listing("sitemap_index.xml", url="https://agency.example.gov/sitemap_index.xml", kind="sitemap")
    assert result.kind == "sitemap_index"
    assert result.items == []
    assert result.children == ["https://agency.example.gov/sitemap-news-2024.xml",
                               "https://agency.example.gov/sitemap-pages.xml.gz"]


def test_news_sitemap_publication_date_and_title() -> None:
    result = listing("news_sitemap.xml", url="https://daily.example.com/news-sitemap.xml", kind="sitemap")
    assert [(i.url, i.title, i.published) for i in result.items] == [
        ("https://daily.example.com/2024/06/city-council-approves-drone-fleet",
         "City council approves police drone fleet", "2024-06-03T16:20:00+00:00"),  # not the later lastmod
        ("https://daily.example.com/2024/06/vendor-wins-biometric-id-tender",
         "Vendor wins national biometric ID tender", "2024-06-02"),
    ]


def test_gzipped_sitemap_is_read() -> None:
    body = gzip.compress((WATCH / "sitemap.xml").read_bytes())
    result = parse_listing(body, url="https://agency.example.gov/sitemap.xml.gz", kind="sitemap", now=NOW)
    assert len(result.items) == 3


def test_gzip_bomb_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xmlsafe, "MAX_XML_BYTES", 10_000)
    body = gzip.compress(b"<urlset>" + b" " * 1_000_000 + b"</urlset>")  # 1 MB from about 1 kB
    assert len(body) < 10_000
    with pytest.raises(ListingError, match="larger than"):
        parse_listing(body, url="https://bomb.example.org/s.xml.gz", kind="sitemap", now=NOW)
    with pytest.raises(ListingError, match="larger than"):
        parse_listing(body, url="https://bomb.example.org/feed.gz", kind="feed", now=NOW)


def test_entity_declaring_doctype_refused() -> None:
    with pytest.raises(ListingError) as caught:
        listing("entities.xml", url="https://evil.example.org/sitemap.xml", kind="sitemap")
    assert "https://evil.example.org/sitemap.xml" in str(caught.value)
    assert "declares entities" in str(caught.value)


def test_entity_text_inside_the_document_is_not_refused() -> None:
    body = (b'<?xml version="1.0"?><urlset><url><loc>https://a.example.org/x</loc>'
            b'<note><![CDATA[<!DOCTYPE x [<!ENTITY y "z">]>]]></note></url></urlset>')
    result = parse_listing(body, url="https://a.example.org/sitemap.xml", kind="sitemap", now=NOW)
    assert [i.url for i in result.items] == ["https://a.example.org/x"]


def test_doctype_without_entities_is_fine() -> None:
    body = (b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel><title>Old</title>'
            b'<item><title>A</title><link>https://old.example.org/a</link></item></channel></rss>')
    result = parse_listing(body, url="https://old.example.org/rss", kind="feed", now=NOW)
    assert [i.url for i in result.items] == ["https://old.example.org/a"]


def test_feed_given_as_sitemap_is_read_as_a_feed() -> None:
    result = listing("rss2.xml", url="https://news.example.org/feed/", kind="sitemap")
    assert result.kind == "feed" and len(result.items) == 3


def test_sitemap_that_is_not_xml_or_not_a_sitemap() -> None:
    with pytest.raises(ListingError, match="not well-formed XML"):
        listing("malformed.xml", url="https://x.example.org/sitemap.xml", kind="sitemap")
    with pytest.raises(ListingError, match=r"root element is <html>"):
        parse_listing(b"<html><body/></html>", url="https://x.example.org/sitemap.xml", kind="sitemap", now=NOW)


def test_items_per_listing_are_capped_with_a_warning() -> None:
    builder = ListingBuilder("sitemap", url="https://big.example.org/sitemap.xml", now=NOW, max_items=3)
    for n in range(1, 6):
        builder.add(n, f"/page-{n}")
    assert [i.url for i in builder.listing.items] == [f"https://big.example.org/page-{n}" for n in (1, 2, 3)]
    assert builder.listing.warnings == ["more than 3 entries; the rest were not read"]


def test_large_sitemap_capped_at_protocol_limit() -> None:
    entries = b"".join(b"<url><loc>https://big.example.org/p/%d</loc></url>" % n for n in range(50_005))
    body = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + entries + b"</urlset>"
    started = time.perf_counter()
    result = parse_listing(body, url="https://big.example.org/sitemap.xml", kind="sitemap", now=NOW)
    elapsed = time.perf_counter() - started
    assert len(result.items) == 50_000
    assert result.warnings == ["more than 50000 entries; the rest were not read"]
    assert elapsed < 10, f"50,000 sitemap entries took {elapsed:.1f}s"


# pages


def test_page_source_is_its_own_item_under_its_canonical_url() -> None:
    result = listing("article.html", url="https://record.example.org/story?id=9&utm_source=x", kind="page")
    assert result.kind == "page"
    [item] = result.items
    assert item.url == "https://record.example.org/2024/03/port-thermal-cameras"  # rel=canonical beats og:url
    assert item.title == "Port authority adds thermal cameras to its perimeter"
    assert item.published == "2024-03-14"
    assert item.date_flag is None


def test_page_without_canonical_keeps_its_url() -> None:
    html = b"<html><head><title>Notice</title></head><body><p>Tender notice.</p></body></html>"
    result = parse_listing(html, url="https://x.example.org/notice?utm_medium=mail", kind="page", now=NOW)
    assert [i.url for i in result.items] == ["https://x.example.org/notice"]


def test_page_metadata_canonical_and_date() -> None:
    html = (WATCH / "article.html").read_text(encoding="utf-8")
    assert page_metadata(html, url="https://record.example.org/story", now=NOW) == (
        "https://record.example.org/2024/03/port-thermal-cameras", "2024-03-14", None)


def test_page_metadata_og_url_when_no_canonical_and_future_date_flagged() -> None:
    html = ('<html><head><meta property="og:url" content="https://record.example.org/a?utm_source=fb">'
            '<meta property="article:published_time" content="2031-01-05T10:00:00Z"></head>'
            '<body><p>Text about a tender.</p></body></html>')
    assert page_metadata(html, url="https://record.example.org/x", now=NOW) == (
        "https://record.example.org/a", None, "future")


def test_page_metadata_old_date_flagged_and_bad_canonical_ignored() -> None:
    html = ('<html><head><link rel="canonical" href="javascript:void(0)">'
            '<meta name="date" content="1987-04-02"></head><body><p>Archive scan.</p></body></html>')
    assert page_metadata(html, url="https://record.example.org/x", now=NOW) == (None, None, "too_old")


# URLs, dates, keys


@pytest.mark.parametrize(("raw", "base", "expected"), [
    ("HTTP://Example.ORG:80/a?utm_source=x&b=2&a=1&fbclid=z#frag", None, "http://example.org/a?b=2&a=1"),
    ("../b/c?UTM_Medium=1&id=3", "https://news.example.org:443/a/x/feed", "https://news.example.org/a/b/c?id=3"),
    ("https://example.org", None, "https://example.org/"),
    ("https://example.org:8443/x?gclid=1&mc_cid=2&mc_eid=3", None, "https://example.org:8443/x"),
    ("  https://example.org/x?q=a%20b&flag  ", None, "https://example.org/x?q=a%20b&flag"),
    ("//cdn.example.org/p", "https://example.org/", "https://cdn.example.org/p"),
])
def test_normalise_url(raw: str, base: str | None, expected: str) -> None:
    assert normalise_url(raw, base) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Tue, 05 Mar 2024 10:00:00 GMT", ("2024-03-05T10:00:00+00:00", None)),
    ("Tue, 05 Mar 2024 10:00:00 +0100", ("2024-03-05T09:00:00+00:00", None)),
    ("2024-03-05T12:00:00+02:00", ("2024-03-05T10:00:00+00:00", None)),
    ("2024-03-05T10:00:00Z", ("2024-03-05T10:00:00+00:00", None)),
    ("2024-03-05T10:00:00", ("2024-03-05T10:00:00+00:00", None)),  # no zone: taken as UTC
    ("2024-03-05", ("2024-03-05", None)),
    ("2024-03", ("2024-03-01", None)),
    ("2026-12-04T06:00:00Z", ("2026-12-04T06:00:00+00:00", None)),  # within a day ahead: clocks differ
    ("2026-12-05T00:00:00Z", (None, "future")),
    ("1989-12-31T23:59:59Z", (None, "too_old")),
    ("1990-01-01", ("1990-01-01", None)),
    ("not a date", (None, "unparsed")),
    ("0000-00-00", (None, "unparsed")),
    (None, (None, None)),
    ("", (None, None)),
])
def test_check_date(value: str | None, expected: tuple[str | None, str | None]) -> None:
    assert check_date(value, now=NOW) == expected


def test_check_date_reads_feedparser_struct() -> None:
    assert check_date(time.strptime("2024-03-05 10:00:00", "%Y-%m-%d %H:%M:%S"), now=NOW) == (
        "2024-03-05T10:00:00+00:00", None)


def test_item_keys_url_and_url_guid() -> None:
    item = ListedItem(url="https://a.example.org/x", guid="https://A.example.org/x-old?utm_source=rss")
    assert item_keys(item) == ["https://a.example.org/x", "https://a.example.org/x-old"]
    assert item_keys(ListedItem(url="https://a.example.org/x", guid="tag:a,2024:1")) == ["https://a.example.org/x"]
    assert item_keys(ListedItem(url="https://a.example.org/x", guid="https://a.example.org/x")) == [
        "https://a.example.org/x"]


def test_links_that_are_not_http_are_skipped() -> None:
    builder = ListingBuilder("feed", url="https://f.example.org/feed", now=NOW)
    links = ["mailto:desk@example.org", "javascript:void(0)", "ftp://files.example.org/x", "https://f.example.org/ok"]
    for position, link in enumerate(links, start=1):
        builder.add(position, link)
    assert [i.url for i in builder.listing.items] == ["https://f.example.org/ok"]
    assert builder.listing.warnings == [
        "item 1: link 'mailto:desk@example.org' is not an http(s) URL, skipped",
        "item 2: link 'javascript:void(0)' is not an http(s) URL, skipped",
        "item 3: link 'ftp://files.example.org/x' is not an http(s) URL, skipped",
    ]


@pytest.mark.parametrize(("url", "expected"), [
    ("https://a.example.org/", True), ("http://a.example.org:8080/x", True), ("https://?x", False),
    ("https:///p", False), ("http://@/x", False), ("https://#f", False), ("mailto:x@example.org", False),
])
def test_is_normalised_http_url(url: str, expected: bool) -> None:
    assert is_normalised_http_url(url) is expected
    assert is_http_url(url) is expected


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown source kind 'rss'"):
        parse_listing(b"", url="https://x.example.org/", kind="rss", now=NOW)
