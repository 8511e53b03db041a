"""Importer for the compiled list of US restrictions on surveillance-technology vendors.

One `restricted` statement per row, on the vendor the registry resolves the listed name to (or
on the name as written, reported, when the registry does not know it). The detail carries the
list, jurisdiction, date, an explicit `active` flag with its basis, the citations and scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from custodes.resolve.vendors import VendorRegistry
from custodes.sources.datasets.base import BundledImporter, Item, Statement, csv_problem, read_csv


class RestrictedVendorsImporter(BundledImporter):
    name = "restricted-vendors"
    importer_version = "1"

    def read(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Item]:
        registry = VendorRegistry.default()
        date_ok = re.compile(self.mapping["date_pattern"])
        lists: list[dict[str, str]] = self.mapping["lists"]
        ended: list[dict[str, Any]] = self.mapping.get("ended") or []
        check, rows = read_csv(path, self.mapping["columns"])
        yield from check.problems
        for number, row in rows:
            if progress:
                progress(1)
            problem = partial(csv_problem, path.name, number)
            if "__bad__" in row:
                yield problem("error", "bad-row", f"{row['__bad__']}; row rejected")
                continue
            missing = [c for c in ("vendor", "list", "jurisdiction", "date", "citation_url") if not row[c]]
            if missing:
                yield problem("error", "missing-value", f"no {', '.join(missing)}; row rejected")
                continue
            if not date_ok.match(row["date"]):
                yield problem("error", "bad-value", f"date {row['date']!r} is not YYYY-MM or YYYY-MM-DD; row rejected")
                continue
            list_id = next((item["id"] for item in lists if row["list"].startswith(item["prefix"])), None)
            if list_id is None:
                yield problem("warning", "unknown-list", f"list {row['list']!r} is not one of the known lists; "
                              "imported under its full name")
            vendor = registry.resolve(row["vendor"])
            if vendor is None:
                yield problem("info", "unknown-vendor", f"{row['vendor']!r} is not in the vendor registry; "
                              "stored under the name as listed")
            subject = vendor.id if vendor else row["vendor"]
            end = next((e for e in ended if e.get("vendor") == row["vendor"] and e.get("list") == list_id), None)
            detail = {
                "vendor_as_listed": row["vendor"], "list": row["list"], "list_id": list_id,
                "jurisdiction": row["jurisdiction"], "date": row["date"], "active": end is None,
                "active_basis": (f"ended {end.get('ended')} ({end.get('citation')})" if end
                                 else self.mapping["active_basis"]),
                "citation_url": row["citation_url"], "second_citation_url": row["second_citation_url"] or None,
                "scope": row["scope_as_reported"] or None, "note": row["note"] or None,
            }
            yield Statement("vendor", subject, "restricted", list_id or row["list"], path.name, number,
                            raw_value=row["vendor"] if not vendor or vendor.name != row["vendor"] else None,
                            as_of=row["date"], detail=detail)
