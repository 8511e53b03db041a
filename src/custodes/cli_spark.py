"""`custodes spark extract` and `custodes load`: corpora beyond one machine, through Apache Spark.

Kept apart from cli.py; wired in with `cli_spark.register(app)`. PySpark is imported only when
`spark extract` runs, so every other command works without the `spark` extra.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from custodes.cli_common import DbOpt, fail
from custodes.config import DEFAULT_MAX_BYTES

spark_app = typer.Typer(help="Run the ingest pipeline in Apache Spark, for corpora beyond one machine.",
                        no_args_is_help=True, rich_markup_mode="rich")


@spark_app.command("extract")
def spark_extract(
    inputs: Annotated[list[str], typer.Argument(help="Files or folders Spark can read: local paths, "
                                                "hdfs://…, s3a://… (with the usual Hadoop settings).")],
    out: Annotated[str, typer.Option("--out", help="Folder to write the Parquet tables to (replaced).")],
    master: Annotated[str | None, typer.Option("--master", help="Spark master, e.g. local[2] or yarn "
                                               "(default: spark-submit's, else local[*]).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="jsonl, parquet or text "
                                            "(default: by the first input's suffix, else jsonl).")] = None,
    partitions: Annotated[int | None, typer.Option("--partitions", min=1, help="Partitions to extract in "
                                                   "(default: Spark's default parallelism).")] = None,
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Largest document accepted, in bytes.")]
    = DEFAULT_MAX_BYTES,
) -> None:
    """Read, group near-duplicates and extract in Spark; write documents, claims, mentions and
    deployments as Parquet under OUT, for `custodes load`.

    Example: [bold]custodes spark extract corpus/ --out extracted/ --master local[2][/bold]
    """
    from custodes.cli import console, err
    from custodes.sources import InputError
    from custodes.spark import SparkUnavailable
    from custodes.spark.inputs import FORMATS

    if fmt is not None and fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    try:
        from custodes.spark.job import run_extract
        from custodes.spark.session import create_session

        spark = create_session(master or _default_master())
    except SparkUnavailable as exc:
        raise fail(str(exc)) from exc
    started = time.monotonic()
    try:
        summary = run_extract(spark, inputs, out, input_format=fmt, partitions=partitions, max_bytes=max_bytes,
                              on_step=lambda name: err.print(f"[dim]{escape(name)}…[/dim]", highlight=False))
    except InputError as exc:
        raise fail(str(exc)) from exc
    finally:
        spark.stop()
    table = Table(title=f"spark extract summary ({time.monotonic() - started:.0f} s)")
    names = ("stored", "near-duplicate", "unchanged", "skipped", "failed", "claims", "deployments")
    for name in names:
        table.add_column(name, justify="right")
    table.add_row(*(str(getattr(summary, name.replace("-", "_"))) for name in names))
    console.print(table)
    console.print(f"written under {escape(out)}; failures, if any, in {escape(out.rstrip('/'))}/failures; "
                  f"load them with [bold]custodes load {escape(out)}[/bold]", highlight=False)
    if summary.failed:
        raise typer.Exit(1)


def _default_master() -> str | None:
    """spark-submit passes its master in the environment; run on its own, use every core here."""
    import os

    return None if os.environ.get("PYSPARK_GATEWAY_PORT") else "local[*]"


def load(
    out: Annotated[Path, typer.Argument(help="A folder written by `custodes spark extract`.")],
    db: DbOpt = None,
) -> None:
    """Store the documents, claims and mentions of a `spark extract` output and recompute the
    deployments they touch; documents already stored are left as they are.

    Example: [bold]custodes load extracted/ --db custodes.db[/bold]
    """
    from custodes.cli import _open, console, err
    from custodes.cli_changes import publish_after_run
    from custodes.spark.load import BadRow, LoadError, count_documents, load_output

    def on_bad(bad: BadRow) -> None:
        err.print(f"[red]failed[/red]: {escape(bad.locator)}: {escape(bad.reason)}", highlight=False)

    try:
        total = count_documents(out)
        engine = _open(db)
        progress = Progress(TextColumn("[bold]load[/bold]"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=err, transient=True)
        with progress:
            task = progress.add_task("load", total=total or None)
            summary = load_output(engine, out, lambda n: progress.advance(task, n), on_bad)
    except LoadError as exc:
        raise fail(str(exc)) from exc
    console.print(f"loaded {summary.loaded} documents ({summary.unchanged} already stored, "
                  f"{len(summary.bad)} failed); {summary.deployments} deployments recomputed", highlight=False)
    publish_after_run(db, "load")
    if summary.bad:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(spark_app, name="spark")
    app.command("load")(load)
