"""The `custodes` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine

if TYPE_CHECKING:
    from custodes.ingest import IngestSummary

from custodes import __version__
from custodes.config import DEFAULT_MAX_BYTES, resolve_db_path
from custodes.store.db import open_database
from custodes.store.documents import (
    document_stats,
    get_document,
    group_members,
    list_documents,
)

app = typer.Typer(
    name="custodes",
    help="An evidence-backed record of AI surveillance deployments: where, by whom, on what terms.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="SQLite database file [default: $CUSTODES_DB or ./custodes.db]"),
]


def _version(value: bool) -> None:
    if value:
        console.print(f"custodes {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """custodes reads news and reports and keeps a record of surveillance deployments."""


def _open(db: Path | None) -> Engine:
    return open_database(resolve_db_path(db))


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (walked recursively) or - for stdin.")],
    db: DbOption = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Largest document accepted, in bytes.")
    ] = DEFAULT_MAX_BYTES,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="Print one JSON event per input on stdout.")
    ] = False,
) -> None:
    """Read documents into the database.

    Example: [bold]custodes ingest reports/ news.jsonl page.html --db custodes.db[/bold]
    """
    from custodes.ingest import IngestEvent, Ingestor
    from custodes.sources import plan_inputs

    engine = _open(db)
    planned = plan_inputs(paths)
    ingestor = Ingestor(engine, max_bytes=max_bytes)
    total = sum(item.size for item in planned)

    def on_event(event: IngestEvent) -> None:
        if log_json:
            print(json.dumps(event.to_dict(), ensure_ascii=False),
                  flush=True)
        elif event.kind in ("failed", "skipped"):
            err.print(f"[red]{event.kind}[/red]: {event.locator}: {event.reason}", highlight=False)

    progress = Progress(
        TextColumn("[bold]ingest[/bold]"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=log_json,
    )
    with progress:
        task = progress.add_task("ingest", total=total or None)
        summary = ingestor.run(planned, on_event, lambda n: progress.advance(task, n))
    _print_ingest_summary(summary, log_json)
    if summary.failed:
        raise typer.Exit(1)


def _print_ingest_summary(summary: IngestSummary, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"event": "summary", **summary.counts, "warnings": summary.warnings}),
              flush=True)
        return
    for warning in summary.warnings:
        err.print(f"[yellow]warning[/yellow]: {warning}", highlight=False)
    table = Table(title="ingest summary")
    for name in ("stored", "near-duplicate", "unchanged", "skipped", "failed"):
        table.add_column(name, justify="right")
    c = summary.counts
    table.add_row(*(str(c[k]) for k in ("stored", "near_duplicate", "unchanged", "skipped", "failed")))
    console.print(table)
    console.print("[dim]stored: new documents; near-duplicate: stored, grouped with a similar "
                  "stored one; unchanged: already in the database[/dim]")


@app.command()
def demo(
    db: DbOption = None,
) -> None:
    """Ingest the bundled sample corpus and summarise what the database now holds.

    This is the README's first command: it shows the whole pipeline on data shipped with
    custodes, with no network access.

    Example: [bold]custodes demo --db custodes.db[/bold]
    """
    from custodes.sample import ARTICLES

    ingest(paths=[str(ARTICLES)], db=db, max_bytes=DEFAULT_MAX_BYTES, log_json=False)
    stats(db=db, as_json=False)
    target = resolve_db_path(db)
    console.print(f"\nDatabase: [bold]{target}[/bold]. Try: [bold]custodes documents --db {target}[/bold]")


@app.command()
def documents(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List stored documents, newest first.

    Example: [bold]custodes documents --limit 5 --json[/bold]
    """
    with _open(db).connect() as conn:
        docs = list_documents(conn, limit=limit)
    if as_json:
        for doc in docs:
            print(json.dumps(doc.summary(), ensure_ascii=False))
        return
    table = Table(title=f"documents (newest {len(docs)})")
    for name in ("id", "title", "published", "lang", "type", "group"):
        table.add_column(name)
    for doc in docs:
        group = "" if doc.group_id == doc.id else doc.group_id
        table.add_row(doc.id, (doc.title or "")[:60], doc.published or "", doc.lang or "",
                      doc.content_type, group)
    console.print(table)


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id (or a unique prefix).")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show one document with its metadata and text.

    Example: [bold]custodes show doc-3f2a9c1b7d4e5f60[/bold]
    """
    with _open(db).connect() as conn:
        doc = get_document(conn, doc_id)
        if doc is None:
            err.print(f"[red]error[/red]: no document with id '{doc_id}'")
            raise typer.Exit(1)
        members = group_members(conn, doc.group_id)
    if as_json:
        print(json.dumps({**doc.__dict__, "group_members": members}, ensure_ascii=False, indent=2))
        return
    meta = Table.grid(padding=(0, 2))
    for key in ("id", "title", "source", "url", "published", "author", "site", "lang",
                "content_type", "chars", "group_id", "ingested_at"):
        value = getattr(doc, key)
        if value not in (None, ""):
            meta.add_row(f"[bold]{key}[/bold]", str(value))
    if len(members) > 1:
        meta.add_row("[bold]near-duplicates[/bold]", ", ".join(m for m in members if m != doc.id))
    console.print(meta)
    console.print()
    console.print(doc.text, highlight=False, markup=False)


@app.command()
def stats(db: DbOption = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Counts of what the database holds.

    Example: [bold]custodes stats --db custodes.db[/bold]
    """
    with _open(db).connect() as conn:
        s = document_stats(conn)
    if as_json:
        print(json.dumps(s.__dict__))
        return
    table = Table(title="custodes database")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents", str(s.documents))
    table.add_row("independent stories (near-duplicate groups)", str(s.groups))
    table.add_row("characters of text", f"{s.chars:,}")
    for kind, n in sorted(s.by_type.items()):
        table.add_row(f"  type {kind}", str(n))
    for lang, n in sorted(s.by_lang.items(), key=lambda kv: -kv[1])[:8]:
        table.add_row(f"  language {lang}", str(n))
    console.print(table)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
