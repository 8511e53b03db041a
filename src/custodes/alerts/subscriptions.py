"""Alert subscriptions: which changes someone wants to hear about, and where to send them.

Filters are resolved once, when the alert is made (a country name to ISO3, a vendor name to its
registry id, a category against the taxonomy), so matching later compares plain ids and a typo
is refused at once instead of silently matching nothing forever.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from custodes.sources.netguard import RefusedURL, Resolver, guard_url, resolve_host
from custodes.store.schema import alerts, deltas


class AlertError(ValueError):
    """A subscription that cannot be made or found; the message names the bad value."""


@dataclass(frozen=True)
class Alert:
    """One subscription as stored; `secret` is the HMAC key of a webhook alert."""

    pk: int
    country: str | None
    vendor_id: str | None
    vendor: str | None
    tech: str | None
    webhook: str | None
    file_path: str | None
    secret: str | None
    created_at: str
    from_version: int
    removed_at: str | None

    @property
    def target(self) -> str:
        """Where deliveries go: the webhook URL or the file path."""
        return self.webhook or self.file_path or ""

    @property
    def active(self) -> bool:
        return self.removed_at is None

    def filters(self) -> str:
        """The filters in words, for tables and messages."""
        parts = [f"country={self.country}" if self.country else "",
                 f"vendor={self.vendor or self.vendor_id}" if self.vendor_id else "",
                 f"tech={self.tech}" if self.tech else ""]
        return " ".join(p for p in parts if p) or "(every change)"

    def to_dict(self) -> dict[str, Any]:
        """The alert without its secret: listings never show it again."""
        return {"id": self.pk, "country": self.country, "vendor_id": self.vendor_id, "vendor": self.vendor,
                "tech": self.tech, "webhook": self.webhook, "file": self.file_path,
                "created_at": self.created_at, "from_version": self.from_version, "removed_at": self.removed_at}


@dataclass(frozen=True)
class Filters:
    """Resolved filters: ids the delta entries carry."""

    country: str | None = None
    vendor_id: str | None = None
    vendor: str | None = None
    tech: str | None = None


def resolve_filters(country: str | None = None, vendor: str | None = None, tech: str | None = None) -> Filters:
    """Country to ISO3, vendor to registry id, tech checked against the taxonomy; AlertError otherwise."""
    iso3 = _resolve_country(country) if country else None
    vendor_id, display = _resolve_vendor(vendor) if vendor else (None, None)
    category = _check_tech(tech) if tech else None
    return Filters(iso3, vendor_id, display, category)


def _resolve_country(name: str) -> str:
    from custodes.resolve.countries import Gazetteer

    iso3 = Gazetteer.default().resolve(name)
    if iso3 is None:
        raise AlertError(f"--country: unknown country {name!r} (try an ISO3 code such as KEN)")
    return iso3


def _resolve_vendor(name: str) -> tuple[str, str]:
    from custodes.resolve.vendors import VendorRegistry

    found = VendorRegistry.default().resolve(name)
    if found is None:
        raise AlertError(f"--vendor: {name!r} is not a vendor in the registry (data/vendors.yaml); "
                         "alerts match registry vendors only, e.g. Huawei or Hikvision")
    return found.id, found.name


def _check_tech(tech: str) -> str:
    from custodes.resolve.vendors import category_ids

    known = category_ids()
    key = tech.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in known:
        raise AlertError(f"--tech: unknown category {tech!r}; known: {', '.join(known)}")
    return key


def check_webhook(url: str, *, allow_private: bool = False, resolver: Resolver = resolve_host) -> str:
    """The URL if custodes may POST to it (http(s), public unless allow_private); AlertError otherwise."""
    try:
        guard_url(url, allow_private=allow_private, resolver=resolver)
    except RefusedURL as exc:
        raise AlertError(f"--webhook {url}: {exc}") from exc
    return url


def _check_file(path: str) -> str:
    target = Path(path).expanduser().resolve()
    if target.is_dir():
        raise AlertError(f"--file {path}: is a directory; give a file to append JSON lines to")
    return str(target)


def newest_version(conn: Connection) -> int:
    """The newest delta version, 0 before the first."""
    return int(conn.execute(select(func.coalesce(func.max(deltas.c.version), 0))).scalar_one())


def add_alert(conn: Connection, filters: Filters, *, webhook: str | None = None, file_path: str | None = None,
              allow_private: bool = False, now: str, resolver: Resolver = resolve_host) -> Alert:
    """Store a subscription that sees only deltas published after now; the caller owns the transaction.

    A webhook alert gets a fresh random secret; the returned Alert carries it so it can be shown once.
    """
    if (webhook is None) == (file_path is None):
        raise AlertError("give exactly one target: --webhook URL or --file PATH")
    target_url = check_webhook(webhook, allow_private=allow_private, resolver=resolver) if webhook else None
    target_file = _check_file(file_path) if file_path else None
    values = {"country": filters.country, "vendor_id": filters.vendor_id, "vendor": filters.vendor,
              "tech": filters.tech, "webhook": target_url, "file_path": target_file,
              "secret": secrets.token_hex(32) if target_url else None, "created_at": now,
              "from_version": newest_version(conn), "removed_at": None}
    pk = conn.execute(insert(alerts).values(**values)).inserted_primary_key
    assert pk is not None
    return Alert(pk=int(pk[0]), **values)  # type: ignore[arg-type]


def _alert(row: Any) -> Alert:
    return Alert(pk=row["pk"], country=row["country"], vendor_id=row["vendor_id"], vendor=row["vendor"],
                 tech=row["tech"], webhook=row["webhook"], file_path=row["file_path"], secret=row["secret"],
                 created_at=row["created_at"], from_version=row["from_version"], removed_at=row["removed_at"])


def list_alerts(conn: Connection, *, include_removed: bool = False) -> list[Alert]:
    """Subscriptions in the order they were made; removed ones only when asked."""
    query = select(alerts).order_by(alerts.c.pk)
    if not include_removed:
        query = query.where(alerts.c.removed_at.is_(None))
    return [_alert(row) for row in conn.execute(query).mappings()]


def parse_alert_id(text: str | int) -> int:
    """An alert id as the user typed it ("3" or "alert-3")."""
    raw = str(text).strip().lower().removeprefix("alert-").removeprefix("#")
    if not raw.isdigit():
        raise AlertError(f"{text!r} is not an alert id (see `custodes alerts list`)")
    return int(raw)


def get_alert(conn: Connection, alert_id: str | int) -> Alert:
    pk = parse_alert_id(alert_id)
    row = conn.execute(select(alerts).where(alerts.c.pk == pk)).mappings().first()
    if row is None:
        raise AlertError(f"no alert {pk} (see `custodes alerts list`)")
    return _alert(row)


def remove_alert(conn: Connection, alert_id: str | int, *, now: str) -> Alert:
    """Stop an alert; its row stays, because its delivery log refers to it."""
    alert = get_alert(conn, alert_id)
    if alert.removed_at is not None:
        raise AlertError(f"alert {alert.pk} was already removed at {alert.removed_at}")
    conn.execute(update(alerts).where(alerts.c.pk == alert.pk).values(removed_at=now))
    return get_alert(conn, alert.pk)
