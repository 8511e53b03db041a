"""Ingest benchmark: N generated documents into a fresh database, end to end, on one core.

    python bench/ingest.py --docs 20000

Prints documents/s, MB/s of text and peak RSS. Targets: >= 500 docs/s, peak RSS <= 500 MB.
`--extract` also runs extraction in each document's transaction, as `custodes ingest` does.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from sqlalchemy.engine import Connection  # noqa: E402

from corpus import write_jsonl  # noqa: E402
from custodes.ingest import Ingestor  # noqa: E402
from custodes.sources import plan_inputs  # noqa: E402
from custodes.store.db import open_database  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--bytes", type=int, default=3000, help="approximate text size per document")
    parser.add_argument("--extract", action="store_true", help="also extract deployments, as `custodes ingest` does")
    args = parser.parse_args()
    refresh_seconds: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        text_bytes = write_jsonl(corpus, args.docs, args.bytes)
        engine = open_database(Path(tmp) / "bench.db")
        ingestor = Ingestor(engine, max_bytes=50 * 1024 * 1024)
        if args.extract:
            from custodes.analyse import after_run, after_store

            def timed_after_run(conn: Connection) -> None:
                began = time.perf_counter()
                after_run(conn)
                refresh_seconds.append(time.perf_counter() - began)

            ingestor = Ingestor(engine, max_bytes=50 * 1024 * 1024, after_store=after_store,
                                after_run=timed_after_run)
        start = time.perf_counter()
        summary = ingestor.run(plan_inputs([str(corpus)]), lambda _e: None)
        elapsed = time.perf_counter() - start
        counts = summary.counts
    docs = counts["stored"] + counts["near_duplicate"]
    print(f"documents: {args.docs} generated, {counts['stored']} stored, "
          f"{counts['near_duplicate']} near-duplicates, {counts['failed']} failed")
    print(f"text: {text_bytes / 1e6:.1f} MB in {elapsed:.1f} s")
    print(f"throughput: {docs / elapsed:.0f} docs/s, {text_bytes / 1e6 / elapsed:.2f} MB/s")
    if refresh_seconds:
        print(f"of which the end-of-run refresh of deployments: {refresh_seconds[0]:.1f} s")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
