"""Ingest benchmark: N generated documents into a fresh database, end to end.

    python bench/ingest.py --docs 20000
    python bench/ingest.py --docs 5000 --extract --workers 1,2

Prints documents/s, MB/s of text and peak RSS. Targets: >= 500 docs/s, peak RSS <= 500 MB.
`--extract` also runs extraction in each document's transaction, as `custodes ingest` does.
`--workers 1,2` runs once per worker count (each in a fresh process, on the same corpus) and
prints the runs side by side; the target for 2 workers on 2 cores is >= 1.7x one worker.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
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


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def measure(corpus: Path, db: Path, text_bytes: int, extract: bool, workers: int) -> dict[str, float]:
    """One run, in this process: the figures as a dict."""
    refresh_seconds: list[float] = []
    engine = open_database(db)
    ingestor = Ingestor(engine, max_bytes=50 * 1024 * 1024)
    if extract:
        from custodes.analyse import EXTRACTION, after_run

        def timed_after_run(conn: Connection) -> None:
            began = time.perf_counter()
            after_run(conn)
            refresh_seconds.append(time.perf_counter() - began)

        ingestor = Ingestor(engine, max_bytes=50 * 1024 * 1024, analysis=EXTRACTION,
                            after_run=timed_after_run)
    start = time.perf_counter()
    summary = ingestor.run(plan_inputs([str(corpus)]), lambda _e: None, workers=workers)
    elapsed = time.perf_counter() - start
    counts = summary.counts
    docs = counts["stored"] + counts["near_duplicate"]
    return {"workers": workers, "stored": counts["stored"], "near_duplicate": counts["near_duplicate"],
            "failed": counts["failed"], "seconds": elapsed, "docs_per_s": docs / elapsed,
            "mb_per_s": text_bytes / 1e6 / elapsed, "refresh_s": refresh_seconds[0] if refresh_seconds else 0.0,
            "rss_main_mb": peak_rss_mb(), "rss_worker_mb": peak_rss_mb(resource.RUSAGE_CHILDREN)}


def run_apart(corpus: Path, db: Path, text_bytes: int, extract: bool, workers: int) -> dict[str, float]:
    """One run in a fresh process, so that one run's memory does not count in the next's."""
    cmd = [sys.executable, __file__, "--one", str(workers), "--corpus", str(corpus), "--db", str(db),
           "--text-bytes", str(text_bytes)] + (["--extract"] if extract else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.splitlines()[-1]))


def print_side_by_side(runs: list[dict[str, float]], docs: int, text_bytes: int) -> None:
    first = runs[0]
    print(f"documents: {docs} generated ({text_bytes / 1e6:.1f} MB of text), {first['stored']:.0f} stored, "
          f"{first['near_duplicate']:.0f} near-duplicates, {first['failed']:.0f} failed")
    print(f"{'workers':>8} {'seconds':>8} {'docs/s':>8} {'MB/s':>6} {'speed-up':>8} {'refresh s':>9} "
          f"{'RSS main MB':>11} {'RSS worker MB':>13}")
    for run in runs:
        speed_up = run["docs_per_s"] / first["docs_per_s"]
        worker_rss = f"{run['rss_worker_mb']:.0f}" if run["workers"] > 1 else "-"
        print(f"{run['workers']:>8.0f} {run['seconds']:>8.1f} {run['docs_per_s']:>8.0f} {run['mb_per_s']:>6.2f} "
              f"{speed_up:>7.2f}x {run['refresh_s']:>9.1f} {run['rss_main_mb']:>11.0f} {worker_rss:>13}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--bytes", type=int, default=3000, help="approximate text size per document")
    parser.add_argument("--extract", action="store_true", help="also extract deployments, as `custodes ingest` does")
    parser.add_argument("--workers", default="1", help="worker counts to compare, e.g. 1,2")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one run, figures as JSON
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--text-bytes", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.corpus, args.db, args.text_bytes, args.extract, args.one)))
        return
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        text_bytes = write_jsonl(corpus, args.docs, args.bytes)
        runs = [run_apart(corpus, Path(tmp) / f"bench-{n}.db", text_bytes, args.extract, n) for n in counts]
    print_side_by_side(runs, args.docs, text_bytes)


if __name__ == "__main__":
    main()
