"""Reading an asset inventory: size limit, encodings, delimiter, column detection, bad rows.

Inventories come out of spreadsheets, asset tools and procurement systems, each with its own
column names, encoding and quirks.  The reader is forgiving where the meaning is clear (column
names in any case or spacing, a BOM, Windows-1252, semicolons) and loud where it is not: every
problem names its line, and only a file that cannot be read at all stops the audit.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from custodes.audit.rules import ROLES, AuditRules, default_rules

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
Severity = Literal["error", "warning"]
_DELIMITERS = (",", ";", "\t", "|")
_WORD = re.compile(r"[a-z0-9]+")
_FIELD_LIMIT = 1 << 20


class InventoryError(Exception):
    """The file cannot be audited at all (too large, undecodable, no usable column)."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with one line (or the file, when `line` is None)."""

    line: int | None
    severity: Severity
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        col = f", {self.column}" if self.column else ""
        return f"{where}{col}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "severity": self.severity, "column": self.column, "value": self.value,
                "message": self.message}


@dataclass
class Inventory:
    """A decoded inventory whose rows can be iterated once, yielding (line, {role: cell})."""

    name: str
    encoding: str
    delimiter: str
    headers: list[str]
    columns: dict[str, str]  # role -> header used
    unit: str  # "line" for CSV, "item" for JSON
    problems: list[Problem] = field(default_factory=list)
    _rows: Iterator[tuple[int, dict[str, str]]] | None = None

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        if self._rows is None:
            raise RuntimeError("rows() can be read once")
        rows, self._rows = self._rows, None
        return rows

    @property
    def ignored_columns(self) -> list[str]:
        used = set(self.columns.values())
        return [h for h in self.headers if h not in used]


def normalise_header(header: str) -> str:
    """ "MAC Address", "mac_address", "MacAddress" -> "macaddress"."""
    return "".join(_WORD.findall(header.casefold()))


def detect_columns(headers: Sequence[str], overrides: Mapping[str, str | None] | None = None,
                   rules: AuditRules | None = None) -> tuple[dict[str, str], list[Problem]]:
    """Role -> header.  Exact names first, then headers containing a known name as whole words.

    Raises InventoryError when an override names no column or when no role is recognised, listing
    the columns found and the names expected, so the user can fix it with one option.
    """
    rules = rules or default_rules()
    overrides = overrides or {}
    problems: list[Problem] = []
    columns: dict[str, str] = {}
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise_header(h), h)
    for role in ROLES:
        wanted = overrides.get(role)
        if wanted:
            found = by_norm.get(normalise_header(wanted))
            if found is None:
                raise InventoryError(f"column {wanted!r} (--{role}-col) is not in the file; its columns are: "
                                     f"{_listing(headers)}")
            columns[role] = found
    taken = set(columns.values())
    for role in ROLES:
        if role in columns:
            continue
        names = [normalise_header(n) for n in rules.columns[role]]
        exact = [h for h in headers if h not in taken and normalise_header(h) in names]
        if not exact:
            phrases = [_WORD.findall(n.casefold()) for n in rules.columns[role]]
            exact = [h for h in headers if h not in taken and any(_contains(_WORD.findall(h.casefold()), p)
                                                                  for p in phrases)]
        if exact:
            columns[role] = exact[0]
            taken.add(exact[0])
            if len(exact) > 1:
                others = ", ".join(repr(h) for h in exact[1:])
                problems.append(Problem(None, "warning", exact[0], None,
                                        f"{others} also look like the {role} column; using {exact[0]!r} "
                                        f"(choose with --{role}-col)"))
    if not columns:
        expected = "; ".join(f"{role}: {', '.join(rules.columns[role])}" for role in ROLES)
        raise InventoryError(f"no column recognised. Columns found: {_listing(headers)}. Expected at least one of "
                             f"({expected}), in any case or spacing; or name them with --brand-col, --model-col, "
                             "--mac-col, --description-col")
    return {role: columns[role] for role in ROLES if role in columns}, problems


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def _listing(headers: Sequence[str]) -> str:
    shown = [repr(h) for h in headers if h.strip()]
    return ", ".join(shown) if shown else "(none: the header line is empty)"


# ---------------------------------------------------------------------- bytes


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, refusing files over `max_bytes` before reading them."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InventoryError(f"{path.name} is {size:,} bytes, over the limit of {max_bytes:,} bytes "
                                 "(raise it with --max-bytes)")
        return path.read_bytes()
    except OSError as exc:
        raise InventoryError(f"cannot read {path}: {exc.strerror or exc}") from exc


