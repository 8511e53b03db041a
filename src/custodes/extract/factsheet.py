"""Structured profile pages ("Operator: ...", "Developer: ...", "Country: ...").

Incident databases and trackers publish deployments as labelled fields rather than prose; the
fields state the recipient, the developer and the technology directly, so they are read as
such instead of being parsed as sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from custodes.extract.companies import LEGAL_SUFFIXES, strip_legal_suffix
from custodes.extract.cues import tech_matcher
from custodes.extract.linker import Candidate
from custodes.extract.mentions import CountryFinder, VendorFinder, spelled_name
from custodes.extract.sentences import Sentence
from custodes.extract.vocab import vocabulary

_VOCAB = vocabulary("factsheet")
_FIELD = _VOCAB.pattern("field")
_SPLIT = _VOCAB.pattern("split")
# The field each label states: "Suppliers:" and "Vendor:" both name the developer.
_FIELDS = ("operator", "developer", "country", "technology", "purpose")
_FIELD_OF = {label: name for name in _FIELDS for label in _VOCAB.word_set(f"{name}_labels")}


def _fields(text: str) -> dict[str, list[re.Match[str]]]:
    out: dict[str, list[re.Match[str]]] = {}
    for m in _FIELD.finditer(text):
        key = m.group(1).lower()
        key = _FIELD_OF.get(key, key)
        out.setdefault(key, []).append(m)
    return out


_LEGAL = frozenset(x.rstrip(".") for x in LEGAL_SUFFIXES)


def _names(value: str) -> list[str]:
    """Company names of a field: "Acme Ltd; Brix Co., Ltd." is two names; a legal suffix cut
    off by a comma is no name of its own."""
    return [n for n in _SPLIT.split(value) if n and n.lower().rstrip(".") not in _LEGAL]


def _sentence_at(sentences: Sequence[Sentence], offset: int) -> int | None:
    for s in sentences:
        if s.start <= offset < s.end:
            return s.index
    return None


def factsheet_candidates(
    text: str,
    sentences: Sequence[Sentence],
    gazetteer: CountryFinder,
    vendors: VendorFinder,
    spellings: Mapping[str, str] | None = None,
) -> list[Candidate]:
    """Candidates stated by labelled fields; empty for ordinary prose.

    `spellings` (vendor id -> name) keeps a vendor under the name the prose of the same
    document gives it, so that field and prose statements merge into one record.
    """
    f = _fields(text)
    if "developer" not in f or not ("country" in f or "operator" in f):
        return []
    place_fields = f.get("country", []) + f.get("operator", [])
    countries: list[str] = []
    for m in place_fields:
        for cm in gazetteer.find(m.group(2)):
            if cm.iso3 not in countries:
                countries.append(cm.iso3)
    if not countries:
        return []
    tech_src = " ".join(m.group(2) for m in f.get("technology", []) + f.get("purpose", []))
    title = sentences[0].text if sentences else ""
    cats = tuple(dict.fromkeys(m.label for m in tech_matcher().find(f"{tech_src} {title}")))
    evidence_field = (f.get("operator") or f["country"])[0]
    idx = _sentence_at(sentences, evidence_field.start(2))
    if idx is None:
        return []
    out: list[Candidate] = []
    for dev in f["developer"]:
        for name in _names(dev.group(2)):
            vendor = vendors.resolve(name)
            if vendor is None:
                supplier, home, vid = strip_legal_suffix(name), None, None
            else:
                home, vid = vendor.country, vendor.id
                supplier = vendor.name if vendor.guideline_name else (spellings or {}).get(vid) or spelled_name(name)
            for iso3 in countries:
                out.append(
                    Candidate(idx, iso3, supplier, home, vendor is not None, cats, tech_given=bool(cats), vendor_id=vid)
                )
    return out
