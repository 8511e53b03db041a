"""Review behind authentication: `custodes serve --review`, over real HTTP on 127.0.0.1.

Each test serves a private copy of the built database, so its decisions reach no other test.
Tokens are made with the real command line in one test and through `custodes.store.tokens`
elsewhere; what a test expects written (or not written) it reads back from the file with sqlite3.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount

from custodes.analyse import now_iso
from custodes.store.db import open_database
from custodes.store.tokens import create_token, revoke_token
from custodes.web.app import create_app
from tests.web.conftest import LiveServer, run_cli

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
CLAIM_LINK = re.compile(r'href="(/review/claim/[^"]+)" class="claim-link"')


def make_token(db: Path, name: str) -> str:
    engine = open_database(db)
    try:
        with engine.begin() as conn:
            return create_token(conn, name, now_iso())
    finally:
        engine.dispose()


def revoke(db: Path, name: str) -> None:
    engine = open_database(db)
    try:
        with engine.begin() as conn:
            revoke_token(conn, name, now_iso())
    finally:
        engine.dispose()


def reviews(db: Path) -> list[tuple[str, str, str, str | None]]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute("SELECT claim_id, decision, reviewer, reason FROM reviews ORDER BY pk")]


def claim_states(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT id, review_state FROM claims").fetchall())


@dataclass
class Review:
    """A review server over a private database, and a browser-like client for it."""

    db: Path
    live: LiveServer
    client: httpx.Client
    secret: str

    @property
    def url(self) -> str:
        return self.live.url

    def login(self, secret: str | None = None) -> httpx.Response:
        form = self.client.get("/review/login")
        assert form.status_code == 200, form.text
        return self.client.post("/review/login", data={"csrf": CSRF.search(form.text)[1], "token":  # type: ignore[index]
                                                       self.secret if secret is None else secret},
                                headers={"Origin": self.url})

    def first_claim(self, query: str = "") -> tuple[str, str]:
        """(claim page path, its CSRF token) of the first claim in the queue."""
        queue = self.client.get("/review" + query)
        assert queue.status_code == 200, queue.text
        path = CLAIM_LINK.search(queue.text)[1]  # type: ignore[index]
        page = self.client.get(path)
        return path.split("?")[0], CSRF.search(page.text)[1]  # type: ignore[index]

    def post(self, path: str, data: dict[str, str], **headers: str) -> httpx.Response:
        return self.client.post(path, data=data, headers={"Origin": self.url, **headers})


@pytest.fixture
def review(copy_db: Path) -> Iterator[Review]:
    secret = make_token(copy_db, "alice")
    with LiveServer(copy_db, review=True) as live, \
            httpx.Client(base_url=live.url, timeout=30, trust_env=False) as client:
        yield Review(copy_db, live, client, secret)


def _routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, BaseRoute]]:
    """Every route of the app with its full path, into included routers (which FastAPI 0.16x
    keeps as routers of their own rather than copying their routes into the app)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
        else:
            yield prefix + getattr(route, "path", ""), route


def _write_routes(app: FastAPI) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    paths = [path for path, _ in _routes(app.routes)]
    assert "/api/v1/countries" in paths and "/countries/{iso3}" in paths  # the walk sees every router
    for path, route in _routes(app.routes):
        if isinstance(route, Mount):
            assert path == "/static"  # StaticFiles answers GET and HEAD only
            continue
        for method in getattr(route, "methods", None) or ():
            if method not in ("GET", "HEAD"):
                out.add((method, path))
    return out


# --- the read-only default ----------------------------------------------------------------

