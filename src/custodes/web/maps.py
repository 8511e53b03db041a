"""Choropleth data for the server-side SVG maps: which class each country falls in, and the legend.

Classes are bins of the deployment count. Up to five counts each get their own class; beyond
that, five bins grow geometrically from 1 to the maximum, so one country with many deployments
does not wash every other country into the palest colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from custodes.resolve.countries import Gazetteer
from custodes.web import geo

CLASSES = 5


@dataclass(frozen=True)
class Shape:
    iso3: str
    name: str
    path: str
    count: int
    css: str  # q0 (none) .. q5 (most)
    href: str | None


@dataclass(frozen=True)
class Dot:
    iso3: str
    name: str
    x: float
    y: float
    count: int
    css: str
    href: str


@dataclass(frozen=True)
class LegendItem:
    label: str
    css: str


@dataclass(frozen=True)
class WorldMap:
    width: float
    height: float
    sea: str
    shapes: list[Shape]
    dots: list[Dot]
    legend: list[LegendItem]
    total: int


def bins(maximum: int) -> list[tuple[int, int]]:
    """Inclusive (low, high) count ranges, at most CLASSES of them."""
    if maximum <= 0:
        return []
    if maximum <= CLASSES:
        return [(i, i) for i in range(1, maximum + 1)]
    lows: list[int] = []
    for k in range(CLASSES):
        low = max(round(maximum ** (k / CLASSES)), (lows[-1] + 1) if lows else 1)
        lows.append(low)
    return [(low, (lows[i + 1] - 1) if i + 1 < len(lows) else maximum) for i, low in enumerate(lows)]


def _class_names(n: int) -> list[str]:
    """Spread n classes over the palette so that two classes are pale and dark, not pale and paler."""
    if n == 1:
        return [f"q{CLASSES}"]
    return [f"q{1 + round(i * (CLASSES - 1) / (n - 1))}" for i in range(n)]


@cache
def _linkable() -> frozenset[str]:
    return frozenset(Gazetteer.default().all_iso3())


def _name(iso3: str, fallback: str) -> str:
    try:
        return Gazetteer.default().name(iso3)
    except KeyError:
        return fallback


def world_map(counts: dict[str, int], *, noun: str = "deployment", link_all: bool = True,
              secondary: frozenset[str] = frozenset(), secondary_label: str = "") -> WorldMap:
    """Every Natural Earth country coloured by `counts`; small countries absent from the map drawn
    as dots. Countries in `secondary` but not in `counts` get their own class ("qs"), e.g. the
    countries only an imported dataset (not a document) says a vendor supplied."""
    ranges = bins(max(counts.values(), default=0))
    names = _class_names(len(ranges))

    def css(count: int, iso3: str = "") -> str:
        for (low, high), name in zip(ranges, names, strict=True):
            if low <= count <= high:
                return name
        return "qs" if iso3 in secondary else "q0"

    shapes = []
    for iso3, country in geo.countries().items():
        n = counts.get(iso3, 0)
        linkable = iso3 in _linkable() and (link_all or n > 0 or iso3 in secondary)
        shapes.append(Shape(iso3, _name(iso3, country.name), country.path, n, css(n, iso3),
                            f"/countries/{iso3}" if linkable else None))
    dots = []
    for iso3, n in sorted(counts.items()):
        if iso3 in geo.countries() or n <= 0:
            continue
        point = geo.point_for(iso3)
        if point is None:
            continue
        x, y = geo.to_svg(*point)
        dots.append(Dot(iso3, _name(iso3, iso3), round(x, 1), round(y, 1), n, css(n), f"/countries/{iso3}"))
    legend = [LegendItem("none recorded", "q0")]
    for (low, high), name in zip(ranges, names, strict=True):
        label = str(low) if low == high else f"{low}–{high}"
        legend.append(LegendItem(f"{label} {noun}{'' if high == 1 else 's'}", name))
    if secondary - set(counts):
        legend.append(LegendItem(secondary_label, "qs"))
    return WorldMap(geo.WIDTH, geo.HEIGHT, geo.outline_path(), shapes, dots, legend, sum(counts.values()))
