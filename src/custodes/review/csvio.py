"""Decisions in bulk: a CSV file of decisions in, the decision log out.

Import columns: `claim_id`, `decision` (accept, reject, edit), `reviewer`, optional `reason`,
and for edits one column per edited field (`country`, `supplier`, `tech`, ...; an empty cell
leaves the field alone, `null` clears it). When a row carries `evidence_hash` and
`output_hash` (an exported log does), the claim must still be the one decided on, else the row
is refused. Every row is checked before anything is written; a bad row is reported by line and
field and skipped, the good rows are recorded together. The export writes the log in the same
columns, so decisions move between databases; on import its log-only columns (review id, time,
versions) are reported as not used, like any other column the importer does not read.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from custodes.review.decisions import ReviewError, check_decision, claim_row, decide, parse_edits
from custodes.store.reviews import EDITABLE_FIELDS
from custodes.store.schema import reviews

REQUIRED = ("claim_id", "decision", "reviewer")
CHECKED = ("evidence_hash", "output_hash")
LOG_ONLY = ("review_id", "decided_at", "extractor_version", "reference_version")
EXPORT_COLUMNS = ("review_id", "claim_id", "decision", "reviewer", "reason", "decided_at", *EDITABLE_FIELDS,
                  *CHECKED, "extractor_version", "reference_version")


@dataclass
class ImportResult:
    applied: int = 0
    errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    claim_id: str
    decision: str
    reviewer: str
    reason: str | None
    edits: dict[str, Any]


def _edits_of(row: dict[str, str]) -> dict[str, str]:
    return {f: row[f] for f in EDITABLE_FIELDS if (row.get(f) or "").strip()}


def _check(conn: Connection, line: int, row: dict[str, str]) -> _Row:
    claim_id = (row.get("claim_id") or "").strip()
    decision = (row.get("decision") or "").strip().lower()
    reviewer = (row.get("reviewer") or "").strip()
    edits = parse_edits(_edits_of(row)) if decision == "edit" else {}
    if decision != "edit" and _edits_of(row):
        raise ReviewError(f"{decision or 'decision'}: takes no edited fields (use edit)")
    check_decision(decision, edits, reviewer)
    claim = claim_row(conn, claim_id)
    for h in CHECKED:
        given = (row.get(h) or "").strip()
        if given and given != claim[h]:
            raise ReviewError(f"{h}: the claim changed since this decision; review it again")
    return _Row(line, claim_id, decision, reviewer, (row.get("reason") or "").strip() or None, edits)


def import_decisions(conn: Connection, stream: IO[str], name: str, now: str) -> ImportResult:
    """Check every row, then record the good ones in the caller's transaction."""
    reader = csv.DictReader(stream)
    columns = list(reader.fieldnames or [])
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ReviewError(f"{name}: missing column(s) {', '.join(missing)} (header: {', '.join(columns) or 'none'})")
    known = {*REQUIRED, "reason", *EDITABLE_FIELDS, *CHECKED}
    result = ImportResult(ignored_columns=[c for c in columns if c not in known])
    good: list[_Row] = []
    for row in reader:
        line = reader.line_num
        try:
            good.append(_check(conn, line, row))
        except ReviewError as exc:
            result.errors.append(f"{name}:{line}: {exc}")
    for r in good:
        decide(conn, r.claim_id, r.decision, r.edits, r.reviewer, r.reason, now)
        result.applied += 1
    return result


def export_decisions(conn: Connection, out: IO[str]) -> int:
    """The whole decision log, oldest first."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    count = 0
    for r in conn.execute(select(reviews).order_by(reviews.c.pk)).mappings():
        edits = json.loads(r["edits"]) if r["edits"] else {}
        writer.writerow({
            "review_id": r["pk"], "claim_id": r["claim_id"], "decision": r["decision"], "reviewer": r["reviewer"],
            "reason": r["reason"] or "", "decided_at": r["decided_at"],
            **{f: _cell(edits[f]) for f in EDITABLE_FIELDS if f in edits},
            "evidence_hash": r["evidence_hash"], "output_hash": r["output_hash"],
            "extractor_version": r["extractor_version"], "reference_version": r["reference_version"],
        })
        count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
