"""full-text index over documents (SQLite FTS5), kept in step by triggers

On PostgreSQL a GIN index over the documents' tsvector plays the part; `custodes.store.search`
queries it with the same expression.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TRIGGERS = (
    """CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN
         INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, new.title, new.text);
       END""",
    """CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN
         INSERT INTO documents_fts(documents_fts, rowid, title, text)
         VALUES ('delete', old.pk, old.title, old.text);
       END""",
    """CREATE TRIGGER documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN
         INSERT INTO documents_fts(documents_fts, rowid, title, text)
         VALUES ('delete', old.pk, old.title, old.text);
         INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, new.title, new.text);
       END""",
)


_POSTGRES_INDEX = ("CREATE INDEX ix_documents_fts ON documents "
                   "USING gin (to_tsvector('simple', coalesce(title, '') || ' ' || text))")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_INDEX)
        return
    op.execute(
        "CREATE VIRTUAL TABLE documents_fts USING fts5("
        "title, text, content='documents', content_rowid='pk', tokenize='unicode61')"
    )
    for trigger in _TRIGGERS:
        op.execute(trigger)
    op.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_fts")
        return
    for name in ("documents_fts_ai", "documents_fts_ad", "documents_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS documents_fts")
