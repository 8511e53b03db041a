"""The review pages, mounted only by `create_app(..., review=True)` (`custodes serve --review`).

/review lists the review queue (most consequential claim first); /review/claim/{id} shows the
claim's document with its evidence highlighted, what was extracted from it, and the Accept,
Reject and Edit forms (keys a and r, from static/review.js). A decision is recorded with
`custodes.review.decisions.decide` under the name of the reviewer's token, and the answer is a
303 to the next claim of the same queue.

Decisions are written through their own writable engine (`open_database`); the read-only store
the public pages use is never given a write. Who may do what is decided in `auth.py`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from custodes.review.decisions import STATUSES, ReviewError, claim_row, decide, parse_edits
from custodes.review.queue import TO_DO, review_queue
from custodes.store.reviews import DECISIONS, EDIT, EDITABLE_FIELDS, REVIEW_STATES, latest_reviews, reviews_of
from custodes.store.schema import claims, documents
from custodes.web.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Refused,
    Session,
    Sessions,
    bearer_secret,
    check_csrf,
    check_same_origin,
    read_form,
)
from custodes.web.lookup import resolve_country
from custodes.web.render import render

router = APIRouter(prefix="/review", include_in_schema=False, default_response_class=HTMLResponse)
QUEUE_PAGE = 200  # claims listed on /review
WHOLE_DOCUMENT = 20_000  # longer documents are shown around the evidence only
CONTEXT_CHARS = 4_000  # characters shown either side of the evidence in a long document
FIELD_LABELS = {"country": "country", "supplier": "supplier", "supplier_country": "supplier's country",
                "tech": "technology", "year": "year", "program": "programme", "status": "status",
                "lender": "lender", "amount": "amount", "currency": "currency", "loan": "loan"}
STATE_CHOICES: dict[str, tuple[str, ...]] = {"todo": TO_DO, **{s: (s,) for s in REVIEW_STATES},
                                             "all": REVIEW_STATES}


@dataclass
class ReviewState:
    """What the review pages need beyond the read-only app: a writable engine and the sessions."""

    engine: Engine
    sessions: Sessions


def _state(request: Request) -> ReviewState:
    state: ReviewState = request.app.state.review
    return state


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _session(request: Request) -> Session | None:
    return _state(request).sessions.get(request.cookies.get(SESSION_COOKIE))


def _to_login() -> RedirectResponse:
    return RedirectResponse("/review/login", status_code=303)


def _refuse(exc: Refused) -> HTTPException:
    return HTTPException(exc.status, detail=exc.message)


# --- filters -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    country: str | None = None
    state: str = "todo"

    @property
    def states(self) -> tuple[str, ...]:
        return STATE_CHOICES[self.state]

    def query(self, **extra: str) -> str:
        """The filters (and `extra`) as a query string, '' when there is nothing to say."""
        params = {k: v for k, v in (("country", self.country), ("state", self.state if self.state != "todo" else None),
                                    *extra.items()) if v}
        return "?" + urlencode(params) if params else ""


def _filters(params: Mapping[str, str]) -> Filters:
    country = (params.get("country") or "").strip()
    state = (params.get("state") or "todo").strip() or "todo"
    if state not in STATE_CHOICES:
        raise HTTPException(422, detail=[{"loc": ["query", "state"], "type": "value_error",
                                          "msg": f"'{state}' is not one of {', '.join(STATE_CHOICES)}"}])
    code = resolve_country(country, status=422, param="country")[0] if country else None
    return Filters(code, state)


def _claim_url(claim_id: str, filters: Filters, **extra: str) -> str:
    return f"/review/claim/{quote(claim_id, safe='')}{filters.query(**extra)}"


# --- reading -----------------------------------------------------------------------------

def _count(conn: Connection, filters: Filters) -> int:
    query = select(func.count()).select_from(claims).where(claims.c.review_state.in_(filters.states))
    if filters.country:
        query = query.where(claims.c.country == filters.country)
    return int(conn.execute(query).scalar_one())


def _queue_countries(conn: Connection) -> list[str]:
    return sorted(conn.execute(select(claims.c.country).distinct()).scalars())


def _next_claim(conn: Connection, filters: Filters, after: str) -> str | None:
    """The first claim of the queue other than the one just decided."""
    for item in review_queue(conn, states=filters.states, country=filters.country, limit=2):
        if item.claim_id != after:
            return item.claim_id
    return None


def _recorded(conn: Connection, claim_id: str | None, reviewer: str) -> dict[str, Any] | None:
    """The decision this reviewer just made about `claim_id`, read back from the store (so the
    confirmation cannot be forged through the URL)."""
    if not claim_id:
        return None
    latest = latest_reviews(conn, [claim_id]).get(claim_id)
    if latest is None or latest.reviewer != reviewer:
        return None
    return {"claim_id": claim_id, "decision": latest.decision, "decided_at": latest.decided_at}


def _spans(raw: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """The evidence sentences' offsets that fit the document, in order and without overlaps."""
    try:
        spans = [(int(s), int(e)) for s, e in json.loads(raw)]
    except (TypeError, ValueError):
        spans = []
    if not spans:
        spans = [(start, end)]
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if 0 <= s < e <= size and (not out or s >= out[-1][1]):
            out.append((s, e))
    return out


