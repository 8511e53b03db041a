"""Deltas written straight into a real database, in the shape the delta writer gives them, and a
webhook receiver on 127.0.0.1 that records what it was sent."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, insert

from custodes.store.schema import delta_entries, deltas
from tests.httpserver import Reply, Request


def deployment_record(dep_id: str, country: str = "KEN", supplier: str | None = "Huawei",
                      vendor_id: str | None = "huawei", tech: tuple[str, ...] = ("facial_recognition",),
                      status: str = "deployed", year: int | None = 2021) -> dict[str, Any]:
    """A record as `custodes export --format jsonl` writes one (DeploymentView.to_dict)."""
    return {
        "id": dep_id, "country": country, "country_name": {"KEN": "Kenya", "UGA": "Uganda"}.get(country, country),
        "supplier": supplier, "supplier_country": "CHN" if supplier else None, "vendor_id": vendor_id,
        "program": "Safe City", "tech": sorted(tech), "status": status, "latest_status": status, "year": year,
        "confidence": 0.82, "sources": 2, "documents": 2, "lender": None, "amount": None, "currency": None,
        "first_reported": "2021-03-01", "last_reported": "2023-06-11", "reviewed": "none", "accepted_claims": 0,
        "evidence": [{
            "claim_id": f"clm-{dep_id[-12:]}", "document_id": "doc-0123456789abcdef", "title": "Cameras go up",
            "url": "https://news.example.org/cameras", "source": "html", "published": "2023-06-11",
            "text": f"{supplier or 'A supplier'} installed cameras with face matching in the capital.",
            "start": 0, "end": 60, "spans": [[0, 60]], "status": status, "year": year, "confidence": 0.82,
            "extractor_version": "0.6.0", "tech_confidence": None, "status_confidence": None,
            "review_state": "unreviewed"}],
    }


def add_delta(engine: Engine, version: int, changes: list[tuple[str, dict[str, Any]]],
              created_at: str | None = None) -> None:
    """One delta: (op, record) pairs; a DEL keeps only the columns, as the writer stores it."""
    counts = {op: sum(1 for o, _ in changes if o == op) for op in ("ADD", "MOD", "DEL")}
    with engine.begin() as conn:
        when = created_at or f"2024-06-0{version}T00:00:00+00:00"
        conn.execute(insert(deltas).values(version=version, created_at=when, trigger="ingest",
                                           added=counts["ADD"], modified=counts["MOD"], deleted=counts["DEL"]))
        for op, rec in changes:
            text = json.dumps(rec, sort_keys=True)
            conn.execute(insert(delta_entries).values(
                version=version, op=op, deployment_id=rec["id"],
                content_hash=None if op == "DEL" else hashlib.sha256(text.encode()).hexdigest(),
                record=None if op == "DEL" else text, country=rec["country"], vendor_id=rec["vendor_id"],
                supplier=rec["supplier"], tech=json.dumps(rec["tech"])))


@dataclass
class Receiver:
    """A webhook route: answers from `script` in turn (the last answer repeats) and keeps each request."""

    script: list[Reply] = field(default_factory=lambda: [Reply(200, b"ok", content_type="text/plain")])
    received: list[Request] = field(default_factory=list)

    def __call__(self, request: Request) -> Reply:
        self.received.append(request)
        return self.script[min(len(self.received), len(self.script)) - 1]

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.received]


def recording_sleep() -> tuple[list[float], Callable[[float], None]]:
    waits: list[float] = []
    return waits, waits.append
