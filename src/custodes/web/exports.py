"""Bulk exports streamed over HTTP with no row cap and flat memory.

Rows come from `iter_deployments`-style keyset batches and leave as they are produced: CSV and
JSON Lines a few hundred rows per chunk, Parquet one row group per chunk (its footer last),
GeoJSON one feature at a time inside a FeatureCollection.

GeoJSON choice: one Point feature per deployment, placed at the recipient country's
representative point (see `geo.representative_point`; countries too small for Natural Earth's
1:110m file use their capital). Points rather than country polygons because a deployment is a
record, not an area: several deployments in one country stay several features, with all their
properties (evidence included), and the file stays small enough for any GIS. Deployments whose
country has no known point keep `"geometry": null`, which GeoJSON allows.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from custodes.index.export import FLAT_COLUMNS, flat_rows
from custodes.index.profiles import DeploymentView, _attach_evidence, _view
from custodes.index.queries import DeploymentFilter
from custodes.store.schema import deployments
from custodes.web import geo
from custodes.web.store import ReadOnlyStore

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "geojson": "application/geo+json",
}
BATCH = 500
_FLOATS = ("confidence", "amount", "claim_confidence", "claim_status_confidence")
_INTS = ("year", "sources", "documents", "accepted_claims", "evidence_start", "evidence_end", "claim_year")


def iter_filtered(conn: Connection, flt: DeploymentFilter, batch: int = BATCH) -> Iterator[DeploymentView]:
    """Every matching deployment with its evidence, in id order, `batch` rows per query."""
    last = ""
    while True:
        query = flt.where(select(deployments)).where(deployments.c.id > last)
        rows = conn.execute(query.order_by(deployments.c.id).limit(batch)).mappings().all()
        if not rows:
            return
        views = [_view(row) for row in rows]
        _attach_evidence(conn, views)
        yield from views
        last = rows[-1]["id"]


def stream(store: ReadOnlyStore, fmt: str, flt: DeploymentFilter) -> Iterator[bytes]:
    """The export body; the connection lives as long as the response is being sent."""
    writer = {"csv": _csv, "jsonl": _jsonl, "parquet": _parquet, "geojson": _geojson}[fmt]

    def body() -> Iterator[bytes]:
        with store.connect() as conn:
            yield from writer(iter_filtered(conn, flt))

    return body()


def _csv(views: Iterator[DeploymentView]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FLAT_COLUMNS)
    writer.writeheader()
    for i, row in enumerate(flat_rows(views), 1):
        writer.writerow(row)
        if i % BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _jsonl(views: Iterator[DeploymentView]) -> Iterator[bytes]:
    lines: list[str] = []
    for v in views:
        lines.append(json.dumps(v.to_dict(), ensure_ascii=False))
        if len(lines) >= BATCH:
            yield ("\n".join(lines) + "\n").encode("utf-8")
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode("utf-8")


def parquet_schema() -> Any:
    """Same columns and types as `custodes export --format parquet`."""
    import pyarrow as pa

    return pa.schema([(name, pa.float64() if name in _FLOATS else pa.int64() if name in _INTS else pa.string())
                      for name in FLAT_COLUMNS])


class _Chunks(io.RawIOBase):
    """A write-only file that hands over what was written since the last drain."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        out = b"".join(self.parts)
        self.parts = []
        return out


def _parquet(views: Iterator[DeploymentView], batch: int = 5000) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    sink = _Chunks()
    writer = pq.ParquetWriter(sink, schema)
    buffer: list[dict[str, Any]] = []
    wrote = False
    for row in flat_rows(views):
        buffer.append(row)
        if len(buffer) >= batch:
            writer.write_table(pa.Table.from_pylist(buffer, schema=schema))
            wrote, buffer = True, []
            yield sink.drain()
    if buffer or not wrote:
        writer.write_table(pa.Table.from_pylist(buffer, schema=schema))
    writer.close()
    yield sink.drain()


def geojson_feature(v: DeploymentView) -> dict[str, Any]:
    point = geo.point_for(v.country)
    props = v.to_dict()
    props["point_source"] = ("natural-earth-110m" if v.country in geo.countries()
                             else "capital" if point else None)
    return {"type": "Feature", "id": v.id,
            "geometry": {"type": "Point", "coordinates": list(point)} if point else None,
            "properties": props}


def _geojson(views: Iterator[DeploymentView]) -> Iterator[bytes]:
    yield b'{"type":"FeatureCollection","features":[\n'
    first = True
    parts: list[str] = []
    for v in views:
        parts.append(("" if first else ",\n") + json.dumps(geojson_feature(v), ensure_ascii=False))
        first = False
        if len(parts) >= BATCH:
            yield "".join(parts).encode("utf-8")
            parts = []
    yield ("".join(parts) + "\n]}\n").encode("utf-8")