def test_default_app_has_no_write_route_and_no_review(built_db: Path, client: httpx.Client) -> None:
    app = create_app(built_db)
    # the one POST of the read-only app computes an audit report from its body and touches no store
    assert _write_routes(app) == {("POST", "/api/v1/audit")}
    audit = next(r for p, r in _routes(app.routes) if isinstance(r, APIRoute) and p == "/api/v1/audit")
    assert audit.dependant.dependencies == []  # no store, no connection
    assert not any(path.startswith("/review") for path, _ in _routes(app.routes))
    for method, path in (("GET", "/review"), ("GET", "/review/login"), ("POST", "/review/login"),
                         ("POST", "/review/claim/x")):
        r = client.request(method, path, data={"token": "x"} if method == "POST" else None)
        assert r.status_code == 404, (method, path)
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.request(method, "/api/v1/countries").status_code == 405


def test_review_app_writes_only_under_review(copy_db: Path) -> None:
    app = create_app(copy_db, review=True)
    writes = _write_routes(app) - {("POST", "/api/v1/audit")}
    assert writes and all(method == "POST" and path.startswith("/review/") for method, path in writes)


# --- who may sign in ------------------------------------------------------------------------

def test_missing_token_is_refused(review: Review) -> None:
    before = reviews(review.db)
    for path in ("/review", "/review/claim/anything", "/review?state=all"):
        r = review.client.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/review/login", path
    assert review.login("").status_code == 403
    assert "custodes_review" not in review.client.cookies
    r = review.post("/review/claim/anything", {"decision": "accept", "csrf": "x"})
    assert r.status_code == 403 and "not signed in" in r.text
    assert reviews(review.db) == before


def test_wrong_token_is_refused(review: Review) -> None:
    before, states = reviews(review.db), claim_states(review.db)
    r = review.login(review.secret[:-2] + "xx")
    assert r.status_code == 403 and "not valid" in r.text
    assert "custodes_review" not in review.client.cookies
    assert review.client.get("/review").status_code == 303
    claim = next(iter(states))
    r = review.client.post(f"/review/claim/{claim}", data={"decision": "accept"},
                           headers={"Authorization": "Bearer wrong-" + review.secret})
    assert r.status_code == 403
    assert reviews(review.db) == before and claim_states(review.db) == states


def test_revoked_token_is_refused_at_once(review: Review) -> None:
    assert review.login().status_code == 303
    path, csrf = review.first_claim()
    assert review.client.get(path).status_code == 200
    before = reviews(review.db)
    revoke(review.db, "alice")
    r = review.client.get(path)  # the open session ends with the token
    assert r.status_code == 303 and r.headers["location"] == "/review/login"
    r = review.post(path, {"decision": "accept", "csrf": csrf})
    assert r.status_code == 403
    assert review.login().status_code == 403
    r = review.client.post(path, data={"decision": "accept"}, headers={"Authorization": f"Bearer {review.secret}"})
    assert r.status_code == 403
    assert reviews(review.db) == before


