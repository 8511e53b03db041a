"""From sentence signals to (recipient, supplier, technology) candidates, and from candidates
to one record per (recipient, supplier) pair of the document.

A candidate needs a sentence that states a deployment, a recipient (explicit, by reference to
"the country", or the document's main recipient when only the supplier is named) and a supplier
(named, unnamed by nationality, or none for domestic deployments).

A sentence that tells a business event (a takeover, a vendor that stops selling, a deal undone
before delivery) states none; companies that are another party of the deal (operator, lender,
owner, takeover target) are not its supplier (see parties.py); and a supplier's home country is
a recipient only where the text states a system in use there (see roles.demote_home_countries).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from custodes.extract.context import SentenceContext
from custodes.extract.mentions import CountryRef, SupplierRef
from custodes.extract.parties import ACQUIRED, is_party_only, mark_parties
from custodes.extract.roles import ACTOR, HEDGED, RECIPIENT, SUPPLIER, assign_roles, demote_home_countries
from custodes.extract.vocab import vocabulary

_VOCAB = vocabulary("linker")
_COREF_SUPPLIER = _VOCAB.pattern("coref_supplier")
_COMPANY_REFERENCE = _VOCAB.pattern("company_reference")
_SUBJECT_START = _VOCAB.pattern("subject_start")
_COREF_COUNTRY = _VOCAB.pattern("coref_country")
_USER_BEFORE = _VOCAB.pattern("user_before")
# "The cameras will use software from X": a sentence opening on the system just described
# continues the previous sentence's subject.
_DEFINITE_SUBJECT = _VOCAB.pattern("definite_subject")
_NOT_CONFUSED = _VOCAB.pattern("not_confused")


@dataclass
class Candidate:
    """One (recipient, supplier) statement of one sentence."""

    sentence: int
    country: str
    supplier: str | None
    supplier_country: str | None
    registered: bool
    categories: tuple[str, ...]
    implicit: bool = False
    tech_given: bool = False
    vendor_id: str | None = None


@dataclass
class SentenceMentions:
    ctx: SentenceContext
    countries: list[CountryRef] = field(default_factory=list)
    suppliers: list[SupplierRef] = field(default_factory=list)


def bucket(
    contexts: Sequence[SentenceContext],
    countries: Sequence[CountryRef],
    suppliers: Sequence[SupplierRef],
) -> list[SentenceMentions]:
    """Mentions grouped by sentence (mentions are sorted by offset)."""
    out = [SentenceMentions(c) for c in contexts]
    starts = [c.sentence.start for c in contexts]

    def slot(offset: int) -> int | None:
        i = bisect.bisect_right(starts, offset) - 1
        return i if i >= 0 and offset < contexts[i].sentence.end else None

    for c in countries:
        i = slot(c.start)
        if i is not None:
            out[i].countries.append(c)
    for s in suppliers:
        i = slot(s.start)
        if i is not None:
            out[i].suppliers.append(s)
    for sm in out:
        sm.countries.sort(key=lambda c: c.start)
        sm.suppliers.sort(key=lambda s: s.start)
    return out


def _active_suppliers(text: str, sm: SentenceMentions) -> list[SupplierRef]:
    """Named suppliers of the sentence that are stated, not hedged, users or asides."""
    out: list[SupplierRef] = []
    for s in sm.suppliers:
        if is_party_only(s):
            continue  # an operator, lender, owner, takeover target: not the supplier
        before = text[max(sm.ctx.sentence.start, s.start - 60) : s.start]
        if sm.ctx.hedged_before(s.start, s.end) or _USER_BEFORE.search(before):
            continue
        if _NOT_CONFUSED.search(before):
            continue
        out.append(s)
    return out


def _unnamed_supplier_countries(sm: SentenceMentions, named: list[SupplierRef]) -> list[str]:
    """Nationalities given as supplier without a company name ("Chinese firms")."""
    named_countries = {s.supplier_country for s in named}
    out: list[str] = []
    for c in sm.countries:
        if c.role != SUPPLIER or c.attached is not None:
            continue
        if c.iso3 in named_countries or c.iso3 in out:
            continue
        out.append(c.iso3)
    return out


def _recipients(sm: SentenceMentions) -> list[str]:
    out: list[str] = []
    for c in sm.countries:
        if c.role == RECIPIENT and c.iso3 not in out:
            out.append(c.iso3)
    return out


def _promote_doc_suppliers(sm: SentenceMentions, doc_suppliers: set[str]) -> None:
    """In "A signed an agreement with B", the one that the document elsewhere names as the
    supplier side ("loans from A", "built by A") is the supplier here too."""
    recips = _recipients(sm)
    if len(recips) < 2:
        return
    for c in sm.countries:
        if c.role == RECIPIENT and c.iso3 in doc_suppliers:
            others = [r for r in recips if r != c.iso3]
            if others:
                c.role = SUPPLIER


_AGREEMENT = _VOCAB.pattern("agreement")
_LOCATIVE_BEFORE = _VOCAB.pattern("locative_before")


def _promote_partner_countries(text: str, sm: SentenceMentions, named: list[SupplierRef]) -> None:
    """In "Pakistan and China signed an agreement for a safe city project in Lahore", the
    deployment is where the sentence places it; a party to the agreement that the sentence does
    not place anywhere is the partner, the supplier side."""
    recips = _recipients(sm)
    if len(recips) < 2 or named or not _AGREEMENT.search(sm.ctx.sentence.text):
        return
    located: set[str] = set()
    for c in sm.countries:
        if c.role != RECIPIENT:
            continue
        if c.kind in ("city", "region") or _LOCATIVE_BEFORE.search(text, max(0, c.start - 20), c.start):
            located.add(c.iso3)
    if not located or located == set(recips):
        return
    for c in sm.countries:
        if c.role == RECIPIENT and c.iso3 not in located:
            c.role = SUPPLIER


_POSSESSIVE_AFTER = re.compile(r"['’]s?\s")


def _possessive_tech(text: str, sm: SentenceMentions) -> bool:
    """A possessive ("Kenya's CCTV network") states that the recipient has the technology."""
    for c in sm.countries:
        if c.role != RECIPIENT:
            continue
        if _POSSESSIVE_AFTER.match(text, c.end, c.end + 3):
            window_end = c.end + 60
            if any(c.end < t.start < window_end for t in sm.ctx.tech):
                return True
    return False


@dataclass
class DocState:
    """What earlier sentences established, for references across sentences."""

    last_recipients: list[str] = field(default_factory=list)
    last_recipient_sentence: int = -10
    recent_suppliers: list[tuple[int, list[SupplierRef]]] = field(default_factory=list)


def _takeover(sm: SentenceMentions) -> bool:
    """A sentence that names a company as bought ("completed its acquisition of X") tells a
    takeover, whoever else it names."""
    return any(ACQUIRED in s.flags for s in sm.suppliers)


def _resolve_supplier_reference(sentence_text: str, index: int, state: DocState) -> list[SupplierRef]:
    if not _COREF_SUPPLIER.search(sentence_text):
        return []
    for idx, sups in reversed(state.recent_suppliers):
        if index - idx <= 2 and sups:
            return sups
    return []


def sentence_candidates(text: str, sm: SentenceMentions, state: DocState, doc_suppliers: set[str]) -> list[Candidate]:
    """Candidates stated by one sentence; updates the cross-sentence state. References to
    earlier sentences are only resolved for sentences that state a deployment."""
    ctx = sm.ctx
    _promote_doc_suppliers(sm, doc_suppliers)
    own = _active_suppliers(text, sm)
    _promote_partner_countries(text, sm, own)
    index = ctx.sentence.index
    own_recipients = _recipients(sm)
    stating = (
        ctx.states_deployment(_possessive_tech(text, sm))
        and not (ctx.negative or ctx.barred or _takeover(sm) or ctx.business_event)
    )
    named = own
    recipients = own_recipients
    unnamed: list[str] = []
    if stating:
        if not named:
            named = _resolve_supplier_reference(ctx.sentence.text, index, state)
            if named and _COMPANY_REFERENCE.search(ctx.sentence.text):
                own = named  # "The company ... The firm ...": a reference keeps the chain going
        unnamed = _unnamed_supplier_countries(sm, named)
        # a hedged place ("accused the Jordanian government of ...") is the sentence's own
        # subject; "the country" or "local" then refers to it, not to an earlier recipient
        hedged_place = any(c.role == HEDGED for c in sm.countries)
        if not recipients and not hedged_place and _COREF_COUNTRY.search(ctx.sentence.text):
            recipients = list(state.last_recipients)
        follows = index - state.last_recipient_sentence == 1 and (named or unnamed) and not hedged_place
        if not recipients and follows and (_strong_predicate(ctx) or _DEFINITE_SUBJECT.match(ctx.sentence.text)):
            # "Serbia is next. Its interior ministry bought X." continues the previous subject
            recipients = list(state.last_recipients)
    if own_recipients:
        state.last_recipients = own_recipients
        state.last_recipient_sentence = index
    if own:
        state.recent_suppliers.append((index, own))
    if not stating or (not recipients and not _strong_predicate(ctx)):
        return []
    return _combine(index, recipients, named, unnamed, tuple(ctx.categories))


# Generic nouns, "use", the habitual present of a line of business, the origin of a product.
_WEAK_PREDICATES = _VOCAB.word_set("weak_predicates")


def _strong_predicate(ctx: SentenceContext) -> bool:
    """Only a clear acquisition verb lets a sentence without a country borrow the document's
    main recipient; generic nouns and 'use' are too loose for that."""
    return any(
        m.cue.lower() not in _WEAK_PREDICATES and not ctx.hedged_before(m.start)
        for m in ctx.cues.get("deployment_predicates", [])
    )


def _combine(
    index: int,
    recipients: list[str],
    named: list[SupplierRef],
    unnamed: list[str],
    cats: tuple[str, ...],
) -> list[Candidate]:
    implicit = not recipients
    targets = recipients or [""]
    out: list[Candidate] = []
    for r in targets:
        if named:
            seen: set[str] = set()
            for s in named:
                if s.name.lower() in seen:
                    continue
                seen.add(s.name.lower())
                out.append(
                    Candidate(
                        index,
                        r,
                        s.name,
                        s.supplier_country,
                        s.registered,
                        cats or s.categories,
                        implicit,
                        vendor_id=s.vendor_id,
                    )
                )
        elif unnamed:
            out.extend(Candidate(index, r, None, c, False, cats, implicit) for c in unnamed)
        elif cats and not implicit:
            out.append(Candidate(index, r, None, None, False, cats, implicit))
    return out


def supplier_homes(sentences: Sequence[SentenceMentions], homes: set[str]) -> set[str]:
    """Those of `homes` (home countries of named suppliers) that are not the document's only
    recipient side: where the document places a supplier in some other country, a mention of
    its home is the supplier side unless the text states a system in use there. A document only
    about a company at home ("the NYPD's Palantir contract") keeps its home as the recipient."""
    elsewhere = {c.iso3 for sm in sentences for c in sm.countries if c.role == RECIPIENT}
    return {h for h in homes if elsewhere - {h}}


def doc_supplier_countries(sentences: Sequence[SentenceMentions]) -> set[str]:
    """Countries the document names on the supplier side without naming a company."""
    out: set[str] = set()
    for sm in sentences:
        for c in sm.countries:
            if c.role == SUPPLIER and c.attached is None:
                out.add(c.iso3)
    return out


def main_recipient(sentences: Sequence[SentenceMentions]) -> str | None:
    """The most mentioned recipient-side country; the document's subject when a sentence
    names only the supplier ("the contract was awarded to X")."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for sm in sentences:
        for c in sm.countries:
            if c.role == RECIPIENT:
                counts[c.iso3] += 1
                first.setdefault(c.iso3, c.start)
    if not counts:
        return None
    return max(counts, key=lambda k: (counts[k], -first[k]))


