"""Recording a person's decision about a claim, and what it changes.

A decision is appended to `reviews` (never updated), applied to the claim's counted values on
top of the extractor's own output (a later decision replaces an earlier edit, it does not stack
on it), and the deployments the claim left and joined are rebuilt in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from custodes.store.claims import deployment_id, queue_stale_deployments, refresh_stale_deployments
from custodes.store.history import record_claims
from custodes.store.reviews import (
    DECISIONS,
    EDIT,
    EDITABLE_FIELDS,
    OUTPUT_FIELDS,
    apply_review,
    insert_review,
    latest_reviews,
)
from custodes.store.schema import claims

STATUSES = ("deployed", "planned", "cancelled", "unknown")
NULL = "null"  # the value that clears an optional field


class ReviewError(ValueError):
    """A decision that cannot be recorded; the message names the claim or field."""


def _country(field: str, raw: str, optional: bool) -> str | None:
    from custodes.resolve.countries import Gazetteer

    if optional and raw.lower() in ("", NULL):
        return None
    iso3 = Gazetteer.default().resolve(raw)
    if iso3 is None:
        raise ReviewError(f"{field}: unknown country {raw!r} (an ISO3 code such as ECU, or a name)")
    return iso3


def _tech(raw: str) -> list[str]:
    from custodes.extract.cues import taxonomy

    known = taxonomy()
    cats = [c.strip() for c in raw.replace(",", ";").split(";") if c.strip()]
    if not cats:
        raise ReviewError("tech: at least one category")
    for c in cats:
        if c not in known:
            raise ReviewError(f"tech: unknown category {c!r} (one of {', '.join(sorted(known))})")
    return sorted(set(cats))


def _optional_text(raw: str) -> str | None:
    return None if raw.strip().lower() in ("", NULL) else raw.strip()


def _parse(field: str, raw: str) -> Any:
    value = raw.strip()
    if field == "country":
        return _country(field, value, optional=False)
    if field == "supplier_country":
        return _country(field, value, optional=True)
    if field == "tech":
        return _tech(value)
    if field == "status":
        if value not in STATUSES:
            raise ReviewError(f"status: {value!r} is not one of {', '.join(STATUSES)}")
        return value
    if field == "year":
        if value.lower() in ("", NULL):
            return None
        if not value.isdigit() or not 1950 <= int(value) <= 2100:
            raise ReviewError(f"year: {value!r} is not a year")
        return int(value)
    if field == "amount":
        if value.lower() in ("", NULL):
            return None
        try:
            return float(value.replace(",", ""))
        except ValueError as exc:
            raise ReviewError(f"amount: {value!r} is not a number") from exc
    if field == "loan":
        if value.lower() in ("", NULL):
            return None
        if value.lower() not in ("true", "false", "yes", "no"):
            raise ReviewError(f"loan: {value!r} is not true or false")
        return value.lower() in ("true", "yes")
    if field == "currency":
        cur = _optional_text(value)
        if cur is not None and (len(cur) != 3 or not cur.isalpha()):
            raise ReviewError(f"currency: {value!r} is not an ISO 4217 code such as USD")
        return cur.upper() if cur else None
    return _optional_text(value)  # supplier, program, lender


def parse_edits(pairs: Mapping[str, str]) -> dict[str, Any]:
    """Edited fields from their text form (`status=planned`, `tech=facial_recognition;smart_city`,
    `supplier_country=null`), checked one by one."""
    out: dict[str, Any] = {}
    for field, raw in pairs.items():
        if field not in EDITABLE_FIELDS:
            raise ReviewError(f"{field}: not an editable field (one of {', '.join(EDITABLE_FIELDS)})")
        out[field] = _parse(field, raw)
    return out


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`FIELD=VALUE` arguments as a mapping."""
    out: dict[str, str] = {}
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise ReviewError(f"{item!r}: an edit is FIELD=VALUE, e.g. status=planned")
        out[field.strip()] = value
    return out


def claim_row(conn: Connection, claim_id: str) -> dict[str, Any]:
    found = conn.execute(select(claims).where(claims.c.id == claim_id)).mappings().first()
    if found is None:
        raise ReviewError(f"{claim_id}: no such claim")
    row = dict(found)
    if row["extracted"] is None:
        raise ReviewError(f"{claim_id}: stored before reviews existed; run `custodes extract` first")
    return row


def check_decision(decision: str, edits: Mapping[str, Any], reviewer: str) -> None:
    if decision not in DECISIONS:
        raise ReviewError(f"decision: {decision!r} is not one of {', '.join(DECISIONS)}")
    if decision == EDIT and not edits:
        raise ReviewError("edit: name at least one FIELD=VALUE")
    if decision != EDIT and edits:
        raise ReviewError(f"{decision}: takes no edited fields (use edit)")
    if not reviewer.strip():
        raise ReviewError("reviewer: say who decides (--by NAME)")


def decide(conn: Connection, claim_id: str, decision: str, edits: Mapping[str, Any], reviewer: str,
           reason: str | None, now: str) -> int:
    """Record one decision and apply it; returns the review's id. The caller owns the transaction."""
    check_decision(decision, edits, reviewer)
    row = claim_row(conn, claim_id)
    pk = insert_review(conn, row, decision, edits, reviewer.strip(), reason, now)
    extracted = {**dict(row), **json.loads(row["extracted"])}  # the extractor's own output, not an old edit
    counted, state, review_id = apply_review(extracted, latest_reviews(conn, [claim_id])[claim_id])
    dep = deployment_id(counted["country"], counted["supplier"], counted["supplier_country"], counted["vendor_id"])
    values = {f: counted[f] for f in OUTPUT_FIELDS}
    conn.execute(update(claims).where(claims.c.id == claim_id).values(
        **values, deployment_id=dep, review_state=state, review_id=review_id))
    record_claims(conn, {claim_id: {**dict(row), **values, "deployment_id": dep, "review_state": state,
                                    "review_id": review_id}}, now)
    queue_stale_deployments(conn, {row["deployment_id"], dep})
    refresh_stale_deployments(conn, now)
    return pk
