"""The Doc and pipeline contract: layers are added once, order is checked when built."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from custodes.extract.doc import Doc, Pipeline, PipelineError
from custodes.extract.extractor import build_pipeline


@dataclass
class Step:
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    halts: bool = False

    def __call__(self, doc: Doc) -> None:
        for a in self.assigns:
            doc.add(a, self.name)
        if self.halts:
            doc.halt(self.name)


def test_a_layer_is_written_once() -> None:
    doc = Doc("text")
    doc.add("sentences", [])
    with pytest.raises(PipelineError, match="already set"):
        doc.add("sentences", [1])


def test_missing_layer_names_what_is_there() -> None:
    doc = Doc("text")
    doc.add("a", 1)
    with pytest.raises(PipelineError, match=r"'b'.*\['a'\]"):
        doc["b"]


def test_order_is_checked_when_built() -> None:
    with pytest.raises(PipelineError, match="requires layer 'x'"):
        Pipeline([Step("late", ("x",), ("y",)), Step("early", (), ("x",))])


def test_two_components_cannot_assign_one_layer() -> None:
    with pytest.raises(PipelineError, match="assigned by both"):
        Pipeline([Step("one", (), ("x",)), Step("two", (), ("x",))])


@dataclass
class Forgetful:
    name: str = "forgetful"
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ("promised",)

    def __call__(self, doc: Doc) -> None:
        pass


def test_a_component_that_forgets_its_layer_fails() -> None:
    with pytest.raises(PipelineError, match="did not add"):
        Pipeline([Forgetful()])(Doc("t"))


def test_halt_stops_the_pipeline() -> None:
    pipe = Pipeline([Step("gate", (), ("signal",), halts=True), Step("after", ("signal",), ("z",))])
    doc = pipe(Doc("t"))
    assert doc.halted_by == "gate"
    assert "z" not in doc


def test_the_extractor_pipeline_is_in_order() -> None:
    pipe = build_pipeline()
    assert pipe.names[0] == "signal" and pipe.names[-1] == "records"
    assert build_pipeline(until="candidates").names[-1] == "candidates"
    doc = pipe(Doc("Kenya's police bought Huawei cameras for Nairobi in 2015."))
    assert {"sentences", "contexts", "mentions", "rule_candidates", "candidates", "scores",
            "deployments"} <= set(doc.layers)
    assert [(d.country, d.supplier) for d in doc["deployments"]] == [("KEN", "Huawei")]
