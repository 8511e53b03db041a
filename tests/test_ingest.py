import json
from pathlib import Path

from sqlalchemy import Engine, select, text

from custodes.config import DEFAULT_MAX_BYTES
from custodes.ingest import IngestEvent, Ingestor, normalise_date
from custodes.sources import plan_inputs
from custodes.store.documents import get_document, list_documents
from custodes.store.schema import documents
from tests.conftest import SOURCES

BODY = (
    "The national police announced that a new command centre would receive video from "
    "roughly nine hundred cameras installed along the main avenues of the capital, and "
    "that officers would be trained to operate it over the coming months. The centre is "
    "part of a programme financed by a development bank, officials added, without saying "
    "how much the cameras had cost or which company had supplied them to the ministry."
)


def run(engine: Engine, paths: list[str]) -> tuple[list[IngestEvent], dict[str, int]]:
    events: list[IngestEvent] = []
    summary = Ingestor(engine, max_bytes=DEFAULT_MAX_BYTES).run(plan_inputs(paths), events.append)
    return events, summary.counts


def test_every_reader_through_the_pipeline(engine: Engine) -> None:
    names = ["plain.txt", "article.html", "report.pdf", "with_front_matter.md", "bad_lines.jsonl"]
    events, counts = run(engine, [str(SOURCES / n) for n in names])
    assert counts["stored"] == 6  # 4 files + 2 good JSONL lines
    assert counts["failed"] == 4
    with engine.connect() as conn:
        types = sorted(conn.execute(select(documents.c.content_type)).scalars())
    assert types == ["html", "jsonl", "jsonl", "pdf", "text", "text"]


def test_reingesting_identical_content_is_a_noop(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(BODY)
    run(engine, [str(path)])
    (tmp_path / "b.txt").write_text("  " + BODY.replace(" ", "  ") + "\n\n")  # same words
    events, counts = run(engine, [str(path), str(tmp_path / "b.txt")])
    assert counts == {"stored": 0, "near_duplicate": 0, "unchanged": 2, "skipped": 0, "failed": 0}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 1


def test_near_duplicate_joins_group(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_text(BODY.replace("roughly", "about") + " (Syndicated.)")
    events, counts = run(engine, [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert counts["stored"] == 1 and counts["near_duplicate"] == 1
    first, second = events
    assert second.group_id == first.document_id
    assert second.document_id != first.document_id


def test_bad_inputs_do_not_stop_the_batch(engine: Engine) -> None:
    paths = [str(SOURCES / n) for n in
             ("binary.txt", "empty.txt", "scanned.pdf", "broken.pdf", "missing.txt",
              "notes.xyz", "plain.txt")]
    events, counts = run(engine, paths)
    by_name = {Path(e.locator).name: e for e in events}
    assert counts["stored"] == 1 and counts["skipped"] == 1 and counts["failed"] == 5
    assert by_name["missing.txt"].reason == "no such file or folder"
    assert by_name["notes.xyz"].kind == "skipped"


def test_metadata_is_stored(engine: Engine) -> None:
    events, _ = run(engine, [str(SOURCES / "article.html")])
    with engine.connect() as conn:
        doc = get_document(conn, events[0].document_id or "")
        assert doc is not None
        assert (doc.site, doc.published, doc.lang) == ("The Harbour Ledger", "2021-05-17", "en")
        assert doc.group_id == doc.id
        assert list_documents(conn)[0].id == doc.id


def test_jsonl_extra_fields_survive(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "x1", "text": BODY, "sources": ["https://e.org"]}) + "\n")
    events, _ = run(engine, [str(path)])
    with engine.connect() as conn:
        doc = get_document(conn, events[0].document_id or "")
    assert doc is not None and doc.extra == {"source_id": "x1", "sources": ["https://e.org"]}


def test_dates_are_normalised_or_kept_aside() -> None:
    extra: dict[str, object] = {}
    assert normalise_date("2021-05-17T08:30:00Z", extra) == "2021-05-17"
    assert normalise_date("17 May 2021", extra) is None
    assert extra == {"date_unparsed": "17 May 2021"}


def test_document_stored_by_another_writer_meanwhile_is_unchanged(engine: Engine, tmp_path: Path) -> None:
    first = Ingestor(engine, max_bytes=DEFAULT_MAX_BYTES)
    second = Ingestor(engine, max_bytes=DEFAULT_MAX_BYTES)  # loaded before `first` stores anything
    path = tmp_path / "a.txt"
    path.write_text(BODY)
    events: list[IngestEvent] = []
    first.run(plan_inputs([str(path)]), events.append)
    second.run(plan_inputs([str(path)]), events.append)
    assert [e.kind for e in events] == ["stored", "unchanged"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 1


def test_the_reference_version_covers_the_model_and_the_language_pack() -> None:
    from importlib import resources

    from custodes.analyse import _reference_files

    names = [name for name, _ in _reference_files(resources.files("custodes") / "data", "")]
    assert "model/deployment_scorer.json" in names
    assert "lang/en/signal.yaml" in names and "vendors.yaml" in names
    assert not any(n.startswith("datasets/") for n in names)