def document_html(text: str, spans: list[tuple[int, int]]) -> tuple[Markup, int, int]:
    """The document (or, when long, the part around the evidence) escaped, with each evidence
    span in <mark>; the first one has id="evidence". Returns the markup and the shown range."""
    lo, hi = 0, len(text)
    if len(text) > WHOLE_DOCUMENT and spans:
        lo, hi = max(0, spans[0][0] - CONTEXT_CHARS), min(len(text), spans[-1][1] + CONTEXT_CHARS)
    parts: list[str] = ["… " if lo else ""]
    at = lo
    for i, (s, e) in enumerate(spans):
        if s < lo or e > hi:
            continue
        parts.append(str(escape(text[at:s])))
        ident = ' id="evidence"' if i == 0 else ""
        parts.append(f'<mark class="evidence"{ident}>{escape(text[s:e])}</mark>')
        at = e
    parts.append(str(escape(text[at:hi])))
    parts.append(" …" if hi < len(text) else "")
    return Markup("".join(parts)), lo, hi


def _plain(field: str, value: Any) -> str:
    """A stored value as the edit form shows it (and as `parse_edits` reads it back)."""
    if value is None:
        return ""
    if field == "tech":
        cats = json.loads(value) if isinstance(value, str) else value
        return ";".join(sorted(cats))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _claim_context(conn: Connection, claim_id: str) -> dict[str, Any]:
    try:
        row = claim_row(conn, claim_id)
    except ReviewError as exc:
        raise HTTPException(404, detail=str(exc)) from exc
    doc = conn.execute(select(documents.c.id, documents.c.text, documents.c.title, documents.c.url,
                              documents.c.published, documents.c.source)
                       .where(documents.c.id == row["document_id"])).mappings().one()
    spans = _spans(row["evidence_spans"], row["evidence_start"], row["evidence_end"], len(doc["text"]))
    html, lo, hi = document_html(doc["text"], spans)
    extracted = json.loads(row["extracted"])
    values = {f: _plain(f, row[f]) for f in EDITABLE_FIELDS}
    edited = [f for f in EDITABLE_FIELDS if values[f] != _plain(f, extracted.get(f))]
    return {"claim": row, "tech": json.loads(row["tech"]), "document": doc, "document_html": html,
            "shown": (lo, hi), "spans_fit": bool(spans), "values": values, "edited": edited,
            "history": reviews_of(conn, [claim_id])}


# --- forms -------------------------------------------------------------------------------

def _edits(conn: Connection, claim_id: str, form: Mapping[str, str]) -> dict[str, Any]:
    """The fields the edit form changes from the extractor's own output (so fields an earlier
    edit set, and the form kept, stay edited: a new decision replaces the old one)."""
    extracted = json.loads(claim_row(conn, claim_id)["extracted"])
    changed = {f: form[f"edit_{f}"] for f in EDITABLE_FIELDS
               if f"edit_{f}" in form and form[f"edit_{f}"].strip() != _plain(f, extracted.get(f))}
    parsed = parse_edits(changed)
    out = {f: v for f, v in parsed.items() if _plain(f, v) != _plain(f, extracted.get(f))}
    if not out:
        raise ReviewError("edit: no field differs from what was extracted (to keep those values, accept)")
    return out


def _record(engine: Engine, claim_id: str, form: Mapping[str, str], reviewer: str, now: str) -> int:
    decision = form.get("decision", "")
    if decision not in DECISIONS:
        raise ReviewError(f"decision: {decision!r} is not one of {', '.join(DECISIONS)}")
    reason = (form.get("reason") or "").strip() or None
    with engine.begin() as conn:
        edits = _edits(conn, claim_id, form) if decision == EDIT else {}
        return decide(conn, claim_id, decision, edits, reviewer, reason, now)


# --- routes ------------------------------------------------------------------------------

