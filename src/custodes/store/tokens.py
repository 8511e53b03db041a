"""Review tokens: the secrets that let a named person record decisions through the web app.

A token is made for a NAME (`custodes token create NAME`); its secret is returned once and
only its SHA-256 digest is stored, so the database never holds anything that opens the review
pages. The name is what `reviews.reviewer` records for every decision made with the token.
Revoking sets `revoked_at`; the row stays, so the name cannot be given to somebody else later.

Secrets are 32 random bytes (`secrets.token_urlsafe`), so a plain digest is enough: there is
nothing to guess that a slow hash would protect. Digests are compared with
`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from custodes.store.schema import review_tokens

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")


class TokenError(ValueError):
    """A token that cannot be created or revoked; the message names it and says why."""


@dataclass(frozen=True)
class TokenInfo:
    pk: int
    name: str
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "created_at": self.created_at, "revoked_at": self.revoked_at,
                "active": self.active}


def hash_secret(secret: str) -> str:
    """The stored form of a secret: its SHA-256 digest in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise TokenError(f"{name!r}: a token name is 1 to 64 letters, digits or . _ @ + - "
                         "(it is recorded as the reviewer of every decision made with the token)")
    return name


def create_token(conn: Connection, name: str, now: str) -> str:
    """Store a new token for `name` and return its secret, which is not kept anywhere."""
    name = check_name(name)
    if conn.execute(select(review_tokens.c.pk).where(review_tokens.c.name == name)).first() is not None:
        raise TokenError(f"{name}: a token of that name exists (revoked names are not reused; choose another)")
    secret = secrets.token_urlsafe(32)
    try:
        conn.execute(insert(review_tokens).values(name=name, token_hash=hash_secret(secret), created_at=now))
    except IntegrityError as exc:  # a concurrent create of the same name
        raise TokenError(f"{name}: a token of that name exists") from exc
    return secret


def _info(row: object) -> TokenInfo:
    return TokenInfo(row.pk, row.name, row.created_at, row.revoked_at)  # type: ignore[attr-defined]


def verify_token(conn: Connection, secret: str) -> TokenInfo | None:
    """The active token whose secret this is, or None (unknown, empty or revoked)."""
    if not secret or len(secret) > 256:
        return None
    wanted = hash_secret(secret)
    found: TokenInfo | None = None
    rows = conn.execute(select(review_tokens).where(review_tokens.c.revoked_at.is_(None)))
    for row in rows:  # every active digest is compared, so the time taken says nothing about which matched
        if hmac.compare_digest(row.token_hash, wanted):
            found = _info(row)
    return found


def active_token(conn: Connection, pk: int) -> TokenInfo | None:
    """The token with this id if it has not been revoked."""
    row = conn.execute(select(review_tokens).where(review_tokens.c.pk == pk,
                                                   review_tokens.c.revoked_at.is_(None))).first()
    return _info(row) if row is not None else None


def revoke_token(conn: Connection, name: str, now: str) -> TokenInfo:
    """Revoke the token of this name at once; revoking a revoked token changes nothing."""
    row = conn.execute(select(review_tokens).where(review_tokens.c.name == name.strip())).first()
    if row is None:
        raise TokenError(f"{name}: no token of that name (see `custodes token list`)")
    if row.revoked_at is None:
        conn.execute(update(review_tokens).where(review_tokens.c.pk == row.pk).values(revoked_at=now))
        return TokenInfo(row.pk, row.name, row.created_at, now)
    return _info(row)


def list_tokens(conn: Connection) -> list[TokenInfo]:
    """Every token, active or not, oldest first; secrets are not stored, so none is shown."""
    return [_info(r) for r in conn.execute(select(review_tokens).order_by(review_tokens.c.pk))]
