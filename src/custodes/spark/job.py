"""`custodes spark extract`: the ingest pipeline over a corpus in Spark partitions, to Parquet.

Each partition runs the project's own reader normalisation, identity, MinHash signature,
language guess and extractor (`custodes.spark.rows`); exact duplicates keep their first
occurrence; near-duplicate groups are resolved as ingest resolves them (`custodes.spark.groups`).
The output, under OUT: `documents/`, `claims/`, `mentions/`, `deployments/` and `failures/`,
each sorted in input order (deployments by id), ready for `custodes load`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from custodes.analyse import now_iso
from custodes.config import DEFAULT_MAX_BYTES
from custodes.sources import ReadResult
from custodes.spark import schemas
from custodes.spark.deployments import deployment_row
from custodes.spark.groups import Match, band_keys, band_ranges, bucket_matches, resolve_groups
from custodes.spark.inputs import guess_format, list_inputs, read_inputs
from custodes.spark.rows import PreparedRow, prepare_row

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

OUTPUTS = ("documents", "claims", "mentions", "deployments", "failures")


@dataclass
class ExtractSummary:
    """What `custodes ingest` would have counted, by the same names."""

    stored: int = 0
    near_duplicate: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    claims: int = 0
    deployments: int = 0


def run_extract(spark: SparkSession, inputs: list[str], out_path: str, *, input_format: str | None = None,
                partitions: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                on_step: Callable[[str], None] | None = None) -> ExtractSummary:
    """Read, extract and group every input; write the Parquet tables under `out_path`.
    `on_step` hears the name of each stage as it starts."""
    from pyspark import StorageLevel

    step = on_step or (lambda _name: None)

    fmt = input_format or guess_format(inputs)
    files, skipped = list_inputs(spark, inputs, fmt)
    records = _balanced(read_inputs(spark, files, fmt, max_bytes), partitions or spark.sparkContext.defaultParallelism)
    prepared = records.mapPartitions(_prepare_partition).persist(StorageLevel.MEMORY_AND_DISK)
    failures = prepared.filter(lambda row: row.failure is not None)
    kept = (prepared.filter(lambda row: row.failure is None).map(lambda row: (row.document_id, row))
            .reduceByKey(_first).values().persist(StorageLevel.MEMORY_AND_DISK))
    step("extracting and grouping near-duplicates")
    groups = spark.sparkContext.broadcast(resolve_groups(_matches(kept).collect()))
    documents = kept.map(lambda row: _grouped(row, groups.value))
    now = now_iso()
    summary = ExtractSummary(skipped=skipped)
    step("writing failures")
    summary.failed = _write(spark, failures.map(_failure_row), "failures", out_path, ["order"])
    step("writing documents")
    summary.stored = _write(spark, documents.map(_document), "documents", out_path, ["order"])
    step("writing claims and mentions")
    summary.claims = _write(spark, kept.flatMap(lambda row: row.claims), "claims", out_path, ["doc_order", "ordinal"])
    _write(spark, kept.flatMap(lambda row: row.mentions), "mentions", out_path, ["doc_order", "ordinal"])
    step("writing deployments")
    summary.deployments = _write(spark, _deployments(documents, now), "deployments", out_path, ["id"])
    summary.near_duplicate = len(groups.value)
    summary.stored -= summary.near_duplicate
    readable = prepared.filter(lambda row: row.failure is None).count()
    summary.unchanged = readable - summary.stored - summary.near_duplicate
    prepared.unpersist()
    kept.unpersist()
    return summary


def _balanced(records: RDD[tuple[int, ReadResult]], partitions: int) -> RDD[tuple[int, ReadResult]]:
    """One big file is one partition or few: spread the costly part over every core."""
    return records if records.getNumPartitions() == partitions else records.repartition(partitions)


def _prepare_partition(records: Iterable[tuple[int, ReadResult]]) -> Iterator[PreparedRow]:
    for order, result in records:
        yield prepare_row(order, result)


def _first(a: PreparedRow, b: PreparedRow) -> PreparedRow:
    """Of two inputs with the same text, the earlier is stored; the later is "unchanged"."""
    return a if a.order < b.order else b


def _matches(kept: RDD[PreparedRow]) -> RDD[Match]:
    """Pairs at or above the threshold among LSH candidates, each pair once."""
    ranges = band_ranges()

    def bands(row: PreparedRow) -> Iterator[tuple[tuple[int, bytes], tuple[int, str, bytes]]]:
        assert row.document is not None
        signature = row.document["signature"]
        for key in band_keys(signature, ranges):
            yield key, (row.order, row.document_id, signature)

    buckets = kept.flatMap(bands).groupByKey().filter(lambda pair: len(list(pair[1])) > 1)
    pairs = buckets.flatMap(lambda pair: bucket_matches(pair[1]))
    return pairs.map(lambda m: ((m.order, m.earlier_order), m)).reduceByKey(lambda a, _b: a).values()


def _document(row: PreparedRow) -> dict[str, Any]:
    assert row.document is not None
    return row.document


def _grouped(row: PreparedRow, groups: dict[str, str]) -> PreparedRow:
    assert row.document is not None
    row.document["group_id"] = groups.get(row.document_id, row.document_id)
    return row


def _deployments(documents: RDD[PreparedRow], now: str) -> RDD[dict[str, Any]]:
    def claims(row: PreparedRow) -> Iterator[tuple[str, tuple[dict[str, Any], dict[str, Any]]]]:
        assert row.document is not None
        for claim in row.claims:
            yield claim["deployment_id"], (claim, row.document)

    return documents.flatMap(claims).groupByKey().map(lambda pair: deployment_row(pair[0], pair[1], now))


def _failure_row(row: PreparedRow) -> dict[str, Any]:
    return {"order": row.order, "locator": row.locator, "reason": row.failure}


def _write(spark: SparkSession, rows: RDD[dict[str, Any]], name: str, out_path: str, order: list[str]) -> int:
    """Write one table, sorted so that `custodes load` can read the tables side by side; returns its rows."""
    schema = schemas.table_schema(name)
    names = schema.fieldNames()
    frame = spark.createDataFrame(rows.map(lambda row: tuple(row.get(n) for n in names)), schema)
    partitions = max(1, rows.getNumPartitions())
    frame = frame.repartitionByRange(partitions, *order).sortWithinPartitions(*order).persist()
    frame.write.mode("overwrite").parquet(f"{out_path.rstrip('/')}/{name}")
    count = frame.count()
    frame.unpersist()
    return count