def _login_page(request: Request, status: int = 200, message: str | None = None) -> Response:
    import secrets

    csrf = secrets.token_urlsafe(32)
    response = render(request, "review_login.html", status_code=status, csrf=csrf, message=message)
    response.set_cookie(LOGIN_COOKIE, csrf, max_age=3600, path="/review/login", httponly=True,
                        samesite="strict", secure=_secure(request))
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    if _session(request) is not None:
        return RedirectResponse("/review", status_code=303)
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    try:
        check_same_origin(request)
        form = await read_form(request)
        expected = request.cookies.get(LOGIN_COOKIE)
        if not expected:
            raise Refused(403, "refused: the sign-in form has expired or cookies are blocked; reload it")
        check_csrf(expected, form.get("csrf"))
    except Refused as exc:
        return _login_page(request, exc.status, exc.message)
    sessions = _state(request).sessions
    session = await run_in_threadpool(sessions.open, form.get("token", ""))
    if session is None:
        return _login_page(request, 403, "refused: that token is not valid (unknown, mistyped or revoked)")
    response = RedirectResponse("/review", status_code=303)
    response.set_cookie(SESSION_COOKIE, session.id, path="/review", httponly=True, samesite="strict",
                        secure=_secure(request))
    response.delete_cookie(LOGIN_COOKIE, path="/review/login")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    try:
        check_same_origin(request)
        form = await read_form(request)
        session = _session(request)
        if session is None:
            raise Refused(403, "refused: not signed in")
        check_csrf(session.csrf, form.get("csrf"))
    except Refused as exc:
        raise _refuse(exc) from exc
    _state(request).sessions.close(session.id)
    response = _to_login()
    response.delete_cookie(SESSION_COOKIE, path="/review")
    return response


@router.get("")
def queue_page(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _to_login()
    filters = _filters(request.query_params)
    with _state(request).engine.connect() as conn:
        items = review_queue(conn, states=filters.states, country=filters.country, limit=QUEUE_PAGE)
        total = _count(conn, filters)
        countries = _queue_countries(conn)
        recorded = _recorded(conn, request.query_params.get("last"), session.name)
    links = {i.claim_id: _claim_url(i.claim_id, filters) for i in items}
    return render(request, "review_queue.html", reviewer=session, queue_items=items, total=total, links=links,
                  filters=filters, countries=countries, state_choices=list(STATE_CHOICES), recorded=recorded)


@router.get("/claim/{claim_id}")
def claim_page(request: Request, claim_id: str) -> Response:
    session = _session(request)
    if session is None:
        return _to_login()
    return _render_claim(request, session, claim_id, _filters(request.query_params))


def _render_claim(request: Request, session: Session, claim_id: str, filters: Filters, *, status: int = 200,
                  error: str | None = None, form: Mapping[str, str] | None = None) -> Response:
    with _state(request).engine.connect() as conn:
        ctx = _claim_context(conn, claim_id)
        recorded = _recorded(conn, request.query_params.get("last"), session.name)
        skip = _next_claim(conn, filters, claim_id)
    if form:  # show what was submitted, not the stored values, next to the error
        ctx["values"] = {f: form.get(f"edit_{f}", v) for f, v in ctx["values"].items()}
    return render(request, "review_claim.html", status_code=status, reviewer=session, filters=filters,
                  action=_claim_url(claim_id, filters), skip=_claim_url(skip, filters) if skip else None,
                  queue="/review" + filters.query(), error=error, recorded=recorded, fields=EDITABLE_FIELDS,
                  labels=FIELD_LABELS, statuses=STATUSES, reason=(form or {}).get("reason", ""), **ctx)


@router.post("/claim/{claim_id}")
async def decide_claim(request: Request, claim_id: str) -> Response:
    from custodes.analyse import now_iso

    state = _state(request)
    secret = bearer_secret(request)
    try:
        # a script's bearer token involves no cookie, so nothing can ride on it cross-site; a
        # browser form must prove it comes from this site
        check_same_origin(request, required=secret is None)
        form = await read_form(request)
        session: Session | None = None
        if secret is not None:
            token = await run_in_threadpool(state.sessions.verify, secret)
            if token is None:
                raise Refused(403, "refused: that bearer token is not valid (unknown, mistyped or revoked)")
            reviewer = token.name
        else:
            session = _session(request)
            if session is None:
                raise Refused(403, "refused: not signed in, or the session has ended (token revoked, or "
                                   "expired); sign in at /review/login")
            check_csrf(session.csrf, form.get("csrf"))
            reviewer = session.name
    except Refused as exc:
        raise _refuse(exc) from exc
    filters = _filters(form)
    try:
        await run_in_threadpool(_record, state.engine, claim_id, form, reviewer, now_iso())
    except ReviewError as exc:
        if session is None:
            raise HTTPException(422, detail=str(exc)) from exc
        return _render_claim(request, session, claim_id, filters, status=422, error=str(exc), form=form)
    with state.engine.connect() as conn:
        following = _next_claim(conn, filters, claim_id)
    target = (_claim_url(following, filters, last=claim_id) if following
              else "/review" + filters.query(last=claim_id))
    return RedirectResponse(target, status_code=303)
