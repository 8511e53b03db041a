"""Importer for Carnegie's AI & Big Data Global Surveillance Index, 2022 update (the original xlsx).

The workbook is read as published, including its known damage (SOURCE.md, "Known problems"),
which this importer detects with general checks rather than a list of bad rows:

* a name cell that does not resolve to a country, or that contains a regime label where a name
  should be (the trace of a find-and-replace), is reported; undoing the replacement declared in
  mapping.yaml is tried and, when the result resolves, the row is kept with the raw cell in
  `raw_value` and a note, so the repair is visible wherever the statement is shown;
* values in the unlabelled columns right of "Company 5" are reported as overflow and never
  attributed to the row they sit in (they belong to other rows);
* a company on a row without any category flag, and a Chinese or US company on a row whose
  "China Tech"/"US Tech" flag is empty, are reported as inconsistent rows;
* company names are resolved through the vendor registry (its aliases cover the workbook's
  typos); values the registry knows are not companies ("Mult") are kept raw and reported;
* the second sheet is cross-checked against the first (country list, regime type).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custodes.resolve.countries import Gazetteer
from custodes.resolve.vendors import VendorRegistry
from custodes.sources.datasets.base import (
    BundledImporter,
    DatasetFormatError,
    Item,
    RowProblem,
    Statement,
    check_headers,
)

Progress = Callable[[int], None] | None


@dataclass
class _Row:
    """Where a row's statements go, and what the row-level checks need to know."""

    number: int
    subject_type: str
    subject: str
    name: str
    note: str | None
    flags: dict[str, bool] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    regime: str | None = None
    as_of: str | None = None


@dataclass
class _Place:
    """What a name cell resolved to; `problem` says what was wrong with it, if anything."""

    subject_type: str
    subject: str | None
    text: str
    note: str | None = None
    problem: str | None = None
    severity: str = "warning"
    kind: str = ""


