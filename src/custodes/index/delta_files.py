"""The change feed as files: `NNNNNN.jsonl` per delta version and an `index.json` listing them.

The files are derived from the database (`deltas`, `delta_entries`), never the other way round,
so they can be deleted and rebuilt at any time. Each is written to a temporary file and moved
into place, so a reader never sees half a file; a version whose file a crash left unwritten is
written by the next call.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from custodes.store.schema import delta_entries, deltas

INDEX_NAME = "index.json"
INDEX_FORMAT = 1


def version_file_name(version: int) -> str:
    return f"{version:06d}.jsonl"


def version_lines(conn: Connection, version: int) -> bytes:
    """The version file's bytes: one JSON object per entry, in entry order; DEL has no record."""
    e = delta_entries.c
    out = []
    for op, ident, digest, record in conn.execute(
            select(e.op, e.deployment_id, e.content_hash, e.record).where(e.version == version).order_by(e.pk)):
        line: dict[str, Any] = {"op": op, "id": ident, "hash": digest}
        if record is not None:
            line["record"] = json.loads(record)
        out.append(json.dumps(line, ensure_ascii=False) + "\n")
    return "".join(out).encode("utf-8")


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file in the same folder, flushed, then os.replace: the old or the new file, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _listed_before(index_path: Path) -> dict[int, tuple[str, str]]:
    """version -> (created_at, sha256) as the current index.json lists them; empty if unreadable."""
    try:
        data = json.loads(index_path.read_text(encoding="utf-8"))
        return {int(v["version"]): (str(v["created_at"]), str(v["sha256"])) for v in data["versions"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_delta_files(conn: Connection, deltas_dir: Path) -> list[Path]:
    """Write every version file that is missing, or that the index does not vouch for (another
    database's delta of the same number, say), and rewrite `index.json` if it changed; returns
    the version files written."""
    deltas_dir.mkdir(parents=True, exist_ok=True)
    index_path = deltas_dir / INDEX_NAME
    before = _listed_before(index_path)
    written: list[Path] = []
    listed = []
    for row in conn.execute(select(deltas).order_by(deltas.c.version)).all():
        path = deltas_dir / version_file_name(row.version)
        data = path.read_bytes() if path.is_file() else None
        if data is None or before.get(row.version) != (row.created_at, hashlib.sha256(data).hexdigest()):
            fresh = version_lines(conn, row.version)
            if fresh != data:
                write_atomically(path, fresh)
                written.append(path)
            data = fresh
        listed.append({"version": row.version, "created_at": row.created_at, "trigger": row.trigger,
                       "added": row.added, "modified": row.modified, "deleted": row.deleted,
                       "forced": bool(row.forced), "file": path.name,
                       "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    index = {"format": INDEX_FORMAT, "latest": listed[-1]["version"] if listed else 0, "versions": listed}
    body = (json.dumps(index, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if not index_path.is_file() or index_path.read_bytes() != body:
        write_atomically(index_path, body)
    return written
