"""Deployment extraction from one document: sentences, cues, mentions, links, records.

Everything is regular expressions and Aho-Corasick automata over the text, so a document costs
time linear in its length and no model has to be loaded.
"""

from __future__ import annotations

from functools import cache

from custodes.extract.aggregate import build_deployments
from custodes.extract.context import sentence_contexts
from custodes.extract.cues import CueMatch
from custodes.extract.factsheet import factsheet_candidates
from custodes.extract.linker import SentenceMentions, bucket, link
from custodes.extract.mentions import CountryFinder, VendorFinder, find_mentions
from custodes.extract.model import Deployment
from custodes.extract.programme import find_programmes
from custodes.extract.roles import BYSTANDER, INTERNAL, RECIPIENT
from custodes.extract.sentences import SentenceIndex, split_sentences

EXTRACTOR_VERSION = "0.3.0"


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
        added = [
            CueMatch(s.start, s.end, s.surface, t) for s in sm.suppliers for t in s.product_tech
        ]
        if added:
            sm.ctx.tech = sorted([*sm.ctx.tech, *added], key=lambda m: m.start)


def extract(
    text: str,
    gazetteer: CountryFinder | None = None,
    vendors: VendorFinder | None = None,
) -> list[Deployment]:
    """The deployments a document states as fact, one per (recipient, supplier) pair."""
    gaz = gazetteer or _default_gazetteer()
    ven = vendors or _default_vendors()
    sentences = split_sentences(text)
    if not sentences:
        return []
    contexts = sentence_contexts(text, SentenceIndex(sentences))
    found = find_mentions(text, sentences, gaz, ven)
    per_sentence = bucket(contexts, found.countries, found.suppliers)
    _add_product_tech(per_sentence)
    cands = link(text, per_sentence)
    cands += factsheet_candidates(text, sentences, gaz, ven, found.spellings)
    recipients = {sm.ctx.sentence.index: {c.iso3 for c in sm.countries if c.role == RECIPIENT} for sm in per_sentence}
    bare = frozenset(sm.ctx.sentence.index for sm in per_sentence if _names_no_party(sm))
    return build_deployments(text, cands, contexts, find_programmes(text), recipients, bare)
