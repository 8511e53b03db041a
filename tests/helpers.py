"""Running the real command line in a subprocess, as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, db: Path | None = None, stdin: bytes | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("CUSTODES_DB", None)
    cmd = [sys.executable, "-m", "custodes", *args]
    if db is not None:
        cmd += ["--db", str(db)]
    return subprocess.run(cmd, input=stdin.decode() if stdin else None, capture_output=True,
                          text=True, env=env, cwd=cwd or ROOT, timeout=300)


def synthetic_corpus(path: Path, n: int) -> Path:
    """n distinct documents of about 1 KB each, as JSON Lines, each stating one deployment."""
    import json

    countries = ("Kenya", "Ecuador", "Pakistan", "Serbia", "Uganda", "Bolivia", "Zambia")
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            body = " ".join(f"word{(i * 7 + j) % 9973} item{i} paragraph{j}" for j in range(50))
            claim = f"The police of {countries[i % len(countries)]} installed Huawei surveillance cameras in 2019."
            handle.write(json.dumps({"id": f"s{i}", "text": f"Report {i}. {claim} {body}"}) + "\n")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """uvicorn serving `create_app(db, **options)` in a thread, on 127.0.0.1 only."""

    def __init__(self, db: Path, **options: object) -> None:
        import uvicorn

        from custodes.web.app import create_app

        self.db = db
        self.app = create_app(db, **options)  # type: ignore[arg-type]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
