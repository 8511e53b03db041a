"""One document as the extractor sees it, and the pipeline of components that annotate it.

Modelled on spaCy's Doc and pipeline: every component declares the layers it needs and the
layers it adds; the pipeline checks that order once, when it is built, so that a component put
in the wrong place fails at start-up rather than extracting from a half-annotated document.
Layers are added, never replaced: a later component that disagrees with an earlier one records
its own layer (a feature, a score) instead of rewriting what it was given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class PipelineError(ValueError):
    """A pipeline whose components cannot run in the order given."""


@dataclass
class Doc:
    """Text, language and the named layers components have added to it."""

    text: str
    lang: str = "en"
    layers: dict[str, Any] = field(default_factory=dict)
    halted_by: str | None = None  # the component that found nothing worth extracting

    def add(self, name: str, value: Any) -> None:
        """Add a layer; a layer is written once so that no component rewrites another's work."""
        if name in self.layers:
            raise PipelineError(f"layer {name!r} is already set; components add layers, never replace them")
        self.layers[name] = value

    def __getitem__(self, name: str) -> Any:
        try:
            return self.layers[name]
        except KeyError:
            raise PipelineError(f"layer {name!r} has not been added (have: {sorted(self.layers)})") from None

    def __contains__(self, name: str) -> bool:
        return name in self.layers

    def halt(self, component: str) -> None:
        """Stop the pipeline after this component: the document cannot state a deployment."""
        self.halted_by = component


class Component(Protocol):
    """A pipeline step: reads `requires` layers of a Doc and adds its `assigns` layers."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, doc: Doc) -> None: ...


@dataclass
class Pipeline:
    """Components in order, checked when built."""

    components: Sequence[Component]
    provided: tuple[str, ...] = ()  # layers present before the first component runs

    def __post_init__(self) -> None:
        self.components = list(self.components)
        check_order(self.components, self.provided)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.components]

    def __call__(self, doc: Doc) -> Doc:
        for component in self.components:
            component(doc)
            missing = [a for a in component.assigns if a not in doc.layers]
            if missing and doc.halted_by != component.name:
                raise PipelineError(f"component {component.name!r} did not add {missing}")
            if doc.halted_by is not None:
                break
        return doc


def check_order(components: Iterable[Component], provided: Iterable[str] = ()) -> None:
    """Every layer a component requires is assigned by an earlier one; no layer twice."""
    available: dict[str, str] = {p: "(input)" for p in provided}
    names: set[str] = set()
    for c in components:
        if c.name in names:
            raise PipelineError(f"component {c.name!r} appears twice")
        names.add(c.name)
        for r in c.requires:
            if r not in available:
                raise PipelineError(f"component {c.name!r} requires layer {r!r}, which no earlier component assigns")
        for a in c.assigns:
            if a in available:
                raise PipelineError(f"layer {a!r} is assigned by both {available[a]!r} and {c.name!r}")
            available[a] = c.name
