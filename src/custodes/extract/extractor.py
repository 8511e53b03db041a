"""Deployment extraction from one document: sentences, cues, mentions, links, records.

Everything is regular expressions and Aho-Corasick automata over the text, so a document costs
time linear in its length and no model has to be loaded.
"""

from __future__ import annotations

from functools import cache

from custodes.extract.aggregate import build_deployments
from custodes.extract.context import sentence_contexts
from custodes.extract.factsheet import factsheet_candidates
from custodes.extract.linker import bucket, link
from custodes.extract.mentions import CountryFinder, VendorFinder, collect_mentions
from custodes.extract.model import Deployment
from custodes.extract.programme import find_programmes
from custodes.extract.roles import RECIPIENT
from custodes.extract.sentences import SentenceIndex, split_sentences

EXTRACTOR_VERSION = "0.1.0"


@cache
def _default_gazetteer() -> CountryFinder:
    from custodes.resolve.countries import Gazetteer

    return Gazetteer.default()  # type: ignore[no-any-return]


@cache
def _default_vendors() -> VendorFinder:
    from custodes.resolve.vendors import VendorRegistry

    return VendorRegistry.default()  # type: ignore[no-any-return]


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
    countries, suppliers = collect_mentions(text, sentences, gaz, ven)
    per_sentence = bucket(contexts, countries, suppliers)
    cands = link(text, per_sentence)
    cands += factsheet_candidates(text, sentences, gaz, ven)
    recipients = {sm.ctx.sentence.index: {c.iso3 for c in sm.countries if c.role == RECIPIENT} for sm in per_sentence}
    return build_deployments(text, cands, contexts, find_programmes(text), recipients)
