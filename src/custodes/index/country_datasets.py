"""What the imported datasets say about one country, for its profile beside the extracted claims.

A profile can then say "AIGS 2022 says: safe city, facial recognition; suppliers Huawei, NEC"
next to "these three articles say ...", each fact with the origin (dataset, version, sheet,
row) a reader can check.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from custodes.store.datasets import countries, current_statements, dataset_deployments


@dataclass
class DatasetFact:
    property: str
    value: str | None
    raw_value: str | None
    as_of: str | None
    note: str | None
    origin: str


@dataclass
class CountryDatasets:
    """Current dataset statements about a country, grouped by dataset, and its dataset deployments."""

    iso3: str
    bri_member: bool | None = None
    bri_origin: str | None = None
    regime_type: str | None = None
    regime_year: int | None = None
    regime_origin: str | None = None
    facts: dict[str, list[DatasetFact]] = field(default_factory=dict)
    deployments: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def country_datasets(conn: Connection, iso3: str) -> CountryDatasets:
    """Everything current the datasets state about `iso3` (deployments also as projected rows)."""
    out = CountryDatasets(iso3)
    ref = conn.execute(select(countries).where(countries.c.iso3 == iso3)).mappings().first()
    if ref is not None:
        out.bri_member, out.bri_origin = ref["bri_member"], ref["bri_origin"]
        out.regime_type, out.regime_year, out.regime_origin = ref["regime_type"], ref["regime_year"], ref[
            "regime_origin"]
    for st in current_statements(conn, subject_type="country", subject=iso3):
        key = f"{st['dataset']}@{st['dataset_version']}"
        out.facts.setdefault(key, []).append(DatasetFact(
            st["property"], st["value"], st["raw_value"], st["as_of"], st["note"], st["origin"]))
    rows = conn.execute(select(dataset_deployments).where(dataset_deployments.c.country == iso3)
                        .order_by(dataset_deployments.c.dataset, dataset_deployments.c.origin)).mappings()
    for row in rows:
        item = dict(row)
        item["tech"] = json.loads(item["tech"])
        out.deployments.append(item)
    return out
