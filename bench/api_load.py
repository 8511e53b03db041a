"""Bounded load test of the web app on loopback: a fixed request rate, a fixed request count.

    python bench/api_load.py                      # 10,000 requests at 200/s on a fresh demo database
    python bench/api_load.py --db custodes.db --requests 2000 --rate 100 --json
    python bench/api_load.py --no-cache           # every request rendered, no response cache

By default it builds a database from the bundled sample corpus with the real pipeline (plus the
bundled reference datasets when their importers are installed), starts `uvicorn` serving it in a
separate process on a free 127.0.0.1 port, and sends requests open-loop: request i is due at
start + i / rate whatever happened to earlier ones, alternating between /api/v1/countries and
a country page (/countries/ECU). Latency is measured from the moment a request was due, so a
server that falls behind shows it (no coordinated omission). Targets: p95 < 50 ms, no errors.

Only loopback addresses are accepted for --url; the run stops after --requests requests or
--max-seconds, whichever comes first. --check exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

TARGET_P95_MS = 50.0
DEFAULT_PATHS = ("/api/v1/countries", "/countries/ECU")
SERVER_CODE = ("import sys, uvicorn; from custodes.web.app import create_app; "
               "uvicorn.run(create_app(sys.argv[1], response_cache=sys.argv[3] == 'cache'), host='127.0.0.1', "
               "port=int(sys.argv[2]), log_level='warning', access_log=False)")


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = host == "localhost"
    if not ok:
        raise SystemExit(f"refusing to load-test {host!r}: only loopback addresses (127.0.0.0/8, ::1) are allowed")


def build_database(folder: Path) -> Path:
    """The sample corpus through `custodes ingest`, then the bundled datasets if available."""
    db = folder / "bench.db"
    from custodes.sample import ARTICLES

    subprocess.run([sys.executable, "-m", "custodes", "ingest", str(ARTICLES), "--db", str(db)],
                   check=True, capture_output=True)
    try:
        from custodes.sources.datasets import dataset_names, get_importer
        from custodes.sources.datasets.runner import run_import
        from custodes.store.db import open_database
    except ImportError:
        return db
    engine = open_database(db)
    for name in dataset_names():
        run_import(engine, get_importer(name))
    engine.dispose()
    return db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, cache: bool = True) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER_CODE, str(db), str(port), "cache" if cache else "none"])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            # a static file: readiness must not queue slow queries on a big database
            if httpx.get(url + "/static/favicon.svg", timeout=5, trust_env=False).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("server did not start")


async def run_load(url: str, paths: tuple[str, ...], requests: int, rate: float, max_seconds: float,
                   timeout: float) -> tuple[Results, float]:
    results = Results({p: [] for p in paths}, {p: 0 for p in paths})
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits, trust_env=False) as client:
        for path in paths:  # warm-up: imports, caches, connections
            for _ in range(20):
                await client.get(path)

        async def fire(path: str, due: float) -> None:
            try:
                response = await client.get(path)
                await response.aread()
                if response.status_code != 200:
                    raise RuntimeError(f"HTTP {response.status_code}")
                results.latencies[path].append((time.perf_counter() - due) * 1000)
            except Exception as exc:  # every failure counts, whatever it is
                results.errors[path] += 1
                if len(results.error_samples) < 5:
                    results.error_samples.append(f"{path}: {type(exc).__name__}: {exc}")

        start = time.perf_counter()
        tasks = []
        for i in range(requests):
            due = start + i / rate
            if due - start > max_seconds:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(fire(paths[i % len(paths)], due)))
        _, pending = await asyncio.wait(tasks, timeout=timeout + 5)
        for task in pending:  # still unanswered well past the per-request timeout: count as errors
            task.cancel()
        results.errors["(unfinished)"] = len(pending)
        elapsed = time.perf_counter() - start
    return results, elapsed


def summarise(results: Results, elapsed: float, rate: float) -> dict[str, object]:
    per_path: dict[str, dict[str, Any]] = {}
    everything: list[float] = []
    for path, values in results.latencies.items():
        everything += values
        per_path[path] = {"ok": len(values), "errors": results.errors[path],
                          "p50_ms": round(percentile(values, 50), 2), "p95_ms": round(percentile(values, 95), 2),
                          "p99_ms": round(percentile(values, 99), 2), "max_ms": round(max(values, default=0), 2),
                          "mean_ms": round(statistics.fmean(values), 2) if values else None}
    errors = sum(results.errors.values())
    if results.errors.get("(unfinished)"):
        results.error_samples.append(f"{results.errors['(unfinished)']} request(s) unanswered at the end")
    total = len(everything) + errors
    return {
        "requests": total, "errors": errors, "target_rate": rate, "achieved_rate": round(total / elapsed, 1),
        "seconds": round(elapsed, 1),
        "p50_ms": round(percentile(everything, 50), 2), "p95_ms": round(percentile(everything, 95), 2),
        "p99_ms": round(percentile(everything, 99), 2), "per_path": per_path,
        "error_samples": results.error_samples,
        "targets_met": errors == 0 and all(p["p95_ms"] < TARGET_P95_MS for p in per_path.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", type=Path, help="database to serve [default: a fresh demo database]")
    parser.add_argument("--url", help="an already running server on loopback, instead of starting one")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--path", action="append", help=f"path to request (repeatable) [default: {DEFAULT_PATHS}]")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="hard stop for sending")
    parser.add_argument("--timeout", type=float, default=5.0, help="per-request timeout, seconds")
    parser.add_argument("--no-cache", action="store_true",
                        help="start the server with its response cache off: every request is rendered")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when p95 >= 50 ms or any request failed")
    args = parser.parse_args()
    paths = tuple(args.path or DEFAULT_PATHS)
    proc = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.url:
            require_loopback(args.url)
            url = args.url.rstrip("/")
        else:
            db = args.db or build_database(Path(tmp))
            proc, url = start_server(db, cache=not args.no_cache)
        try:
            results, elapsed = asyncio.run(run_load(url, paths, args.requests, args.rate, args.max_seconds,
                                                    args.timeout))
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)
    summary = summarise(results, elapsed, args.rate)
    summary["cpu_count"] = os.cpu_count()
    summary["response_cache"] = "unknown (external server)" if args.url else not args.no_cache
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"response cache: {summary['response_cache']}")
        print(f"{summary['requests']} requests in {summary['seconds']} s "
              f"({summary['achieved_rate']}/s of {args.rate:g}/s target), {summary['errors']} errors")
        for path, stats in summary["per_path"].items():  # type: ignore[attr-defined]
            print(f"  {path:<24} p50 {stats['p50_ms']:>7.2f} ms  p95 {stats['p95_ms']:>7.2f} ms  "
                  f"p99 {stats['p99_ms']:>7.2f} ms  max {stats['max_ms']:>7.2f} ms  errors {stats['errors']}")
        print(f"  {'all':<24} p50 {summary['p50_ms']:>7.2f} ms  p95 {summary['p95_ms']:>7.2f} ms  "
              f"p99 {summary['p99_ms']:>7.2f} ms")
        for sample in summary["error_samples"]:  # type: ignore[attr-defined]
            print(f"  error: {sample}")
        print(f"targets (p95 < {TARGET_P95_MS:g} ms, zero errors): {'met' if summary['targets_met'] else 'MISSED'}")
    if args.check and not summary["targets_met"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