def test_sign_in_form_needs_its_csrf_token_and_this_origin(review: Review) -> None:
    form = review.client.get("/review/login")
    token = CSRF.search(form.text)[1]  # type: ignore[index]
    r = review.client.post("/review/login", data={"csrf": "forged", "token": review.secret},
                           headers={"Origin": review.url})
    assert r.status_code == 403 and "CSRF" in r.text
    r = review.client.post("/review/login", data={"csrf": token, "token": review.secret},
                           headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and "cross-origin" in r.text
    assert "custodes_review" not in review.client.cookies


# --- what a signed-in reviewer's forms must carry ------------------------------------------

def test_post_without_csrf_wrong_csrf_or_foreign_origin_writes_nothing(review: Review) -> None:
    assert review.login().status_code == 303
    path, csrf = review.first_claim()
    before, states = reviews(review.db), claim_states(review.db)
    attempts = [
        ({"decision": "accept"}, {"Origin": review.url}, "no CSRF token"),
        ({"decision": "accept", "csrf": csrf[:-3] + "abc"}, {"Origin": review.url}, "wrong"),
        ({"decision": "accept", "csrf": csrf}, {"Origin": "http://evil.example"}, "cross-origin"),
        ({"decision": "accept", "csrf": csrf}, {"Origin": review.url.replace(str(review.live.port), "1")},
         "cross-origin"),
        ({"decision": "accept", "csrf": csrf}, {"Origin": "null"}, "cross-origin"),
        ({"decision": "accept", "csrf": csrf}, {"Referer": "http://evil.example/page"}, "cross-origin"),
        ({"decision": "accept", "csrf": csrf}, {}, "neither Origin nor Referer"),
    ]
    for data, headers, message in attempts:
        r = review.client.post(path, data=data, headers=headers)
        assert r.status_code == 403, (data, headers)
        assert message in r.text, (message, r.text)
    assert reviews(review.db) == before and claim_states(review.db) == states
    # the same form from this origin (Referer when there is no Origin) is accepted
    r = review.client.post(path, data={"decision": "accept", "csrf": csrf},
                           headers={"Referer": review.url + path})
    assert r.status_code == 303
    assert len(reviews(review.db)) == len(before) + 1


def test_accept_via_the_form_records_the_token_name(review: Review) -> None:
    assert review.login().status_code == 303
    queue = review.client.get("/review")
    assert 'id="reviewer">alice<' in queue.text
    links = CLAIM_LINK.findall(queue.text)
    assert len(links) >= 2
    path, csrf = review.first_claim()
    claim_id = path.rsplit("/", 1)[1]
    r = review.post(path, {"decision": "accept", "csrf": csrf, "state": "todo"})
    assert r.status_code == 303
    assert r.headers["location"].startswith(links[1].split("?")[0]) and f"last={claim_id}" in r.headers["location"]
    assert reviews(review.db) == [(claim_id, "accept", "alice", None)]
    assert claim_states(review.db)[claim_id] == "accepted"
    following = review.client.get(r.headers["location"])
    assert following.status_code == 200
    assert 'id="recorded"' in following.text and "<strong>accept</strong>" in following.text
    assert claim_id not in CLAIM_LINK.findall(review.client.get("/review").text)


def test_reject_with_reason_and_edit(review: Review) -> None:
    assert review.login().status_code == 303
    path, csrf = review.first_claim()
    claim_id = path.rsplit("/", 1)[1]
    assert review.post(path, {"decision": "reject", "csrf": csrf, "reason": "not a deployment"}).status_code == 303
    assert reviews(review.db)[-1] == (claim_id, "reject", "alice", "not a deployment")
    assert claim_states(review.db)[claim_id] == "rejected"

    path, csrf = review.first_claim()
    other = path.rsplit("/", 1)[1]
    page = review.client.get(path).text
    fields = dict(re.findall(r'name="edit_(\w+)" type="text" value="([^"]*)"', page))
    form = {"decision": "edit", "csrf": csrf, **{f"edit_{k}": v for k, v in fields.items()},
            "edit_status": "planned", "edit_year": "not a year"}
    before = reviews(review.db)
    bad = review.post(path, form)
    assert bad.status_code == 422 and "year" in bad.text and "not a year" in bad.text
    assert reviews(review.db) == before
    form["edit_year"] = "2019"
    assert review.post(path, form).status_code == 303
    with sqlite3.connect(review.db) as conn:
        status, year, state = conn.execute("SELECT status, year, review_state FROM claims WHERE id = ?",
                                           (other,)).fetchone()
        edits = json.loads(conn.execute("SELECT edits FROM reviews ORDER BY pk DESC LIMIT 1").fetchone()[0])
    assert (status, year, state) == ("planned", 2019, "edited")
    assert edits == {"status": "planned", "year": 2019}


def test_bearer_token_for_scripts_needs_no_csrf(review: Review) -> None:
    claim_id = next(iter(claim_states(review.db)))
    r = review.client.post(f"/review/claim/{claim_id}", data={"decision": "accept"},
                           headers={"Authorization": f"Bearer {review.secret}"})
    assert r.status_code == 303
    assert reviews(review.db) == [(claim_id, "accept", "alice", None)]
    r = review.client.post(f"/review/claim/{claim_id}", data={"decision": "reject"},
                           headers={"Authorization": f"Bearer {review.secret}", "Origin": "http://evil.example"})
    assert r.status_code == 403 and len(reviews(review.db)) == 1


# --- the pages ------------------------------------------------------------------------------

def test_claim_page_highlights_the_evidence_and_keeps_hostile_text_as_text(review: Review) -> None:
    assert review.login().status_code == 303
    queue = review.client.get("/review?country=ZWE")
    links = CLAIM_LINK.findall(queue.text)
    assert len(links) == 1 and "country=ZWE" in links[0]
    page = review.client.get(links[0].replace("&amp;", "&"))
    assert page.status_code == 200
    html = page.text
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    mark = re.search(r'<mark class="evidence" id="evidence">(.*?)</mark>', html, re.S)
    assert mark and "Zimbabwe signed a contract with CloudWalk" in mark[1]
    assert 'href="javascript:' not in html
    for label in ("country", "supplier", "supplier's country", "technology", "status", "year", "programme",
                  "confidence", "review state"):
        assert f"<dt>{label}</dt>" in html, label
    assert 'data-shortcut="a"' in html and 'data-shortcut="r"' in html and "/static/review.js" in html
    assert review.client.get("/static/review.js").status_code == 200


def test_review_pages_are_never_cached(review: Review) -> None:
    assert review.login().status_code == 303
    page = review.client.get("/review")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "etag" not in page.headers and page.headers["referrer-policy"] == "same-origin"
    assert review.client.get("/review", headers={"If-None-Match": "*"}).status_code == 200
    with httpx.Client(base_url=review.url, trust_env=False) as stranger:
        r = stranger.get("/review")
        assert r.status_code == 303 and r.headers["cache-control"] == "no-store"
    public = review.client.get("/countries/ECU")
    assert "etag" in public.headers and public.headers["referrer-policy"] == "no-referrer"


def test_queue_filters_and_sign_out(review: Review) -> None:
    assert review.login().status_code == 303
    kenya = review.client.get("/review?country=KEN").text
    assert len(CLAIM_LINK.findall(kenya)) == 1
    assert 'id="queue-empty"' in review.client.get("/review?state=accepted").text
    assert review.client.get("/review?state=nonsense").status_code == 422
    assert review.client.get("/review?country=XYZ").status_code == 422
    csrf = CSRF.search(kenya)[1]  # type: ignore[index]
    r = review.post("/review/logout", {"csrf": csrf})
    assert r.status_code == 303
    assert review.client.get("/review").status_code == 303


# --- the command line -----------------------------------------------------------------------

def test_token_commands_store_only_a_digest(copy_db: Path) -> None:
    made = run_cli("token", "create", "bob", db=copy_db)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert len(secret) >= 40 and "only time" in made.stderr
    with sqlite3.connect(copy_db) as conn:
        dump = "\n".join(conn.iterdump())
        (stored,) = conn.execute("SELECT token_hash FROM review_tokens WHERE name = 'bob'").fetchone()
    assert secret not in dump and stored == hashlib.sha256(secret.encode()).hexdigest()
    assert run_cli("token", "create", "bob", db=copy_db).returncode == 1
    listed = run_cli("token", "list", "--json", db=copy_db)
    assert json.loads(listed.stdout)[0]["name"] == "bob" and secret not in listed.stdout
    assert run_cli("token", "revoke", "bob", db=copy_db).returncode == 0
    assert json.loads(run_cli("token", "list", "--json", db=copy_db).stdout)[0]["active"] is False
    assert run_cli("token", "revoke", "nobody", db=copy_db).returncode == 1
    missing = run_cli("token", "list", db=copy_db.parent / "absent.db")
    assert missing.returncode == 2 and not (copy_db.parent / "absent.db").exists()
    for command in (("token", "create"), ("token", "revoke"), ("token", "list"), ("serve",)):
        helped = run_cli(*command, "--help")
        assert helped.returncode == 0 and "Example:" in helped.stdout, command
