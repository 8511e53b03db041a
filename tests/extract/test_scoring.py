import json
from pathlib import Path

import pytest

from custodes.extract.scoring import GoldDoc, errors, load_gold, pair_key, score


def rec(country: str, supplier: str | None, sc: str | None, tech: list[str], **kw: object):
    d = {
        "country": country,
        "supplier": supplier,
        "supplier_country": sc,
        "tech": tech,
        "year": None,
        "program": None,
        "status": "deployed",
        "evidence": "x",
    }
    d.update(kw)
    return d


GOLD = [
    GoldDoc(
        "a",
        "t",
        [
            rec("ECU", "Acme  Corp", None, ["smart_city", "video_surveillance"], year=2019),
            rec("ECU", None, "CHN", ["facial_recognition"]),
        ],
    ),
    GoldDoc("b", "t", []),
]
PRED = {
    "a": [
        rec("ECU", "acme corp", "SRB", ["smart_city"], year=2019, status="planned"),
        rec("ECU", None, "JPN", ["facial_recognition"]),
    ],
    "b": [rec("SRB", None, None, ["video_surveillance"])],
}


def test_pair_key_null_supplier_uses_country() -> None:
    assert pair_key(rec("ECU", None, "CHN", [])) == ("ECU", "c", "CHN")
    assert pair_key(rec("ECU", " Acme\tCorp ", None, [])) == ("ECU", "s", "acme corp")


def test_arithmetic() -> None:
    s = score(GOLD, PRED)
    assert (s.pair.tp, s.pair.fp, s.pair.fn) == (1, 2, 1)
    assert s.pair.precision == pytest.approx(1 / 3) and s.pair.recall == pytest.approx(0.5)
    assert s.pair.f1 == pytest.approx(0.4)
    assert (s.triple.tp, s.triple.fp, s.triple.fn) == (1, 2, 2)
    assert s.matched == 1 and s.status_accuracy == 0.0 and s.year_accuracy == 1.0
    assert s.to_dict()["pair"]["tp"] == 1


def test_errors_list() -> None:
    kinds = sorted((e.doc_id, e.kind) for e in errors(GOLD, PRED))
    assert kinds == [("a", "fn"), ("a", "fp"), ("a", "status"), ("a", "tech"), ("b", "fp")]


def test_load_gold(tmp_path: Path) -> None:
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps({"id": "z", "text": "t", "deployments": []}) + "\n")
    (doc,) = load_gold(p)
    assert doc.id == "z" and doc.deployments == []


def test_component_scores_count_per_document_sets() -> None:
    from custodes.extract.scoring import Scores, score_document

    gold = [{"country": "KEN", "supplier": "Huawei", "tech": ["smart_city"]},
            {"country": "UGA", "supplier": None, "supplier_country": "CHN", "tech": ["video_surveillance"]}]
    pred = [{"country": "KEN", "supplier": "ZTE", "tech": ["smart_city", "facial_recognition"]}]
    s = Scores()
    score_document(gold, pred, s)
    assert (s.country.tp, s.country.fp, s.country.fn) == (1, 0, 1)
    assert (s.supplier.tp, s.supplier.fp, s.supplier.fn) == (0, 1, 1)
    assert (s.category.tp, s.category.fp, s.category.fn) == (1, 1, 1)
    assert (s.pair.tp, s.pair.fp, s.pair.fn) == (0, 1, 2)
