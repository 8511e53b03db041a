"""Publication dates from listings and pages, checked before they are trusted.

Feeds and page templates get dates wrong: a scheduled post dated next year, a CMS default of
1970, a lastmod of "0000-00-00". Such a date would misplace an article in the change feed, so
it is flagged and dropped rather than stored.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from feedparser.datetimes import _parse_date as feedparser_parse_date

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)  # time zones and clocks differ; a day ahead is still "now"

FLAG_FUTURE = "future"
FLAG_TOO_OLD = "too_old"
FLAG_UNPARSED = "unparsed"

_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?$")  # W3C datetime's reduced precisions, used by sitemaps


def check_date(value: str | time.struct_time | None, *, now: datetime) -> tuple[str | None, str | None]:
    """(ISO value, None) for a plausible date; (None, flag) for one in the future, before 1990 or unreadable.

    A bare date stays a bare date ("2024-03-05"); a date-time becomes UTC
    ("2024-03-05T10:00:00+00:00"). `value` may be feedparser's parsed struct (already UTC).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    parsed = _parse(value)
    if parsed is None:
        return None, FLAG_UNPARSED
    moment = parsed if isinstance(parsed, datetime) else datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC)
    if moment > now + FUTURE_SLACK:
        return None, FLAG_FUTURE
    if moment < EARLIEST:
        return None, FLAG_TOO_OLD
    if isinstance(parsed, datetime):
        return parsed.isoformat(timespec="seconds"), None
    return parsed.isoformat(), None


def _parse(value: str | time.struct_time) -> datetime | date | None:
    if isinstance(value, time.struct_time):
        return _from_struct(value)
    text = value.strip()
    if _BARE_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    partial = _YEAR_MONTH.match(text)
    if partial:  # a month or a year: its first day, as a date (never a made-up time)
        try:
            return date(int(partial.group(1)), int(partial.group(2) or 1), 1)
        except ValueError:
            return None
    for parser in (_from_iso, _from_rfc822):
        result = parser(text)
        if result is not None:
            return result
    struct = feedparser_parse_date(text)
    return _from_struct(struct) if struct is not None else None


def _from_iso(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return _utc(parsed)


def _from_rfc822(text: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return _utc(parsed) if parsed is not None else None


def _from_struct(value: time.struct_time) -> datetime | None:
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
