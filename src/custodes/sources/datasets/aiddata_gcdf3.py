"""Importer for AidData's GCDF 3.0 surveillance-related projects (keyword subset).

Every row becomes a `project` statement (subject: the AidData record id) carrying all its
fields. Rows the subset marks as core surveillance matches, whose keywords name a surveillance
system and whose recipient is a country, also become a `deployment` statement with financing
(lender read from the title, lender country, amount, currency), which the store projects into
`dataset_deployments` beside the deployments extracted from documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from custodes.resolve.countries import Gazetteer
from custodes.resolve.vendors import VendorRegistry
from custodes.sources.datasets.base import BundledImporter, Item, Statement, csv_problem, read_csv

_YEAR = re.compile(r"^\d{4}(\.0)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class AidDataGcdf3Importer(BundledImporter):
    name = "aiddata-gcdf3"
    importer_version = "1"

    def __init__(self) -> None:
        super().__init__()
        m = self.mapping
        self.statuses: dict[str, str] = dict(m["statuses"])
        self.keyword_categories: dict[str, list[str]] = {str(k): list(v) for k, v in m["keyword_categories"].items()}
        self.lenders = [(re.compile(item["pattern"]), str(item["lender"])) for item in m["lenders"]]

    def read(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Item]:
        gazetteer = Gazetteer.default()
        registry = VendorRegistry.default()
        m = self.mapping
        check, rows = read_csv(path, m["columns"])
        yield from check.problems
        seen: dict[str, int] = {}
        for number, row in rows:
            if progress:
                progress(1)
            problem = partial(csv_problem, path.name, number)
            if "__bad__" in row:
                yield problem("error", "bad-row", f"{row['__bad__']}; row rejected")
                continue
            pid = row["aiddata_record_id"]
            errors = self._format_errors(row)
            if not pid.isdigit():
                errors.insert(0, f"aiddata_record_id {pid!r} is not a number")
            elif pid in seen:
                errors.insert(0, f"project {pid} already given on row {seen[pid]}")
            if errors:
                yield problem("error", "bad-value", "; ".join(errors) + "; row rejected")
                continue
            seen[pid] = number
            iso3 = self._recipient(row, gazetteer)
            if iso3 is None:
                yield problem("warning", "no-country",
                              f"recipient {row['recipient']!r} ({row['recipient_iso3'] or 'no iso3'}) is not a "
                              "country; kept as a project, not as a deployment")
            status = self.statuses.get(row["status"])
            if status is None:
                yield problem("warning", "unknown-status", f"status {row['status']!r} is not mapped; read as unknown")
                status = "unknown"
            keywords = self._keywords(row)
            unknown = [k for k in keywords if not k.startswith(m["vendor_prefix"]) and k not in self.keyword_categories]
            if unknown:
                yield problem("warning", "unknown-keyword", f"keyword group(s) {', '.join(map(repr, unknown))} not "
                              "mapped to categories; ignored")
            tech = sorted({c for k in self._keywords(row, title_only=not m["deployment_from_description"])
                           for c in self.keyword_categories.get(k, [])})
            vendors = [registry.resolve(k[len(m["vendor_prefix"]):]) for k in keywords
                       if k.startswith(m["vendor_prefix"])]
            supplier = next((v for v in vendors if v is not None), None)
            lender = next((name for pattern, name in self.lenders if pattern.search(row["title"])), None)
            year = int(float(row["commitment_year"])) if row["commitment_year"] else None
            amount = float(row["amount_constant_usd_2021"]) if row["amount_constant_usd_2021"] else None
            fields: dict[str, Any] = {c: (row[c] or None) for c in m["columns"]}
            fields.update(recipient_country=iso3, lender=lender, lender_country=m["lender_country"],
                          amount=amount, currency=m["currency"] if amount is not None else None,
                          amount_basis=m["amount_basis"] if amount is not None else None)
            yield Statement("project", pid, "project", row["title"], path.name, number,
                            as_of=row["commitment_date"] or row["commitment_year"] or None, detail=fields)
            core = row[m["core_column"]] == m["core_value"]
            if core and iso3 and tech:
                yield Statement("project", pid, "deployment", supplier.name if supplier else None, path.name, number,
                                as_of=row["commitment_date"] or None, detail={
                                    "country": iso3, "supplier": supplier.name if supplier else None,
                                    "supplier_id": supplier.id if supplier else None,
                                    "supplier_country": supplier.country if supplier else None,
                                    "program": None, "title": row["title"], "tech": tech, "status": status,
                                    "year": year, "lender": lender, "lender_country": m["lender_country"],
                                    "amount": amount, "currency": m["currency"] if amount is not None else None,
                                    "aiddata_status": row["status"], "keywords": keywords,
                                    "url": f"https://china.aiddata.org/projects/{pid}/"})

    def _format_errors(self, row: dict[str, str]) -> list[str]:
        errors = []
        for col in ("commitment_year", "implementation_start_year", "completion_year"):
            if row[col] and not _YEAR.match(row[col]):
                errors.append(f"{col} {row[col]!r} is not a year")
        for col in ("commitment_date", "actual_implementation_start_date", "actual_completion_date"):
            if row[col] and not _DATE.match(row[col]):
                errors.append(f"{col} {row[col]!r} is not a YYYY-MM-DD date")
        if row["amount_constant_usd_2021"]:
            try:
                float(row["amount_constant_usd_2021"])
            except ValueError:
                errors.append(f"amount_constant_usd_2021 {row['amount_constant_usd_2021']!r} is not a number")
        if not row["title"]:
            errors.append("no title")
        return errors

    @staticmethod
    def _recipient(row: dict[str, str], gazetteer: Gazetteer) -> str | None:
        code = row["recipient_iso3"].upper()
        if code and gazetteer.resolve(code) == code:
            return code
        return gazetteer.resolve(row["recipient"]) if not code else None

    def _keywords(self, row: dict[str, str], *, title_only: bool = False) -> list[str]:
        sep = self.mapping["keyword_separator"]
        out: list[str] = []
        columns = ("matched_keywords_title",) if title_only else ("matched_keywords_title",
                                                                   "matched_keywords_description")
        for col in columns:
            for part in row[col].split(sep):
                part = part.strip()
                if part and part not in out:
                    out.append(part)
        return out
