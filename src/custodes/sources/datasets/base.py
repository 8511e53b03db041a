"""The common interface of dataset importers, and the helpers they share.

A published dataset (a spreadsheet, a CSV) is read into `Statement`s: one fact about one subject
(a country, a vendor, a project), each pointing back to the sheet and row it came from. What an
importer cannot read cleanly becomes a `RowProblem` naming the file, sheet, row and cell, so a
broken source is reported instead of being silently fixed or silently kept. A change of format
(a column gone, a sheet renamed) raises `DatasetFormatError`: an importer crashes or warns, it
never absorbs a format change.

Everything an importer needs to know about a source's quirks (column names, code lists, typo
aliases) lives in YAML next to the bundled data under `custodes/data/datasets/<name>/`.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml

Severity = Literal["error", "warning", "info"]
SUBJECT_TYPES = ("country", "territory", "vendor", "project")


class DatasetFormatError(Exception):
    """The file is not in the format the importer was written for; nothing is imported."""


@dataclass(frozen=True)
class Statement:
    """One fact a dataset states about one subject, with the sheet and row it came from.

    `value` is the normalised value (an ISO3 code, a category id, a canonical vendor name);
    `raw_value` keeps the cell text whenever it differs, so a reader can always see the source.
    """

    subject_type: str
    subject: str
    property: str
    value: str | None
    sheet: str
    row: int
    raw_value: str | None = None
    as_of: str | None = None
    detail: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)
    note: str | None = None


@dataclass(frozen=True)
class RowProblem:
    """Something wrong with a row or cell. `error` rejects the row; the others keep it."""

    file: str
    sheet: str | None
    row: int | None
    cell: str | None
    severity: Severity
    kind: str
    message: str

    def where(self) -> str:
        parts = [self.file]
        if self.sheet and self.sheet != self.file:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.cell:
            parts.append(f"cell {self.cell}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


Item = Statement | RowProblem


def csv_problem(file: str, row: int | None, severity: Severity, kind: str, message: str) -> RowProblem:
    """A problem with a row of a CSV file (the sheet is the file itself)."""
    return RowProblem(file, file, row, None, severity, kind, message)


@dataclass(frozen=True)
class DatasetMetadata:
    """Who published a dataset, where, under which licence, and how to cite it."""

    name: str
    title: str
    version: str
    publisher: str
    url: str
    licence: str
    data_date: str
    citation: str
    file: str

    @classmethod
    def load(cls, name: str) -> DatasetMetadata:
        data = load_yaml(dataset_dir(name) / "metadata.yaml")
        missing = [f for f in cls.__dataclass_fields__ if f not in data]
        if missing:
            raise DatasetFormatError(f"{name}/metadata.yaml: missing {', '.join(missing)}")
        return cls(**{f: str(data[f]) for f in cls.__dataclass_fields__})


class DatasetImporter(Protocol):
    """Reads one dataset's file into statements and problems, never writing anything."""

    name: str
    importer_version: str
    metadata: DatasetMetadata

    @property
    def version(self) -> str: ...

    def default_path(self) -> Path: ...

    def count_rows(self, path: Path) -> int: ...

    def read(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Item]:
        """Statements and problems of one file; `progress(n)` is called as rows are read."""
        ...


class BundledImporter:
    """Shared plumbing: metadata and the bundled copy of the data under custodes/data/datasets."""

    name: str = ""
    importer_version: str = "1"

    def __init__(self) -> None:
        self.metadata = DatasetMetadata.load(self.name)
        self.mapping = load_yaml(dataset_dir(self.name) / "mapping.yaml")

    @property
    def version(self) -> str:
        return self.metadata.version

    def default_path(self) -> Path:
        return dataset_dir(self.name) / self.metadata.file

    def count_rows(self, path: Path) -> int:
        return count_csv_records(path)


def dataset_dir(name: str) -> Path:
    """Folder of a bundled dataset (data files, SOURCE.md, metadata.yaml, mapping.yaml)."""
    return Path(str(resources.files("custodes") / "data" / "datasets" / name))


def load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DatasetFormatError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise DatasetFormatError(f"{path}: expected a mapping at the top level")
    return data


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------ columns


@dataclass
class ColumnCheck:
    """Which expected headers a file has; unknown headers become `unused-column` warnings."""

    index: dict[str, int]
    problems: list[RowProblem]


def check_headers(headers: Sequence[str | None], expected: Sequence[str], *, file: str,
                  sheet: str | None, letters: Sequence[str] | None = None) -> ColumnCheck:
    """Map each expected header to its position; a missing one is a format change and raises.

    Blank headers are not checked here: spreadsheets often have unlabelled columns, and what is
    in them is the importer's business (see the AIGS overflow check).
    """
    index: dict[str, int] = {}
    problems: list[RowProblem] = []
    for pos, header in enumerate(headers):
        if header is None or not str(header).strip():
            continue
        name = str(header).strip()
        if name in index:
            raise DatasetFormatError(f"{file}: header {name!r} appears twice")
        index[name] = pos
    missing = [name for name in expected if name not in index]
    if missing:
        raise DatasetFormatError(
            f"{file}{f' (sheet {sheet!r})' if sheet else ''}: expected column(s) "
            f"{', '.join(repr(m) for m in missing)} not found; the file's format has changed")
    for name, pos in index.items():
        if name not in expected:
            cell = f"{letters[pos]}1" if letters else None
            problems.append(RowProblem(
                file, sheet, 1, cell, "warning", "unused-column",
                f"column {name!r} is not used by the importer; its values were not imported"))
    return ColumnCheck(index, problems)


def count_csv_records(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def read_csv(path: Path, expected: Sequence[str]) -> tuple[ColumnCheck, Iterator[tuple[int, dict[str, str]]]]:
    """Header check plus rows as dicts keyed by expected header; row 1 is the header.

    A row whose number of fields differs from the header's is yielded with the key `__bad__`
    so the importer rejects it with its row number instead of guessing which field moved.
    """
    handle = path.open(encoding="utf-8", newline="")
    try:
        reader = csv.reader(handle)
        headers = next(reader)
    except StopIteration as exc:
        handle.close()
        raise DatasetFormatError(f"{path.name}: empty file") from exc
    except UnicodeDecodeError as exc:
        handle.close()
        raise DatasetFormatError(f"{path.name}: not UTF-8 ({exc})") from exc
    if headers and headers[0].startswith("\ufeff"):
        headers[0] = headers[0][1:]
    check = check_headers(headers, expected, file=path.name, sheet=None)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        with handle:
            try:
                for number, fields in enumerate(reader, start=2):
                    if not any(f.strip() for f in fields):
                        continue
                    if len(fields) != len(headers):
                        yield number, {"__bad__": f"{len(fields)} fields where the header has {len(headers)}"}
                        continue
                    yield number, {name: fields[pos].strip() for name, pos in check.index.items()}
            except UnicodeDecodeError as exc:
                raise DatasetFormatError(f"{path.name}: not UTF-8 ({exc})") from exc
            except csv.Error as exc:
                raise DatasetFormatError(f"{path.name}, row {reader.line_num}: {exc}") from exc

    return check, rows()