_OPINION = _VOCAB.pattern("opinion")


def is_opinion(sentences: Sequence[SentenceMentions]) -> bool:
    """Opinion pieces argue; only sentences that name a recipient themselves may state a fact."""
    return bool(sentences) and bool(_OPINION.match(sentences[0].ctx.sentence.text))


def link(text: str, sentences: Sequence[SentenceMentions]) -> list[Candidate]:
    """All candidates of the document, implicit recipients resolved."""
    # First pass fixes roles so that document-level supplier countries are known.
    for sm in sentences:
        assign_roles(text, sm.ctx, sm.countries, sm.suppliers)
        if sm.suppliers and (sm.ctx.has("deployment_predicates") or sm.ctx.has("deployment_nouns")):
            # only a sentence that may state a deal needs its other parties told apart
            mark_parties(text, sm.ctx.sentence.start, sm.ctx.sentence.text, sm.suppliers, sm.countries)
    all_homes = {h for sm in sentences for s in sm.suppliers if (h := s.supplier_country)}
    demote_home_countries(
        text,
        [(sm.ctx.sentence.start, sm.ctx.sentence.end, sm.countries) for sm in sentences],
        supplier_homes(sentences, all_homes),
        all_homes,
    )
    recipients = {c.iso3 for sm in sentences for c in sm.countries if c.role == RECIPIENT}
    for sm in sentences:
        for ref in sm.countries:
            # "Ugandan officials used ...": the state of a recipient acting as the subject
            if (
                ref.role == ACTOR
                and ref.iso3 in recipients
                and _SUBJECT_START.match(text, sm.ctx.sentence.start, ref.start)
            ):
                ref.role = RECIPIENT
    doc_suppliers = doc_supplier_countries(sentences)
    state = DocState()
    cands: list[Candidate] = []
    for sm in sentences:
        cands.extend(sentence_candidates(text, sm, state, doc_suppliers))
    main = None if is_opinion(sentences) else main_recipient(sentences)
    out: list[Candidate] = []
    for c in cands:
        if c.implicit:
            if main is None:
                continue
            c.country = main
        out.append(c)
    return out
