"""The `custodes` command line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

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
    str | None,
    typer.Option("--db", help="SQLite database file or postgresql:// URL [default: $CUSTODES_DB or ./custodes.db]"),
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


def _open(db: str | Path | None) -> Engine:
    return open_database(resolve_db_path(db))


AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="What custodes asserted at this ISO date (end of day, UTC) or UTC date-time."),
]


@contextmanager
def _reading(db: str | Path | None, as_of: str | None = None) -> Iterator[Connection]:
    """A read connection on the database now, or as it stood at `as_of`."""
    from custodes.store.asof import as_of as shadowed
    from custodes.store.history import parse_as_of

    moment = None
    if as_of:
        try:
            moment = parse_as_of(as_of)
        except ValueError as exc:
            err.print(f"[red]error[/red]: {exc}")
            raise typer.Exit(2) from exc
    with _open(db).connect() as conn:
        if moment is None:
            yield conn
        else:
            with shadowed(conn, moment):
                yield conn


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
    no_extract: Annotated[
        bool, typer.Option("--no-extract", help="Store documents only; run `custodes extract` later.")
    ] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Processes that extract documents (default: one "
                                 "per core); the stored result is the same for any number.")
    ] = None,
) -> None:
    """Read documents into the database and extract the deployments they state.

    Example: [bold]custodes ingest reports/ news.jsonl page.html --db custodes.db --workers 2[/bold]
    """
    from custodes.ingest import IngestEvent, Ingestor
    from custodes.sources import plan_inputs

    engine = _open(db)
    planned = plan_inputs(paths)
    ingestor = Ingestor(engine, max_bytes=max_bytes)
    if not no_extract:
        from custodes.analyse import EXTRACTION, after_run

        ingestor = Ingestor(engine, max_bytes=max_bytes, analysis=EXTRACTION, after_run=after_run)
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
        summary = ingestor.run(planned, on_event, lambda n: progress.advance(task, n),
                               workers=workers or os.cpu_count() or 1)
    _print_ingest_summary(summary, log_json)
    if not no_extract:
        from custodes.cli_changes import publish_after_run

        publish_after_run(db, "ingest", to_stderr=log_json)
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
    """Ingest the bundled sample corpus, import the bundled datasets, and summarise the result.

    This is the README's first command: it shows the whole pipeline on data shipped with
    custodes, with no network access.

    Example: [bold]custodes demo --db custodes.db[/bold]
    """
    from custodes.cli_datasets import import_command
    from custodes.sample import ARTICLES

    ingest(paths=[str(ARTICLES)], db=db, max_bytes=DEFAULT_MAX_BYTES, log_json=False, no_extract=False,
           workers=None)
    extract(db=db, everything=False)  # documents stored by an older extractor are brought up to date
    import_command(name=None, path=None, all_=True, version=None, force=False, verbose=False,
                   as_json=False, db=db)
    stats(db=db, as_json=False)
    countries(db=db, as_json=False)
    target = resolve_db_path(db)
    console.print(f"\nDatabase: [bold]{target}[/bold]. Next: [bold]custodes country Ecuador --db {target}[/bold], "
                  f"[bold]custodes index --db {target}[/bold]")
    console.print(f"Start the web app (map, country and vendor pages, API) with:\n"
                  f"  [bold]custodes serve --db {target}[/bold]   then open http://127.0.0.1:8000/")


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
    from custodes.store.claims import count_rows

    with _open(db).connect() as conn:
        s = document_stats(conn)
        records = count_rows(conn)
    if as_json:
        print(json.dumps({**s.__dict__, **records}))
        return
    table = Table(title="custodes database")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents", str(s.documents))
    table.add_row("independent stories (near-duplicate groups)", str(s.groups))
    table.add_row("characters of text", f"{s.chars:,}")
    table.add_row("deployments", str(records["deployments"]))
    table.add_row("claims (deployment stated by one document)", str(records["claims"]))
    table.add_row("mentions of countries and vendors", str(records["mentions"]))
    for kind, n in sorted(s.by_type.items()):
        table.add_row(f"  type {kind}", str(n))
    for lang, n in sorted(s.by_lang.items(), key=lambda kv: -kv[1])[:8]:
        table.add_row(f"  language {lang}", str(n))
    console.print(table)


@app.command()
def extract(
    db: DbOption = None,
    everything: Annotated[bool, typer.Option("--all", help="Re-extract every document, not only stale ones.")] = False,
) -> None:
    """Extract deployments from stored documents.

    By default only documents never extracted, or extracted by another extractor version or
    other reference data, are done; their claims are replaced, never duplicated.

    Example: [bold]custodes extract --all[/bold]
    """
    from custodes.analyse import documents_to_extract, extract_stored

    engine = _open(db)
    todo = documents_to_extract(engine, everything)
    progress = Progress(TextColumn("[bold]extract[/bold]"), BarColumn(),
                        TextColumn("{task.completed}/{task.total} documents"), TimeRemainingColumn(),
                        console=err, transient=True)
    with progress:
        task = progress.add_task("extract", total=len(todo))
        claims_written = extract_stored(engine, todo, lambda _d, _n: progress.advance(task))
    console.print(f"extracted {len(todo)} document(s): {claims_written} claim(s)")
    from custodes.cli_changes import publish_after_run

    publish_after_run(db, "extract")


def _resolve_country(name: str) -> str:
    from custodes.resolve.countries import Gazetteer

    iso3 = Gazetteer.default().resolve(name)
    if iso3 is None:
        err.print(f"[red]error[/red]: unknown country '{name}' (try an ISO3 code such as ECU)")
        raise typer.Exit(2)
    return iso3


@app.command()
def countries(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    as_of: AsOfOption = None,
) -> None:
    """Recipient countries with their deployments, suppliers, categories and sources.

    Example: [bold]custodes countries --json[/bold]   or   [bold]custodes countries --as-of 2026-06-30[/bold]
    """
    from custodes.index.profiles import country_summaries

    with _reading(db, as_of) as conn:
        rows = country_summaries(conn)
    if as_json:
        print(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"countries with deployments ({len(rows)})")
    for name in ("country", "deployments", "suppliers", "categories", "sources"):
        table.add_column(name, justify="right" if name in ("deployments", "sources") else "left")
    for r in rows:
        suppliers = ", ".join(r.suppliers) or ", ".join(f"({c})" for c in r.supplier_countries)
        table.add_row(f"{r.name} ({r.iso3})", str(r.deployments), suppliers, ", ".join(r.categories),
                      str(r.sources))
    console.print(table)


def _print_deployments(views: list, title: str) -> None:  # type: ignore[type-arg]
    from rich.markup import escape

    console.print(f"[bold]{escape(title)}[/bold]: {len(views)} deployment(s)\n")
    for v in views:
        who = v.supplier or (f"unnamed supplier from {v.supplier_country}" if v.supplier_country
                             else "unnamed supplier")
        head = f"[bold]{escape(v.country_name)}[/bold] ← [bold]{escape(who)}[/bold]"
        facts = [", ".join(v.tech), v.status]
        if v.year:
            facts.append(str(v.year))
        if v.program:
            facts.append(f"programme {v.program}")
        if v.lender or v.amount:
            facts.append("financing " + " ".join(str(x) for x in (v.lender, v.currency, v.amount) if x))
        facts.append(f"confidence {v.confidence:.2f}, {v.sources} independent source(s)")
        console.print(head + "  " + escape(" · ".join(facts)))
        for e in v.evidence:
            where = e.url or e.source
            console.print(f"   “{escape(e.text)}”", highlight=False)
            console.print(f"   [dim]{escape(e.title or e.document_id)} — {escape(where)} "
                          f"[{e.document_id} @{e.start}-{e.end}][/dim]", highlight=False)
        console.print()


@app.command()
def country(
    name: Annotated[str, typer.Argument(help="ISO3 code or country name.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    as_of: AsOfOption = None,
    reviewed_only: Annotated[bool, typer.Option(
        "--reviewed-only", help="Only deployments with a claim a person accepted or edited.")] = False,
) -> None:
    """A country's profile: every deployment with its evidence quotes and sources.

    Example: [bold]custodes country Ecuador[/bold]   or   [bold]custodes country ECU --as-of 2026-06-30[/bold]
    """
    from custodes.index.country_datasets import country_datasets
    from custodes.index.profiles import country_name, deployments_for

    iso3 = _resolve_country(name)
    with _reading(db, as_of) as conn:
        views = deployments_for(conn, country=iso3, reviewed_only=reviewed_only)
        datasets = country_datasets(conn, iso3)
    if as_json:
        print(json.dumps({"iso3": iso3, "name": country_name(iso3),
                          "deployments": [v.to_dict() for v in views],
                          "datasets": datasets.to_dict()}, ensure_ascii=False, indent=2))
        return
    _print_deployments(views, f"{country_name(iso3)} ({iso3}): what the documents say")
    _print_country_datasets(datasets)


def _print_country_datasets(data: object) -> None:
    from rich.markup import escape

    from custodes.index.country_datasets import CountryDatasets

    assert isinstance(data, CountryDatasets)
    console.print("[bold]What the datasets say[/bold]")
    if data.bri_member is not None:
        console.print(f"  Belt and Road member: {'yes' if data.bri_member else 'no'}  [dim]{data.bri_origin}[/dim]")
    if data.regime_type:
        console.print(f"  regime type ({data.regime_year}): {escape(data.regime_type)}  "
                      f"[dim]{data.regime_origin}[/dim]")
    for dataset, facts in sorted(data.facts.items()):
        values: dict[str, list[str]] = {}
        for fact in facts:
            values.setdefault(fact.property, []).append(fact.value or fact.raw_value or "")
        console.print(f"  [bold]{escape(dataset)}[/bold]", highlight=False)
        for prop, v in sorted(values.items()):
            console.print(f"    {escape(prop)}: {escape(', '.join(sorted(set(v))))}", highlight=False)
    for dep in data.deployments:
        console.print(f"  [bold]{escape(str(dep.get('dataset')))}[/bold] deployment: "
                      f"{escape(str(dep.get('supplier') or dep.get('supplier_country') or 'unnamed'))} · "
                      f"{', '.join(dep['tech'])} · {dep.get('status')}  [dim]{escape(str(dep.get('origin')))}[/dim]",
                      highlight=False)
    if data.bri_member is None and not data.regime_type and not data.facts and not data.deployments:
        console.print("  nothing (run [bold]custodes import --all[/bold] to load the bundled datasets)")


@app.command()
def vendor(
    name: Annotated[str, typer.Argument(help="Vendor name, alias or legal name.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """A vendor's profile: who it is and every country it is reported to have supplied.

    Example: [bold]custodes vendor "Hangzhou Hikvision"[/bold]
    """
    from custodes.index.profiles import deployments_for
    from custodes.index.vendors import vendor_profile
    from custodes.resolve.vendors import VendorRegistry

    known = VendorRegistry.default().resolve(name)
    canonical = known.name if known else name
    with _open(db).connect() as conn:
        views = deployments_for(conn, supplier=canonical, vendor_id=known.id if known else None)
        profile = vendor_profile(conn, known) if known else None
    if known is None and not views:
        err.print(f"[red]error[/red]: '{name}' is neither in the vendor registry nor named as a supplier")
        raise typer.Exit(2)
    if as_json:
        info = profile.to_dict() if profile else {"name": canonical}
        print(json.dumps({"vendor": info, "deployments": [v.to_dict() for v in views]},
                         ensure_ascii=False, indent=2, default=list))
        return
    if profile is not None:
        _print_vendor_profile(profile)
    _print_deployments(views, f"supplied by {canonical}, according to the documents")


def _print_vendor_profile(profile: object) -> None:
    from rich.markup import escape

    from custodes.index.vendors import VendorProfile

    assert isinstance(profile, VendorProfile)
    console.print(f"[bold]{escape(profile.name)}[/bold] — home country {profile.country or 'unknown'}"
                  + (f", parent {escape(profile.parent)}" if profile.parent else "")
                  + (f", subsidiaries {escape(', '.join(profile.subsidiaries))}" if profile.subsidiaries else ""))
    if profile.aliases:
        console.print("[dim]also known as: " + escape(", ".join(profile.aliases)) + "[/dim]")
    for r in profile.restrictions:
        state = "active" if r.active else "inactive"
        console.print(f"  [red]restricted[/red]: {escape(r.list)} ({escape(r.jurisdiction)}, {r.date}, {state}) "
                      f"as '{escape(r.listed_as)}'  [dim]{escape(r.citation_url)}[/dim]", highlight=False)
    for b in profile.oem_brands:
        console.print(f"  OEM brand [bold]{escape(b.brand)}[/bold]: evidence {escape(b.evidence_strength)}  "
                      f"[dim]{escape(b.source_url)}[/dim]", highlight=False)
    if profile.countries:
        console.print("  countries supplied (documents and datasets): "
                      + ", ".join(f"{c.iso3} ({len(c.sources)} source(s))" for c in profile.countries))
    console.print()


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find in evidence sentences.")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Most hits shown.")] = 20,
    in_documents: Annotated[bool, typer.Option("--documents", help="Search whole documents, not evidence.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Full-text search over evidence sentences (or, with --documents, over whole documents).

    Example: [bold]custodes search "facial recognition"[/bold]
    """
    from custodes.index.profiles import search_evidence
    from custodes.store.documents import search_documents

    if in_documents:
        with _open(db).connect() as conn:
            found = search_documents(conn, query, limit)
        if as_json:
            print(json.dumps([{"document_id": d, "title": t, "snippet": snip} for d, t, snip in found],
                             ensure_ascii=False, indent=2))
        for doc_id, title, snippet in [] if as_json else found:
            console.print(f"[bold]{doc_id}[/bold] {title or ''}: {snippet}", highlight=False, markup=False)
        return
    with _open(db).connect() as conn:
        hits = search_evidence(conn, query, limit)
    if as_json:
        print(json.dumps([h.__dict__ for h in hits], ensure_ascii=False, indent=2))
        return
    for h in hits:
        console.print(f"[bold]{h.country}[/bold] {h.supplier or ''}: {h.snippet}", highlight=False)
        console.print(f"   [dim]{h.title or ''} {h.url or ''} [{h.document_id}][/dim]", highlight=False)
    if not hits:
        console.print("no evidence matches")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv, jsonl or parquet.")] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file [default: stdout; required for parquet].")
    ] = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
    reviewed_only: Annotated[bool, typer.Option(
        "--reviewed-only", help="Only deployments with a claim a person accepted or edited.")] = False,
) -> None:
    """Export every deployment with its evidence.

    JSON Lines nests evidence under each deployment; CSV and Parquet have one row per
    (deployment, evidence sentence). Each deployment says whether a person reviewed it
    (`reviewed`: none, partly, fully; `accepted_claims`), each claim its review state.

    Example: [bold]custodes export --format parquet --out deployments.parquet[/bold]
    or [bold]custodes export --as-of 2026-06-30 --reviewed-only[/bold]
    """
    from custodes.index.export import FORMATS, write_csv, write_jsonl, write_parquet
    from custodes.index.profiles import iter_deployments

    if fmt not in FORMATS:
        err.print(f"[red]error[/red]: --format must be one of {', '.join(FORMATS)}, not '{fmt}'")
        raise typer.Exit(2)
    if fmt == "parquet" and out is None:
        err.print("[red]error[/red]: --format parquet needs --out PATH")
        raise typer.Exit(2)
    with _reading(db, as_of) as conn:
        views = iter_deployments(conn, reviewed_only=reviewed_only)
        if fmt == "parquet":
            assert out is not None
            n = write_parquet(views, out)
        elif out is None:
            n = (write_csv if fmt == "csv" else write_jsonl)(views, sys.stdout)
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                n = (write_csv if fmt == "csv" else write_jsonl)(views, handle)
    if out is not None:
        err.print(f"wrote {n} row(s) to {out}")


