"""Extraction over corpora larger than one machine, with Apache Spark, and loading its output.

`job` runs in Spark (imports pyspark); `rows` and `groups` are the pure parts each partition
and the driver use; `load` reads the Parquet output into a database and needs no Spark at all.
"""

from __future__ import annotations

INSTALL_HINT = "pip install 'custodes[spark]' (and Java 17 or later on the PATH)"


class SparkUnavailable(RuntimeError):
    """PySpark is not installed: the message says how to install it."""


def require_pyspark() -> None:
    """Import pyspark now, so a missing extra is one clear message instead of a traceback."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailable(f"PySpark is not installed: {INSTALL_HINT}") from exc
