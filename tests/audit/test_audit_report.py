"""Report writers: CSV columns, JSON references, and an HTML file that is self-contained and escaped."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from custodes.audit.inventory import read_csv_text, read_inventory
from custodes.audit.matcher import Auditor
from custodes.audit.report import CSV_COLUMNS, render_html, report_dict, write_csv
from custodes.audit.run import AuditReport, audit_inventory
from tests.audit.conftest import FIXTURES

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def report(auditor: Auditor) -> AuditReport:
    return audit_inventory(read_inventory(FIXTURES / "inventory.csv"), auditor)


def test_csv_report_has_one_row_per_item_with_verdict_and_reason(report: AuditReport) -> None:
    out = io.StringIO()
    write_csv(report, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_line = {int(r["line"]): r for r in rows}
    assert len(rows) == 16
    ezviz = by_line[4]
    assert (ezviz["verdict"], ezviz["manufacturer"], ezviz["matched_by"], ezviz["link"]) == \
        ("covered", "Hikvision", "alias", "subsidiary")
    assert "ndaa-889 (US, 2018-08-13, active)" in ezviz["lists"]
    assert "https://www.acq.osd.mil/dpap/dars/section889.html" in ezviz["sources"]
    assert by_line[6]["evidence_strength"] == "weak"  # Swann
    assert by_line[7]["verdict"] == "not found" and by_line[7]["lists"] == ""  # Axis
    assert "locally administered" in by_line[13]["problems"]  # Dell laptop with a randomised MAC
    assert by_line[2]["other_matches"].startswith("mac: Hikvision (covered, mac-oui/direct)")


def test_json_report_refers_to_listings_and_matches_that_exist(report: AuditReport) -> None:
    data = json.loads(json.dumps(report_dict(report)))
    assert data["summary"] == {"rows": 16, "covered": 8, "possibly covered": 5, "not found": 3, "errors": 0,
                               "warnings": 0}
    assert data["columns"]["mac"] == "MAC Address"
    assert {d["name"] for d in data["datasets"]} == {"restricted-vendors", "oem-brands"}
    for item in data["items"]:
        for key in item["matches"]:
            match = data["matches"][key]
            assert all(origin in data["listings"] for origin in match["listings"])
            if match["oem_link"]:
                assert match["oem_link"] in data["oem_links"]
    lorex = next(i for i in data["items"] if i["brand"] == "Lorex")
    first = data["matches"][lorex["matches"][0]]
    assert first["evidence_strength"] == "strong"
    assert data["oem_links"][first["oem_link"]]["source_url"] == "https://ipvm.com/reports/usg-lorex"


def test_html_is_self_contained(report: AuditReport) -> None:
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>")
    for external in ("<script", "<link", "<img", "<iframe", "@import", "url(", " src="):
        assert external not in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith(("https://", "http://", "#")) for h in hrefs)
    anchors = set(re.findall(r'id="([^"]*)"', page))
    assert {h[1:] for h in hrefs if h.startswith("#")} <= anchors  # every listing link lands
    assert "default-src 'none'" in page
    assert "Ezviz&#x27;s parent company is Hikvision (vendor registry)" in page


def test_html_escapes_every_value(auditor: Auditor) -> None:
    text = f'brand,model,mac,description\n"{HOSTILE}",<b>x</b>,"{HOSTILE}","Dahua {HOSTILE}"\n'
    inv = read_csv_text(text, name=f"{HOSTILE}.csv")
    page = render_html(audit_inventory(inv, auditor))
    assert "<script" not in page and "<b>x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
