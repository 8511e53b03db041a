"""Importer for the GFDC list of Belt and Road Initiative countries (May 2025).

One `bri_member` statement per country: "yes", or "exited" for a country that left (Italy,
Panama). The MoU and exit dates, name, region and income group go into the statement's detail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from custodes.resolve.countries import Gazetteer
from custodes.sources.datasets.base import BundledImporter, Item, Statement, csv_problem, read_csv

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BriCountriesImporter(BundledImporter):
    name = "bri-countries"
    importer_version = "1"

    def read(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Item]:
        gazetteer = Gazetteer.default()
        check, rows = read_csv(path, self.mapping["columns"])
        yield from check.problems
        seen: dict[str, int] = {}
        for number, row in rows:
            if progress:
                progress(1)
            problem = partial(csv_problem, path.name, number)
            if "__bad__" in row:
                yield problem("error", "bad-row", f"{row['__bad__']}; row rejected")
                continue
            code = row["iso3"].upper()
            if gazetteer.resolve(code) != code:
                yield problem("error", "unknown-country",
                              f"iso3 {row['iso3']!r} is not a known ISO3 code; row rejected")
                continue
            if code in seen:
                yield problem("error", "duplicate-country", f"{code} already given on row {seen[code]}; row rejected")
                continue
            bad_dates = [f"{col} {row[col]!r}" for col in ("mou", "exit") if row[col] and not _DATE.match(row[col])]
            if bad_dates:
                yield problem("error", "bad-value", f"{', '.join(bad_dates)} not a YYYY-MM-DD date; row rejected")
                continue
            seen[code] = number
            by_name = gazetteer.resolve(row["name"])
            if by_name is not None and by_name != code:
                yield problem("warning", "name-code-mismatch",
                              f"name {row['name']!r} resolves to {by_name}, code says {code}; the code is used")
            exited = bool(row["exit"])
            value = self.mapping["exited_value"] if exited else self.mapping["member_value"]
            yield Statement(
                "country", code, "bri_member", value, path.name, number,
                as_of=row["exit"] or row["mou"] or None,
                detail={"mou": row["mou"] or None, "exit": row["exit"] or None, "name": row["name"],
                        "region": row["region"], "income": row["income"]},
                note=None if row["mou"] else self.mapping["blank_mou_note"])
