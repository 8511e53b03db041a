"""Importers of published datasets, one module each, behind `base.DatasetImporter`.

A new dataset is one module plus a folder under `custodes/data/datasets/<name>/` holding the
data file (byte-for-byte as published), its SOURCE.md, `metadata.yaml` and `mapping.yaml`.
"""

from __future__ import annotations

from collections.abc import Callable

from custodes.sources.datasets.base import DatasetImporter


def _factories() -> dict[str, Callable[[], DatasetImporter]]:
    from custodes.sources.datasets.aiddata_gcdf3 import AidDataGcdf3Importer
    from custodes.sources.datasets.aigs2022 import Aigs2022Importer
    from custodes.sources.datasets.bri import BriCountriesImporter
    from custodes.sources.datasets.oem_brands import OemBrandsImporter
    from custodes.sources.datasets.regime import RegimeTypeImporter
    from custodes.sources.datasets.restricted_vendors import RestrictedVendorsImporter

    # Reference tables first: the country index joins AIGS and AidData rows to them.
    return {
        "bri-countries": BriCountriesImporter,
        "regime-type": RegimeTypeImporter,
        "restricted-vendors": RestrictedVendorsImporter,
        "oem-brands": OemBrandsImporter,
        "aigs-2022": Aigs2022Importer,
        "aiddata-gcdf3": AidDataGcdf3Importer,
    }


def dataset_names() -> list[str]:
    return list(_factories())


def canonical_name(name: str) -> str | None:
    """`aigs2022`, `AIGS-2022` and `aigs-2022` all name the same dataset."""
    key = name.strip().lower().replace("_", "-")
    for known in _factories():
        if key in (known, known.replace("-", "")):
            return known
    return None


def get_importer(name: str) -> DatasetImporter:
    known = canonical_name(name)
    if known is None:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(dataset_names())}")
    return _factories()[known]()
