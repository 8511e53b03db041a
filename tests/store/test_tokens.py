"""Review tokens (migration 0010): the secret is returned once and only its digest is stored."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from custodes.store.db import (
    alembic_config,
    create_sqlite_engine,
    current_revision,
    head_revision,
    open_database,
    upgrade,
)
from custodes.store.tokens import TokenError, active_token, create_token, list_tokens, revoke_token, verify_token


def test_create_verify_revoke_list(engine: Engine) -> None:
    with engine.begin() as conn:
        secret = create_token(conn, "alice", "2025-01-01T00:00:00+00:00")
        other = create_token(conn, "bob", "2025-01-02T00:00:00+00:00")
    assert secret != other and len(secret) >= 40
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM review_tokens WHERE name = 'alice'")).scalar_one()
        assert stored == hashlib.sha256(secret.encode()).hexdigest()
        found = verify_token(conn, secret)
        assert found is not None and found.name == "alice" and found.active
        assert verify_token(conn, other).name == "bob"  # type: ignore[union-attr]
        for wrong in ("", secret[:-1], secret + "x", stored, "x" * 1000):
            assert verify_token(conn, wrong) is None, wrong
    with engine.begin() as conn:
        revoked = revoke_token(conn, "alice", "2025-02-01T00:00:00+00:00")
        assert revoke_token(conn, "alice", "2025-03-01T00:00:00+00:00").revoked_at == "2025-02-01T00:00:00+00:00"
    with engine.connect() as conn:
        assert verify_token(conn, secret) is None and active_token(conn, revoked.pk) is None
        assert [(t.name, t.active) for t in list_tokens(conn)] == [("alice", False), ("bob", True)]


def test_names_are_checked_and_never_reused(engine: Engine) -> None:
    with engine.begin() as conn:
        create_token(conn, "alice", "now")
        revoke_token(conn, "alice", "now")
    for name in ("alice", "", "has space", "x" * 65, "<b>"):
        with engine.begin() as conn, pytest.raises(TokenError):
            create_token(conn, name, "now")
    with engine.begin() as conn, pytest.raises(TokenError, match="no token"):
        revoke_token(conn, "nobody", "now")


def test_migration_0010_adds_and_removes_the_table(db_path: Path) -> None:
    engine = create_sqlite_engine(db_path)
    upgrade(engine, "0009")
    assert "review_tokens" not in inspect(engine).get_table_names()
    engine.dispose()
    engine = open_database(db_path)
    assert current_revision(engine) == head_revision()
    assert "review_tokens" in inspect(engine).get_table_names()
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0009")
    assert "review_tokens" not in inspect(engine).get_table_names()
