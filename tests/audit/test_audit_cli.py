"""`custodes audit` and `custodes check` run as a user would: in a subprocess, on the fixture files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.audit.conftest import FIXTURES, run_audit_cli


def _csv(text: str) -> dict[int, dict[str, str]]:
    return {int(r["line"]): r for r in csv.DictReader(io.StringIO(text))}


def test_audit_csv_to_stdout_every_verdict() -> None:
    result = run_audit_cli("audit", str(FIXTURES / "inventory.csv"), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = _csv(result.stdout)
    verdicts = {line: (r["verdict"], r["manufacturer"]) for line, r in rows.items()}
    assert verdicts == {
        2: ("covered", "Hikvision"), 3: ("covered", "Hikvision"), 4: ("covered", "Hikvision"),
        5: ("covered", "Dahua"), 6: ("possibly covered", "Hikvision"), 7: ("not found", "Axis"),
        8: ("possibly covered", "Dahua"), 9: ("covered", "Dahua"), 10: ("not found", "Cisco"),
        11: ("possibly covered", "Hikvision"), 12: ("possibly covered", "Dahua"), 13: ("not found", "Dell"),
        14: ("covered", "Huawei"), 15: ("covered", "Hytera"), 16: ("covered", "ZTE"),
        17: ("possibly covered", "Hikvision"),
    }
    assert "16 rows: 8 covered, 5 possibly covered, 3 not found; 0 row error(s)" in result.stderr


def test_bad_rows_are_reported_by_line_and_good_rows_still_audited(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_audit_cli("audit", str(FIXTURES / "bad_rows.csv"), "--out", str(out))
    assert result.returncode == 1
    err = result.stderr
    assert "line 3 (mac): '44:19:b6:zz:00:01' is not a MAC address" in err
    assert "line 4: empty row" in err
    assert "line 5 (mac): '00:40:8c:01:02' is not a MAC address" in err
    assert "line 6: 6 fields where the header has 4" in err
    assert "line 7 (mac): '01:00:5e:00:00:01' is a group (multicast) address" in err
    assert "line 8 (mac): 'ff:ff:ff:ff:ff:ff' is a placeholder" in err
    assert "line 12 (mac): '08:ed:ed:00:00:zz' is not a MAC address" in err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["errors"] == 7
    by_line = {i["line"]: i for i in data["items"]}
    assert 6 not in by_line
    assert by_line[9]["verdict"] == "covered" and by_line[9]["manufacturer"] == "Hikvision"  # Ezviz MAC
    assert by_line[13]["verdict"] == "not found"
    assert by_line[3]["verdict"] == "covered"  # brand Dahua still decides although the MAC is bad


def test_non_utf8_file_is_read_as_cp1252_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run_audit_cli("audit", str(FIXTURES / "cp1252.csv"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "warning: cp1252.csv: not UTF-8 (byte 0xe9 on line 2); read as Windows-1252" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert "Caméra dôme extérieure" in page and "«PTZ»" in page
    assert "<script" not in page


def test_unknown_columns_and_oversized_files_exit_2() -> None:
    result = run_audit_cli("audit", str(FIXTURES / "unknown_columns.csv"))
    assert result.returncode == 2
    assert "Columns found: 'Tag', 'Location', 'Owner'" in result.stderr
    result = run_audit_cli("audit", str(FIXTURES / "inventory.csv"), "--max-bytes", "100")
    assert result.returncode == 2
    assert "over the limit of 100 bytes" in result.stderr
    result = run_audit_cli("audit", str(FIXTURES / "inventory.csv"), "--lists", "nope")
    assert result.returncode == 2 and "unknown list id(s) nope" in result.stderr


def test_column_options_and_stdin() -> None:
    text = b"Hersteller;Beschreibung\nEZVIZ;Kamera\nAxis;Kamera\n"
    result = run_audit_cli("audit", "-", "--brand-col", "Hersteller", "--description-col", "beschreibung",
                           "--format", "json", stdin=text)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(i["line"], i["verdict"]) for i in data["items"]] == [(2, "covered"), (3, "not found")]


def test_table_output_names_lines_and_verdicts() -> None:
    result = run_audit_cli("audit", str(FIXTURES / "inventory.csv"), "--only-flagged")
    assert result.returncode == 0, result.stderr
    assert "possibly covered" in result.stdout and "Hikvision" in result.stdout
    assert "Cisco" not in result.stdout  # not found rows are left out with --only-flagged


def test_check_one_name() -> None:
    result = run_audit_cli("check", "Ezviz")
    assert result.returncode == 0, result.stderr
    assert "Ezviz: covered — Hikvision" in result.stdout
    assert "Ezviz's parent company is Hikvision (vendor registry)" in result.stdout
    assert "https://www.acq.osd.mil/dpap/dars/section889.html" in result.stdout
    result = run_audit_cli("check", "Axis Communications", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["verdict"] == "not found" and data["manufacturer"] == "Axis"
    result = run_audit_cli("check", "44-19-B6-00-00-01", "--json")
    data = json.loads(result.stdout)
    assert data["verdict"] == "covered"
    assert data["matches"][0]["registration"]["org"] == "Hangzhou Hikvision Digital Technology Co.,Ltd."
    assert run_audit_cli("check", " ").returncode == 2
