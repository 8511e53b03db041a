"""`custodes eval`: score the whole pipeline (ingest, extract, store) against a gold file.

Predictions are read back from the database, not taken from the extractor directly, so the
score covers what a user would actually see.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from custodes.analyse import after_run, after_store
from custodes.config import DEFAULT_MAX_BYTES
from custodes.extract.scoring import ErrorItem, GoldDoc, Scores, errors, load_gold, score
from custodes.ids import document_id, normalise_text
from custodes.ingest import Ingestor
from custodes.sources import SourceDocument
from custodes.store.db import open_database
from custodes.store.schema import claims


@dataclass
class EvalResult:
    scores: Scores
    errors: list[ErrorItem]
    predictions: dict[str, list[dict[str, Any]]]
    gold: list[GoldDoc]


def claim_to_gold(row: Any) -> dict[str, Any]:
    return {
        "country": row["country"], "supplier": row["supplier"],
        "supplier_country": row["supplier_country"], "tech": json.loads(row["tech"]),
        "year": row["year"], "program": row["program"], "status": row["status"],
        "evidence": row["evidence_text"], "confidence": row["confidence"],
    }


def evaluate(gold_path: Path, db_path: Path | None = None) -> EvalResult:
    """Ingest the gold texts into a fresh database, extract, and score the stored claims."""
    gold = load_gold(gold_path)
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(db_path or Path(tmp) / "eval.db")
        ingestor = Ingestor(engine, max_bytes=DEFAULT_MAX_BYTES, after_store=after_store, after_run=after_run)
        predictions: dict[str, list[dict[str, Any]]] = {}
        with engine.connect() as conn:
            for doc in gold:
                ingestor.store_one(conn, SourceDocument(
                    source=str(gold_path), text=doc.text, locator=f"{gold_path}:{doc.id}",
                    title=doc.title or None, content_type="jsonl"))
            after_run(conn)
            for doc in gold:
                stored_id = document_id(normalise_text(doc.text))
                rows = conn.execute(select(claims).where(claims.c.document_id == stored_id)
                                    .order_by(claims.c.pk)).mappings()
                predictions[doc.id] = [claim_to_gold(row) for row in rows]
        engine.dispose()
    return EvalResult(score(gold, predictions), errors(gold, predictions), predictions, gold)


def write_predictions(result: EvalResult, path: Path) -> None:
    """One line per document in the gold format: {"id", "deployments": [...]}."""
    with path.open("w", encoding="utf-8") as handle:
        for doc in result.gold:
            handle.write(json.dumps({"id": doc.id, "deployments": result.predictions[doc.id]},
                                    ensure_ascii=False) + "\n")
