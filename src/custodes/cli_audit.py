"""`custodes audit` (an inventory file) and `custodes check` (one name or MAC address).

Kept out of cli.py like the dataset commands; `register(app)` adds both to the main Typer app.
The audit needs no database: it reads the vendor registry and the bundled datasets directly, so
a compliance officer can run it on a fresh install.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from custodes.audit.matcher import Auditor, Match
    from custodes.audit.run import AuditReport

EXIT_ROW_ERRORS = 1
EXIT_UNREADABLE = 2
FORMATS = ("table", "csv", "json", "html")
PROBLEMS_SHOWN = 50
TABLE_ROWS_SHOWN = 1000  # a terminal table of 100,000 rows helps nobody (and Rich takes minutes)
_STYLE = {"covered": "bold red", "possibly covered": "yellow", "not found": "green"}

ListsOpt = Annotated[str | None, typer.Option(
    "--lists", help="Only these lists count, comma-separated ids (e.g. ndaa-889,fcc-covered-list) "
    "[default: every list in the bundled restricted-vendors dataset].")]


def _auditor(lists: str | None) -> Auditor:
    from custodes.audit.matcher import Auditor
    from custodes.cli import err

    wanted = [x.strip() for x in lists.split(",") if x.strip()] if lists else None
    try:
        return Auditor(lists=wanted)
    except ValueError as exc:
        err.print(f"[red]error[/red]: --lists: {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_UNREADABLE) from exc


def audit_command(
    inventory: Annotated[Path, typer.Argument(help="Inventory CSV (or .json); '-' reads standard input.",
                                              allow_dash=True)],
    fmt: Annotated[str | None, typer.Option("--format", help="table, csv, json or html [default: from --out's "
                                            "suffix, else table].")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the report here instead of standard output.")] = None,
    brand_col: Annotated[str | None, typer.Option("--brand-col", help="Column holding the brand/manufacturer.")] = None,
    model_col: Annotated[str | None, typer.Option("--model-col", help="Column holding the model.")] = None,
    mac_col: Annotated[str | None, typer.Option("--mac-col", help="Column holding the MAC address.")] = None,
    description_col: Annotated[str | None, typer.Option("--description-col",
                                                        help="Column holding a free-text description.")] = None,
    max_bytes: Annotated[int, typer.Option("--max-bytes", min=1, help="Refuse larger files.")] = 20 * 1024 * 1024,
    lists: ListsOpt = None,
    only_flagged: Annotated[bool, typer.Option("--only-flagged", help="Report only covered and possibly covered "
                                               "rows (problems are always reported).")] = False,
) -> None:
    """Flag inventory items made by restricted vendors (NDAA s.889, FCC Covered List, Entity List ...), saying why.

    Columns are found by name in any case or spacing (brand/manufacturer/vendor/make, model, MAC address,
    description) or named with the --*-col options.  Each row is matched by vendor name or alias, parent
    company, relabel (OEM) brand and the MAC address's IEEE prefix; the verdict is [bold]covered[/bold],
    [bold]possibly covered[/bold] (a weak link as its source rates it, or a name in free text) or
    [bold]not found[/bold].

    Bad rows are reported with their line number and the good rows are still audited.

    Exit code: 0 audited, 1 some rows had errors, 2 the file cannot be read at all.

    Example: [bold]custodes audit assets.csv --out audit.html[/bold]
    """
    from custodes.audit.inventory import InventoryError, decode, read_csv_text, read_inventory, read_json_text
    from custodes.audit.run import audit_inventory
    from custodes.cli import err

    chosen = fmt or _format_from(out) or "table"
    if chosen not in FORMATS:
        err.print(f"[red]error[/red]: --format must be one of {', '.join(FORMATS)}, not '{escape(chosen)}'")
        raise typer.Exit(EXIT_UNREADABLE)
    auditor = _auditor(lists)
    overrides = {"brand": brand_col, "model": model_col, "mac": mac_col, "description": description_col}
    try:
        if str(inventory) == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise InventoryError(f"standard input is over the limit of {max_bytes:,} bytes (--max-bytes)")
            text, encoding, warnings = decode(data, "<stdin>")
            stripped = text.lstrip()
            inv = (read_json_text(text, name="<stdin>", overrides=overrides) if stripped.startswith(("[", "{"))
                   else read_csv_text(text, name="<stdin>", encoding=encoding, overrides=overrides,
                                      warnings=warnings))
        else:
            inv = read_inventory(inventory, max_bytes=max_bytes, overrides=overrides)
        report = audit_inventory(inv, auditor)
    except InventoryError as exc:
        err.print(f"[red]error[/red]: {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_UNREADABLE) from exc
    _print_problems(report)
    shown = report
    if only_flagged:
        from dataclasses import replace

        shown = replace(report, items=[i for i in report.items if i.verdict != "not found"])
    _emit(shown, chosen, out)
    counts = report.counts
    err.print(f"{len(report.items)} rows: [bold red]{counts['covered']} covered[/bold red], "
              f"[yellow]{counts['possibly covered']} possibly covered[/yellow], {counts['not found']} not found; "
              f"{report.errors} row error(s)" + (f"; report written to {escape(str(out))}" if out else ""),
              highlight=False)
    if report.errors:
        raise typer.Exit(EXIT_ROW_ERRORS)


def _format_from(out: Path | None) -> str | None:
    if out is None:
        return None
    suffix = out.suffix.lower().lstrip(".")
    return {"htm": "html"}.get(suffix, suffix) if suffix in ("csv", "json", "html", "htm") else None


def _emit(report: AuditReport, fmt: str, out: Path | None) -> None:
    from custodes.audit.report import WRITERS
    from custodes.cli import console

    if fmt == "table":
        if out is not None:
            buffer = io.StringIO()
            from rich.console import Console

            _print_table(report, Console(file=buffer, width=200, no_color=True))
            out.write_text(buffer.getvalue(), encoding="utf-8")
        else:
            _print_table(report, console)
        return
    writer = WRITERS[fmt]
    if out is None:
        writer(report, sys.stdout)
        sys.stdout.flush()
        return
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer(report, handle)


def _print_problems(report: AuditReport) -> None:
    from custodes.cli import err

    colours = {"error": "red", "warning": "yellow"}
    for p in report.problems[:PROBLEMS_SHOWN]:
        where = f"{report.unit} {p.line}" if p.line is not None else report.source
        column = f" ({p.column})" if p.column else ""
        err.print(f"[{colours[p.severity]}]{p.severity}[/{colours[p.severity]}]: {escape(where)}{escape(column)}: "
                  f"{escape(p.message)}", highlight=False, soft_wrap=True)
    if len(report.problems) > PROBLEMS_SHOWN:
        err.print(f"[dim]... and {len(report.problems) - PROBLEMS_SHOWN} more problem(s); all are in the csv, "
                  "json and html reports[/dim]")


def _print_table(report: AuditReport, console: object) -> None:
    from rich.console import Console

    assert isinstance(console, Console)
    table = Table(title=f"procurement audit: {report.source}", show_lines=False)
    for col in (report.unit, "item", "verdict", "manufacturer", "how", "lists / evidence"):
        table.add_column(col, overflow="fold")
    for item in report.items[:TABLE_ROWS_SHOWN]:
        m = item.decisive
        what = " | ".join(v for v in item.values.values() if v)
        how = f"{m.field}: {m.matched_by} → {m.link}" if m else ""
        detail = ""
        if m is not None:
            detail = escape(", ".join(dict.fromkeys(i.list_id or i.list for i in m.listings)))
            if m.evidence_strength:
                detail += f"; OEM evidence {m.evidence_strength}"
        notes = "; ".join([*(p.message for p in item.problems), *item.notes])
        if notes:
            detail = f"{detail}\n[dim]{escape(notes)}[/dim]" if detail else f"[dim]{escape(notes)}[/dim]"
        table.add_row(str(item.line or ""), escape(what), f"[{_STYLE[item.verdict]}]{item.verdict}[/]",
                      escape(item.manufacturer or ""), escape(how), detail)
    console.print(table)
    if len(report.items) > TABLE_ROWS_SHOWN:
        console.print(f"[yellow]showing the first {TABLE_ROWS_SHOWN:,} of {len(report.items):,} rows[/yellow]: use "
                      "--format csv, json or html with --out FILE for all of them (or --only-flagged)")
    console.print(f"[dim]lists audited: {escape(', '.join(report.lists))}; "
                  + "; ".join(f"{escape(d.name)} {escape(d.version)}" for d in report.datasets)
                  + f"; {escape(report.oui_registry)}. Use --format html or json for the citations.[/dim]",
                  highlight=False)


def check_command(
    name: Annotated[str, typer.Argument(help="A brand or vendor name, or a MAC address.")],
    lists: ListsOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Is this brand (or MAC address) linked to a restricted vendor? The verdict of `audit`, for one name.

    Exit code: 0 checked (whatever the verdict), 2 empty name or unknown list id.

    Example: [bold]custodes check Ezviz[/bold]   or   [bold]custodes check 44:19:b6:12:34:56[/bold]
    """
    from custodes.audit.report import item_dict
    from custodes.cli import console, err

    auditor = _auditor(lists)
    result = auditor.check_name(name)
    if result.problems:
        err.print(f"[red]error[/red]: {escape(result.problems[0].message)}", highlight=False)
        raise typer.Exit(EXIT_UNREADABLE)
    if as_json:
        data = item_dict(result)
        data["listings"] = {i.origin: i.__dict__ for m in result.matches for i in m.listings}
        data["oem_links"] = {f"{m.oem.origin}#{m.oem.maker_id}": m.oem.__dict__ for m in result.matches if m.oem}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{escape(name)}[/bold]: [{_STYLE[result.verdict]}]{result.verdict}[/]"
                  + (f" — {escape(result.manufacturer)}" if result.manufacturer else ""), highlight=False)
    for note in result.notes:
        console.print(f"  [dim]{escape(note)}[/dim]", highlight=False)
    if not result.matches:
        console.print("  no vendor, relabel brand or listed company of that name (or a close spelling) is known")
    for m in result.matches:
        _print_match(m)


