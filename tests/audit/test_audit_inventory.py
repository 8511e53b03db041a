"""Reading inventories: columns by name, encodings, delimiters, size limit, line numbers, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodes.audit.inventory import (
    InventoryError,
    decode,
    detect_columns,
    read_csv_text,
    read_inventory,
    read_json_text,
)
from tests.audit.conftest import FIXTURES


@pytest.mark.parametrize("headers, expected", [
    (["Brand", "Model", "MAC", "Description"], {"brand": "Brand", "model": "Model", "mac": "MAC",
                                                "description": "Description"}),
    (["  MANUFACTURER ", "model number", "mac_address", "DESC"], {"brand": "  MANUFACTURER ", "model": "model number",
                                                                 "mac": "mac_address", "description": "DESC"}),
    (["Vendor", "MacAddress"], {"brand": "Vendor", "mac": "MacAddress"}),
    (["Make ", "Model No.", "MAC Address", "Item Description"],
     {"brand": "Make ", "model": "Model No.", "mac": "MAC Address", "description": "Item Description"}),
    # whole-word containment when nothing is equal; "Machine name" must not be taken for "mac"
    (["Device Manufacturer", "Primary MAC address", "Machine name"],
     {"brand": "Device Manufacturer", "mac": "Primary MAC address"}),
])
def test_columns_are_found_by_name_in_any_case_or_spacing(headers: list[str], expected: dict[str, str]) -> None:
    columns, problems = detect_columns(headers)
    assert columns == expected
    assert problems == []


def test_overrides_win_and_are_checked() -> None:
    columns, _ = detect_columns(["Hersteller", "Typ", "Notes"], {"brand": "hersteller", "model": "TYP"})
    assert columns == {"brand": "Hersteller", "model": "Typ"}
    with pytest.raises(InventoryError, match=r"column 'Maker' \(--brand-col\) is not in the file; its columns are: "
                                             r"'Hersteller', 'Typ'"):
        detect_columns(["Hersteller", "Typ"], {"brand": "Maker"})


def test_two_candidate_columns_warn_and_take_the_first() -> None:
    columns, problems = detect_columns(["Manufacturer", "Vendor", "Model"])
    assert columns["brand"] == "Manufacturer"
    assert "'Vendor' also look like the brand column" in problems[0].message


def test_unknown_columns_say_what_was_found_and_what_is_expected() -> None:
    with pytest.raises(InventoryError) as info:
        read_inventory(FIXTURES / "unknown_columns.csv")
    message = str(info.value)
    assert "Columns found: 'Tag', 'Location', 'Owner'" in message
    assert "brand: brand, manufacturer, vendor, make" in message and "mac: mac, mac address" in message
    assert "--brand-col" in message


def test_fixture_inventory_reads_every_row_with_its_line() -> None:
    inv = read_inventory(FIXTURES / "inventory.csv")
    assert inv.columns == {"brand": "Make", "model": "Model No.", "mac": "MAC Address",
                           "description": "Item Description"}
    assert inv.ignored_columns == ["Asset Tag", "Location"]
    rows = list(inv.rows())
    assert [line for line, _ in rows] == list(range(2, 18))
    assert rows[2] == (4, {"brand": "EZVIZ", "model": "C6N", "mac": "64f2.fb00.0001", "description": "Indoor camera"})
    assert inv.problems == []


def test_line_numbers_survive_multi_line_cells_and_ragged_rows_are_not_guessed() -> None:
    inv = read_inventory(FIXTURES / "bad_rows.csv")
    rows = dict(inv.rows())
    assert 6 not in rows  # 6 fields where the header has 4
    assert rows[10]["description"] == "description over\ntwo lines"
    assert rows[12]["mac"] == "08:ed:ed:00:00:zz"  # starts on line 12, after the two-line row
    assert rows[13]["brand"] == "Axis"
    (ragged,) = inv.problems
    assert (ragged.line, ragged.severity) == (6, "error")
    assert "6 fields where the header has 4" in ragged.message


def test_cp1252_file_is_read_with_a_warning_naming_the_line() -> None:
    inv = read_inventory(FIXTURES / "cp1252.csv")
    assert inv.encoding == "cp1252" and inv.delimiter == ";"
    (warning,) = inv.problems
    assert warning.severity == "warning" and "not UTF-8 (byte 0xe9 on line 2)" in warning.message
    rows = dict(inv.rows())
    assert rows[2]["description"] == "Caméra dôme extérieure"
    assert rows[3]["description"] == "Caméra réseau «PTZ»"


def test_utf8_bom_and_utf16_are_read_silently() -> None:
    text, encoding, warnings = decode("\ufeffbrand\nHikvision\n".encode(), "x.csv")
    assert (text, encoding, warnings) == ("brand\nHikvision\n", "utf-8-sig", [])
    text, encoding, _ = decode("brand\nDahua\n".encode("utf-16"), "x.csv")
    assert (text, encoding) == ("brand\nDahua\n", "utf-16")


def test_undecodable_and_binary_files_are_refused() -> None:
    with pytest.raises(InventoryError, match=r"neither UTF-8 nor Windows-1252 \(byte 0x81 on line 2\)"):
        decode(b"brand\nHik\x81vision\n", "x.csv")
    with pytest.raises(InventoryError, match="Excel workbook"):
        decode(b"PK\x03\x04rest", "x.xlsx")
    with pytest.raises(InventoryError, match="NUL bytes"):
        read_csv_text("brand\nHik\x00vision\n", name="x.csv")


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("brand\n" + "Hikvision\n" * 50, encoding="utf-8")
    with pytest.raises(InventoryError, match=r"big.csv is 506 bytes, over the limit of 100 bytes"):
        read_inventory(path, max_bytes=100)
    assert len(list(read_inventory(path, max_bytes=506).rows())) == 50


def test_empty_and_missing_files_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    with pytest.raises(InventoryError, match="empty"):
        read_inventory(tmp_path / "empty.csv")
    with pytest.raises(InventoryError, match="cannot read"):
        read_inventory(tmp_path / "missing.csv")


def test_tab_and_pipe_separated_files() -> None:
    assert dict(read_csv_text("Brand\tMAC\nZTE\tf0-1b-24-00-00-01\n", name="t").rows())[2] == \
        {"brand": "ZTE", "mac": "f0-1b-24-00-00-01"}
    assert dict(read_csv_text("Brand|Model\nDahua|X1\n", name="p").rows())[2] == {"brand": "Dahua", "model": "X1"}


def test_json_items_use_the_same_column_detection() -> None:
    inv = read_json_text('{"items": [{"Manufacturer": "Ezviz", "MAC Address": "64:f2:fb:00:00:01"}, 7, '
                         '{"Manufacturer": ["x"]}]}', name="body")
    rows = list(inv.rows())
    assert rows[0] == (1, {"brand": "Ezviz", "mac": "64:f2:fb:00:00:01"})
    assert rows[1] == (3, {"brand": "", "mac": ""})
    assert [(p.line, p.severity) for p in inv.problems] == [(2, "error"), (3, "error")]
    with pytest.raises(InventoryError, match="not valid JSON"):
        read_json_text("[{", name="body")
