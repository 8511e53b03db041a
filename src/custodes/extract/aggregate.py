"""One Deployment per (recipient, supplier) pair of a document.

Candidates of several sentences about the same pair are merged: their technologies are united,
the lead sentence decides status, and a record with no supplier is dropped when the same
recipient has a record that names one (the unnamed mention is then the same deal, less precisely
put).

Over-generation guards live here too: cameras told with a smart-city, face- or plate-recognition
function are that system, not plain CCTV as well; a headline about no one in particular frames
no record of a story about several countries; a record that only tells the deal (signed, won the
bidding) is planned unless the document states the same recipient's system running; and a
removal takes no year from the rest of the story.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from custodes.extract.context import SentenceContext
from custodes.extract.dates import document_year, first_deployment_year
from custodes.extract.financing import find_financing
from custodes.extract.linker import Candidate
from custodes.extract.model import Deployment, Evidence, Facets, Financing, supplier_key
from custodes.extract.programme import ProgrammeMention, programme_in
from custodes.extract.status import CANCELLED, classify_status, document_status, sentence_status

FALLBACK_TECH = "video_surveillance"


@dataclass
class _Group:
    country: str
    supplier: str | None
    supplier_country: str | None
    registered: bool
    vendor_id: str | None = None
    sentences: list[int] = field(default_factory=list)
    tech: dict[str, None] = field(default_factory=dict)
    vendor_tech: tuple[str, ...] = ()
    explicit: bool = False


def _key(c: Candidate) -> tuple[str, str, str]:
    return (c.country, *supplier_key(c.supplier, c.vendor_id, c.supplier_country))


def _continues(ctx: SentenceContext) -> bool:
    """A sentence that names no party but states a system ("Installed cameras will be able to
    recognise faces.") continues the passage it sits in."""
    return bool(ctx.tech) and ctx.states_deployment() and not ctx.negative and not ctx.has("hedges")


def _group(
    cands: Sequence[Candidate],
    contexts: Sequence[SentenceContext],
    bare: frozenset[int] = frozenset(),
) -> list[_Group]:
    groups: dict[tuple[str, str, str], _Group] = {}
    for c in cands:
        g = groups.get(_key(c))
        if g is None:
            g = _Group(c.country, c.supplier, c.supplier_country, c.registered, c.vendor_id)
            groups[_key(c)] = g
        if c.sentence not in g.sentences:
            g.sentences.append(c.sentence)
        for t in contexts[c.sentence].categories:
            g.tech.setdefault(t, None)
        for j in (c.sentence - 1, c.sentence + 1):
            if j in bare and _continues(contexts[j]):
                for t in contexts[j].categories:
                    g.tech.setdefault(t, None)
        if c.tech_given:
            for t in c.categories:
                g.tech.setdefault(t, None)
        if not contexts[c.sentence].categories:
            g.vendor_tech = g.vendor_tech or c.categories
        g.explicit = g.explicit or not c.implicit
        if g.supplier_country is None and c.supplier_country:
            g.supplier_country = c.supplier_country
    for g in groups.values():
        g.sentences.sort()
    return list(groups.values())


def _is_covered(g: _Group, groups: list[_Group]) -> bool:
    """A record without a supplier is covered when a more precise one exists for the same
    recipient: any named supplier (the guidelines record no unnamed vendor for a country that a
    named one supplies, whatever its nationality), or any record at all when even the
    nationality is unknown."""
    if g.supplier is not None:
        return False
    others = [h for h in groups if h is not g and h.country == g.country]
    if g.supplier_country is None:
        return bool(others)
    return any(h.supplier for h in others)


def _drop_vague(groups: list[_Group]) -> tuple[list[_Group], dict[str, list[_Group]]]:
    """Kept records, and per recipient the vague records folded into them (same deal, less
    precisely put: their sentences still tell the year)."""
    kept: list[_Group] = []
    folded: dict[str, list[_Group]] = {}
    for g in groups:
        if _is_covered(g, groups):
            folded.setdefault(g.country, []).append(g)
        else:
            kept.append(g)
    return kept, folded


def _doc_tech(contexts: Sequence[SentenceContext]) -> list[str]:
    """Technologies of the document in order of frequency, for records whose own sentences
    name none ("the contract was awarded to X")."""
    counts: dict[str, int] = {}
    for ctx in contexts:
        for t in ctx.categories:
            counts[t] = counts.get(t, 0) + 1
    return sorted(counts, key=lambda t: -counts[t])


# Headline plus the first two body sentences: where news states what the deal is about.
LEAD_SENTENCES = 3


@dataclass
class _Lead:
    """Who the headline and lead sentences are about: recipients and named suppliers."""

    countries: dict[int, set[str]] = field(default_factory=dict)
    suppliers: dict[int, set[tuple[str, str]]] = field(default_factory=dict)
    several_recipients: bool = False  # the document's records are in more than one country


def _supplier_key(supplier: str | None, vendor_id: str | None) -> tuple[str, str] | None:
    return supplier_key(supplier, vendor_id, None) if supplier or vendor_id else None


def _continues_record(i: int, g: _Group, lead: _Lead) -> bool:
    """Whether lead sentence i, which names no one, is about this record: a body sentence right
    next to one of its sentences ("... installed cameras. The cameras feed a command centre."),
    or the headline of a story about a single country. A headline about no one in particular
    over a story about several countries frames none of their records that have technologies of
    their own."""
    if i == 0:
        return not lead.several_recipients
    return any(abs(i - j) == 1 for j in g.sentences)


def _lead_tech(contexts: Sequence[SentenceContext], g: _Group, lead: _Lead, own: bool) -> list[str]:
    """Technologies of the headline and lead, the article's framing of the deal, from the
    lead sentences that are about this recipient or about no recipient in particular. A record
    with technologies of its own (`own`) takes none from lead sentences about another named
    supplier: "Huawei cameras with face recognition go live" frames Huawei's deal, not that of
    the local firm that laid the cables."""
    seen: dict[str, None] = {}
    key = _supplier_key(g.supplier, g.vendor_id)
    for i, ctx in enumerate(contexts[:LEAD_SENTENCES]):
        about = lead.countries.get(i)
        if about and g.country not in about:
            continue
        named = lead.suppliers.get(i)
        if own and named and key not in named:
            continue
        if own and not about and not named and not _continues_record(i, g, lead):
            continue
        for t in ctx.categories:
            seen.setdefault(t, None)
    return list(seen)


# Categories that state what cameras do: with one of them, the cameras are that system.
_CAMERA_FUNCTIONS = frozenset({"smart_city", "facial_recognition", "smart_policing"})
VIDEO = "video_surveillance"


def _plain_video_stated(sentences: Sequence[int], contexts: Sequence[SentenceContext]) -> bool:
    """One of the record's sentences tells cameras without stating a function for them ("Huawei
    supplied a share of the cameras"); cameras told together with their function ("linking
    1,800 cameras to a command centre") are that function's system."""
    for i in sentences:
        cats = contexts[i].categories
        if VIDEO in cats and not _CAMERA_FUNCTIONS.intersection(cats):
            return True
    return False


def _without_plain_video(
    tech: list[str], g: _Group, folded: Sequence[_Group], lead: _Lead, contexts: Sequence[SentenceContext]
) -> list[str]:
    """Plain video surveillance is the category for cameras with no AI function stated; once a
    smart-city, face-recognition or plate-recognition function is attached, the cameras are
    that system. Face recognition always absorbs the cameras it runs on; next to a smart-city
    or plate-recognition function, plain CCTV stays only when the record's sentences name it."""
    if VIDEO not in tech or not _CAMERA_FUNCTIONS.intersection(tech):
        return tech
    if "facial_recognition" in tech or not _plain_video_stated(
        _record_sentences(g, folded, lead, len(contexts)), contexts
    ):
        return [t for t in tech if t != VIDEO]
    return tech


def _record_sentences(g: _Group, folded: Sequence[_Group], lead: _Lead, n: int) -> list[int]:
    """The sentences that tell a record: its own, those of the vaguer records folded into it,
    and the lead sentences about its recipient or supplier."""
    out = set(g.sentences)
    for f in folded:
        out.update(f.sentences)
    key = _supplier_key(g.supplier, g.vendor_id)
    for i in range(min(LEAD_SENTENCES, n)):
        if g.country in lead.countries.get(i, ()) or key in lead.suppliers.get(i, ()):
            out.add(i)
    return sorted(out)


def _tech_for(
    g: _Group,
    contexts: Sequence[SentenceContext],
    doc_tech: list[str],
    lead: _Lead,
    folded: Sequence[_Group] = (),
) -> list[str]:
    return _without_plain_video(_raw_tech(g, contexts, doc_tech, lead), g, folded, lead, contexts)


def _raw_tech(
    g: _Group,
    contexts: Sequence[SentenceContext],
    doc_tech: list[str],
    lead: _Lead,
) -> list[str]:
    """Own sentences plus the lead; a record whose sentences name no technology ("the contract
    went to X") takes the lead's, then its neighbours', then the vendor's line of business."""
    if g.tech:
        return list(dict.fromkeys([*g.tech, *_lead_tech(contexts, g, lead, own=True)]))
    framing = _lead_tech(contexts, g, lead, own=False)
    if framing:
        return framing
    near: dict[str, None] = {}
    for i in g.sentences:
        for j in (i - 1, i + 1):
            if 0 <= j < len(contexts):
                for t in contexts[j].categories:
                    near.setdefault(t, None)
    if near:
        return list(near)
    if doc_tech:
        return doc_tech[:1]
    if g.vendor_tech:
        return list(g.vendor_tech[:1])
    return [FALLBACK_TECH]


def _counts(sentences: Iterable[int], contexts: Sequence[SentenceContext]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in sentences:
        if 0 <= i < len(contexts):
            for t in contexts[i].categories:
                out[t] = out.get(t, 0) + 1
    return out


def _category_facets(
    g: _Group, tech: Sequence[str], contexts: Sequence[SentenceContext], doc_tech: Sequence[str], lead: _Lead,
) -> dict[str, dict[str, float]]:
    """Features of every category a record could be about, the ones the rules chose among
    them: how strongly the record's own sentences, the lead, the neighbouring sentences, the
    document and the vendor's line of business state each one. The attribute scorer learns
    from them how often a category so stated is one the document really tells."""
    own = _counts(g.sentences, contexts)
    near = _counts({j for i in g.sentences for j in (i - 1, i + 1)} - set(g.sentences), contexts)
    in_doc = _counts(range(len(contexts)), contexts)
    lead_own = set(_lead_tech(contexts, g, lead, own=True))
    lead_any = set(_lead_tech(contexts, g, lead, own=False))
    head = set(contexts[0].categories) if contexts else set()
    options = dict.fromkeys([*tech, *g.tech, *own, *lead_own, *lead_any, *near, *g.vendor_tech, *doc_tech[:1]])
    n = max(1, len(contexts))
    out: dict[str, dict[str, float]] = {}
    for t in options:
        f = {
            "bias": 1.0,
            "chosen": float(t in tech),
            "chosen_alone": float(list(tech) == [t]),
            "chosen_n": float(len(tech)),
            "grouped": float(t in g.tech),
            "own": own.get(t, 0) / max(1, len(g.sentences)),
            "own_categories": float(len(own)),
            "lead_own": float(t in lead_own),
            "lead_any": float(t in lead_any),
            "head": float(t in head),
            "near": float(t in near),
            "doc_share": in_doc.get(t, 0) / n,
            "doc_top": float(bool(doc_tech) and doc_tech[0] == t),
            "vendor": float(t in g.vendor_tech),
            "vendor_first": float(bool(g.vendor_tech) and g.vendor_tech[0] == t),
            "video_beside_function": float(t == VIDEO and bool(_CAMERA_FUNCTIONS.intersection(own))),
            "function_beside_video": float(t in _CAMERA_FUNCTIONS and VIDEO in own),
            f"category_{t}": 1.0,
        }
        out[t] = {k: v for k, v in f.items() if v}
    return out


def _status_facets(status: str) -> dict[str, float]:
    """Features of the status the rules chose: the choice itself. Cross-validation found that
    the cue counts, the first sentence's cues and the document's frame made the confidence
    worse than the rate at which each chosen status is right (README, "Extraction")."""
    return {"bias": 1.0, f"chosen_{status}": 1.0}


def _evidence(text: str, g: _Group, contexts: Sequence[SentenceContext]) -> list[Evidence]:
    lead = contexts[g.sentences[0]].sentence
    return [Evidence(lead.text, lead.start, lead.end)]


def _financing(
    text: str,
    g: _Group,
    contexts: Sequence[SentenceContext],
    fallback: Sequence[int] = (),
    seen: dict[int, Financing | None] | None = None,
    others: Mapping[int, set[str]] | None = None,
) -> Financing | None:
    """Financing stated by the record's own sentences, else by `fallback` sentences ("The
    programme was financed with a loan from ...", which names no party of its own). `seen`
    keeps each sentence's answer across the records of a document."""
    cache = {} if seen is None else seen
    found: Financing | None = None
    for i in [*g.sentences, *fallback]:
        if i not in cache:
            s = contexts[i].sentence
            cache[i] = find_financing(text, s.start, s.end)
        if cache[i] is not None:
            found = cache[i]
            break
    if found is not None and found.amount is not None:
        return found
    return _passage_financing(text, g, contexts, others or {}) or found


# How far a deal's passage runs past its own sentence: "It came with a $180m price tag. The
# government had to borrow the money from China." states the terms a sentence or two later.
PASSAGE_SENTENCES = 2


def _passage_financing(
    text: str, g: _Group, contexts: Sequence[SentenceContext], others: Mapping[int, set[str]]
) -> Financing | None:
    """Terms stated in the sentences right after one of the record's own, up to a sentence
    about another recipient: the passage is read as one span, so an amount in one sentence and
    the loan or lender in the next make one financing statement."""
    for i in g.sentences:
        end = i
        for j in range(i + 1, min(len(contexts), i + 1 + PASSAGE_SENTENCES)):
            if others.get(j, set()) - {g.country}:
                break
            end = j
        if end == i:
            continue
        found = find_financing(text, contexts[i].sentence.start, contexts[end].sentence.end)
        if found is not None and found.amount is not None:
            return found
    return None


def _programme(g: _Group, contexts: Sequence[SentenceContext], progs: Sequence[ProgrammeMention]) -> str | None:
    for i in g.sentences:
        s = contexts[i].sentence
        p = programme_in(progs, s.start, s.end)
        if p:
            return p
    return None


def _frame(country: str, contexts: Sequence[SentenceContext], recipients: Mapping[int, set[str]]) -> str | None:
    """The first status the document states about this recipient, or in sentences about no
    recipient in particular: "the cameras went live in Nairobi" makes a later "the contract went
    to X" the history of a running system, while a system running in another country says
    nothing about this one's deal."""
    for i, ctx in enumerate(contexts):
        about = recipients.get(i)
        if about and country not in about:
            continue
        st = sentence_status(ctx.sentence.text)
        if st is not None and st != CANCELLED:
            return st
    return None


def _confidence(g: _Group) -> float:
    score = 0.5
    score += 0.15 if g.explicit else 0.0
    score += 0.15 if g.supplier else 0.0
    score += min(0.15, 0.05 * (len(g.sentences) - 1))
    score += 0.05 if g.tech else 0.0
    return round(min(score, 0.99), 2)


def record_keys(
    cands: Sequence[Candidate],
    contexts: Sequence[SentenceContext],
    bare: frozenset[int] = frozenset(),
) -> list[tuple[str, str, str]]:
    """The (country, supplier key) of each record build_deployments would make of the
    candidates, without reading their status, year, programme or financing: what the learned
    scorer needs of the rules' verdict."""
    kept, _ = _drop_vague(_group(cands, contexts, bare))
    return [(g.country, *supplier_key(g.supplier, g.vendor_id, g.supplier_country)) for g in kept]


def build_deployments(
    text: str,
    cands: Sequence[Candidate],
    contexts: Sequence[SentenceContext],
    progs: Sequence[ProgrammeMention],
    recipients: Mapping[int, set[str]] | None = None,
    bare: frozenset[int] = frozenset(),
) -> list[Deployment]:
    """Merge candidates into Deployment records, ordered by first evidence. `bare` are the
    sentences that name no country and no supplier: they lend their technologies to the
    records of the sentences next to them."""
    doc_tech = _doc_tech(contexts)
    doc_prog = progs[0].name if progs else None
    all_texts = [c.sentence.text for c in contexts]
    doc_status = document_status(all_texts)
    doc_year = document_year(all_texts)
    out: list[Deployment] = []
    lead = _Lead({i: set(v) for i, v in (recipients or {}).items() if i < LEAD_SENTENCES and v})
    for c in cands:
        if c.sentence < LEAD_SENTENCES:
            lead.countries.setdefault(c.sentence, set()).add(c.country)
            key = _supplier_key(c.supplier, c.vendor_id)
            if key:
                lead.suppliers.setdefault(c.sentence, set()).add(key)
    kept, folded = _drop_vague(_group(cands, contexts, bare))
    single = len({g.country for g in kept}) == 1
    lead.several_recipients = not single
    if not single:
        doc_year = None  # the document's one year may belong to another recipient's deal
    # with one recipient, a financing sentence that names no party is about its deal
    fin_fallback = sorted(bare) if single else []
    frames: dict[str, str | None] = {}
    financing_seen: dict[int, Financing | None] = {}
    for g in kept:
        for f in folded.get(g.country, []):
            for t in f.tech:
                g.tech.setdefault(t, None)
        texts = [contexts[i].sentence.text for i in g.sentences]
        vague = [contexts[i].sentence.text for f in folded.get(g.country, []) for i in f.sentences]
        if g.country not in frames:
            frames[g.country] = _frame(g.country, contexts, recipients or {})
        status = classify_status(texts, doc_status, frames[g.country])
        tech = _tech_for(g, contexts, doc_tech, lead, folded.get(g.country, []))
        year = first_deployment_year(texts)
        if year is None and status != CANCELLED:
            # a removal's story dates the removal, the audit or the report; only its own
            # sentences may still tell when the system was bought
            year = first_deployment_year(vague) or doc_year
        out.append(
            Deployment(
                country=g.country,
                supplier=g.supplier,
                supplier_country=g.supplier_country,
                tech=tech,
                year=year,
                # the document's programme names the deal only when the document tells one deal
                program=_programme(g, contexts, progs) or (doc_prog if len(kept) == 1 else None),
                status=status,
                evidence=_evidence(text, g, contexts),
                confidence=_confidence(g),
                financing=_financing(text, g, contexts, fin_fallback, financing_seen, recipients),
                extra={"vendor_id": g.vendor_id} if g.vendor_id else {},
                facets=Facets(_category_facets(g, tech, contexts, doc_tech, lead),
                              _status_facets(status)),
            )
        )
    out.sort(key=lambda d: d.evidence[0].start if d.evidence else 0)
    return out
