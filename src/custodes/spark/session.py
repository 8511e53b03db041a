"""The Spark session a command runs in: the master given, or spark-submit's."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from custodes.spark import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

APP_NAME = "custodes"


def create_session(master: str | None = None, *, quiet: bool = True) -> SparkSession:
    """A session on `master` (local[2], yarn, spark://…), or on what spark-submit configured.

    In local mode the Python workers are this interpreter, so they import the same custodes and
    its dependencies; on a cluster, PYSPARK_PYTHON or spark.pyspark.python says which to use.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    if (master or "").startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(APP_NAME).config("spark.ui.showConsoleProgress", "false")
    if master:
        builder = builder.master(master)
    session = builder.getOrCreate()
    if quiet:
        session.sparkContext.setLogLevel("ERROR")
    return session
