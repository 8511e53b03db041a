"""Jinja2 environment for the pages: autoescaping always on, plus the few filters templates need.

Everything a document supplied (evidence, titles, URLs) is untrusted. Autoescaping covers text
and attribute values; `safe_url` covers what escaping cannot, a `javascript:` or `data:` URL in
an href, by only linking http(s) addresses. Search highlights are carried through the query as
control characters, which HTML escaping leaves alone and documents cannot usefully contain,
and become <mark> only after the text around them has been escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from custodes import __version__
from custodes.index.profiles import country_name
from custodes.web.context import index_label, index_value
from custodes.web.lookup import category_labels, registry_entry, vendor_key

TEMPLATES = Path(__file__).parent / "templates"
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) address, else None (rendered as plain text)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def highlight(snippet: str) -> Markup:
    """Escape a search snippet, then wrap the marked matches in <mark>."""
    out: list[str] = []
    for i, part in enumerate(snippet.replace(MARK_CLOSE, MARK_OPEN).split(MARK_OPEN)):
        text = str(escape(part))
        out.append(f"<mark>{text}</mark>" if i % 2 else text)
    return Markup("".join(out))


def category_label(cid: str) -> str:
    return category_labels().get(cid, cid.replace("_", " "))


def safe_country_name(iso3: str | None) -> str:
    return country_name(iso3) if iso3 else ""


def vendor_name(vendor_id: str) -> str:
    known = registry_entry(vendor_id)
    return str(known.name) if known is not None else vendor_id


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(safe_url=safe_url, highlight=highlight, category=category_label,
                       country=safe_country_name, percent=percent, vendor_id=vendor_key,
                       index_label=index_label, index_value=index_value,
                       vendor_name=vendor_name)
    env.globals.update(version=__version__, categories=category_labels)
    return env


ENV = _environment()


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    path = request.url.path
    html = ENV.get_template(template).render(path=path, **values)
    return HTMLResponse(html, status_code=status_code)
