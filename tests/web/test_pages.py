"""Server-rendered pages over HTTP: content, escaping of untrusted text, self-hosted assets."""

from __future__ import annotations

import re

import httpx
import pytest

PAGES = ("/", "/countries", "/countries/ECU", "/vendors", "/vendors/huawei", "/search?q=cameras", "/deployments",
         "/downloads", "/api", "/?by=category:facial_recognition", "/?by=supplier_country:CHN")


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_with_only_same_origin_assets(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, "inline script"
    assert " style=" not in html and "<style" not in html, "inline style breaks the CSP"
    for url in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url


def test_static_assets_are_served_by_the_app(client: httpx.Client) -> None:
    for path in ("/static/style.css", "/static/app.js", "/static/favicon.svg",
                 "/static/geo/ne_110m_admin_0_countries.geojson", "/static/geo/SOURCE.md"):
        assert client.get(path).status_code == 200, path


def test_home_map_links_every_country_and_has_a_legend(client: httpx.Client) -> None:
    html = client.get("/").text
    assert html.count('class="country"') >= 170
    assert 'href="/countries/KEN"' in html and 'data-iso3="NOR"' in html
    assert 'class="legend"' in html and "none recorded" in html and "1 deployment" in html
    assert re.search(r'data-iso3="ECU" data-name="Ecuador" data-count="1"><path class="land q5"', html)
    assert re.search(r'data-iso3="USA" data-name="United States" data-count="0"><path class="land q0"', html)


def test_map_by_category(client: httpx.Client) -> None:
    html = client.get("/?by=category:smart_city").text
    assert 'data-iso3="KEN" data-name="Kenya" data-count="0"' in html
    assert 'data-iso3="ECU" data-name="Ecuador" data-count="1"' in html
    assert client.get("/?by=planets").status_code == 422


def test_country_page_shows_evidence_linked_to_its_source(client: httpx.Client) -> None:
    html = client.get("/countries/KEN").text
    assert "Kenya" in html and "Hikvision" in html
    assert "deployed a facial recognition system supplied by Hikvision at border posts in 2021" in html
    assert '<a href="https://example.org/news/nairobi-faces" rel="noopener noreferrer nofollow" class="source">' \
           "Nairobi police adopt face matching</a>" in html


def test_untrusted_text_is_escaped_and_unsafe_links_dropped(client: httpx.Client) -> None:
    html = client.get("/countries/ZWE").text
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "Harare &lt;b&gt;trial&lt;/b&gt; of crowd analytics" in html
    assert 'href="javascript:' not in html
    hits = client.get("/search", params={"q": "Harare airport"}).text
    assert "&lt;script&gt;" in hits and "<script>alert" not in hits and "<mark>Harare</mark>" in hits


def test_unknown_country_page_is_404_html(client: httpx.Client) -> None:
    r = client.get("/countries/XYZ")
    assert r.status_code == 404 and "unknown country" in r.text and r.headers["content-type"].startswith("text/html")


def test_lowercase_country_redirects(client: httpx.Client) -> None:
    r = client.get("/countries/ken")
    assert r.status_code == 301 and r.headers["location"] == "/countries/KEN"


def test_explorer_filters_and_paginates(client: httpx.Client) -> None:
    html = client.get("/deployments", params={"category": "facial_recognition", "year_from": ""}).text
    assert "3 deployments match" in html
    first = client.get("/deployments", params={"limit": 2}).text
    assert "next page" in first
    cursor = re.search(r"cursor=([A-Za-z0-9_-]+)", first)
    assert cursor is not None
    second = client.get("/deployments", params={"limit": 2, "cursor": cursor.group(1)}).text
    assert "first page" in second
    assert client.get("/deployments", params={"year_from": "soon"}).status_code == 422


def test_vendor_page(client: httpx.Client, datasets_imported: bool) -> None:
    html = client.get("/vendors/hikvision").text
    assert "Hikvision" in html and 'href="/countries/KEN"' in html
    if datasets_imported:
        assert "on a restricted list" in html and "NDAA" in html and "Swann" in html
        assert "Countries supplied, and who says so" in html
        lorex = client.get("/vendors/lorex").text
        assert "is reported to sell products made by" in lorex and "Dahua" in lorex
    moved = client.get("/vendors/Hangzhou%20Hikvision")
    assert moved.status_code == 301 and moved.headers["location"] == "/vendors/hikvision"
    assert client.get("/vendors/nobody").status_code == 404
