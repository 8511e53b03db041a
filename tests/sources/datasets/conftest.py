"""Shared pieces of the dataset importer tests: fixture paths and reading an importer fully."""

from __future__ import annotations

from pathlib import Path

from custodes.sources.datasets.base import DatasetImporter, RowProblem, Statement

DATASETS = Path(__file__).resolve().parents[2] / "fixtures" / "datasets"


def read_all(importer: DatasetImporter, path: Path) -> tuple[list[Statement], list[RowProblem]]:
    statements: list[Statement] = []
    problems: list[RowProblem] = []
    for item in importer.read(path):
        (problems if isinstance(item, RowProblem) else statements).append(item)  # type: ignore[arg-type]
    return statements, problems
