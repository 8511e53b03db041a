import sqlite3
from pathlib import Path

from sqlalchemy import inspect, text

from custodes.store.db import (
    create_sqlite_engine,
    current_revision,
    head_revision,
    open_database,
    upgrade,
)


def test_empty_database_is_migrated_to_head(db_path: Path) -> None:
    engine = open_database(db_path)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"documents", "minhash_signatures", "documents_fts"} <= tables
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_database_from_previous_schema_upgrades_in_place(db_path: Path) -> None:
    engine = create_sqlite_engine(db_path)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (id, source, content_type, text, chars, group_id, ingested_at) "
            "VALUES ('doc-1', 'old.txt', 'text', 'Cameras were installed in the old town.', 39, "
            "'doc-1', '2024-01-01T00:00:00+00:00')"))
    engine.dispose()
    engine = open_database(db_path)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        hits = conn.execute(text(
            "SELECT d.id FROM documents_fts JOIN documents d ON d.pk = documents_fts.rowid "
            "WHERE documents_fts MATCH 'installed'")).scalars().all()
    assert hits == ["doc-1"]


def test_fts_follows_deletes(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (id, source, content_type, text, chars, group_id, ingested_at) "
            "VALUES ('doc-2', 's', 'text', 'Drones over the border.', 23, 'doc-2', 'now')"))
        conn.execute(text("DELETE FROM documents WHERE id = 'doc-2'"))
    con = sqlite3.connect(engine.url.database)
    assert con.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'drones'").fetchone() == (0,)


def test_vendor_id_migration_clears_extraction_for_rebuild(db_path: Path) -> None:
    """0005 changes the deployment id recipe, so stored results are rebuilt, never left stale."""
    from custodes.analyse import documents_to_extract, extract_stored

    engine = create_sqlite_engine(db_path)
    upgrade(engine, "0004")
    text_ = "Kenya's police signed a contract with Huawei for a safe city system in Nairobi in 2014."
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (id, source, content_type, text, chars, group_id, ingested_at) "
            "VALUES ('doc-1', 's', 'text', :t, :n, 'doc-1', '2024-01-01T00:00:00+00:00')"),
            {"t": text_, "n": len(text_)})
        conn.execute(text(
            "INSERT INTO document_extractions VALUES ('doc-1', 'old', 'old', '2024-01-01', 1, 0)"))
    engine.dispose()
    engine = open_database(db_path)
    columns = {c["name"] for c in inspect(engine).get_columns("claims")}
    assert "vendor_id" in columns
    assert documents_to_extract(engine, everything=False) == ["doc-1"]
    extract_stored(engine, ["doc-1"])
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT supplier, vendor_id FROM deployments")).all()
    assert ("Huawei", "huawei") in [tuple(r) for r in rows]
