"""Audit reports: CSV for spreadsheets, JSON for programs, HTML to send to a colleague, a table to read.

Each flagged row says why: the column that matched, how (alias, subsidiary, OEM brand, MAC
prefix), the strength the source gives an OEM link, and the listings with their citations.  The
listings and OEM statements are written once and referred to by their origin, so a 100,000-row
report does not repeat the same citations 100,000 times.  The HTML file is self-contained (inline
CSS, no scripts, no external assets) and every value in it is escaped.
"""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from custodes.audit.lists import Listing, OemLink
from custodes.audit.matcher import ItemResult, Match
from custodes.audit.rules import COVERED, NOT_FOUND, POSSIBLY
from custodes.audit.run import AuditReport

CSV_COLUMNS = ("line", "brand", "model", "mac", "description", "verdict", "manufacturer", "matched_by", "link",
               "evidence_strength", "lists", "reason", "sources", "other_matches", "problems")
ROLE_COLUMNS = ("brand", "model", "mac", "description")


def listing_label(item: Listing) -> str:
    state = "active" if item.active else "inactive"
    return f"{item.list_id or item.list} ({item.jurisdiction}, {item.date}, {state})"


def _oem_key(link: OemLink) -> str:
    return f"{link.origin}#{link.maker_id}"


class _Formats:
    """Per-match strings, computed once per distinct match (matches are shared between rows)."""

    def __init__(self) -> None:
        self._csv: dict[Match, tuple[str, str, str]] = {}
        self._json: dict[Match, dict[str, Any]] = {}

    def csv_parts(self, m: Match) -> tuple[str, str, str]:
        hit = self._csv.get(m)
        if hit is None:
            lists = "; ".join(listing_label(i) for i in m.listings)
            sources = " ".join(dict.fromkeys([*m.sources, *(i.citation_url for i in m.listings)]))
            hit = (lists, m.reason, sources)
            self._csv[m] = hit
        return hit

    def json_match(self, m: Match) -> dict[str, Any]:
        hit = self._json.get(m)
        if hit is None:
            hit = {"field": m.field, "value": m.value, "matched_by": m.matched_by, "link": m.link,
                   "verdict": m.verdict, "vendor_id": m.vendor_id, "vendor": m.vendor,
                   "manufacturer_id": m.manufacturer_id, "manufacturer": m.manufacturer,
                   "evidence_strength": m.evidence_strength, "reason": list(m.chain), "sources": list(m.sources),
                   "listings": [i.origin for i in m.listings], "oem_link": _oem_key(m.oem) if m.oem else None,
                   "registration": ({"prefix": m.registration.prefix, "kind": m.registration.kind,
                                     "org": m.registration.org, "country": m.registration.country}
                                    if m.registration else None)}
            self._json[m] = hit
        return hit


def _other(item: ItemResult, decisive: Match | None) -> str:
    return "; ".join(f"{m.field}: {m.manufacturer or m.vendor} ({m.verdict}, {m.matched_by}/{m.link})"
                     for m in item.matches if m is not decisive)


def _problems(item: ItemResult) -> str:
    return "; ".join([*(p.message for p in item.problems), *item.notes])


def write_csv(report: AuditReport, out: TextIO) -> None:
    """One row per inventory row, in input order, with the decisive match spelled out."""
    fmt = _Formats()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in report.items:
        m = item.decisive
        lists, reason, sources = fmt.csv_parts(m) if m else ("", "", "")
        writer.writerow((item.line if item.line is not None else "", *(item.values.get(r, "") for r in ROLE_COLUMNS),
                         item.verdict, item.manufacturer or "", m.matched_by if m else "", m.link if m else "",
                         (m.evidence_strength or "") if m else "", lists, reason, sources, _other(item, m),
                         _problems(item)))


def _all_refs(items: Iterable[ItemResult]) -> tuple[dict[str, Listing], dict[str, OemLink]]:
    listings: dict[str, Listing] = {}
    oem: dict[str, OemLink] = {}
    seen: set[int] = set()
    for item in items:
        for m in item.matches:
            if id(m) in seen:
                continue
            seen.add(id(m))
            for i in m.listings:
                listings.setdefault(i.origin, i)
            if m.oem:
                oem.setdefault(_oem_key(m.oem), m.oem)
    return dict(sorted(listings.items(), key=lambda kv: (kv[1].date, kv[0]))), oem


def report_header(report: AuditReport) -> dict[str, Any]:
    """What the verdicts rest on and what was read, without the rows."""
    return {"source": report.source, "generated": report.generated, "unit": report.unit,
            "encoding": report.encoding, "columns": report.columns, "ignored_columns": report.ignored_columns,
            "lists_audited": list(report.lists),
            "datasets": [d.__dict__ for d in report.datasets], "vendor_registry": report.registry_version,
            "audit_rules": report.rules_version, "oui_registry": report.oui_registry,
            "summary": {"rows": len(report.items), **report.counts, "errors": report.errors,
                        "warnings": sum(1 for p in report.problems if p.severity == "warning")}}


