"""Importer for Regimes of the World (V-Dem v15 via Our World in Data): latest year per country.

The file has one row per entity and year since 1789; only each entity's latest classified year
is kept, as a `regime_type` statement (CA/EA/ED/LD) dated by `as_of`. Entities without an ISO3
code are kept as territories under their own name; entities whose latest year is long past
are historical states and are reported instead of imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from custodes.resolve.countries import Gazetteer
from custodes.sources.datasets.base import BundledImporter, Item, RowProblem, Statement, read_csv


def _rejected(file: str, row: int, message: str) -> RowProblem:
    return RowProblem(file, file, row, None, "error", "bad-value", message + "; row rejected")


class RegimeTypeImporter(BundledImporter):
    name = "regime-type"
    importer_version = "1"

    def read(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Item]:
        gazetteer = Gazetteer.default()
        regimes: dict[str, str] = {str(k): str(v) for k, v in self.mapping["regimes"].items()}
        code_map: dict[str, str] = dict(self.mapping.get("codes") or {})
        check, rows = read_csv(path, self.mapping["columns"])
        yield from check.problems
        latest: dict[tuple[str, str], tuple[int, int, str]] = {}  # (code, entity) -> (year, row, score)
        last_year = 0
        for number, row in rows:
            if progress:
                progress(1)
            problem = partial(_rejected, path.name, number)
            if "__bad__" in row:
                yield problem(row["__bad__"])
                continue
            score = row["Political regime"]
            if not row["Year"].lstrip("-").isdigit():
                yield problem(f"Year {row['Year']!r} is not a year")
                continue
            if score == "":
                continue  # no classification that year; earlier years may have one
            if score not in regimes:
                yield problem(f"Political regime {score!r} is not one of {', '.join(regimes)}")
                continue
            year = int(row["Year"])
            last_year = max(last_year, year)
            key = (row["Code"], row["Entity"])
            if key not in latest or year >= latest[key][0]:
                latest[key] = (year, number, score)
        max_age = int(self.mapping["max_age_years"])
        for (code, entity), (year, number, score) in sorted(latest.items(), key=lambda kv: kv[1][1]):
            if year < last_year - max_age:
                yield RowProblem(path.name, path.name, number, None, "info", "historical-entity",
                                 f"{entity} ({code or 'no code'}): latest classified year {year} is more than "
                                 f"{max_age} years before {last_year}; not imported as a current regime")
                continue
            iso3 = code_map.get(code) or (code if code and gazetteer.resolve(code) == code else None)
            detail = {"entity": entity, "code": code or None, "score": int(score), "year": year}
            if iso3 is None:
                yield RowProblem(path.name, path.name, number, None, "info", "territory",
                                 f"{entity} has no ISO3 code ({code or 'blank'}); kept as a territory")
                yield Statement("territory", entity, "regime_type", regimes[score], path.name, number,
                                raw_value=score, as_of=str(year), detail=detail)
                continue
            yield Statement("country", iso3, "regime_type", regimes[score], path.name, number,
                            raw_value=score, as_of=str(year), detail=detail)
