"""Category and status confidence: attached to kept records, learned from out-of-fold records."""

from __future__ import annotations

import json
from pathlib import Path

from custodes.extract.attributes import CATEGORY, STATUS, attach_confidences
from custodes.extract.doc import Doc
from custodes.extract.extractor import build_pipeline
from custodes.extract.model import Deployment, Evidence, Facets
from custodes.extract.scorer import LogisticScorer, default_scorer, load_scorer
from custodes.extract.scoring import GoldDoc
from custodes.extract.train import train
from custodes.extract.train_attributes import attribute_rows, cross_validate_attributes, fit_attributes

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "fixtures" / "eval" / "blind.jsonl"

STORY = ("Kenya expands Safaricom camera network\n"
         "Huawei installed 1,800 cameras with facial recognition in Nairobi in 2015, the police said.")


def _record(tech: list[str], facets: Facets | None) -> Deployment:
    return Deployment("KEN", "Huawei", "CHN", tech, 2015, None, "deployed",
                      [Evidence("x", 0, 1)], 0.9, facets=facets)


def test_the_bundled_model_gives_every_stated_category_and_the_status_a_probability() -> None:
    [rec] = [d for d in build_pipeline()(Doc(STORY)).layers["deployments"] if d.supplier == "Huawei"]
    assert set(rec.tech_confidence) == set(rec.tech) and rec.tech
    assert all(0.0 < p < 1.0 for p in rec.tech_confidence.values())
    assert rec.status_confidence is not None and 0.0 < rec.status_confidence < 1.0


def test_the_one_category_a_record_states_is_surer_than_one_of_three_taken_from_a_neighbour() -> None:
    scorer = default_scorer()
    assert isinstance(scorer, LogisticScorer)
    model = scorer.attributes[CATEGORY]
    alone = {"bias": 1.0, "chosen": 1.0, "chosen_alone": 1.0, "chosen_n": 1.0, "grouped": 1.0, "own": 1.0,
             "own_categories": 1.0, "category_smart_city": 1.0}
    neighbour = {"bias": 1.0, "chosen": 1.0, "chosen_n": 3.0, "near": 1.0, "own_categories": 2.0,
                 "doc_share": 0.1, "category_smart_city": 1.0}
    not_chosen = {k: v for k, v in alone.items() if not k.startswith("chosen")}
    assert model.probability(CATEGORY, alone) > model.probability(CATEGORY, neighbour) + 0.1
    assert model.probability(CATEGORY, alone) > model.probability(CATEGORY, not_chosen) + 0.3


def test_confidences_come_from_the_models_features() -> None:
    models = {
        CATEGORY: LogisticScorer(weights={CATEGORY: {"own": 4.0}}, intercept=-2.0),
        STATUS: LogisticScorer(weights={STATUS: {"chosen_deployed": 1.0}}, intercept=0.0),
    }
    rec = _record(["facial_recognition", "video_surveillance"], Facets(
        tech={"facial_recognition": {"own": 1.0}, "video_surveillance": {}, "smart_city": {"own": 1.0}},
        status={"chosen_deployed": 1.0}))
    attach_confidences([rec], models)
    # only the categories the record states get one: smart_city was considered, not chosen
    assert rec.tech_confidence == {"facial_recognition": 0.881, "video_surveillance": 0.119}
    assert rec.status_confidence == 0.731


def test_a_model_without_attribute_scorers_leaves_the_confidences_empty() -> None:
    rec = _record(["video_surveillance"], Facets({"video_surveillance": {"own": 1.0}}, {"chosen_deployed": 1.0}))
    attach_confidences([rec], {})
    assert rec.tech_confidence == {} and rec.status_confidence is None


def test_attribute_examples_are_labelled_by_the_matching_gold_record() -> None:
    gold = GoldDoc.from_dict({"id": "a", "text": "t", "deployments": [
        {"country": "KEN", "supplier": "Huawei", "supplier_country": "CHN", "tech": ["facial_recognition"],
         "status": "planned"}]})
    kept = _record(["facial_recognition", "video_surveillance"], Facets(
        tech={"facial_recognition": {"own": 1.0}, "video_surveillance": {"vendor": 1.0}, "smart_city": {}},
        status={"chosen_deployed": 1.0}))
    wrong_pair = Deployment("UGA", "Huawei", "CHN", ["smart_city"], None, None, "deployed", [], 0.5,
                            facets=Facets({"smart_city": {}}, {"chosen_deployed": 1.0}))
    rows = attribute_rows([gold], {"a": [kept, wrong_pair]})
    by = {(r.attribute, tuple(sorted(r.features))): r for r in rows}
    assert len(rows) == 4  # three categories and one status of the matched record; none of the other
    assert by[(CATEGORY, ("own",))].label and by[(CATEGORY, ("own",))].chosen
    assert not by[(CATEGORY, ("vendor",))].label and by[(CATEGORY, ("vendor",))].chosen
    assert not by[(CATEGORY, ())].chosen
    assert not by[(STATUS, ("chosen_deployed",))].label  # the gold status is planned


def test_fitted_scorers_learn_the_direction_and_cross_validation_reports_the_chosen_values() -> None:
    from custodes.extract.train_attributes import AttributeRow

    rows = [AttributeRow(f"d{i}", CATEGORY, {"bias": 1.0, "own": float(i % 2)}, bool(i % 2), True) for i in range(60)]
    rows += [AttributeRow(f"d{i}", STATUS, {"bias": 1.0}, i % 3 != 0, True) for i in range(60)]
    models = fit_attributes(rows)
    cat = models[CATEGORY]
    assert cat.probability(CATEGORY, {"bias": 1.0, "own": 1.0}) > 0.7 > 0.3 > cat.probability(CATEGORY, {"bias": 1.0})
    report = cross_validate_attributes(rows, folds=3)
    assert report[CATEGORY]["chosen"] == 60 and report[STATUS]["rules_right"] == round(40 / 60, 4)
    assert report[CATEGORY]["brier"] < report[CATEGORY]["brier_of_constant"]


def test_training_writes_the_attribute_scorers_and_they_load_back(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    _, report = train([BLIND], out, folds=3, min_positives=5)
    assert set(report.attributes) <= {CATEGORY, STATUS} and CATEGORY in report.attributes
    data = json.loads(out.read_text())
    assert set(data["attributes"]) == set(report.attributes)
    loaded = load_scorer(out)
    assert loaded.attributes[CATEGORY].weights[CATEGORY] == data["attributes"][CATEGORY]["weights"][CATEGORY]
    assert loaded.to_dict() == data
