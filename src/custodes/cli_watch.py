"""`custodes sources ...` and `custodes watch`: what is watched, how healthy it is, and the watcher.

Kept apart from cli.py; wired in with `cli_watch.register(app)`.
"""

from __future__ import annotations

import json
import signal
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from custodes.cli_common import DbOpt
from custodes.cli_common import fail as _fail

if TYPE_CHECKING:
    from custodes.store.watch import WatchedSource
    from custodes.watch import SourceRun, WatchRun

sources_app = typer.Typer(help="Feeds, sitemaps and pages that `custodes watch` polls, and their health.",
                          no_args_is_help=True, rich_markup_mode="rich")



def _default_name(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="The feed's, sitemap's or page's URL.")],
    kind: Annotated[str, typer.Option("--kind", help="feed (RSS, Atom, JSON Feed), sitemap or page.")] = "feed",
    name: Annotated[str | None, typer.Option("--name", help="A short name [default: host and path].")] = None,
    every: Annotated[str, typer.Option("--every", help="How often to poll: 30m, 6h, 1d or seconds.")] = "6h",
    lang: Annotated[str | None, typer.Option("--lang", help="The source's language (ISO 639-1), if known.")] = None,
    db: DbOpt = None,
) -> None:
    """Watch a feed, a sitemap or a page.

    Example: [bold]custodes sources add https://citizenlab.ca/feed/ --name "Citizen Lab" --every 12h[/bold]
    """
    from custodes.cli import _open, console
    from custodes.sources.source_list import parse_interval
    from custodes.store.watch import SourceExists, add_source, utc_now

    if urlsplit(url).scheme not in ("http", "https"):
        raise _fail(f"{url}: only http(s) URLs can be watched")
    try:
        seconds = parse_interval(every)
        with _open(db).begin() as conn:
            source = add_source(conn, name=name or _default_name(url), url=url, kind=kind,
                                every_seconds=seconds, lang=lang, now=utc_now().isoformat())
    except (ValueError, SourceExists) as exc:
        raise _fail(str(exc)) from exc
    console.print(f"watching [bold]{escape(source.name)}[/bold] ({source.kind}, every {every}): "
                  f"{escape(source.url)}", highlight=False)


@sources_app.command("import")
def sources_import(
    path: Annotated[Path | None, typer.Argument(help="A CSV with columns name,url,kind,every,lang.")] = None,
    example: Annotated[bool, typer.Option("--example", help="Import the bundled example list of real "
                                          "public feeds on surveillance technology.")] = False,
    db: DbOpt = None,
) -> None:
    """Add many sources from a CSV file; bad rows are named by line and the rest are added.

    Example: [bold]custodes sources import --example[/bold]
    """
    from custodes.cli import _open, console, err
    from custodes.sources.source_list import read_sources_csv
    from custodes.store.watch import SourceExists, add_source, utc_now

    if (path is None) == (not example):
        raise _fail("give a CSV file or --example (not both)")
    if path is None:
        ref = resources.files("custodes") / "data" / "watch" / "example_sources.csv"
        with resources.as_file(ref) as bundled:
            rows, problems = read_sources_csv(bundled)
    else:
        if not path.is_file():
            raise _fail(f"{path}: no such file")
        rows, problems = read_sources_csv(path)
    added = existing = 0
    with _open(db).connect() as conn:
        for row in rows:
            try:
                with conn.begin():
                    add_source(conn, name=row.name, url=row.url, kind=row.kind, every_seconds=row.every_seconds,
                               lang=row.lang, now=utc_now().isoformat())
                added += 1
            except SourceExists:
                existing += 1
    for problem in problems:
        err.print(f"[yellow]warning[/yellow]: {escape(problem)}", highlight=False)
    console.print(f"{added} source(s) added, {existing} already watched, {len(problems)} problem(s)")
    if problems and not rows:
        raise typer.Exit(1)


@sources_app.command("remove")
def sources_remove(
    source: Annotated[str, typer.Argument(help="The source's name, URL or number (from `sources list`).")],
    db: DbOpt = None,
) -> None:
    """Stop watching a source; the documents it brought in stay.

    Example: [bold]custodes sources remove "Citizen Lab"[/bold]
    """
    from custodes.cli import _open, console
    from custodes.store.watch import get_source, remove_source

    with _open(db).begin() as conn:
        found = get_source(conn, source)
        if found is None:
            raise _fail(f"no watched source {source!r} (see `custodes sources list`)")
        remove_source(conn, found.pk)
    console.print(f"removed {escape(found.name)}")


@sources_app.command("list")
def sources_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    db: DbOpt = None,
) -> None:
    """Every watched source with its health: last success, last error, failures in a row,
    items per day, and whether it has gone silent.

    Example: [bold]custodes sources list --json[/bold]
    """
    from custodes.cli import _open, console
    from custodes.store.watch import source_health_rows

    with _open(db).connect() as conn:
        rows = source_health_rows(conn)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} watched source(s)")
    for col in ("#", "name", "kind", "health", "last success", "fails", "items/day", "last error"):
        table.add_column(col, overflow="fold")
    colour = {"ok": "green", "failing": "red", "silent": "yellow", "new": "dim"}
    for r in rows:
        table.add_row(str(r["id"]), escape(r["name"]), r["kind"],
                      f"[{colour[r['health']]}]{r['health']}[/]", r["last_success"] or "-",
                      str(r["consecutive_failures"]), f"{r['items_per_day']:g}",
                      escape((r["last_error"] or "")[:80]))
    console.print(table)