@dataclass
class _SheetResult:
    countries: dict[str, int] = field(default_factory=dict)  # iso3 -> row number
    listed: set[str] = field(default_factory=set)
    regimes: dict[str, str] = field(default_factory=dict)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _number(value: Any) -> str | None:
    """Numbers as text without float noise on integral values ("30", not "30.0")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = _text(value)
    if text is None:
        return None
    try:
        return _number(float(text.replace(",", "")))
    except ValueError:
        return None


class Aigs2022Importer(BundledImporter):
    """AIGS 2022: two sheets, one row per country, companies resolved to the vendor registry."""

    name = "aigs-2022"
    importer_version = "1"

    def __init__(self) -> None:
        super().__init__()
        self.labels: dict[str, str] = dict(self.mapping["replaced_labels"])
        self.region_codes: dict[str, str] = dict(self.mapping.get("region_codes") or {})
        self.regime_codes = set(self.mapping["regime_codes"])
        self.category_of: dict[str, str] = dict(self.mapping["categories"])
        self.sheets: dict[str, Any] = dict(self.mapping["sheets"])
        # Supplier home country -> the flag column that must be set when such a company is listed.
        self.home_flags: dict[str, str] = {
            str(col["supplier_country"]): str(col["property"])
            for col in self.sheets["main"]["columns"].values() if "supplier_country" in col}
        self.gazetteer = Gazetteer.default()
        self.registry = VendorRegistry.default()

    # ------------------------------------------------------------------ interface

    def count_rows(self, path: Path) -> int:
        book = self._open(path)
        return sum(max(book[spec["name"]].max_row - 1, 0) for spec in self.sheets.values()
                   if spec["name"] in book.sheetnames)

    def read(self, path: Path, progress: Progress = None) -> Iterator[Item]:
        book = self._open(path)
        for key in ("main", "repression"):
            if self.sheets[key]["name"] not in book.sheetnames:
                raise DatasetFormatError(
                    f"{path.name}: sheet {self.sheets[key]['name']!r} not found "
                    f"(sheets: {', '.join(book.sheetnames)}); the workbook's format has changed")
        main = _SheetResult()
        yield from self._read_sheet(path.name, book[self.sheets["main"]["name"]], self.sheets["main"],
                                    main, progress, main_sheet=True)
        other = _SheetResult()
        yield from self._read_sheet(path.name, book[self.sheets["repression"]["name"]],
                                    self.sheets["repression"], other, progress, main_sheet=False)
        yield from self._cross_check(path.name, main, other)

    @staticmethod
    def _open(path: Path) -> Any:
        from openpyxl import load_workbook

        try:
            return load_workbook(path, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types for a bad file
            raise DatasetFormatError(f"{path.name}: not a readable xlsx workbook ({exc})") from exc

    # ------------------------------------------------------------------ sheets

    def _read_sheet(self, file: str, sheet: Any, spec: Mapping[str, Any], result: _SheetResult,
                    progress: Progress, *, main_sheet: bool) -> Iterator[Item]:
        rows = sheet.iter_rows(values_only=True)
        headers = list(next(rows, ()))
        letters = [_letter(i) for i in range(len(headers))]
        columns: dict[str, dict[str, Any]] = spec["columns"]
        check = check_headers(headers, list(columns), file=file, sheet=sheet.title, letters=letters)
        yield from check.problems
        last_labelled = max(check.index.values())
        for number, values in enumerate(rows, start=2):
            if progress:
                progress(1)
            cells = list(values) + [None] * max(0, len(headers) - len(values))
            if not any(_text(v) for v in cells):
                continue
            yield from self._read_row(file, sheet.title, spec, check.index, letters, number, cells,
                                      last_labelled, result, main_sheet=main_sheet)

    def _read_row(self, file: str, sheet: str, spec: Mapping[str, Any], index: Mapping[str, int],
                  letters: Sequence[str], number: int, cells: list[Any], last_labelled: int,
                  result: _SheetResult, *, main_sheet: bool) -> Iterator[Item]:
        columns: dict[str, dict[str, Any]] = spec["columns"]

        def where(header: str) -> str:
            return f"{letters[index[header]]}{number}"

        def problem(severity: str, kind: str, message: str, cell: str | None = None) -> RowProblem:
            return RowProblem(file, sheet, number, cell, severity, kind, message)  # type: ignore[arg-type]

        country_header = spec["country_column"]
        raw_country = _text(cells[index[country_header]])
        if raw_country is None:
            yield problem("error", "no-country", "row has values but no country; row rejected",
                          where(country_header))
            return
        found = self._resolve_place(raw_country, territories=spec.get("territories") or ())
        if found.problem:
            yield problem(found.severity, found.kind, f"country {found.problem}", where(country_header))
        if found.subject is None:
            return
        row = _Row(number, found.subject_type, found.subject, found.text, found.note)
        if row.subject_type == "country":
            if row.subject in result.countries:
                yield problem("error", "duplicate-country",
                              f"{row.subject} already given on row {result.countries[row.subject]}; "
                              "row rejected", where(country_header))
                return
            result.countries[row.subject] = number
        yield self._statement(sheet, row, "country_name", found.text,
                              raw=raw_country if raw_country != found.text else None)

        # Year first: it dates every other value of the row.
        for header, col in columns.items():
            if col["role"] == "year":
                year = _number(cells[index[header]])
                if year is None:
                    yield problem("warning", "bad-value", f"{header} {cells[index[header]]!r} is not a year",
                                  where(header))
                row.as_of = year

        companies: list[tuple[str, str]] = []
        for header, col in columns.items():
            value = cells[index[header]]
            role = col["role"]
            if role in ("country", "year"):
                continue
            if role == "company":
                text = _text(value)
                if text:
                    companies.append((header, text))
                continue
            yield from self._column(sheet, row, header, col, value, where(header), spec, problem)

        if main_sheet:
            yield from self._companies(sheet, row, companies, where, problem)
        overflow = [(letters[i], cells[i]) for i in range(last_labelled + 1, len(cells)) if _text(cells[i])]
        if overflow:
            yield self._overflow(row, overflow, list(index)[-1], problem)
        if row.subject_type == "country":
            if row.regime:
                result.regimes[row.subject] = row.regime
            if main_sheet or row.flags.get("aigs_listed"):
                result.listed.add(row.subject)

    def _column(self, sheet: str, row: _Row, header: str, col: Mapping[str, Any], value: Any, cell: str,
                spec: Mapping[str, Any], problem: Callable[..., RowProblem]) -> Iterator[Item]:
        role = col["role"]
        prop = col.get("property", "")
        as_of = str(col["as_of"]) if "as_of" in col else row.as_of
        text = _text(value)
        if role == "number":
            if text is None:
                return
            number = _number(value)
            if number is None:
                yield problem("warning", "bad-value", f"{header} {text!r} is not a number; not imported", cell)
                return
            yield self._statement(sheet, row, prop, number, as_of=as_of, column=header)
        elif role == "text":
            if text is not None:
                yield self._statement(sheet, row, prop, text, as_of=as_of, column=header)
        elif role == "region":
            if text is not None:
                code = self.region_codes.get(text, text)
                yield self._statement(sheet, row, prop, code, raw=text if code != text else None, column=header)
        elif role == "regime":
            if text is None:
                return
            if text not in self.regime_codes:
                yield problem("warning", "bad-value",
                              f"{header} {text!r} is not one of {', '.join(sorted(self.regime_codes))}; "
                              "not imported", cell)
                return
            row.regime = text
            yield self._statement(sheet, row, prop, text, as_of=as_of, column=header)
        elif role in ("flag", "category"):
            flag = self._flag(value, spec["flag_values"])
            if flag is None:
                yield problem("warning", "bad-value",
                              f"{header} {value!r} is neither a flag value "
                              f"({', '.join(map(repr, spec['flag_values']))}) nor blank; not imported", cell)
                return
            if role == "category":
                if flag:
                    category = self.category_of[header]
                    row.categories.append(category)
                    yield self._statement(sheet, row, "category", category, raw=header, column=header)
                return
            row.flags[prop] = flag
            yield self._statement(sheet, row, prop, "yes" if flag else "no", as_of=as_of, column=header)
        elif role == "supplier_countries":
            for part in (text or "").split(","):
                part = part.strip()
                if not part:
                    continue
                found = self._resolve_place(part)
                if found.problem:
                    yield problem(found.severity if found.subject else "warning", found.kind,
                                  f"supplier country {found.problem}"
                                  + ("" if found.subject else "; not imported"), cell)
                if found.subject:
                    yield self._statement(sheet, row, prop, found.subject,
                                          raw=part if part != found.subject else None, column=header,
                                          note=found.note)
        else:
            raise DatasetFormatError(f"{self.name}/mapping.yaml: unknown role {role!r} for {header!r}")

    def _overflow(self, row: _Row, overflow: list[tuple[str, Any]], last_header: str,
                  problem: Callable[..., RowProblem]) -> RowProblem:
        """Values without a column: reported with the flags they would contradict, never attributed."""
        listed = " | ".join(str(v).strip() for _l, v in overflow)
        span = f"{overflow[0][0]}{row.number}"
        if len(overflow) > 1:
            span += f":{overflow[-1][0]}{row.number}"
        clashes = []
        for _col, value in overflow:
            vendor = self.registry.resolve(str(value))
            flag = self.home_flags.get(vendor.country or "") if vendor else None
            if vendor and flag and not row.flags.get(flag):
                clashes.append(f"{vendor.name} ({vendor.country})")
        hint = f"; {', '.join(clashes)} would contradict the row's empty tech flag" if clashes else ""
        return problem("warning", "overflow",
                       f"{len(overflow)} value(s) in unlabelled column(s) right of '{last_header}' ({listed}); "
                       f"a list on the wrong row, NOT attributed to {row.subject}{hint}", span)

    @staticmethod
    def _flag(value: Any, flag_values: Sequence[Any]) -> bool | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return False
        if value in flag_values or (isinstance(value, str) and value.strip() in flag_values):
            return True
        return None

    # ------------------------------------------------------------------ companies

    def _companies(self, sheet: str, row: _Row, companies: list[tuple[str, str]],
                   where: Callable[[str], str], problem: Callable[..., RowProblem]) -> Iterator[Item]:
        for header, raw in companies:
            cell = where(header)
            if not row.categories:
                yield problem("warning", "misplaced-company",
                              f"company {raw!r} on a row with no category flag (a list on the wrong "
                              f"row?); NOT attributed to {row.subject}", cell)
                continue
            labels = self._labels_in(raw)
            if labels:
                yield problem("warning", "corrupted-cell",
                              f"company {raw!r} contains regime label(s) {', '.join(labels)}; kept as written",
                              cell)
            vendor = self.registry.resolve(raw)
            detail: dict[str, Any] = {"country": row.subject, "tech": [], "status": "unknown",
                                      "country_categories": sorted(row.categories), "column": header,
                                      "cell": cell}
            if vendor is None:
                if self.registry.is_not_company(raw):
                    reason = next((nc.reason.strip() for nc in self.registry.not_companies()
                                   if nc.raw.casefold() == raw.casefold()), "")
                    yield problem("warning", "not-a-company",
                                  f"{raw!r} in {header} is not a company name ({reason}); kept raw, "
                                  "not resolved to a vendor", cell)
                    yield self._statement(sheet, row, "supplier_placeholder", raw, column=header,
                                          detail={"cell": cell, "reason": reason})
                    continue
                yield problem("info", "unknown-vendor",
                              f"company {raw!r} is not in the vendor registry; kept under the name as written",
                              cell)
                detail.update(supplier=raw, supplier_id=None, supplier_country=None)
                yield self._statement(sheet, row, "deployment", raw, detail=detail, column=header)
                continue
            detail.update(supplier=vendor.name, supplier_id=vendor.id, supplier_country=vendor.country)
            yield self._statement(sheet, row, "deployment", vendor.name,
                                  raw=raw if raw != vendor.name else None, detail=detail, column=header)
            flag = self.home_flags.get(vendor.country or "")
            if flag and not row.flags.get(flag):
                yield problem("warning", "inconsistent-row",
                              f"{vendor.name} ({vendor.country}) is listed but the {flag.replace('_', ' ')} "
                              "flag of the row is empty", cell)

    # ------------------------------------------------------------------ places

    def _labels_in(self, text: str) -> list[str]:
        return [label for label in self.labels if label in text]

    def _resolve_place(self, raw: str, territories: Sequence[str] = ()) -> _Place:
        """A country (or declared territory) for a cell, undoing the find-and-replace if needed."""
        if raw in territories:
            return _Place("territory", raw, raw)
        labels = self._labels_in(raw)
        iso3 = self.gazetteer.resolve(raw) if not labels else None
        if iso3:
            return _Place("country", iso3, raw)
        if labels:
            repaired = raw
            for label in labels:
                repaired = repaired.replace(label, self.labels[label])
            iso3 = self.gazetteer.resolve(repaired)
            if iso3:
                return _Place(
                    "country", iso3, repaired,
                    note=f"cell read as {repaired!r}: it held {raw!r}, regime label(s) written over letters",
                    problem=(f"{raw!r} does not resolve to a country and contains regime label(s) "
                             f"{', '.join(repr(label) for label in labels)} (find-and-replace corruption); "
                             f"undoing the replacement gives {repaired!r} = {iso3}, kept with the raw value"),
                    kind="corrupted-cell")
            return _Place("country", None, raw, severity="error", kind="corrupted-cell",
                               problem=(f"{raw!r} contains regime label(s) {', '.join(labels)} and does not "
                                        "resolve to a country even with the replacement undone; row rejected"))
        return _Place("country", None, raw, severity="error", kind="unknown-country",
                           problem=f"{raw!r} does not resolve to a country; row rejected")

    # ------------------------------------------------------------------ checks across sheets

    def _cross_check(self, file: str, main: _SheetResult, other: _SheetResult) -> Iterator[Item]:
        main_sheet = self.sheets["main"]["name"]
        other_sheet = self.sheets["repression"]["name"]
        for iso3 in sorted(main.listed - other.listed):
            yield RowProblem(file, main_sheet, main.countries.get(iso3), None, "warning", "cross-sheet",
                             f"{iso3} is in sheet '{main_sheet}' but not marked 'AIGS?' in '{other_sheet}'")
        for iso3 in sorted(other.listed - main.listed):
            yield RowProblem(file, other_sheet, other.countries.get(iso3), None, "warning", "cross-sheet",
                             f"{iso3} is marked 'AIGS?' in '{other_sheet}' but has no row in '{main_sheet}'")
        for iso3, regime in sorted(main.regimes.items()):
            theirs = other.regimes.get(iso3)
            if theirs and theirs != regime:
                yield RowProblem(file, main_sheet, main.countries.get(iso3), None, "warning", "cross-sheet",
                                 f"{iso3}: regime type {regime} here but {theirs} in '{other_sheet}'")

    # ------------------------------------------------------------------ statements

    @staticmethod
    def _statement(sheet: str, row: _Row, prop: str, value: str | None, *, raw: str | None = None,
                   as_of: str | None = None, detail: dict[str, Any] | None = None, column: str | None = None,
                   note: str | None = None) -> Statement:
        full = dict(detail or {})
        if column:
            full.setdefault("column", column)
        return Statement(row.subject_type, row.subject, prop, value, sheet, row.number, raw_value=raw,
                         as_of=as_of or row.as_of, detail=full or None,
                         note="; ".join(n for n in (row.note, note) if n) or None)
