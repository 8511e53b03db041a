"""Importer for the compiled list of brands that sell Hikvision / Dahua products (OEM/relabel).

One `oem_brand` statement per (manufacturer, brand): the subject is the manufacturer, the value
the brand as written. Where the source names several possible manufacturers without saying
which ("Dahua and/or Hikvision"), each gets the brand with attribution "either". The evidence
strength (strong / moderate / weak) is kept with its basis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from custodes.resolve.vendors import VendorRegistry
from custodes.sources.datasets.base import BundledImporter, Item, Statement, csv_problem, read_csv

_PARENS = re.compile(r"\(([^)]*)\)")


class OemBrandsImporter(BundledImporter):
    name = "oem-brands"
    importer_version = "1"

    def read(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Item]:
        registry = VendorRegistry.default()
        strengths: list[str] = self.mapping["strengths"]
        strength_re = re.compile(rf"^({'|'.join(map(re.escape, strengths))})\b\s*(?:\((.*)\))?\s*$", re.I | re.S)
        either_markers: list[str] = self.mapping["either_markers"]
        check, rows = read_csv(path, self.mapping["columns"])
        yield from check.problems
        for number, row in rows:
            if progress:
                progress(1)
            problem = partial(csv_problem, path.name, number)
            if "__bad__" in row:
                yield problem("error", "bad-row", f"{row['__bad__']}; row rejected")
                continue
            if not row["brand"] or not row["manufacturer"] or not row["source_url"]:
                yield problem("error", "missing-value", "brand, manufacturer and source_url are required; row rejected")
                continue
            strength = strength_re.match(row["evidence_strength"])
            if strength is None:
                yield problem("error", "bad-value", f"evidence_strength {row['evidence_strength']!r} does not "
                              f"start with one of {', '.join(strengths)}; row rejected")
                continue
            named = _PARENS.sub("", row["manufacturer"]).strip()
            remark = "; ".join(m.strip() for m in _PARENS.findall(row["manufacturer"])) or None
            makers = []
            for mention in registry.find(named):
                if mention.vendor not in makers:
                    makers.append(mention.vendor)
            if not makers:
                yield problem("error", "unknown-vendor", f"manufacturer {row['manufacturer']!r} names no vendor "
                              "of the registry; row rejected")
                continue
            either = len(makers) > 1 and any(marker in named for marker in either_markers)
            if len(makers) > 1 and not either:
                yield problem("warning", "several-manufacturers",
                              f"manufacturer {row['manufacturer']!r} names {len(makers)} vendors; the brand is "
                              "recorded for each")
            brand_vendor = registry.resolve(row["brand"])
            for maker in makers:
                yield Statement(
                    "vendor", maker.id, "oem_brand", row["brand"], path.name, number,
                    as_of=row["source_date"] or None,
                    detail={"brand": row["brand"], "brand_vendor_id": brand_vendor.id if brand_vendor else None,
                            "manufacturer_as_reported": row["manufacturer"], "manufacturer_remark": remark,
                            "attribution": "either" if either else "named",
                            "relationship": row["relationship_as_reported"] or None,
                            "source_url": row["source_url"], "source_date": row["source_date"] or None,
                            "evidence_strength": strength.group(1).lower(),
                            "evidence_basis": (strength.group(2) or "").strip() or None,
                            "note": row["note"] or None})
