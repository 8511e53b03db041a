"""POST /audit: the procurement audit over HTTP (mounted under /api/v1 by the app).

The body is the inventory itself, CSV or JSON, so any tool that can send a file can use it.  The
size is checked before the body is read (Content-Length) and again while it streams in (chunked
uploads), so an oversized upload costs the server nothing beyond the limit: 413 with a JSON error.
Auditing is CPU work and runs in the thread pool, not on the event loop.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from custodes.audit.inventory import InventoryError, decode, read_csv_text, read_json_text
from custodes.audit.matcher import Auditor
from custodes.audit.report import report_dict, write_csv, write_html
from custodes.audit.run import AuditReport, audit_inventory
from custodes.web.models import ErrorOut

MAX_BODY_BYTES = 5 * 1024 * 1024
_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorOut, "description": f"The body is over {MAX_BODY_BYTES:,} bytes."},
    422: {"model": ErrorOut, "description": "The body is not a usable inventory (no known column, not CSV or "
          "JSON, undecodable), or a parameter is wrong."},
}
_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"},
                 "example": "brand,model,mac\nHikvision,DS-2CD2143G2-I,44:19:b6:00:00:01\n"},
    "application/json": {"schema": {"type": "array", "items": {"type": "object", "additionalProperties": {
        "type": "string"}}}, "example": [{"brand": "Ezviz", "model": "C6N", "mac": "", "description": ""}]},
}}}

router = APIRouter()


class _TooLarge(Exception):
    pass


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"status": status, "message": message, "details": []}, status_code=status)


@lru_cache(maxsize=16)
def _auditor(lists: tuple[str, ...] | None) -> Auditor:
    """One auditor per list selection, reused across requests (its caches make repeats free)."""
    return Auditor(lists=lists)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _run(body: bytes, content_type: str, overrides: dict[str, str | None], auditor: Auditor) -> AuditReport:
    text, encoding, warnings = decode(body, "request body")
    is_json = "json" in content_type or (not content_type.startswith("text/") and text.lstrip().startswith(("[", "{")))
    inventory = (read_json_text(text, name="request body", overrides=overrides) if is_json else
                 read_csv_text(text, name="request body", encoding=encoding, overrides=overrides, warnings=warnings))
    return audit_inventory(inventory, auditor)


@router.post("/audit", summary="Audit an asset inventory for restricted vendors", responses=_ERRORS,
             openapi_extra=_BODY, response_model=None)
async def audit(
    request: Request,
    fmt: Annotated[Literal["json", "csv", "html"], Query(alias="format", description="Report format.")] = "json",
    brand_col: Annotated[str | None, Query(description="Column (or JSON key) holding the brand.")] = None,
    model_col: Annotated[str | None, Query(description="Column holding the model.")] = None,
    mac_col: Annotated[str | None, Query(description="Column holding the MAC address.")] = None,
    description_col: Annotated[str | None, Query(description="Column holding a description.")] = None,
    lists: Annotated[str | None, Query(description="Comma-separated list ids that count (default: all).")] = None,
) -> Response:
    """The verdict for every row of a CSV (text/csv) or JSON (application/json) inventory: `covered`,
    `possibly covered` or `not found`, each with the matches behind it (how the row was linked to a
    listed company), the listings with their citations, and the row's problems (line numbers).

    Rows with problems are still answered: `summary.errors` counts them. The body may be at most
    5 MB (413 otherwise)."""
    try:
        body = await _read_body(request, MAX_BODY_BYTES)
    except _TooLarge:
        return _error(413, f"the inventory is over the limit of {MAX_BODY_BYTES:,} bytes; split it or use the "
                      "command line (custodes audit)")
    if not body.strip():
        return _error(422, "empty body: send the inventory as CSV (Content-Type: text/csv) or JSON")
    wanted = tuple(x.strip() for x in lists.split(",") if x.strip()) if lists else None
    try:
        auditor = _auditor(wanted)
    except ValueError as exc:
        return _error(422, f"lists: {exc}")
    overrides = {"brand": brand_col, "model": model_col, "mac": mac_col, "description": description_col}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        return await run_in_threadpool(_answer, body, content_type, overrides, auditor, fmt)
    except InventoryError as exc:
        return _error(422, str(exc))


def _answer(body: bytes, content_type: str, overrides: dict[str, str | None], auditor: Auditor,
            fmt: str) -> Response:
    """Audit and render in one worker-thread trip: both are CPU work."""
    report = _run(body, content_type, overrides, auditor)
    if fmt == "json":
        return Response(json.dumps(report_dict(report), ensure_ascii=False), media_type="application/json")
    buffer = io.StringIO()
    (write_csv if fmt == "csv" else write_html)(report, buffer)
    return Response(buffer.getvalue(), media_type=f"text/{fmt}; charset=utf-8")
