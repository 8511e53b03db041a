"""Every data file of the package is declared as package data, so a wheel install has it too
(the editable install the tests run from would hide a missing one)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "custodes"


def test_every_data_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["custodes"]
    declared = {p for pattern in globs for p in PACKAGE.glob(pattern) if p.is_file()}
    data_files = {p for p in (PACKAGE / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    missing = sorted(str(p.relative_to(PACKAGE)) for p in data_files - declared if p.suffix != ".py")
    assert not missing, f"not declared in pyproject.toml package-data: {missing}"
