"""Change-feed benchmark: plan and publish a delta over N deployments, time each stage.

    python bench/changes.py                    # 10,000 deployments, target: a plan in < 2 s
    python bench/changes.py --deployments 2000 --json
    python bench/changes.py --check            # exit 1 when the target is missed

The deployments are written the way extraction writes them (one document per deployment, its
claim stored and the deployment aggregated by `custodes.store.claims`), spread over countries,
named suppliers and categories, with every tenth document tied to one of five watched sources.
Timed: the first plan (everything ADD), the first publish (rows and files), the plan of a run
that changed nothing (what every ingest pays), and a plan after 1% of the deployments changed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

TARGET_SECONDS = 2.0
COUNTRIES = ("KEN", "ECU", "PAK", "SRB", "UGA", "BOL", "ZMB", "ZWE", "BRA", "IDN", "EGY", "NGA")
TECH = (["video_surveillance"], ["facial_recognition"], ["video_surveillance", "facial_recognition"],
        ["smart_policing"])
NOW = "2025-01-01T00:00:00+00:00"


def build(db: Path, n: int) -> None:
    from custodes.store.claims import ClaimRecord, refresh_stale_deployments, replace_document_claims
    from custodes.store.db import open_database
    from custodes.store.schema import documents, watch_items, watch_sources

    engine = open_database(db)
    with engine.begin() as conn:
        conn.execute(insert(watch_sources), [
            {"name": f"source-{i}", "url": f"https://news{i}.example.org/feed", "kind": "feed",
             "every_seconds": 3600, "added_at": NOW} for i in range(1, 6)])
        for i in range(n):
            sentence = f"The police of {COUNTRIES[i % len(COUNTRIES)]} installed cameras from Vendor {i} Ltd."
            doc_id = f"doc-{i:016x}"
            conn.execute(insert(documents).values(
                id=doc_id, source="bench", url=f"https://example.org/{i}", title=f"Report {i}",
                content_type="text", text=sentence, chars=len(sentence), group_id=doc_id,
                ingested_at=NOW, published="2024-06-01"))
            record = ClaimRecord(country=COUNTRIES[i % len(COUNTRIES)], supplier=f"Vendor {i} Ltd",
                                 supplier_country="CHN", tech=TECH[i % len(TECH)], year=2015 + i % 10,
                                 program=None, status="deployed", confidence=0.8,
                                 evidence=[(sentence, 0, len(sentence))])
            replace_document_claims(conn, doc_id, [record], [], extractor_version="bench",
                                    reference_version="bench", now=NOW)
            if i % 10 == 0:
                conn.execute(insert(watch_items).values(
                    source_pk=1 + i % 5, url=f"https://news.example.org/item/{i}", document_id=doc_id,
                    outcome="stored", first_seen=NOW))
        refresh_stale_deployments(conn, NOW)
    engine.dispose()


def timed(label: str, results: dict[str, float], fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    results[label] = round(time.perf_counter() - start, 3)
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deployments", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    from sqlalchemy import update

    from custodes.index.changes import plan_delta, publish_delta
    from custodes.store.db import open_database
    from custodes.store.schema import deployments

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        timed("build", results, lambda: build(db, args.deployments))
        engine = open_database(db)
        with engine.connect() as conn:
            plan = timed("plan_first", results, lambda: plan_delta(conn))
            conn.rollback()
            timed("publish_first", results,
                  lambda: publish_delta(conn, trigger="bench", deltas_dir=Path(tmp) / "deltas"))
            timed("plan_unchanged", results, lambda: plan_delta(conn))
            conn.rollback()
            with conn.begin():
                conn.execute(update(deployments).where(deployments.c.id.in_(
                    [e.deployment_id for e in plan.entries[:: 100]])).values(status="planned"))
            changed = timed("plan_one_percent_changed", results, lambda: plan_delta(conn))
            conn.rollback()
        engine.dispose()
    summary = {"deployments": args.deployments, "seconds": results, "first_entries": len(plan.entries),
               "changed_entries": len(changed.entries), "target_seconds": TARGET_SECONDS}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for label, seconds in results.items():
            print(f"{label:28} {seconds:8.3f} s")
        print(f"entries: {len(plan.entries)} on the first plan, {len(changed.entries)} after 1% changed")
    slowest = max(results[k] for k in ("plan_first", "plan_unchanged", "plan_one_percent_changed"))
    return 1 if args.check and slowest > TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
