"""`custodes review ...`, `custodes history` and `custodes diff`: people's decisions and what changed.

Kept apart from cli.py; the lead wires it in with `cli_review.register(app)`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from custodes.cli_common import DbOpt
from custodes.cli_common import fail as _fail

review_app = typer.Typer(help="Accept, reject and correct claims; every decision is kept.",
                         no_args_is_help=True, rich_markup_mode="rich")



@review_app.command("list")
def review_list(
    country: Annotated[str | None, typer.Option("--country", help="ISO3 code or country name.")] = None,
    vendor: Annotated[str | None, typer.Option("--vendor", help="Supplier name or registry alias.")] = None,
    status: Annotated[str | None, typer.Option(
        "--status",
        help="unreviewed, changed, accepted, rejected or edited [default: unreviewed and changed].")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many claims.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    db: DbOpt = None,
) -> None:
    """The review queue: claims whose decision matters most first (low confidence, then claims
    that alone carry a deployment, then those of many-source deployments).

    Example: [bold]custodes review list --country Ecuador --status unreviewed[/bold]
    """
    from custodes.cli import _open, _resolve_country, console
    from custodes.resolve.vendors import VendorRegistry
    from custodes.review.queue import TO_DO, review_queue

    iso3 = _resolve_country(country) if country else None
    found = VendorRegistry.default().resolve(vendor) if vendor else None
    states = (status,) if status else TO_DO
    try:
        with _open(db).connect() as conn:
            items = review_queue(conn, states=states, country=iso3, vendor_id=found.id if found else None,
                                 supplier=None if found else vendor, limit=limit)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        print(json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"review queue: {len(items)} claim(s)")
    for name in ("claim", "state", "conf.", "country", "supplier", "tech / status / year", "evidence"):
        table.add_column(name, no_wrap=name == "claim")
    for i in items:
        who = i.supplier or (f"({i.supplier_country})" if i.supplier_country else "(unnamed)")
        table.add_row(i.claim_id, i.review_state, f"{i.confidence:.2f}", i.country, escape(who),
                      escape(f"{', '.join(i.tech)} / {i.status} / {i.year or '?'}"), escape(i.evidence[:140]))
    console.print(table)


@review_app.command("decide")
def review_decide(
    claim_id: Annotated[str, typer.Argument(help="The claim's id (clm-...), from `custodes review list`.")],
    accept: Annotated[bool, typer.Option("--accept", help="The claim is right as extracted.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="The document does not state this deployment.")] = False,
    edit: Annotated[list[str] | None, typer.Option(
        "--edit", help="FIELD=VALUE, repeatable: country, supplier, supplier_country, tech (a;b), status, "
                       "year, program, lender, amount, currency, loan; `null` clears a field.")] = None,
    by: Annotated[str, typer.Option("--by", help="Who decides (recorded with the decision).")] = "",
    reason: Annotated[str | None, typer.Option("--reason", help="Why (recorded with the decision).")] = None,
    db: DbOpt = None,
) -> None:
    """Record a decision about one claim and rebuild the deployments it touches.

    Example: [bold]custodes review decide clm-0123456789abcdef --edit status=planned --edit year=2019
    --by "A. Analyst" --reason "the contract was signed, nothing installed yet"[/bold]
    """
    from custodes.analyse import now_iso
    from custodes.cli import _open, console
    from custodes.review.decisions import ReviewError, decide, parse_assignments, parse_edits

    chosen = [name for name, on in (("accept", accept), ("reject", reject), ("edit", bool(edit))) if on]
    if len(chosen) != 1:
        raise _fail("choose exactly one of --accept, --reject and --edit FIELD=VALUE")
    try:
        edits = parse_edits(parse_assignments(edit or [])) if edit else {}
        with _open(db).begin() as conn:
            review_id = decide(conn, claim_id, chosen[0], edits, by, reason, now_iso())
    except ReviewError as exc:
        raise _fail(str(exc)) from exc
    console.print(f"recorded decision {review_id}: {chosen[0]} {claim_id}")
    from custodes.cli_changes import publish_after_run

    publish_after_run(db, "review")


@review_app.command("import")
def review_import(
    path: Annotated[Path, typer.Argument(help="CSV of decisions: claim_id, decision, reviewer, reason, "
                                              "and edited fields as columns.")],
    db: DbOpt = None,
) -> None:
    """Record decisions from a CSV file; bad rows are named by line and skipped, the good ones
    are recorded together.

    Example: [bold]custodes review import decisions.csv[/bold]
    """
    from custodes.analyse import now_iso
    from custodes.cli import _open, console, err
    from custodes.review.csvio import import_decisions
    from custodes.review.decisions import ReviewError

    if not path.is_file():
        raise _fail(f"{path}: no such file")
    try:
        with _open(db).begin() as conn, path.open(encoding="utf-8", newline="") as handle:
            result = import_decisions(conn, handle, str(path), now_iso())
    except ReviewError as exc:
        raise _fail(str(exc)) from exc
    if result.ignored_columns:
        err.print(f"[yellow]warning[/yellow]: {path}: column(s) not used: {', '.join(result.ignored_columns)}")
    for message in result.errors:
        err.print(f"[red]error[/red]: {escape(message)}")
    console.print(f"recorded {result.applied} decision(s), refused {len(result.errors)}")
    if result.applied:
        from custodes.cli_changes import publish_after_run

        publish_after_run(db, "review")
    if result.errors:
        raise typer.Exit(1)


@review_app.command("export")
def review_export(
    out: Annotated[Path | None, typer.Option("--out", help="Output file [default: stdout].")] = None,
    db: DbOpt = None,
) -> None:
    """Write every decision ever recorded, oldest first, as CSV (importable elsewhere).

    Example: [bold]custodes review export --out decisions.csv[/bold]
    """
    from custodes.cli import _open, err
    from custodes.review.csvio import export_decisions

    with _open(db).connect() as conn:
        if out is None:
            n = export_decisions(conn, sys.stdout)
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                n = export_decisions(conn, handle)
    if out is not None:
        err.print(f"wrote {n} decision(s) to {out}")


def history_command(
    deployment_id: Annotated[str, typer.Argument(help="A deployment id (dep-...), as exports and profiles show.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    db: DbOpt = None,
) -> None:
    """Every version of a deployment, what changed in each, and the decisions behind them.

    Example: [bold]custodes history dep-0123456789abcdef[/bold]
    """
    from custodes.cli import _open, console
    from custodes.index.history import deployment_history_of

    with _open(db).connect() as conn:
        report = deployment_history_of(conn, deployment_id)
    if not report.versions and not report.decisions:
        raise _fail(f"{deployment_id}: no such deployment, now or in the history")
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{deployment_id}[/bold]: {len(report.versions)} version(s)")
    for v in report.versions:
        until = v.valid_to or "now"
        what = ", ".join(f"{k}: {_show(a)} → {_show(b)}" for k, (a, b) in v.changes.items()) or "first version"
        console.print(f"  {v.valid_from} – {until}: {escape(what)}")
    if report.decisions:
        console.print("decisions:")
        for d in report.decisions:
            edits = ", ".join(f"{k}={_show(x)}" for k, x in d.edits.items())
            console.print(f"  {d.decided_at} {d.reviewer}: {d.decision} {d.claim_id} {escape(edits)} "
                          f"{escape(d.reason or '')}")


def _show(value: Any) -> str:
    return "—" if value is None else str(value)


def diff_command(
    since: Annotated[str, typer.Option("--since", help="ISO date (end of that day, UTC), UTC date-time, or a "
                                                       "delta version (an integer, see `custodes changes list`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    db: DbOpt = None,
) -> None:
    """Deployments added, changed and removed since a date, or the delta entries (ADD, MOD, DEL)
    published after a delta version.

    Example: [bold]custodes diff --since 2026-11-01[/bold]   or   [bold]custodes diff --since 3[/bold]
    """
    from custodes.cli import _open, console
    from custodes.index.history import diff_since
    from custodes.store.history import parse_as_of

    if since.strip().isdigit():
        from custodes.cli_changes import diff_since_version

        diff_since_version(int(since), as_json, db)
        return
    try:
        moment = parse_as_of(since)
    except ValueError as exc:
        raise _fail(str(exc).replace("--as-of", "--since")) from exc
    with _open(db).connect() as conn:
        diff = diff_since(conn, moment)
    if as_json:
        print(json.dumps(diff.to_dict(), ensure_ascii=False, indent=2))
        return
    console.print(f"since {moment}: {len(diff.added)} added, {len(diff.changed)} changed, "
                  f"{len(diff.removed)} removed")
    for label, items in (("added", diff.added), ("changed", diff.changed), ("removed", diff.removed)):
        for item in items:
            extra = ", ".join(f"{k}: {_show(a)} → {_show(b)}" for k, (a, b) in item.changes.items())
            console.print(f"  {label:8} {item.deployment_id} {item.country} "
                          f"{escape(item.supplier or item.supplier_country or '(unnamed)')} {escape(extra)}")


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
    app.command("history")(history_command)
    app.command("diff")(diff_command)
