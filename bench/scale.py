"""Scale benchmark: N generated documents ingested with extraction by `custodes ingest --workers W`,
then the API's p95 on that database with the response cache off.

    python bench/scale.py --docs 100000 --workers 2
    python bench/scale.py --docs 100000 --workers 2 --db postgresql://user@127.0.0.1:55432/bench

Targets (issue 12): the ingest under 10 minutes with peak RSS <= 1 GB per process, and p95 < 50 ms
uncached at 100 requests/s for a country page and `/api/v1/deployments?limit=100`.
The ingest runs as the real command in a subprocess; RSS is sampled every 0.2 s over the
command's process tree (main process and each worker). The load test is bench/api_load.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))

from corpus import write_jsonl  # noqa: E402

TARGET_SECONDS = 600
TARGET_RSS_MB = 1024


def sample_rss(proc: psutil.Process, peaks: dict[int, float], stop: threading.Event) -> None:
    """Peak RSS per process of the tree, sampled until the command ends."""
    while not stop.is_set():
        try:
            for p in [proc, *proc.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a worker may end between listing and reading
                    peaks[p.pid] = max(peaks.get(p.pid, 0.0), p.memory_info().rss / 2**20)
        except psutil.Error:
            return
        stop.wait(0.2)


def ingest(corpus: Path, db: str, workers: int) -> tuple[float, dict[int, float], int]:
    cmd = [sys.executable, "-m", "custodes", "ingest", str(corpus), "--db", db, "--workers", str(workers),
           "--log-json"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, float] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=sample_rss, args=(psutil.Process(proc.pid), peaks, stop), daemon=True)
    sampler.start()
    _, errors = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed ({proc.returncode}): {errors[-2000:]}")
    return time.perf_counter() - start, peaks, proc.pid


def api_p95(db: str, rate: float, requests: int, country: str) -> dict[str, object]:
    bench = Path(__file__).parent / "api_load.py"
    cmd = [sys.executable, str(bench), "--db", db, "--no-cache", "--rate", str(rate), "--requests", str(requests),
           "--path", f"/countries/{country}", "--path", "/api/v1/deployments?limit=100", "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"api_load failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def busiest_country(db: str) -> str:
    from sqlalchemy import text

    from custodes.store.db import open_database

    engine = open_database(db if "://" in db else Path(db))
    with engine.connect() as conn:
        row = conn.execute(text("SELECT country, count(*) AS n FROM deployments GROUP BY country "
                                "ORDER BY n DESC LIMIT 1")).first()
    return str(row[0]) if row else "ECU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--bytes", type=int, default=3000, help="approximate text size per document")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", help="database URL or file [default: a SQLite file in a temporary folder]")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        text_bytes = write_jsonl(corpus, args.docs, args.bytes)
        db = args.db or str(Path(tmp) / "scale.db")
        seconds, peaks, main_pid = ingest(corpus, db, args.workers)
        main_rss = peaks.get(main_pid, 0.0)
        worker_rss = max((v for k, v in peaks.items() if k != main_pid), default=0.0)
        print(f"ingest: {args.docs} documents ({text_bytes / 2**20:.0f} MB of text), {args.workers} workers: "
              f"{seconds:.0f} s, {args.docs / seconds:.0f} docs/s (target under {TARGET_SECONDS} s)", flush=True)
        print(f"peak RSS: main {main_rss:.0f} MB, largest worker {worker_rss:.0f} MB "
              f"(target <= {TARGET_RSS_MB} MB each)", flush=True)
        country = busiest_country(db)
        load = api_p95(db, args.rate, args.requests, country)
        size_mb = os.path.getsize(db) / 2**20 if "://" not in db else None
    if size_mb is not None:
        print(f"database: {size_mb:.0f} MB")
    print(f"API, response cache off, {load['achieved_rate']}/s of {args.rate:g}/s, {load['errors']} errors:")
    for path, stats in load["per_path"].items():  # type: ignore[attr-defined]
        print(f"  {path:<32} p50 {stats['p50_ms']:>7.2f} ms  p95 {stats['p95_ms']:>7.2f} ms")
    print("target: p95 < 50 ms")


if __name__ == "__main__":
    main()
