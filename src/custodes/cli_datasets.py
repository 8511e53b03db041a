"""`custodes import` and `custodes index`: bundled datasets and the country index.

Kept out of cli.py so that the dataset commands can grow without touching the document
commands; `register(app)` adds them to the main Typer app.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

if TYPE_CHECKING:
    from custodes.index.aigs import CountryRow, IndexSummary
    from custodes.sources.datasets.runner import ImportReport

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="SQLite database file or postgresql:// URL [default: $CUSTODES_DB or ./custodes.db]"),
]
EXIT_REJECTED = 1
EXIT_USAGE = 2


def import_command(
    name: Annotated[str | None, typer.Argument(help="Dataset name (see the list below), e.g. aigs-2022.")] = None,
    path: Annotated[Path | None, typer.Argument(help="File to read instead of the bundled copy.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Import every bundled dataset.")] = False,
    version: Annotated[str | None, typer.Option(
        "--version", help="Dataset version of PATH (default: the bundled copy's); a new version supersedes "
        "the old one's statements, which stay in history.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-read even if the same file was imported.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also list informational notes.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report per dataset.")] = False,
    db: DbOpt = None,
) -> None:
    """Import published datasets as statements that name their origin (dataset, version, sheet, row).

    Re-importing the same file changes nothing; a new --version supersedes the old one.

    Bad rows are reported with file, sheet, row and reason, and the good rows are imported.

    Exit code: 0 imported, 1 some rows were rejected, 2 the file or its format is wrong.

    Datasets: bri-countries, regime-type, restricted-vendors, oem-brands, aigs-2022, aiddata-gcdf3.

    Example: [bold]custodes import --all[/bold]   or   [bold]custodes import aigs-2022 new.xlsx --version v5[/bold]
    """
    from custodes.cli import _open, err
    from custodes.sources.datasets import canonical_name, dataset_names, get_importer
    from custodes.sources.datasets.base import DatasetFormatError
    from custodes.sources.datasets.runner import VersionConflict, run_import

    if all_ == (name is not None):
        err.print("[red]error[/red]: give a dataset NAME or --all (datasets: " + ", ".join(dataset_names()) + ")")
        raise typer.Exit(EXIT_USAGE)
    if all_ and (path is not None or version is not None):
        err.print("[red]error[/red]: PATH and --version need one dataset NAME, not --all")
        raise typer.Exit(EXIT_USAGE)
    names = dataset_names() if all_ else [canonical_name(name or "")]
    if names == [None]:
        err.print(f"[red]error[/red]: unknown dataset '{escape(name or '')}'; known: {', '.join(dataset_names())}")
        raise typer.Exit(EXIT_USAGE)
    engine = _open(db)
    reports: list[ImportReport] = []
    failed = False
    progress = Progress(TextColumn("[bold]import[/bold] {task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeRemainingColumn(), console=err, transient=True, disable=as_json)
    with progress:
        for dataset in names:
            assert dataset is not None
            task = progress.add_task(dataset, total=None)

            def set_total(n: int, t: TaskID = task) -> None:
                progress.update(t, total=n)

            def advance(n: int, t: TaskID = task) -> None:
                progress.advance(t, n)

            try:
                report = run_import(engine, get_importer(dataset), path, version=version, force=force,
                                    on_total=set_total, on_rows=advance)
            except (FileNotFoundError, VersionConflict, DatasetFormatError) as exc:
                failed = True
                if as_json:
                    print(json.dumps({"dataset": dataset, "status": "failed", "error": str(exc)}), flush=True)
                else:
                    err.print(f"[red]error[/red]: {dataset}: {escape(str(exc))}", highlight=False)
                continue
            finally:
                progress.remove_task(task)
            reports.append(report)
            if as_json:
                print(json.dumps(report.to_dict(), ensure_ascii=False), flush=True)
    if not as_json:
        _print_reports(reports, verbose)
    if failed:
        raise typer.Exit(EXIT_USAGE)
    if any(r.rejected for r in reports):
        raise typer.Exit(EXIT_REJECTED)


def _print_reports(reports: list[ImportReport], verbose: bool) -> None:
    from custodes.cli import console, err

    colours = {"error": "red", "warning": "yellow", "info": "dim"}
    for report in reports:
        infos = 0
        for p in report.problems:
            if p.severity == "info" and not verbose:
                infos += 1
                continue
            err.print(f"[{colours[p.severity]}]{p.severity}[/{colours[p.severity]}]: {escape(str(p))}",
                      highlight=False, soft_wrap=True)
        if infos:
            err.print(f"[dim]{report.name}: {infos} note(s) not shown (use --verbose, or read the "
                      "dataset_problems table)[/dim]")
    table = Table(title="import summary")
    for col in ("dataset", "version", "status", "rows", "statements", "rejected rows", "warnings", "new",
                "no longer stated", "superseded"):
        table.add_column(col, justify="left" if col in ("dataset", "version", "status") else "right")
    for r in reports:
        table.add_row(r.name, r.version, r.status, str(r.rows), str(r.statements), str(r.rejected), str(r.warnings),
                      str(r.counts.get("new", 0)), str(r.counts.get("retired", 0)),
                      str(r.counts.get("superseded", 0)))
    console.print(table)
    console.print("[dim]unchanged: this file was already imported; superseded: statements of an older "
                  "version, kept in history with current = false[/dim]")


def index_command(
    source: Annotated[str, typer.Option("--source", help="aigs2022, extracted or all.")] = "all",
    as_json: Annotated[bool, typer.Option("--json", help="Countries and summary as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="One CSV row per country.")] = False,
    db: DbOpt = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The extracted part as custodes asserted it at this ISO date or UTC date-time.")] = None,
) -> None:
    """The AI surveillance index per country, in the shape of Carnegie's AIGS, with a summary.

    Per country: categories, supplier countries, BRI membership, regime type, suppliers, sources.

    [bold]aigs2022[/bold]: the 2022 workbook's own rows; the summary reproduces its published figures.

    [bold]extracted[/bold]: deployments found in documents, joined to the imported BRI and regime tables.

    [bold]all[/bold]: both, plus the deployments of the imported datasets (AidData).

    Example: [bold]custodes index --source aigs2022[/bold]   or   [bold]custodes index --csv > index.csv[/bold]
    """
    from custodes.cli import _reading, err
    from custodes.index.aigs import SOURCES, load_index

    if source not in SOURCES:
        err.print(f"[red]error[/red]: --source must be one of {', '.join(SOURCES)}, not '{escape(source)}'")
        raise typer.Exit(EXIT_USAGE)
    if as_json and as_csv:
        err.print("[red]error[/red]: choose one of --json and --csv")
        raise typer.Exit(EXIT_USAGE)
    with _reading(db, as_of) as conn:
        rows, summary = load_index(conn, source)
    if as_json:
        print(json.dumps({"source": source, "summary": summary.to_dict(),
                          "countries": [r.to_dict() for r in rows]}, ensure_ascii=False, indent=2))
    elif as_csv:
        _write_csv(rows)
    else:
        _print_index(rows, summary, source)
    if not rows and source in ("aigs2022", "all"):
        err.print("[yellow]note[/yellow]: no AIGS statements in this database; run [bold]custodes import "
                  "aigs-2022[/bold] first")


CSV_COLUMNS = ("iso3", "name", "categories", "china", "us", "other_supplier_countries", "bri_member",
               "regime_type", "supplier_count", "suppliers", "sources", "datasets")


def _write_csv(rows: list[CountryRow]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        data = row.to_dict()
        for key in ("categories", "other_supplier_countries", "suppliers", "datasets"):
            data[key] = ";".join(data[key])
        writer.writerow(data)


def _print_index(rows: list[CountryRow], summary: IndexSummary, source: str) -> None:
    from custodes.cli import console

    def yes(value: bool | None) -> str:
        return "?" if value is None else ("yes" if value else "")

    table = Table(title=f"AI surveillance index ({source}): {len(rows)} countries")
    for col in ("country", "categories", "China", "US", "other suppliers", "BRI", "regime", "suppliers",
                "sources"):
        table.add_column(col, justify="right" if col in ("suppliers", "sources") else "left")
    for r in rows:
        table.add_row(f"{r.name} ({r.iso3})", ", ".join(r.categories), yes(r.china), yes(r.us),
                      ", ".join(r.other_supplier_countries), yes(r.bri_member), r.regime_type or "",
                      str(len(r.suppliers)), str(r.sources))
    console.print(table)
    totals = Table(title="summary")
    totals.add_column("countries with AI surveillance ...")
    totals.add_column("count", justify="right")
    totals.add_row("all", str(summary.countries))
    for label, n in summary.categories.items():
        totals.add_row(f"  {label}", str(n))
    totals.add_row("with Chinese technology", str(summary.chinese_technology))
    totals.add_row("with US technology", str(summary.us_technology))
    totals.add_row("BRI members", str(summary.bri_members))
    totals.add_row("BRI members with Chinese technology", str(summary.chinese_technology_bri_members))
    for code, n in summary.regime_types.items():
        totals.add_row(f"  regime {code}", str(n))
    console.print(totals)


def register(app: typer.Typer) -> None:
    """Add `import` and `index` to the app; calling it twice adds them once."""
    have = {info.name for info in app.registered_commands}
    if "import" not in have:
        app.command("import")(import_command)
    if "index" not in have:
        app.command("index")(index_command)
