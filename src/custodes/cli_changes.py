"""`custodes changes ...`: the change feed of deployments, and publishing it after a run.

Kept apart from cli.py; registered with `cli_changes.register(app)`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from custodes.cli_common import DbOpt

EXIT_BLOCKED = 3  # the shrink guard stopped the delta
changes_app = typer.Typer(help="The change feed: numbered deltas of deployments (ADD, MOD, DEL).",
                          no_args_is_help=True, rich_markup_mode="rich")
DeltasOpt = Annotated[Path | None, typer.Option(
    "--deltas", help="Folder of delta files [default: $CUSTODES_DELTAS or deltas/ next to the database]")]


def _deltas_dir(db: str | Path | None, deltas: Path | None) -> Path:
    from custodes.config import resolve_db_path
    from custodes.index.changes import default_deltas_dir

    return deltas or default_deltas_dir(resolve_db_path(db))


def publish_after_run(db: str | Path | None, trigger: str, *, to_stderr: bool = False, force: bool = False,
                      deltas: Path | None = None) -> None:
    """After a command that changed deployments: publish the delta, say so in one line. A blocked
    delta is reported (with how to force it) but does not fail the command.

    The shrink guard is for upstreams that truncate: a person's recorded decisions (trigger
    "review") publish whatever they remove.
    """
    from custodes.cli import _open, console, err
    from custodes.index.changes import publish_delta

    target = _deltas_dir(db, deltas)
    with _open(db).connect() as conn:
        try:
            result = publish_delta(conn, trigger=trigger, deltas_dir=target, force=force or trigger == "review")
        except OSError as exc:  # the delta is committed; its files are written by the next publish
            err.print(f"[yellow]warning[/yellow]: delta published but its files could not be written to "
                      f"{escape(str(target))}: {escape(str(exc))}", highlight=False)
            return
    out = err if to_stderr else console
    if result.status == "blocked":
        out.print(f"[yellow]{escape(result.message())}[/yellow]; to publish it anyway: "
                  "[bold]custodes changes publish --force[/bold]", highlight=False)
    else:
        out.print(escape(result.message()), highlight=False)


@changes_app.command("publish")
def publish_command(
    force: Annotated[bool, typer.Option(
        "--force", help="Publish even if the shrink guard would stop it (more than 10% removed).")] = False,
    deltas: DeltasOpt = None,
    db: DbOpt = None,
) -> None:
    """Publish what changed since the last delta as the next version.

    The delta goes into the database and into deltas/NNNNNN.jsonl, listed by deltas/index.json.
    Exit code 3 when the shrink guard stopped it (more than 10% of the record, or of one watched
    source's deployments, would be removed).

    Example: [bold]custodes changes publish --db custodes.db[/bold]   or   [bold]custodes changes publish --force[/bold]
    """
    from custodes.cli import _open, console, err
    from custodes.index.changes import publish_delta

    target = _deltas_dir(db, deltas)
    with _open(db).connect() as conn:
        result = publish_delta(conn, trigger="publish", force=force, deltas_dir=target)
    if result.status == "blocked":
        err.print(f"[yellow]{escape(result.message())}[/yellow]\nto publish it anyway: "
                  "[bold]custodes changes publish --force[/bold]", highlight=False)
        raise typer.Exit(EXIT_BLOCKED)
    console.print(escape(result.message()), highlight=False)
    for path in result.files:
        console.print(f"[dim]wrote {escape(str(path))}[/dim]", highlight=False)


@changes_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    db: DbOpt = None,
) -> None:
    """Every published delta, oldest first, with its counts.

    Example: [bold]custodes changes list --json[/bold]
    """
    from custodes.cli import _open, console
    from custodes.index.changes import delta_versions

    with _open(db).connect() as conn:
        versions = delta_versions(conn)
    if as_json:
        print(json.dumps([v.__dict__ for v in versions], indent=2))
        return
    table = Table(title=f"published deltas ({len(versions)})")
    for name in ("version", "created", "trigger", "added", "changed", "removed", "forced"):
        table.add_column(name, justify="right" if name in ("version", "added", "changed", "removed") else "left")
    for v in versions:
        table.add_row(str(v.version), v.created_at, v.trigger, str(v.added), str(v.modified), str(v.deleted),
                      "yes" if v.forced else "")
    console.print(table)


@changes_app.command("show")
def show_command(
    version: Annotated[int, typer.Argument(help="A delta version, from `custodes changes list`.")],
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the entries as JSON Lines, like the delta file.")] = False,
    db: DbOpt = None,
) -> None:
    """The entries of one delta: ADD and MOD with the whole record, DEL with the id.

    Example: [bold]custodes changes show 3[/bold]
    """
    from custodes.cli import _open, console, err
    from custodes.index.changes import changes_since, delta_versions

    with _open(db).connect() as conn:
        found = delta_versions(conn, since=version - 1, until=version)
        entries = changes_since(conn, version - 1, until=version, limit=10**9) if found else []
    if not found:
        err.print(f"[red]error[/red]: no delta version {version} (see `custodes changes list`)")
        raise typer.Exit(2)
    if as_json:
        for e in entries:
            line = {"op": e.op, "id": e.deployment_id, "hash": e.content_hash}
            print(json.dumps(line if e.record is None else {**line, "record": e.record}, ensure_ascii=False))
        return
    v = found[0]
    console.print(f"[bold]delta {v.version}[/bold] ({v.created_at}, {v.trigger}{', forced' if v.forced else ''}): "
                  f"{v.added} added, {v.modified} changed, {v.deleted} removed")
    print_entries(entries)


def print_entries(entries: list) -> None:  # type: ignore[type-arg]
    from custodes.cli import console

    for e in entries:
        who = e.supplier or (e.record or {}).get("supplier_country") or "(unnamed)"
        console.print(f"  {e.op} v{e.version} {e.deployment_id} {e.country or '?'} {escape(str(who))} "
                      f"{escape(', '.join(e.tech))}", highlight=False)


def diff_since_version(since: int, as_json: bool, db: str | Path | None) -> None:
    """`custodes diff --since VERSION`: the delta entries published after that version."""
    from custodes.cli import _open, console
    from custodes.index.changes import changes_since, delta_versions

    with _open(db).connect() as conn:
        versions = delta_versions(conn, since=since)
        entries = changes_since(conn, since, limit=10**9)
    if as_json:
        print(json.dumps({"since_version": since, "versions": [v.__dict__ for v in versions],
                          "entries": [e.to_dict() for e in entries]}, ensure_ascii=False, indent=2))
        return
    counts = {op: sum(e.op == op for e in entries) for op in ("ADD", "MOD", "DEL")}
    latest = versions[-1].version if versions else since
    console.print(f"since delta {since} (to {latest}): {counts['ADD']} added, {counts['MOD']} changed, "
                  f"{counts['DEL']} removed")
    print_entries(entries)


def register(app: typer.Typer) -> None:
    app.add_typer(changes_app, name="changes")