def _print_match(m: Match) -> None:
    from custodes.cli import console

    strength = f", OEM evidence {m.evidence_strength}" if m.evidence_strength else ""
    console.print(f"\n  [{_STYLE[m.verdict]}]{m.verdict}[/]: {escape(m.manufacturer or m.vendor or '')} "
                  f"[dim]({m.matched_by} → {m.link}{strength})[/dim]", highlight=False)
    for n, step in enumerate(m.chain, start=1):
        console.print(f"    {n}. {escape(step)}", highlight=False, soft_wrap=True)
    for i in m.listings:
        state = "active" if i.active else "inactive"
        meaning = f" [dim]({escape(i.date_meaning)})[/dim]" if i.date_meaning else ""
        console.print(f"    [red]listed[/red]: {escape(i.list)} — {escape(i.jurisdiction)}, {escape(i.date)}{meaning}, "
                      f"{state}, as '{escape(i.listed_as)}'  [dim]{escape(i.citation_url)}[/dim]",
                      highlight=False, soft_wrap=True)
    for url in m.sources:
        console.print(f"    [dim]source: {escape(url)}[/dim]", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `audit` and `check` to the app; calling it twice adds them once."""
    have = {info.name for info in app.registered_commands}
    if "audit" not in have:
        app.command("audit")(audit_command)
    if "check" not in have:
        app.command("check")(check_command)
