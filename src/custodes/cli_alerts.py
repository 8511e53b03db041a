"""`custodes alerts ...`: subscriptions to the change feed and their delivery log.

Kept apart from cli.py; wired in with `cli_alerts.register(app)`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from custodes.cli_common import DbOpt
from custodes.cli_common import fail as _fail

alerts_app = typer.Typer(help="Be told when deployments you care about are added, changed or deleted.",
                         no_args_is_help=True, rich_markup_mode="rich")
AllowPrivate = Annotated[bool, typer.Option(
    "--allow-private", help="Allow webhooks on loopback and private addresses (tests, intranets).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print as JSON.")]



def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


@alerts_app.command("add")
def alerts_add(
    country: Annotated[str | None, typer.Option("--country", help="ISO3 code or country name.")] = None,
    vendor: Annotated[str | None, typer.Option("--vendor", help="Vendor name or alias from the registry.")] = None,
    tech: Annotated[str | None, typer.Option("--tech", help="Technology category id, e.g. facial_recognition.")] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help="POST each change set here (http or https).")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Append each change set as a JSON line here.")] = None,
    allow_private: AllowPrivate = False,
    db: DbOpt = None,
) -> None:
    """Subscribe to changes after now that match every filter given; a webhook alert's signing
    secret is printed once.

    Example: [bold]custodes alerts add --country KEN --vendor Huawei --tech facial_recognition
    --webhook https://example.org/hooks/custodes[/bold]
    """
    from custodes.alerts.subscriptions import AlertError, add_alert, resolve_filters
    from custodes.cli import _open, console

    try:
        filters = resolve_filters(country, vendor, tech)
        with _open(db).begin() as conn:
            alert = add_alert(conn, filters, webhook=webhook, file_path=str(file) if file else None,
                              allow_private=allow_private, now=_now())
    except AlertError as exc:
        raise _fail(str(exc)) from exc
    console.print(f"alert {alert.pk}: {escape(alert.filters())} -> {escape(alert.target)} "
                  f"(changes after version {alert.from_version})", soft_wrap=True)
    if alert.secret:
        print(f"secret (shown once; verify X-Custodes-Signature with it): {alert.secret}")


@alerts_app.command("list")
def alerts_list(
    removed: Annotated[bool, typer.Option("--removed", help="Include removed alerts.")] = False,
    as_json: AsJson = False,
    db: DbOpt = None,
) -> None:
    """Alerts with their filters, target and delivery counts.

    Example: [bold]custodes alerts list --json[/bold]
    """
    from custodes.alerts.log import AlertStats, alert_stats
    from custodes.alerts.subscriptions import list_alerts
    from custodes.cli import _open, console

    with _open(db).connect() as conn:
        items = list_alerts(conn, include_removed=removed)
        stats = alert_stats(conn)
    if as_json:
        print(json.dumps([{**a.to_dict(), **stats.get(a.pk, AlertStats()).to_dict()} for a in items],
                         ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(items)} alert(s)")
    for name in ("id", "filters", "target", "from", "delivered", "failed", "pending", "last delivery"):
        table.add_column(name)
    for a in items:
        s = stats.get(a.pk, AlertStats())
        name = f"{a.pk}" + (" (removed)" if a.removed_at else "")
        table.add_row(name, escape(a.filters()), escape(a.target), str(a.from_version), str(s.delivered),
                      str(s.failed), str(s.pending), s.last_delivered_at or "-")
    console.print(table)


@alerts_app.command("remove")
def alerts_remove(
    alert_id: Annotated[str, typer.Argument(help="The alert's id, from `custodes alerts list`.")],
    db: DbOpt = None,
) -> None:
    """Stop an alert; its delivery log is kept.

    Example: [bold]custodes alerts remove 3[/bold]
    """
    from custodes.alerts.subscriptions import AlertError, remove_alert
    from custodes.cli import _open, console

    try:
        with _open(db).begin() as conn:
            alert = remove_alert(conn, alert_id, now=_now())
    except AlertError as exc:
        raise _fail(str(exc)) from exc
    console.print(f"removed alert {alert.pk} ({escape(alert.filters())} -> {escape(alert.target)})")


@alerts_app.command("deliver")
def alerts_deliver(
    allow_private: AllowPrivate = False,
    max_attempts: Annotated[int, typer.Option("--max-attempts", min=1,
                                              help="Attempts per change set before it is marked failed.")] = 5,
    as_json: AsJson = False,
    db: DbOpt = None,
) -> None:
    """Deliver every change set not yet delivered to every alert it matches, retrying with backoff.

    Exits 1 when a delivery failed.

    Example: [bold]custodes alerts deliver[/bold]
    """
    from custodes.alerts.delivery import deliver_alerts
    from custodes.cli import _open, console, err

    report = deliver_alerts(_open(db), allow_private=allow_private, max_attempts=max_attempts)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for failure in report.failures:
            err.print(f"[red]failed[/red]: {escape(str(failure))}")
        console.print(f"delivered {report.delivered}, failed {report.failed}, pending {report.pending} "
                      f"({report.attempts} attempt(s))")
    if report.failed:
        raise typer.Exit(1)


@alerts_app.command("retry")
def alerts_retry(
    alert_id: Annotated[str, typer.Argument(help="The alert's id, from `custodes alerts list`.")],
    db: DbOpt = None,
) -> None:
    """Make an alert's failed deliveries pending again; the next `alerts deliver` sends them.

    Example: [bold]custodes alerts retry 3[/bold]
    """
    from custodes.alerts.log import retry_failed
    from custodes.alerts.subscriptions import AlertError
    from custodes.cli import _open, console

    try:
        with _open(db).begin() as conn:
            count = retry_failed(conn, alert_id)
    except AlertError as exc:
        raise _fail(str(exc)) from exc
    console.print(f"alert {alert_id}: {count} failed delivery(ies) pending again")


@alerts_app.command("log")
def alerts_log(
    alert_id: Annotated[str | None, typer.Argument(help="Only this alert's deliveries.")] = None,
    as_json: AsJson = False,
    db: DbOpt = None,
) -> None:
    """The delivery log: per alert and change set, its state, attempts and last error.

    Example: [bold]custodes alerts log 3 --json[/bold]
    """
    from custodes.alerts.log import delivery_log
    from custodes.alerts.subscriptions import AlertError
    from custodes.cli import _open, console

    try:
        with _open(db).connect() as conn:
            rows = delivery_log(conn, alert_id)
    except AlertError as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} delivery(ies)")
    for name in ("alert", "version", "entries", "state", "attempts", "last attempt", "delivered", "last error"):
        table.add_column(name)
    for r in rows:
        table.add_row(str(r.alert), str(r.version), str(r.entries), r.state, str(r.attempts),
                      r.last_attempt_at or "-", r.delivered_at or "-", escape(r.last_error or ""))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