def item_dict(item: ItemResult, fmt: _Formats | None = None) -> dict[str, Any]:
    """One row with its matches spelled out in full (for a single item, e.g. `custodes check`)."""
    fmt = fmt or _Formats()
    return {"line": item.line, **item.values, "verdict": item.verdict, "manufacturer": item.manufacturer,
            "matches": [fmt.json_match(m) for m in item.matches],
            "problems": [p.message for p in item.problems], "notes": list(item.notes)}


def report_dict(report: AuditReport) -> dict[str, Any]:
    """The whole report as one JSON-ready mapping.

    Listings, OEM statements and matches are written once, keyed (listings and OEM links by
    origin, matches by "m1", "m2" ...), and each item lists the keys of its matches, strongest
    first: a thousand cameras of one brand share one match.
    """
    fmt = _Formats()
    listings, oem = _all_refs(report.items)
    keys: dict[Match, str] = {}
    matches: dict[str, dict[str, Any]] = {}
    items = []
    for item in report.items:
        refs = []
        for m in item.matches:
            key = keys.get(m)
            if key is None:
                key = keys[m] = f"m{len(keys) + 1}"
                matches[key] = fmt.json_match(m)
            refs.append(key)
        row: dict[str, Any] = {"line": item.line, **item.values, "verdict": item.verdict,
                               "manufacturer": item.manufacturer, "matches": refs}
        if item.problems:
            row["problems"] = [p.message for p in item.problems]
        if item.notes:
            row["notes"] = list(item.notes)
        items.append(row)
    return {**report_header(report), "problems": [p.to_dict() for p in report.problems],
            "listings": {k: v.__dict__ for k, v in listings.items()},
            "oem_links": {k: v.__dict__ for k, v in oem.items()}, "matches": matches, "items": items}


