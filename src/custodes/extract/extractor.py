"""Deployment extraction from one document, as a pipeline of components over one Doc.

sentences -> cues -> mentions -> roles and rule links -> rule records -> candidates ->
scores -> records. The rules (Aho-Corasick automata and patterns over the text) are cheap and
linear; the learned scorer weighs their verdicts together with the candidates' other features,
so a document costs time linear in its length and no model framework is loaded at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from custodes.extract.aggregate import build_deployments, record_keys
from custodes.extract.attributes import AttributeModel, attach_confidences
from custodes.extract.candidates import NATIONALITY, UNNAMED, PairCandidate, generate
from custodes.extract.context import SentenceContext, sentence_contexts
from custodes.extract.cues import CueMatch
from custodes.extract.doc import Component, Doc, Pipeline
from custodes.extract.factsheet import factsheet_candidates
from custodes.extract.linker import Candidate, SentenceMentions, bucket, link
from custodes.extract.mentions import CountryFinder, VendorFinder, find_mentions
from custodes.extract.model import Deployment
from custodes.extract.prefilter import has_signal
from custodes.extract.programme import find_programmes
from custodes.extract.roles import BYSTANDER, INTERNAL, RECIPIENT
from custodes.extract.scorer import Scorer, default_scorer
from custodes.extract.sentences import SentenceIndex, split_sentences

EXTRACTOR_VERSION = "0.6.0"


@cache
def _default_gazetteer() -> CountryFinder:
    from custodes.resolve.countries import Gazetteer

    return Gazetteer.default()  # type: ignore[no-any-return]


@cache
def _default_vendors() -> VendorFinder:
    from custodes.resolve.vendors import VendorRegistry

    return VendorRegistry.default()  # type: ignore[no-any-return]


def _names_no_party(sm: SentenceMentions) -> bool:
    """No supplier and no country on either side of a deal (a lender's or a venue's country
    may be named)."""
    return not sm.suppliers and all(c.role in (BYSTANDER, INTERNAL) for c in sm.countries)


def _add_product_tech(per_sentence: list[SentenceMentions]) -> None:
    """A product named in a sentence states its technology there ("use NeoFace to match
    footage" is face recognition), as a cue phrase would."""
    for sm in per_sentence:
        added = [CueMatch(s.start, s.end, s.surface, t) for s in sm.suppliers for t in s.product_tech]
        if added:
            sm.ctx.tech = sorted([*sm.ctx.tech, *added], key=lambda m: m.start)


@cache
def _recipients_file() -> dict[str, Any]:
    from custodes.resolve._matcher import check_keys, load_yaml_mapping

    where = "data/recipients.yaml"
    text = (resources.files("custodes") / "data" / "recipients.yaml").read_text(encoding="utf-8")
    data = load_yaml_mapping(where, text)
    check_keys(where, data, frozenset({"version", "recipients", "domestic_supply"}), frozenset({"recipients"}))
    return data


def recipient_states() -> dict[str, str]:
    """Territories recorded under their sovereign state (data/recipients.yaml)."""
    return {str(k): str(v["report_as"]) for k, v in _recipients_file()["recipients"].items()}


@cache
def domestic_supply() -> frozenset[str]:
    """States whose unattributed deployments are supplied from home (data/recipients.yaml)."""
    return frozenset(str(k) for k in _recipients_file().get("domestic_supply") or {})


def _supplied_from_home(cands: list[Candidate]) -> list[Candidate]:
    home = domestic_supply()
    return [replace(c, supplier_country=c.country)
            if c.supplier is None and c.supplier_country is None and c.country in home else c for c in cands]


@dataclass
class SignalGate:
    """One Aho-Corasick pass: a document with no technology, vendor or field word leaves here."""

    name: str = "signal"
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ("signal",)

    def __call__(self, doc: Doc) -> None:
        found = has_signal(doc.text, doc.lang)
        doc.add("signal", found)
        if not found:
            doc.halt(self.name)


@dataclass
class Sentencizer:
    name: str = "sentences"
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ("sentences",)

    def __call__(self, doc: Doc) -> None:
        sentences = split_sentences(doc.text)
        doc.add("sentences", sentences)
        if not sentences:
            doc.halt(self.name)


@dataclass
class CueTagger:
    """Sentence-level cues: deployment verbs and nouns, hedges, bans, technology phrases."""

    name: str = "cues"
    requires: tuple[str, ...] = ("sentences",)
    assigns: tuple[str, ...] = ("contexts",)

    def __call__(self, doc: Doc) -> None:
        doc.add("contexts", sentence_contexts(doc.text, SentenceIndex(doc["sentences"])))


@dataclass
class MentionFinder:
    """Country and supplier mentions, grouped by sentence."""

    gazetteer: CountryFinder
    vendors: VendorFinder
    name: str = "mentions"
    requires: tuple[str, ...] = ("sentences", "contexts")
    assigns: tuple[str, ...] = ("mentions", "sentence_mentions")

    def __call__(self, doc: Doc) -> None:
        found = find_mentions(doc.text, doc["sentences"], self.gazetteer, self.vendors)
        sovereign = recipient_states()
        for c in found.countries:
            c.iso3 = sovereign.get(c.iso3, c.iso3)
        per_sentence = bucket(doc["contexts"], found.countries, found.suppliers)
        _add_product_tech(per_sentence)
        doc.add("mentions", found)
        doc.add("sentence_mentions", per_sentence)


@dataclass
class RuleLinker:
    """Roles of country mentions, parties of each sentence, and the rules' own links."""

    gazetteer: CountryFinder
    vendors: VendorFinder
    name: str = "rule_links"
    requires: tuple[str, ...] = ("sentence_mentions", "mentions")
    assigns: tuple[str, ...] = ("rule_candidates", "field_candidates", "programmes", "recipients_by_sentence",
                                "bare_sentences")

    def __call__(self, doc: Doc) -> None:
        per_sentence: list[SentenceMentions] = doc["sentence_mentions"]
        fields = factsheet_candidates(doc.text, doc["sentences"], self.gazetteer, self.vendors,
                                      doc["mentions"].spellings)
        doc.add("rule_candidates", _supplied_from_home(link(doc.text, per_sentence) + fields))
        doc.add("field_candidates", fields)
        doc.add("programmes", find_programmes(doc.text))
        doc.add("recipients_by_sentence", {
            sm.ctx.sentence.index: {c.iso3 for c in sm.countries if c.role == RECIPIENT} for sm in per_sentence
        })
        doc.add("bare_sentences", frozenset(sm.ctx.sentence.index for sm in per_sentence if _names_no_party(sm)))


def _records(doc: Doc, cands: list[Candidate]) -> list[Deployment]:
    return build_deployments(doc.text, cands, doc["contexts"], doc["programmes"],
                             doc["recipients_by_sentence"], doc["bare_sentences"])


@dataclass
class RuleRecords:
    """The keys of the records the rules alone would make: a feature for the scorer."""

    name: str = "rule_records"
    requires: tuple[str, ...] = ("rule_candidates", "contexts", "bare_sentences")
    assigns: tuple[str, ...] = ("rule_records",)

    def __call__(self, doc: Doc) -> None:
        doc.add("rule_records", record_keys(doc["rule_candidates"], doc["contexts"], doc["bare_sentences"]))


@dataclass
class CandidateGenerator:
    name: str = "candidates"
    requires: tuple[str, ...] = ("sentence_mentions", "rule_candidates", "rule_records")
    assigns: tuple[str, ...] = ("candidates",)

    def __call__(self, doc: Doc) -> None:
        doc.add("candidates", generate(doc["sentence_mentions"], doc["rule_candidates"], doc["rule_records"],
                                       domestic_supply()))


def _record_key(d: Deployment) -> tuple[str, str]:
    from custodes.extract.model import supplier_key

    return supplier_key(d.supplier, d.extra.get("vendor_id"), d.supplier_country)


@dataclass
class CandidateScorer:
    """Probability that each candidate is a deployment the document states."""

    scorer: Scorer
    name: str = "scores"
    requires: tuple[str, ...] = ("candidates",)
    assigns: tuple[str, ...] = ("scores",)

    def __call__(self, doc: Doc) -> None:
        doc.add("scores", [self.scorer.decide(c.kind, c.features) for c in doc["candidates"]])


@dataclass
class SentenceVeto:
    """A pair whose every shared sentence tells a business event (a stake, a takeover, a deal
    undone before delivery), a ban or a statistic is stated by no sentence: the guidelines'
    "what is not a deployment", applied whatever the score. A supplier nationality that no
    sentence names together with the recipient ("Israeli drones" three sentences from
    "Brazil") is not stated to supply it."""

    name: str = "vetoes"
    requires: tuple[str, ...] = ("candidates", "contexts")
    assigns: tuple[str, ...] = ("vetoes",)

    def __call__(self, doc: Doc) -> None:
        ctxs = doc["contexts"]
        vetoes: dict[tuple[str, str, str], str] = {}
        for c in doc["candidates"]:
            if not c.sentences:
                if c.kind == NATIONALITY:
                    vetoes[c.key] = "supplier nationality never named with the recipient"
                continue
            reasons = {_veto_reason(ctxs[i]) for i in c.sentences}
            if None not in reasons:
                vetoes[c.key] = ", ".join(sorted(r for r in reasons if r))
        doc.add("vetoes", vetoes)


def _veto_reason(ctx: SentenceContext) -> str | None:
    if ctx.business_event:
        return "business event"
    if ctx.barred:
        return "ban without stated use"
    if ctx.negative:
        return "statistic, court or opinion"
    return None


@dataclass
class RecordBuilder:
    """Accepted candidates become records: the rules' sentences where they linked the pair,
    else the sentences that name both sides. Labelled fields ("Developer: X", "Country: Y")
    state their pairs outright, so they are recorded without being scored; the scorer learned
    from prose."""

    vendors: VendorFinder | None = None
    attributes: Mapping[str, AttributeModel] = field(default_factory=dict)
    name: str = "records"
    requires: tuple[str, ...] = ("candidates", "scores", "vetoes", "rule_candidates", "field_candidates",
                                 "contexts", "programmes")
    assigns: tuple[str, ...] = ("deployments",)

    def __call__(self, doc: Doc) -> None:
        stated = {(c.country, *_cand_key(c)) for c in doc["field_candidates"]}
        vetoes = doc["vetoes"]
        accepted = {c.key: (c, p) for c, (ok, p) in zip(doc["candidates"], doc["scores"], strict=True)
                    if (ok and c.key not in vetoes) or c.key in stated}
        for k in _under_named_parent(accepted, self.vendors):
            del accepted[k]
        merged = _merge_listed_nationalities(accepted, doc["candidates"])
        by_key: dict[tuple[str, str, str], list[Candidate]] = {}
        vague: list[Candidate] = []  # a rejected unnamed statement still tells a kept deal's technology
        countries = {k[0] for k in accepted}
        for rc in doc["rule_candidates"]:
            k = (rc.country, *_cand_key(rc))
            if k in accepted:
                by_key.setdefault(k, []).append(rc)
            elif rc.supplier is None and rc.country in countries and k not in merged:
                vague.append(rc)
        cands: list[Candidate] = list(vague)
        for k, (pc, _) in accepted.items():
            cands.extend(by_key.get(k) or _synthesise(pc))
        records = []
        for d in _records(doc, cands):
            hit = accepted.get((d.country, *_record_key(d)))
            if hit is not None:
                d.confidence = round(hit[1], 3)
                records.append(d)
        attach_confidences(records, self.attributes)
        doc.add("deployments", records)


def _under_named_parent(accepted: dict[tuple[str, str, str], tuple[PairCandidate, float]],
                        vendors: VendorFinder | None) -> list[tuple[str, str, str]]:
    """Records of a subsidiary whose parent company is also recorded for the same recipient:
    the deal is the parent's ("Thales, through its subsidiary Gemalto"). A subsidiary named
    alone keeps its own record."""
    if vendors is None:
        return []
    out = []
    for key, (pc, _) in accepted.items():
        vendor = vendors.get(pc.vendor_id) if pc.vendor_id else None
        parent = vendor.parent if vendor else None
        while parent:
            if (pc.country, "v", parent) in accepted:
                out.append(key)
                break
            up = vendors.get(parent)
            parent = up.parent if up else None
    return out


def _merge_listed_nationalities(accepted: dict[tuple[str, str, str], tuple[PairCandidate, float]],
                                candidates: list[PairCandidate]) -> set[tuple[str, str, str]]:
    """Several supplier nationalities told together for one recipient ("companies from Israel,
    the US and the UK worked with Colombian partners") name no one supplier side: the
    guidelines record one deployment with neither supplier nor supplier country. Changes
    `accepted` in place; returns the keys merged away."""
    merged: set[tuple[str, str, str]] = set()
    by_country: dict[str, list[tuple[str, str, str]]] = {}
    for key, (pc, _) in accepted.items():
        if pc.kind == NATIONALITY:
            by_country.setdefault(pc.country, []).append(key)
    for country, keys in by_country.items():
        if len(keys) < 2:
            continue
        shared = set.intersection(*(set(accepted[k][0].sentences) for k in keys))
        unnamed = next((c for c in candidates if c.kind == UNNAMED and c.country == country), None)
        if not shared or unnamed is None or unnamed.supplier_country is not None:
            continue
        best = max(accepted[k][1] for k in keys)
        for k in keys:
            del accepted[k]
        merged.update(keys)
        accepted[unnamed.key] = (unnamed, best)
    return merged


def _cand_key(c: Candidate) -> tuple[str, str]:
    from custodes.extract.model import supplier_key

    return supplier_key(c.supplier, c.vendor_id, c.supplier_country)


def _synthesise(pc: PairCandidate) -> list[Candidate]:
    """Linker candidates for a pair the rules did not link: one per sentence naming both."""
    return [Candidate(i, pc.country, pc.supplier, pc.supplier_country, pc.registered, pc.categories,
                      vendor_id=pc.vendor_id) for i in pc.sentences[:3]]


def build_pipeline(
    gazetteer: CountryFinder | None = None,
    vendors: VendorFinder | None = None,
    scorer: Scorer | None = None,
    until: str | None = None,
) -> Pipeline:
    """The English pipeline; `until` stops after the named component (training stops at
    the candidates)."""
    gaz = gazetteer or _default_gazetteer()
    ven = vendors or _default_vendors()
    components: list[Component] = [
        SignalGate(), Sentencizer(), CueTagger(), MentionFinder(gaz, ven), RuleLinker(gaz, ven), RuleRecords(),
        CandidateGenerator(),
    ]
    if until is None or until in ("scores", "vetoes", "records"):
        scorer = scorer or default_scorer()
        components += [CandidateScorer(scorer), SentenceVeto(),
                       RecordBuilder(ven, getattr(scorer, "attributes", {}))]
    names = [c.name for c in components]
    if until is not None:
        components = components[: names.index(until) + 1]
    return Pipeline(components)


@cache
def _default_pipeline() -> Pipeline:
    return build_pipeline()


def extract(
    text: str,
    gazetteer: CountryFinder | None = None,
    vendors: VendorFinder | None = None,
) -> list[Deployment]:
    """The deployments a document states as fact, one per (recipient, supplier) pair."""
    pipeline = _default_pipeline() if gazetteer is None and vendors is None else build_pipeline(gazetteer, vendors)
    doc = pipeline(Doc(text))
    return list(doc.layers.get("deployments", []))
