"""Spark extraction benchmark: documents/s of `run_extract` in local[1] and local[2].

    python bench/spark.py --docs 4000

Each master runs in a fresh process (one Spark session each) on the same generated corpus;
the time covers reading, extraction, near-duplicate grouping and writing the Parquet tables,
not the JVM's start.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import write_jsonl  # noqa: E402


def measure(corpus: Path, out: Path, master: str) -> dict[str, float]:
    from custodes.spark.job import run_extract
    from custodes.spark.session import create_session

    spark = create_session(master)
    try:
        started = time.perf_counter()
        summary = run_extract(spark, [str(corpus)], str(out))
        seconds = time.perf_counter() - started
    finally:
        spark.stop()
    docs = summary.stored + summary.near_duplicate + summary.unchanged
    return {"docs": docs, "seconds": seconds, "claims": summary.claims}


def run_apart(corpus: Path, out: Path, master: str) -> dict[str, float]:
    code = (f"import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r}); import spark as b; "
            f"print(json.dumps(b.measure(b.Path({str(corpus)!r}), b.Path({str(out)!r}), {master!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=4000)
    parser.add_argument("--masters", default="local[1],local[2]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_jsonl(corpus, args.docs)
        runs = [(m, run_apart(corpus, Path(tmp) / f"out-{i}", m)) for i, m in enumerate(args.masters.split(","))]
    base = runs[0][1]["docs"] / runs[0][1]["seconds"]
    print(f"{'master':<10} {'docs':>7} {'seconds':>8} {'docs/s':>8} {'speed-up':>9}")
    for master, run in runs:
        rate = run["docs"] / run["seconds"]
        print(f"{master:<10} {run['docs']:>7.0f} {run['seconds']:>8.1f} {rate:>8.1f} {rate / base:>8.2f}x")


if __name__ == "__main__":
    main()
