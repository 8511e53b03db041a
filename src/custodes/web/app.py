"""The custodes web app: read-only pages and REST API over one database file.

`create_app(db_path)` is the single entry point (used by `custodes serve`, the tests and the
load benchmark). By default no route can change the database. `create_app(db_path,
review=True)` (`custodes serve --review`) also mounts the review pages under /review, which
write decisions through an engine of their own; see `review.py` and `auth.py`.
The interactive Swagger/ReDoc pages are switched off because they load their code from a CDN;
/api renders the same OpenAPI document as plain HTML instead.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from custodes import __version__
from custodes.config import is_database_url
from custodes.web import api, audit_api, changes, pages
from custodes.web.http import HttpHeadersMiddleware, ResponseCache
from custodes.web.render import TEMPLATES, render
from custodes.web.store import ReadOnlyStore, StoreError

if TYPE_CHECKING:
    from custodes.web.review import ReviewState

STATIC = Path(__file__).parent / "static"
DESCRIPTION = """\
Read-only access to the custodes record of AI surveillance deployments: which government
acquired which technology, from which company, stated by which sources, with the exact
evidence sentences. Statements from imported datasets (AI Global Surveillance index, Belt and
Road membership, regime type, restricted-vendor lists, OEM brands) are kept apart from the
evidence extracted from documents.

Every GET answer carries a weak ETag and Last-Modified derived from the database's data
version; send If-None-Match to get 304 when nothing changed. Errors are JSON:
`{"status": 404, "message": "...", "details": []}`.
"""


def code_token() -> str:
    """Part of every ETag: changes when the app's templates or static files change."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    for folder in (TEMPLATES, STATIC):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                st = path.stat()
                digest.update(f"{path.name}:{st.st_mtime_ns}:{st.st_size}".encode())
    return digest.hexdigest()


def _messages(detail: Any) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(detail, list):
        details = [{"parameter": ".".join(str(p) for p in d.get("loc", [])[1:]) or None,
                    "location": (d.get("loc") or [None])[0], "message": d.get("msg", "")} for d in detail]
        text = "; ".join(f"{d['parameter']}: {d['message']}" if d["parameter"] else d["message"] for d in details)
        return text or "invalid request", details
    return str(detail), []


def _error(request: Request, status: int, detail: Any) -> Response:
    message, details = _messages(detail)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"status": status, "message": message, "details": details}, status_code=status)
    return render(request, "error.html", status_code=status, status=status, message=message)


def _warm_up() -> None:
    """Load the gazetteer, taxonomy and map geometry now, not during the first request."""
    from custodes.resolve.countries import Gazetteer
    from custodes.web import geo
    from custodes.web.lookup import category_labels

    Gazetteer.default()
    category_labels()
    geo.countries()


def _review_state(path: Path | str) -> ReviewState:
    """The review pages' writable engine and sessions. The file must already be a custodes
    database (checked read-only first); it is then migrated, which adds the token table."""
    from sqlalchemy.exc import SQLAlchemyError

    from custodes.store.db import open_database
    from custodes.web.auth import Sessions
    from custodes.web.review import ReviewState

    ReadOnlyStore(path).engine.dispose()  # refuses a missing or foreign file before anything is written
    try:
        engine = open_database(path if isinstance(path, str) else path.resolve())
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open {path} for review (is it writable?): {exc}") from exc
    return ReviewState(engine, Sessions(engine))


def create_app(db_path: Path | str, *, response_cache: bool = True, review: bool = False) -> FastAPI:
    """The app serving `db_path` read-only; raises StoreError if it cannot be served.

    `response_cache=False` renders every request (the load benchmark uses it to measure the
    uncached cost); ETags and 304s work either way. `review=True` adds the review pages.
    """
    target: Path | str = db_path if is_database_url(db_path) else Path(db_path)
    review_state = _review_state(target) if review else None
    store = ReadOnlyStore(target, code_token=code_token())
    _warm_up()
    app = FastAPI(title="custodes", version=__version__, description=DESCRIPTION,
                  openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.review = review_state

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else \
            f"nothing at {request.url.path}"
        return _error(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, list(exc.errors()))

    app.include_router(api.router, prefix="/api/v1")
    app.include_router(audit_api.router, prefix="/api/v1")
    app.include_router(changes.api_router, prefix="/api/v1")
    app.include_router(changes.feeds_router)
    app.include_router(pages.router)
    if review_state is not None:
        from custodes.web import review as review_pages

        app.include_router(review_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    cache = ResponseCache() if response_cache else ResponseCache(max_bytes=0)
    app.add_middleware(HttpHeadersMiddleware, store=store, cache=cache)
    return app
