"""The REST API over real HTTP on 127.0.0.1, against a database built by the real pipeline."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest

FIXTURE_COUNTRIES = {"ECU", "KEN", "SRB", "ZWE"}


def test_countries_lists_every_recipient_with_counts(client: httpx.Client) -> None:
    r = client.get("/api/v1/countries")
    assert r.status_code == 200
    body = r.json()
    assert {c["iso3"] for c in body["countries"]} == FIXTURE_COUNTRIES
    assert body["total"] == 4
    ecu = next(c for c in body["countries"] if c["iso3"] == "ECU")
    assert ecu["name"] == "Ecuador" and ecu["deployments"] == 1 and ecu["suppliers"] == ["Huawei"]
    assert ecu["sources"] == 1


def test_country_has_deployments_with_evidence_and_sources(client: httpx.Client) -> None:
    body = client.get("/api/v1/countries/KEN").json()
    assert body["name"] == "Kenya"
    [dep] = body["deployments"]
    assert dep["supplier"] == "Hikvision" and dep["supplier_country"] == "CHN"
    assert "facial_recognition" in dep["tech"] and dep["year"] == 2021
    [ev] = dep["evidence"]
    assert "facial recognition system supplied by Hikvision" in ev["text"]
    assert ev["url"] == "https://example.org/news/nairobi-faces"
    assert ev["title"] == "Nairobi police adopt face matching"


def test_country_code_is_case_insensitive(client: httpx.Client) -> None:
    assert client.get("/api/v1/countries/ecu").json()["iso3"] == "ECU"


def test_country_without_deployments_is_not_an_error(client: httpx.Client) -> None:
    body = client.get("/api/v1/countries/NOR").json()
    assert body["deployments"] == [] and body["name"] == "Norway"


@pytest.mark.parametrize(("path", "fragment"), [
    ("/api/v1/countries/XYZ", "unknown country 'XYZ'"),
    ("/api/v1/countries/ecuador", "did you mean ECU"),
    ("/api/v1/vendors/no-such-vendor", "unknown vendor"),
    ("/api/v1/export/deployments.xlsx", "no export format"),
    ("/api/v1/nothing-here", "nothing at /api/v1/nothing-here"),
])
def test_not_found_is_json_with_a_message(client: httpx.Client, path: str, fragment: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["status"] == 404 and fragment in body["message"]


@pytest.mark.parametrize(("query", "parameter"), [
    ("year_from=abc", "year_from"),
    ("year_from=2022&year_to=2020", "year_from"),
    ("category=drones", "category"),
    ("status=rumoured", "status"),
    ("min_confidence=2", "min_confidence"),
    ("country=ZZZ", "country"),
    ("supplier_country=Atlantis", "supplier_country"),
    ("limit=0", "limit"),
    ("cursor=not-a-cursor", "cursor"),
])
def test_bad_parameters_are_422_naming_the_parameter(client: httpx.Client, query: str, parameter: str) -> None:
    r = client.get(f"/api/v1/deployments?{query}")
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["status"] == 422
    assert body["message"].startswith(parameter)
    assert body["details"][0]["parameter"] == parameter


def _ids(client: httpx.Client, query: str) -> set[str]:
    return {d["country"] for d in client.get(f"/api/v1/deployments?{query}").json()["items"]}


def test_deployment_filters(client: httpx.Client) -> None:
    assert _ids(client, "country=ECU") == {"ECU"}
    assert _ids(client, "supplier=HUAWEI") == {"ECU", "SRB"}
    assert _ids(client, "supplier_country=CHN") == FIXTURE_COUNTRIES
    assert _ids(client, "category=facial_recognition") == {"KEN", "SRB", "ZWE"}
    assert _ids(client, "status=planned") == {"ZWE"}
    assert _ids(client, "year_from=2021&year_to=2022") == {"KEN", "ZWE"}
    assert _ids(client, "category=facial_recognition&supplier=Huawei") == {"SRB"}
    assert _ids(client, "min_confidence=1.0") <= FIXTURE_COUNTRIES
    assert _ids(client, "country=ECU&status=cancelled") == set()


def test_cursor_pagination_visits_every_deployment_once(client: httpx.Client) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 1, "evidence": "false", **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/deployments", params=params).json()
        assert page["total"] == 4
        seen += [d["id"] for d in page["items"]]
        assert all(d["evidence"] == [] for d in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 4 == len(set(seen))
    assert seen == sorted(seen)


def test_search_over_evidence(client: httpx.Client) -> None:
    body = client.get("/api/v1/search", params={"q": "facial recognition"}).json()
    assert body["total"] == 3
    assert {h["country"] for h in body["hits"]} == {"KEN", "SRB", "ZWE"}
    assert all("[" in h["snippet"] for h in body["hits"])
    assert client.get("/api/v1/search", params={"q": "ECU-911"}).json()["hits"][0]["country"] == "ECU"


def test_search_input_is_never_fts_syntax(client: httpx.Client) -> None:
    r = client.get("/api/v1/search", params={"q": 'huawei" OR (NEAR* -'})
    assert r.status_code == 200 and r.json()["total"] == 0


def test_search_needs_a_query(client: httpx.Client) -> None:
    assert client.get("/api/v1/search").status_code == 422
    assert client.get("/api/v1/search", params={"q": "   "}).status_code == 422


def test_vendors_list_and_profile(client: httpx.Client, datasets_imported: bool) -> None:
    vendors = {v["id"]: v for v in client.get("/api/v1/vendors").json()["vendors"]}
    assert set(vendors) == {"huawei", "hikvision", "cloudwalk"}
    assert vendors["huawei"]["countries"] == ["ECU", "SRB"]
    body = client.get("/api/v1/vendors/hikvision").json()
    assert body["name"] == "Hikvision" and body["home_country"] == "CHN"
    assert body["countries"] == [{"iso3": "KEN", "name": "Kenya", "deployments": 1}]
    assert body["deployments"][0]["evidence"][0]["text"].startswith("Kenya's national police")
    if datasets_imported:
        assert vendors["hikvision"]["restricted"] is True
        assert body["restricted"] is True and body["restrictions"]
        assert {r["list_id"] for r in body["restrictions"]} >= {"ndaa-889"}
        assert all(r["citation_url"].startswith("http") for r in body["restrictions"])
        assert any(b["brand"] == "Swann" and b["manufacturer"] == "Hikvision" for b in body["oem_brands"])
        supplied = {c["iso3"]: c for c in body["supplied"]}
        assert supplied["KEN"]["sources"][0]["kind"] == "document"
        assert any(s["kind"] == "dataset" and s["dataset"] == "aigs-2022" for c in body["supplied"]
                   for s in c["sources"])


def test_vendor_by_name_or_alias(client: httpx.Client) -> None:
    assert client.get("/api/v1/vendors/Huawei%20Technologies").json()["id"] == "huawei"


def test_country_context_from_imported_datasets(client: httpx.Client, datasets_imported: bool) -> None:
    if not datasets_imported:
        pytest.skip("dataset importers not available")
    body = client.get("/api/v1/countries/ECU").json()
    assert body["bri"]["member"] is True
    assert body["regime"]["label"] == "electoral democracy"
    assert body["index"]["aigs_listed"] == "yes"
    assert "Huawei" in body["index"]["deployment"]
    assert any(s["dataset"] == "aigs-2022" for s in body["statements"])
    assert any(d["dataset"] == "aiddata-gcdf3" for d in body["dataset_deployments"])
    assert {d["name"] for d in body["datasets"]} >= {"aigs-2022", "bri-countries", "regime-type"}


def test_index_endpoint(client: httpx.Client, datasets_imported: bool) -> None:
    body = client.get("/api/v1/index").json()
    if not datasets_imported:
        assert body["total"] == 0 and body["countries"] == []
        return
    assert body["source"] == "aigs2022" and body["datasets"][0]["name"] == "aigs-2022"
    rows = {r["iso3"]: r for r in body["countries"]}
    assert body["total"] == len(rows) > 90
    assert rows["ECU"]["china"] is True and "Huawei" in rows["ECU"]["suppliers"]
    assert body["summary"]["countries"] == sum(1 for r in rows.values() if r["categories"])
    extracted = client.get("/api/v1/index", params={"source": "extracted"}).json()
    assert {r["iso3"] for r in extracted["countries"]} == FIXTURE_COUNTRIES
    assert client.get("/api/v1/index", params={"source": "rumours"}).status_code == 422


def test_stats(client: httpx.Client) -> None:
    body = client.get("/api/v1/stats").json()
    assert body["documents"] == 5 and body["deployments"] == 4 and body["countries"] == 4
    assert body["by_supplier_country"] == {"CHN": 4}
    assert body["data_version"]


def test_openapi_document_describes_every_endpoint(client: httpx.Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/countries", "/api/v1/countries/{iso3}", "/api/v1/vendors", "/api/v1/vendors/{vendor_id}",
                 "/api/v1/deployments", "/api/v1/search", "/api/v1/index", "/api/v1/stats",
                 "/api/v1/export/deployments.{fmt}"):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/api/v1/deployments"]["get"]["parameters"]}
    assert params >= {"country", "supplier", "supplier_country", "category", "status", "year_from", "year_to",
                      "min_confidence", "cursor", "limit"}
    assert "/" not in spec["paths"]  # pages are not part of the API


def test_csv_export(client: httpx.Client) -> None:
    r = client.get("/api/v1/export/deployments.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 4
    assert {row["country"] for row in rows} == FIXTURE_COUNTRIES
    assert all(row["evidence"] for row in rows)


def test_jsonl_export_with_filter(client: httpx.Client) -> None:
    lines = client.get("/api/v1/export/deployments.jsonl?supplier=Huawei").text.splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["country"] for r in records} == {"ECU", "SRB"}
    assert all(r["evidence"] for r in records)


def test_parquet_export(client: httpx.Client) -> None:
    import pyarrow.parquet as pq

    r = client.get("/api/v1/export/deployments.parquet")
    table = pq.read_table(io.BytesIO(r.content))
    assert table.num_rows == 4
    assert set(table.column("country").to_pylist()) == FIXTURE_COUNTRIES
    assert str(table.schema.field("year").type) == "int64"


def test_geojson_export_points_inside_their_country(client: httpx.Client) -> None:
    body = client.get("/api/v1/export/deployments.geojson").json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 4
    by_country = {f["properties"]["country"]: f for f in body["features"]}
    lon, lat = by_country["ECU"]["geometry"]["coordinates"]
    assert -81 < lon < -75 and -5 < lat < 2  # mainland Ecuador
    lon, lat = by_country["KEN"]["geometry"]["coordinates"]
    assert 34 < lon < 42 and -5 < lat < 5
    assert by_country["SRB"]["properties"]["point_source"] == "natural-earth-110m"
    assert by_country["ZWE"]["properties"]["evidence"][0]["text"].startswith("Zimbabwe signed")


def test_exports_are_streamed(client: httpx.Client) -> None:
    with client.stream("GET", "/api/v1/export/deployments.jsonl") as r:
        assert r.headers.get("transfer-encoding") == "chunked"
        assert "content-length" not in r.headers
        assert sum(1 for _ in r.iter_lines()) == 4


def test_security_headers_on_api_and_pages(client: httpx.Client) -> None:
    for path in ("/api/v1/countries", "/", "/countries/ECU", "/api/v1/countries/XYZ"):
        csp = client.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert client.get("/").headers["x-content-type-options"] == "nosniff"


def test_as_of_answers_as_the_record_stood_then(client: httpx.Client) -> None:
    now = client.get("/api/v1/countries").json()
    assert now["total"] > 0
    assert client.get("/api/v1/countries", params={"as_of": "2999-01-01"}).json() == now
    before = client.get("/api/v1/countries", params={"as_of": "1999-01-01"})
    assert before.status_code == 200 and before.json() == {"total": 0, "countries": []}
    assert client.get("/api/v1/deployments", params={"as_of": "1999-12-31T23:00:00Z"}).json()["total"] == 0
    # the read-only connection goes back to the pool unshadowed
    assert client.get("/api/v1/countries").json() == now
    bad = client.get("/api/v1/countries", params={"as_of": "someday"})
    assert bad.status_code == 422 and "as_of" in bad.json()["message"]


def test_reviewed_only_keeps_deployments_a_person_checked(client: httpx.Client) -> None:
    everything = client.get("/api/v1/deployments").json()
    assert everything["total"] > 0 and all(i["reviewed"] == "none" for i in everything["items"])
    assert client.get("/api/v1/deployments", params={"reviewed_only": "true"}).json()["total"] == 0
    assert client.get("/", params={"reviewed_only": "true"}).status_code == 200


def test_pages_say_whether_a_person_reviewed_a_deployment(client: httpx.Client) -> None:
    page = client.get("/countries/ECU").text
    assert "not yet checked by a person" in page
    explorer = client.get("/deployments", params={"reviewed_only": "1"}).text
    assert 'name="reviewed_only"' in explorer and "0 deployments match" in explorer
