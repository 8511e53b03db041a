"""Inputs as Spark reads them, turned into the project's own reader results, in ingest's order.

Files are listed through Hadoop's file system (local, HDFS, S3 with the usual Hadoop settings),
folders walked recursively, hidden entries left out and children sorted as `plan_inputs` sorts
them; each record carries its place in that order, so the grouping can replay it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from custodes.sources.base import InputError, ReadFailure, ReadResult
from custodes.sources.encoding import decode_bytes
from custodes.sources.jsonl import KNOWN_FIELDS, JsonlReader, document_from_record, parse_jsonl_line
from custodes.sources.text import TextReader, document_from_text

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

FORMATS: dict[str, tuple[str, ...]] = {
    "jsonl": JsonlReader.suffixes,
    "text": TextReader.suffixes,
    "parquet": (".parquet",),
}
ROW_BITS = 40  # an input's order: file index above these bits, line or row number below


@dataclass(frozen=True)
class InputFile:
    uri: str  # as Hadoop names it, to read it
    source: str  # as `custodes ingest` would name it: the path given, joined with the file's place


def guess_format(inputs: list[str]) -> str:
    """The format named by the first input's suffix; a folder is JSON Lines unless told."""
    suffix = PurePosixPath(inputs[0].rstrip("/")).suffix.lower()
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    return "jsonl"


def list_inputs(spark: SparkSession, inputs: list[str], fmt: str) -> tuple[list[InputFile], int]:
    """Every file of the format under the inputs, in ingest's order; and how many were skipped."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[union-attr]
    files: list[InputFile] = []
    skipped = 0
    for raw in inputs:
        path = jvm.org.apache.hadoop.fs.Path(raw)
        fs = path.getFileSystem(conf)
        if not fs.exists(path):
            raise InputError(f"{raw}: no such file or folder")
        status = fs.getFileStatus(path)
        if status.isFile():
            files.append(InputFile(status.getPath().toString(), raw))
            continue
        base = status.getPath().toString().rstrip("/")
        found: list[tuple[tuple[str, ...], InputFile]] = []
        listing = fs.listFiles(path, True)
        while listing.hasNext():
            uri = listing.next().getPath().toString()
            parts = tuple(uri[len(base) + 1:].split("/"))
            if any(part.startswith(".") for part in parts):
                continue
            if PurePosixPath(parts[-1]).suffix.lower() not in FORMATS[fmt]:
                skipped += 1
                continue
            found.append((parts, InputFile(uri, str(PurePosixPath(raw, *parts)) if "://" not in raw
                                           else f"{raw.rstrip('/')}/{'/'.join(parts)}")))
        files += [item for _parts, item in sorted(found, key=lambda pair: pair[0])]
    return files, skipped


def read_inputs(spark: SparkSession, files: list[InputFile], fmt: str, max_bytes: int) -> RDD[tuple[int, ReadResult]]:
    """(order, reader result) for every record of every file."""
    sc = spark.sparkContext
    if fmt == "text":
        return _read_text_files(spark, files, max_bytes)
    parts = []
    for index, item in enumerate(files):
        if fmt == "jsonl":
            lines = sc.textFile(item.uri, use_unicode=False).zipWithIndex()  # bytes: bad UTF-8 fails as in ingest
            parts.append(lines.mapPartitions(_jsonl_reader(index, item.source, max_bytes)))
        else:
            rows = spark.read.parquet(item.uri).rdd.map(lambda row: row.asDict(recursive=True)).zipWithIndex()
            parts.append(rows.mapPartitions(_parquet_reader(index, item.source)))
    return sc.union(parts) if parts else sc.emptyRDD()


def _jsonl_reader(index: int, source: str, max_bytes: int) -> Any:
    def read(lines: Iterable[tuple[bytes, int]]) -> Iterator[tuple[int, ReadResult]]:
        for raw, number in lines:
            if raw.strip():
                yield (index << ROW_BITS) | number, parse_jsonl_line(
                    raw, locator=f"{source}:{number + 1}", source=source, max_bytes=max_bytes)
    return read


def _parquet_reader(index: int, source: str) -> Any:
    def read(rows: Iterable[tuple[dict[str, Any], int]]) -> Iterator[tuple[int, ReadResult]]:
        for row, number in rows:
            yield (index << ROW_BITS) | number, document_from_record(
                record_from_row(row), locator=f"{source}:{number + 1}", source=source)
    return read


def record_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row as the JSON Lines object it stands for: a null column is an absent field,
    dates are ISO text."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None and key not in KNOWN_FIELDS:
            continue
        out[key] = value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
    return out


def _read_text_files(spark: SparkSession, files: list[InputFile], max_bytes: int) -> RDD[tuple[int, ReadResult]]:
    sc = spark.sparkContext
    if not files:
        return sc.emptyRDD()
    place = {item.uri: (index, item.source) for index, item in enumerate(files)}

    def read(pairs: Iterable[tuple[str, bytes]]) -> Iterator[tuple[int, ReadResult]]:
        for uri, data in pairs:
            index, source = place[uri]
            yield index << ROW_BITS, text_document(data, source, max_bytes)

    return sc.binaryFiles(",".join(item.uri for item in files)).mapPartitions(read)


def text_document(data: bytes, source: str, max_bytes: int) -> ReadResult:
    """What `TextReader.read` makes of a file's bytes."""
    try:
        if not data:
            raise InputError("empty file")
        if len(data) > max_bytes:
            raise InputError(f"file is {len(data):,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
        text, encoding = decode_bytes(data)
        return document_from_text(text, source=source, locator=source, size=len(data), encoding=encoding)
    except InputError as exc:
        return ReadFailure(source, str(exc), bytes_read=len(data))