def _run_table(runs: dict[str, tuple[WatchedSource, SourceRun | None]], title: str) -> Table:
    table = Table(title=title)
    for col in ("source", "kind", "state", "listed", "new", "stored", "failed", "note"):
        table.add_column(col, overflow="fold")
    for source, run in runs.values():
        if run is None:
            table.add_row(escape(source.name), source.kind, "[dim]waiting[/dim]", "", "", "", "", "")
            continue
        state = "[red]error[/red]" if run.error else ("304" if run.not_modified else "[green]ok[/green]")
        note = run.error or (run.warnings[0] if run.warnings else "")
        table.add_row(escape(source.name), source.kind, state, str(run.listed), str(run.new), str(run.stored),
                      str(run.failed), escape(note[:80]))
    return table


def watch(
    once: Annotated[bool, typer.Option("--once", help="Run every due source once and exit (for cron and CI).")] = False,
    source: Annotated[list[str] | None, typer.Option(
        "--source", help="Only this source (name or number); repeatable.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Run the sources even if they are not due yet.")] = False,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Also fetch loopback and private addresses (tests, intranets).")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Publish the change feed even when the shrink guard would stop it.")] = False,
    per_host_delay: Annotated[float, typer.Option(
        "--per-host-delay", min=0.0, help="Seconds between requests to one host (robots.txt may ask more).")] = 1.0,
    threads: Annotated[int, typer.Option("--threads", min=1, help="Item pages fetched in parallel.")] = 8,
    deltas: Annotated[Path | None, typer.Option(
        "--deltas", help="Folder of the change feed [default: deltas/ next to the database].")] = None,
    db: DbOpt = None,
) -> None:
    """Poll the watched sources, store and extract every new item, publish the change feed and
    send alerts. Without --once it keeps going, each source at its own interval, until Ctrl-C
    (or SIGTERM), which stops cleanly between documents.

    Example: [bold]custodes watch --once[/bold]
    """
    from custodes.analyse import after_run, after_store
    from custodes.cli import _open, console, err
    from custodes.config import DEFAULT_MAX_BYTES
    from custodes.ingest import Ingestor
    from custodes.sources.fetch import Fetcher, FetchPolicy
    from custodes.watch import Watcher

    engine = _open(db)
    stop = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        if stop.is_set():  # a second Ctrl-C: the user means it
            raise KeyboardInterrupt
        stop.set()
        err.print("[yellow]stopping after the current document...[/yellow]")

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    policy = FetchPolicy(allow_private=allow_private, per_host_delay=per_host_delay)
    ingestor = Ingestor(engine, max_bytes=DEFAULT_MAX_BYTES, after_store=after_store, after_run=after_run)
    deltas_dir = deltas
    failed = 0
    try:
        with Fetcher(policy) as fetcher:
            watcher = Watcher(engine, fetcher, ingestor, stop=stop, threads=threads)
            every = all_ or bool(source)  # the first round: what the user named runs now
            while True:
                run = _one_round(watcher, source, every, console)
                every = False
                failed += run.failed_sources
                _after_round(engine, run, db, deltas_dir, force, allow_private, console)
                if once or stop.is_set():
                    break
                _sleep_until_due(watcher, source, stop)
                if stop.is_set():
                    break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if once and failed:
        raise typer.Exit(1)


def _one_round(watcher: Any, names: list[str] | None, every: bool, console: Any) -> WatchRun:
    from custodes.store.watch import utc_now

    due = watcher.due_sources(utc_now(), names, every)
    runs: dict[str, tuple[WatchedSource, SourceRun | None]] = {s.name: (s, None) for s in due}
    title = f"watch: {len(due)} due source(s)"
    if not due:
        return watcher.run_due(names=names, every=every)  # type: ignore[no-any-return]
    with Live(_run_table(runs, title), console=console, refresh_per_second=4, transient=False) as live:
        def on_source(run: SourceRun, source: WatchedSource) -> None:
            runs[source.name] = (source, run)
            live.update(_run_table(runs, title))

        return watcher.run_due(names=names, every=every, on_source=on_source)  # type: ignore[no-any-return]


def _after_round(engine: Any, run: WatchRun, db: str | Path | None, deltas_dir: Path | None, force: bool,
                 allow_private: bool, console: Any) -> None:
    """Publish what the round changed, then tell the subscribers."""
    from custodes.alerts.delivery import deliver_alerts
    from custodes.cli_changes import publish_after_run

    console.print(f"{len(run.sources)} source(s) visited, {run.stored} new document(s)"
                  + (", stopped early" if run.stopped else ""))
    if run.changed_deployments or force:
        publish_after_run(db, "watch", force=force, deltas=deltas_dir)
    else:  # every other writer (ingest, extract, review) publishes after itself
        console.print("no new documents: no delta to publish")
    report = deliver_alerts(engine, allow_private=allow_private)
    if report.delivered or report.failed or report.pending:
        console.print(f"alerts: {report.delivered} delivered, {report.failed} failed, {report.pending} pending",
                      highlight=False)
    for failure in report.failures:
        console.print(f"[yellow]alert failed[/yellow]: {escape(str(failure))}", highlight=False)


def _sleep_until_due(watcher: Any, names: list[str] | None, stop: threading.Event) -> None:
    from custodes.store.watch import utc_now

    while not stop.is_set():
        if watcher.due_sources(utc_now(), names):
            return
        stop.wait(5.0)


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    app.command("watch")(watch)
