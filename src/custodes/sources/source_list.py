"""A CSV list of sources to watch (`custodes sources import sources.csv`).

Every row is checked on its own: a bad row is reported with its file, line and field and the
other rows are still imported. Only a file that cannot be read, or has no `url` column, fails
as a whole.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pycountry

from custodes.sources.urls import is_http_url, normalise_url

KINDS = ("feed", "sitemap", "page")
COLUMNS = ("name", "url", "kind", "every", "lang", "note")  # `note` is for people; it is read and kept out
REQUIRED = ("url",)
DEFAULT_KIND = "feed"
DEFAULT_EVERY = "6h"
MIN_INTERVAL_SECONDS = 5 * 60  # polling faster than this is unkind to the sites watched
MAX_NAME_LENGTH = 128  # watch_sources.name

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$", re.IGNORECASE)


@dataclass
class SourceRow:
    """One source to watch, checked and with its interval in seconds."""

    name: str
    url: str
    kind: str
    every_seconds: int
    lang: str | None = None


def parse_interval(text: str) -> int:
    """Seconds in "30m", "6h", "1d", "2w" or a bare number of seconds; at least 5 minutes."""
    match = _INTERVAL.match(text or "")
    if match is None:
        raise ValueError(f"interval {text!r} is not a number with an optional unit s, m, h, d or w (e.g. 6h)")
    seconds = int(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if seconds < MIN_INTERVAL_SECONDS:
        raise ValueError(f"interval {text!r} is shorter than the minimum of 5 minutes")
    return seconds


def default_name(url: str) -> str:
    """host + path, the name a source gets when the list gives none."""
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{parts.path.rstrip('/')}"[:MAX_NAME_LENGTH]


def read_sources_csv(path: Path) -> tuple[list[SourceRow], list[str]]:
    """The valid rows, and messages naming file, line and field for every problem found."""
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [f"{label}: no such file"]
    except UnicodeDecodeError as exc:
        return [], [f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})"]
    except OSError as exc:
        return [], [f"{label}: cannot read: {exc.strerror or exc}"]
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        return [], [f"{label}: empty file; expected a header line with columns {', '.join(COLUMNS)}"]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [f"{label} line 1: missing required column {', '.join(repr(c) for c in missing)} "
                    f"(columns: {', '.join(COLUMNS)}; only url is required)"]
    reader.fieldnames = header
    messages: list[str] = []
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        messages.append(f"{label} line 1: columns not used, ignored: {', '.join(unknown)}")
    rows: list[SourceRow] = []
    seen_urls: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if _blank(record):
            continue
        row, errors = _check_row(record, where=f"{label} line {line}")
        if row is not None:
            errors += _duplicates(row, line, seen_urls, seen_names, where=f"{label} line {line}")
        messages.extend(errors)
        if row is not None and not errors:
            seen_urls[row.url] = line
            seen_names[row.name.lower()] = line
            rows.append(row)
    return rows, messages


def _check_row(record: dict[str | None, object], *, where: str) -> tuple[SourceRow | None, list[str]]:
    errors: list[str] = []
    if record.get(None):
        errors.append(f"{where}: more fields than the header has columns")
    url = _field(record, "url")
    if not url:
        errors.append(f"{where}: url is empty")
    elif not is_http_url(url):
        errors.append(f"{where}: url {url!r} is not an http(s) URL")
    else:
        url = normalise_url(url)
    kind = (_field(record, "kind") or DEFAULT_KIND).lower()
    if kind not in KINDS:
        errors.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    every = _field(record, "every") or DEFAULT_EVERY
    seconds = 0
    try:
        seconds = parse_interval(every)
    except ValueError as exc:
        errors.append(f"{where}: every: {exc}")
    lang = (_field(record, "lang") or "").lower() or None
    if lang is not None and (len(lang) != 2 or pycountry.languages.get(alpha_2=lang) is None):
        errors.append(f"{where}: lang {lang!r} is not an ISO 639-1 code (two letters, e.g. en, es, fr)")
    name = _field(record, "name") or (default_name(url) if url and not errors else "")
    if len(name) > MAX_NAME_LENGTH:
        errors.append(f"{where}: name is longer than {MAX_NAME_LENGTH} characters")
    if errors:
        return None, errors
    return SourceRow(name=name, url=url, kind=kind, every_seconds=seconds, lang=lang), []


def _duplicates(row: SourceRow, line: int, urls: dict[str, int], names: dict[str, int], *,
                where: str) -> list[str]:
    errors = []
    if row.url in urls:
        errors.append(f"{where}: url {row.url!r} is already listed on line {urls[row.url]}")
    if row.name.lower() in names:
        errors.append(f"{where}: name {row.name!r} is already used on line {names[row.name.lower()]}")
    return errors


def _field(record: dict[str | None, object], name: str) -> str:
    value = record.get(name)
    return value.strip() if isinstance(value, str) else ""


def _blank(record: dict[str | None, object]) -> bool:
    return all(not (v.strip() if isinstance(v, str) else v) for v in record.values())
