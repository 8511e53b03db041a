"""Tiny stand-ins for the gazetteer and vendor registry, so extractor tests do not depend on
the reference data files."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FakeCountryMention:
    start: int
    end: int
    surface: str
    iso3: str
    kind: str


@dataclass(frozen=True)
class FakeVendor:
    id: str
    name: str
    country: str | None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class FakeVendorMention:
    start: int
    end: int
    surface: str
    vendor: FakeVendor


_PLACES = {
    "Freedonia": ("FRE", "name"),
    "Freedonian": ("FRE", "demonym"),
    "Sylvania": ("SYL", "name"),
    "Sylvanian": ("SYL", "demonym"),
    "Borduria": ("BOR", "name"),
    "Bordurian": ("BOR", "demonym"),
    "Ruritania": ("RUR", "name"),
    "Ruritanian": ("RUR", "demonym"),
    "China": ("CHN", "name"),
    "Chinese": ("CHN", "demonym"),
    "Japan": ("JPN", "name"),
    "Japanese": ("JPN", "demonym"),
    "Kenya": ("KEN", "name"),
    "Kenyan": ("KEN", "demonym"),
    "Germany": ("DEU", "name"),
    "German": ("DEU", "demonym"),
    "U.S.": ("USA", "alias"),
    "United States": ("USA", "name"),
    "American": ("USA", "demonym"),
    "Nairobi": ("KEN", "city"),
    "Shenzhen": ("CHN", "city"),
    "Fredville": ("FRE", "city"),
    "Sylvan City": ("SYL", "city"),
}
_VENDORS = {
    "Huawei": FakeVendor("huawei", "Huawei", "CHN", ("smart_city",)),
    "Huawei Technologies": FakeVendor("huawei", "Huawei", "CHN", ("smart_city",)),
    "Hikvision": FakeVendor("hikvision", "Hikvision", "CHN", ("video_surveillance",)),
    "NEC": FakeVendor("nec", "NEC", "JPN", ("facial_recognition",)),
    "Palantir": FakeVendor("palantir", "Palantir", "USA", ("smart_policing",)),
    "ZTE": FakeVendor("zte", "ZTE", "CHN", ("telecom_infrastructure",)),
}


def _finder(table: dict[str, object]) -> re.Pattern[str]:
    names = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


class FakeGazetteer:
    _re = _finder(dict(_PLACES))

    def find(self, text: str) -> list[FakeCountryMention]:
        return [
            FakeCountryMention(m.start(), m.end(), m.group(1), *_PLACES[m.group(1)]) for m in self._re.finditer(text)
        ]

    def resolve(self, name: str) -> str | None:
        hit = _PLACES.get(name)
        return hit[0] if hit else None


class FakeRegistry:
    _re = _finder(dict(_VENDORS))

    def find(self, text: str) -> list[FakeVendorMention]:
        return [
            FakeVendorMention(m.start(), m.end(), m.group(1), _VENDORS[m.group(1)]) for m in self._re.finditer(text)
        ]

    def resolve(self, name: str) -> FakeVendor | None:
        return _VENDORS.get(name.strip())