@app.command("eval")
def eval_command(
    gold: Annotated[Path, typer.Argument(help="Gold JSON Lines file (the format of GUIDELINES.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
    show_errors: Annotated[bool, typer.Option("--errors", help="List false positives and negatives.")] = False,
    predictions_out: Annotated[Path | None, typer.Option("--predictions-out", help="Write predictions here.")] = None,
) -> None:
    """Score extraction against a labelled file: pair and triple P/R/F1, per-component scores
    (recipient countries, named suppliers, (country, category)), status and year accuracy.

    The texts are ingested into a temporary database and extracted by the real pipeline.

    Example: [bold]custodes eval ../shared/eval/dev.jsonl --errors[/bold]
    """
    from custodes.evaluate import evaluate, write_predictions

    if not gold.exists():
        err.print(f"[red]error[/red]: {gold}: no such file")
        raise typer.Exit(2)
    try:
        result = evaluate(gold)
    except (ValueError, KeyError) as exc:
        err.print(f"[red]error[/red]: {gold}: not a gold file ({exc})")
        raise typer.Exit(2) from exc
    if predictions_out:
        write_predictions(result, predictions_out)
    if as_json:
        print(json.dumps(result.scores.to_dict(), indent=2))
    else:
        s = result.scores
        table = Table(title=f"{gold.name}: {s.documents} documents")
        for name in ("", "precision", "recall", "F1", "tp", "fp", "fn"):
            table.add_column(name, justify="right")
        for label, prf in (("pair", s.pair), ("triple", s.triple), ("country", s.country),
                           ("supplier", s.supplier), ("category", s.category)):
            table.add_row(label, f"{prf.precision:.3f}", f"{prf.recall:.3f}", f"{prf.f1:.3f}",
                          str(prf.tp), str(prf.fp), str(prf.fn))
        console.print(table)
        console.print(f"status accuracy {s.status_accuracy:.3f}, year accuracy {s.year_accuracy:.3f} "
                      f"(on {s.matched} matched pairs)")
    if show_errors:
        for e in result.errors:
            console.print(f"{e.doc_id}\t{e.kind}\t{'/'.join(e.key)}\t{e.detail}\t{e.evidence}",
                          highlight=False, markup=False, soft_wrap=True)

def _register_extensions() -> None:
    """Command groups that live in their own modules, so each stays small."""
    from custodes import (
        cli_alerts,
        cli_audit,
        cli_changes,
        cli_datasets,
        cli_review,
        cli_spark,
        cli_train,
        cli_watch,
        cli_web,
    )

    cli_datasets.register(app)
    cli_train.register(app)
    cli_web.register(app)
    cli_audit.register(app)
    cli_review.register(app)
    cli_changes.register(app)
    cli_watch.register(app)
    cli_alerts.register(app)
    cli_spark.register(app)


_register_extensions()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