def decode(data: bytes, name: str) -> tuple[str, str, list[Problem]]:
    """Text, encoding and warnings: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith(b"PK\x03\x04"):
        raise InventoryError(f"{name} looks like an Excel workbook or ZIP file; save the sheet as CSV first")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise InventoryError(f"{name}: starts with a UTF-16 byte-order mark but is not UTF-16 ({exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        byte = data[exc.start:exc.start + 1].hex()
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc2:
            line2 = data[:exc2.start].count(b"\n") + 1
            raise InventoryError(f"{name} is neither UTF-8 nor Windows-1252 (byte 0x{data[exc2.start]:02x} on line "
                                 f"{line2}); save it as UTF-8 CSV") from exc2
        warning = Problem(None, "warning", None, None,
                          f"not UTF-8 (byte 0x{byte} on line {line}); read as Windows-1252 (cp1252): check "
                          "that accented names look right, or save the file as UTF-8")
        return text, "cp1252", [warning]
    return text, ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"), []


def sniff_delimiter(text: str) -> str:
    """The separator the header line uses most (comma when none is used)."""
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


# ---------------------------------------------------------------------- CSV


def read_csv_text(text: str, *, name: str, encoding: str = "utf-8", overrides: Mapping[str, str | None] | None = None,
                  rules: AuditRules | None = None, warnings: Sequence[Problem] = ()) -> Inventory:
    """Header, columns and a row iterator over CSV text; raises InventoryError if unusable."""
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise InventoryError(f"{name} contains NUL bytes (line {line}): not a text CSV file")
    delimiter = sniff_delimiter(text)
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    header_line = 0
    for record in reader:
        if any(cell.strip() for cell in record):
            headers = [cell.strip() for cell in record]
            header_line = reader.line_num
            break
    if headers is None:
        raise InventoryError(f"{name} is empty: no header line")
    columns, problems = detect_columns(headers, overrides, rules)
    inventory = Inventory(name, encoding, delimiter, headers, columns, "line", [*warnings, *problems])
    positions = {role: headers.index(h) for role, h in columns.items()}
    inventory._rows = _csv_rows(reader, header_line, len(headers), positions, inventory.problems)
    return inventory


def _csv_rows(reader: Any, after: int, width: int, positions: dict[str, int],
              problems: list[Problem]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with the line each starts on; ragged rows become problems, not guesses."""
    previous_end = after
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(Problem(previous_end + 1, "error", None, None,
                                    f"CSV syntax error ({exc}); the rest of the file was not read"))
            return
        line = previous_end + 1
        previous_end = reader.line_num
        if not record:  # a blank line holds no row at all (a row of empty cells is reported later)
            continue
        if len(record) > width and any(cell.strip() for cell in record[width:]):
            problems.append(Problem(line, "error", None, None,
                                    f"{len(record)} fields where the header has {width} (an unquoted separator "
                                    "inside a value?); row not audited"))
            continue
        yield line, {role: (record[pos].strip() if pos < len(record) else "") for role, pos in positions.items()}


# ---------------------------------------------------------------------- JSON


def read_json_text(text: str, *, name: str, overrides: Mapping[str, str | None] | None = None,
                   rules: AuditRules | None = None) -> Inventory:
    """A JSON list of objects (or {"items": [...]}) read like CSV rows, keys as headers."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InventoryError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InventoryError(f"{name}: expected a JSON list of objects, or an object with an 'items' list")
    headers: list[str] = []
    for item in items:
        if isinstance(item, dict):
            headers.extend(str(k) for k in item if str(k) not in headers)
    if not headers:
        raise InventoryError(f"{name}: no object with any field; expected items like "
                             '{"brand": "...", "model": "...", "mac": "...", "description": "..."}')
    columns, problems = detect_columns(headers, overrides, rules)
    inventory = Inventory(name, "utf-8", "json", headers, columns, "item", problems)
    inventory._rows = _json_rows(items, columns, inventory.problems)
    return inventory


def _json_rows(items: list[Any], columns: dict[str, str],
               problems: list[Problem]) -> Iterator[tuple[int, dict[str, str]]]:
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(number, "error", None, None,
                                    f"item is a JSON {type(item).__name__}, not an object; not audited"))
            continue
        row: dict[str, str] = {}
        for role, key in columns.items():
            value = item.get(key)
            if isinstance(value, dict | list):
                problems.append(Problem(number, "error", key, None, f"{key!r} holds a JSON {type(value).__name__}, "
                                        "not text; ignored"))
                value = None
            row[role] = "" if value is None else str(value).strip()
        yield number, row


def read_inventory(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                   overrides: Mapping[str, str | None] | None = None) -> Inventory:
    """Open a CSV (or .json) inventory file; raises InventoryError if it cannot be audited at all."""
    data = read_bytes(path, max_bytes)
    text, encoding, warnings = decode(data, path.name)
    if path.suffix.lower() == ".json":
        return read_json_text(text, name=path.name, overrides=overrides)
    return read_csv_text(text, name=path.name, encoding=encoding, overrides=overrides, warnings=warnings)
