"""POST /api/v1/audit over real HTTP on 127.0.0.1 (uvicorn serving the real app)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from custodes.web.audit_api import MAX_BODY_BYTES
from tests.audit.conftest import FIXTURES
from tests.helpers import LiveServer


@pytest.fixture
def http(audit_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=audit_server.url, timeout=60, trust_env=False) as client:
        yield client


def test_csv_body_gets_a_verdict_per_row(http: httpx.Client) -> None:
    body = (FIXTURES / "inventory.csv").read_bytes()
    r = http.post("/api/v1/audit", content=body, headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["summary"]["rows"] == 16 and data["summary"]["covered"] == 8
    by_line = {i["line"]: i for i in data["items"]}
    assert (by_line[4]["verdict"], by_line[4]["manufacturer"]) == ("covered", "Hikvision")
    match = data["matches"][by_line[4]["matches"][0]]
    assert match["link"] == "subsidiary"
    assert all(origin in data["listings"] for origin in match["listings"])


def test_json_body_and_row_problems(http: httpx.Client) -> None:
    items = [{"Manufacturer": "Lorex"}, {"Manufacturer": "Axis", "MAC": "zz"}, {"Manufacturer": ""}]
    r = http.post("/api/v1/audit", json=items)
    assert r.status_code == 200, r.text
    data = r.json()
    assert [(i["line"], i["verdict"]) for i in data["items"]] == [(1, "covered"), (2, "not found"),
                                                                 (3, "not found")]
    assert [(p["line"], p["column"]) for p in data["problems"]] == [(2, "mac"), (3, None)]
    assert data["summary"]["errors"] == 2


def test_html_and_csv_formats(http: httpx.Client) -> None:
    body = b"brand,description\nHikvision,<script>x</script>\n"
    r = http.post("/api/v1/audit?format=html", content=body, headers={"Content-Type": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "&lt;script&gt;" in r.text and "<script>" not in r.text
    r = http.post("/api/v1/audit?format=csv&brand_col=brand", content=body, headers={"Content-Type": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines()[1].startswith("2,Hikvision,,,<script>x</script>,covered,Hikvision,alias,direct")


def test_oversized_body_is_413_with_a_json_error(http: httpx.Client) -> None:
    big = b"brand\n" + b"Hikvision\n" * (MAX_BODY_BYTES // 10 + 1)
    r = http.post("/api/v1/audit", content=big, headers={"Content-Type": "text/csv"})
    assert r.status_code == 413
    assert r.json()["status"] == 413 and "over the limit" in r.json()["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is enforced while streaming
        yield b"brand\n"
        for _ in range(MAX_BODY_BYTES // (1 << 16) + 2):
            yield b"x" * (1 << 16)

    r = http.post("/api/v1/audit", content=chunks(), headers={"Content-Type": "text/csv"})
    assert r.status_code == 413 and r.json()["status"] == 413


def test_unusable_bodies_are_422_with_the_reason(http: httpx.Client) -> None:
    r = http.post("/api/v1/audit", content=b"Tag,Owner\nA1,Bob\n", headers={"Content-Type": "text/csv"})
    assert r.status_code == 422
    assert "Columns found: 'Tag', 'Owner'" in r.json()["message"]
    r = http.post("/api/v1/audit", content=b"", headers={"Content-Type": "text/csv"})
    assert r.status_code == 422 and "empty body" in r.json()["message"]
    r = http.post("/api/v1/audit", content=b"[{", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "not valid JSON" in r.json()["message"]
    r = http.post("/api/v1/audit?lists=nope", content=b"brand\nZTE\n", headers={"Content-Type": "text/csv"})
    assert r.status_code == 422 and "unknown list id" in r.json()["message"]
    r = http.post("/api/v1/audit?format=pdf", content=b"brand\nZTE\n", headers={"Content-Type": "text/csv"})
    assert r.status_code == 422


def test_non_utf8_body_is_read_as_cp1252_with_a_warning(http: httpx.Client) -> None:
    r = http.post("/api/v1/audit", content=(FIXTURES / "cp1252.csv").read_bytes(),
                  headers={"Content-Type": "text/csv"})
    assert r.status_code == 200
    data = r.json()
    assert data["encoding"] == "cp1252" and data["summary"]["warnings"] == 1
    assert data["items"][0]["description"] == "Caméra dôme extérieure"
