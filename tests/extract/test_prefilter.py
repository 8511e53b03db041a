"""The first stage lets every on-topic document through and stops the rest cheaply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custodes.extract import extract
from custodes.extract.prefilter import has_signal

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", [
    "The city council approved new CCTV for the market square.",
    "Hikvision won the tender.",
    "Police in Lagos now run face recognition on footage.",
    "The ministry signed a contract for a safe city platform.",
    "Investigators found spyware on the phones of two reporters.",
])
def test_signal(text: str) -> None:
    assert has_signal(text)


@pytest.mark.parametrize("text", [
    "The weather in Kenya was sunny on Tuesday.",
    "Brazil beat Argentina 2-1 in a friendly in Lisbon.",
    "Taxis, spacecraft and interfaces were discussed in Rome.",  # "axis", "face" inside words
])
def test_no_signal(text: str) -> None:
    assert not has_signal(text)


@pytest.mark.parametrize("corpus", ["tests/fixtures/eval/blind.jsonl", "src/custodes/sample/articles.jsonl"])
def test_no_labelled_deployment_is_dropped(corpus: str) -> None:
    for line in (ROOT / corpus).read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        if doc["deployments"]:
            assert has_signal(doc["text"]), doc["id"]


def test_an_off_topic_document_leaves_at_the_gate() -> None:
    from custodes.extract.doc import Doc
    from custodes.extract.extractor import build_pipeline

    doc = build_pipeline()(Doc("Markets in Kenya rose on Tuesday as the central bank held rates."))
    assert doc.halted_by == "signal" and "sentences" not in doc
    assert extract("Markets in Kenya rose on Tuesday.") == []