def write_json(report: AuditReport, out: TextIO) -> None:
    out.write(json.dumps(report_dict(report), ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


# ---------------------------------------------------------------------- HTML

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d1d1f;background:#fff}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .45rem;
vertical-align:top;text-align:left}th{background:#f4f4f6}tr:nth-child(even) td{background:#fafafa}
.v{font-weight:600;white-space:nowrap;padding:.1rem .45rem;border-radius:.3rem}
.covered{background:#fbe3e3;color:#8a1111}.possibly{background:#fff3d6;color:#7a5300}
.notfound{background:#e8f3ea;color:#22552c}.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #ddd;border-radius:.4rem;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}.muted{color:#666}.small{font-size:12px}ol{margin:.2rem 0;padding-left:1.2rem}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}.err{color:#8a1111}.warn{color:#7a5300}
@media print{body{margin:0}a{color:inherit}}
"""
_CLASS = {COVERED: "covered", POSSIBLY: "possibly", NOT_FOUND: "notfound"}


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _link(url: str | None, text: str | None = None) -> str:
    if not url:
        return ""
    if url.startswith(("https://", "http://")):
        return f'<a href="{_e(url)}" rel="noreferrer noopener">{_e(text or url)}</a>'
    return _e(text or url)


def _anchor(origin: str) -> str:
    return "L-" + "".join(c if c.isalnum() else "-" for c in origin)


def _html_match(m: Match) -> str:
    steps = "".join(f"<li>{_e(s)}</li>" for s in m.chain)
    lists = ", ".join(f'<a href="#{_anchor(i.origin)}">{_e(listing_label(i))}</a>' for i in m.listings)
    sources = " ".join(_link(u) for u in m.sources)
    strength = f" — evidence <b>{_e(m.evidence_strength)}</b>" if m.evidence_strength else ""
    return (f'<div><span class="v {_CLASS[m.verdict]}">{_e(m.verdict)}</span> {_e(m.field)}: '
            f"<b>{_e(m.manufacturer or m.vendor)}</b> <span class=muted>({_e(m.matched_by)} → {_e(m.link)})"
            f"</span>{strength}<ol>{steps}</ol>"
            + (f"<div class=small>lists: {lists}</div>" if lists else "")
            + (f"<div class=small>sources: {sources}</div>" if sources else "") + "</div>")


def render_html(report: AuditReport, *, title: str = "Procurement audit") -> str:
    """A single self-contained HTML document (inline CSS, no scripts, no external assets)."""
    return "".join(html_parts(report, title=title))


def html_parts(report: AuditReport, *, title: str = "Procurement audit") -> Iterator[str]:
    """The document in pieces, so a large report can be streamed to a file instead of held whole."""
    counts = report.counts
    listings, oem = _all_refs(report.items)
    yield ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
           f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{_e(title)}: '
           f"{_e(report.source)}</title><style>{_CSS}</style></head><body>"
           f"<h1>{_e(title)}: {_e(report.source)}</h1>"
           f"<p class=muted>Generated {_e(report.generated)} by custodes. A verdict says whether the maker of an "
           "item is named on a restriction list in the bundled data (directly, as a parent company, through a "
           "relabel brand or through its MAC address prefix); it is not legal advice. “Possibly covered” means "
           "the link is weaker, as its source rates it, or rests on free text.</p>"
           '<div class="cards">'
           f'<div class="card"><b>{len(report.items)}</b>rows audited</div>'
           f'<div class="card covered"><b>{counts[COVERED]}</b>covered</div>'
           f'<div class="card possibly"><b>{counts[POSSIBLY]}</b>possibly covered</div>'
           f'<div class="card notfound"><b>{counts[NOT_FOUND]}</b>not found</div>'
           f'<div class="card"><b>{report.errors}</b>row errors</div></div>'
           "<h2>What the verdicts rest on</h2><ul>")
    for d in report.datasets:
        yield f"<li>{_e(d.title)} — dataset <code>{_e(d.name)}</code> version {_e(d.version)} ({_link(d.url)})</li>"
    yield (f"<li>Vendor registry version {_e(report.registry_version)}; audit rules version "
           f"{_e(report.rules_version)}</li><li>{_e(report.oui_registry)}</li>"
           f"<li>Lists audited: {_e(', '.join(report.lists))}</li>")
    cols = ", ".join(f"{role} = “{h}”" for role, h in report.columns.items())
    if cols:
        ignored = f"; ignored: {_e(', '.join(report.ignored_columns))}" if report.ignored_columns else ""
        encoding = f"; encoding {_e(report.encoding)}" if report.encoding else ""
        yield f"<li>Columns read: {_e(cols)}{ignored}{encoding}</li>"
    yield "</ul>"
    if report.problems:
        yield (f"<h2>Problems ({len(report.problems)})</h2><table><tr><th>{_e(report.unit)}</th>"
               "<th>severity</th><th>column</th><th>value</th><th>message</th></tr>")
        for p in report.problems:
            cls = "err" if p.severity == "error" else "warn"
            yield (f"<tr><td>{_e(p.line if p.line is not None else 'file')}</td><td class={cls}>{_e(p.severity)}"
                   f"</td><td>{_e(p.column)}</td><td><code>{_e(p.value)}</code></td><td>{_e(p.message)}</td></tr>")
        yield "</table>"
    yield (f"<h2>Items ({len(report.items)})</h2><table><tr><th>{_e(report.unit)}</th><th>item</th>"
           "<th>verdict</th><th>manufacturer</th><th>why</th></tr>")
    match_html: dict[Match, str] = {}
    for item in report.items:
        what = "<br>".join(f"<span class=muted>{_e(k)}:</span> {_e(v)}" for k, v in item.values.items() if v)
        why = []
        for m in item.matches:
            if m not in match_html:
                match_html[m] = _html_match(m)
            why.append(match_html[m])
        why.extend(f'<div class="small err">{_e(p.message)}</div>' for p in item.problems)
        why.extend(f'<div class="small muted">{_e(n)}</div>' for n in item.notes)
        yield (f"<tr><td>{_e(item.line if item.line is not None else '')}</td><td>{what}</td>"
               f'<td><span class="v {_CLASS[item.verdict]}">{_e(item.verdict)}</span></td>'
               f"<td>{_e(item.manufacturer)}</td><td>{''.join(why)}</td></tr>")
    yield "</table>"
    if listings:
        yield ("<h2>Listings cited</h2><table><tr><th>list</th><th>listed as</th><th>date</th><th>active</th>"
               "<th>scope</th><th>citations</th></tr>")
        for origin, i in listings.items():
            meaning = f"<div class=small>{_e(i.date_meaning)}</div>" if i.date_meaning else ""
            yield (f'<tr id="{_anchor(origin)}"><td>{_e(i.list)}<div class=small><code>{_e(origin)}</code>'
                   f"</div></td><td>{_e(i.listed_as)}</td><td>{_e(i.date)}{meaning}</td><td>"
                   f"{'yes' if i.active else 'no'}<div class=small>{_e(i.active_basis)}</div></td>"
                   f"<td>{_e(i.scope)}<div class=small>{_e(i.note)}</div></td><td>{_link(i.citation_url)} "
                   f"{_link(i.second_citation_url)}</td></tr>")
        yield "</table>"
    if oem:
        yield ("<h2>Relabel (OEM) statements cited</h2><table><tr><th>brand</th><th>maker</th>"
               "<th>relationship as reported</th><th>evidence</th><th>source</th></tr>")
        for link in oem.values():
            yield (f"<tr><td>{_e(link.brand)}</td><td>{_e(link.maker)} ({_e(link.attribution)})</td>"
                   f"<td>{_e(link.relationship)}<div class=small>{_e(link.note)}</div></td>"
                   f"<td>{_e(link.evidence_strength)}<div class=small>{_e(link.evidence_basis)}</div></td>"
                   f"<td>{_link(link.source_url)} {_e(link.source_date)}</td></tr>")
        yield "</table>"
    yield "</body></html>\n"


def write_html(report: AuditReport, out: TextIO) -> None:
    for part in html_parts(report):
        out.write(part)


WRITERS = {"csv": write_csv, "json": write_json, "html": write_html}
