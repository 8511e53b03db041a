"""High-recall deployment candidates and the features a learned scorer decides them on.

The rule linker states what a careful reader would conclude from each sentence; on text it was
not written against it misses deals and over-links bystanders. So the rules' verdict becomes
one feature among many: every (recipient country, supplier) pairing the document makes
possible is a candidate, described by where and how its two sides are mentioned (same
sentence, verbs and hedges around them, roles the role component gave the country, lead
position, how many other parties compete), and the scorer (scorer.py) decides which are
deployments. Features are named, so the model file says what it weighs; each kind of candidate (a named
company, a supplier nationality, no supplier) has weights of its own, since what makes a
named company a supplier is not what makes an unattributed system a deployment.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

from custodes.extract.context import SentenceContext
from custodes.extract.linker import Candidate, SentenceMentions, _strong_predicate
from custodes.extract.mentions import CountryRef, SupplierRef
from custodes.extract.model import supplier_key
from custodes.extract.parties import is_party_only
from custodes.extract.roles import ACTOR, BYSTANDER, HEDGED, INTERNAL, RECIPIENT, SUPPLIER

NAMED = "named"  # a company named by the document
NATIONALITY = "nationality"  # no company, a supplier country ("Chinese firms")
UNNAMED = "unnamed"  # neither: a domestic or unattributed system

ROLES = (RECIPIENT, SUPPLIER, BYSTANDER, HEDGED, INTERNAL, ACTOR)
COUNTRY_KINDS = ("name", "alias", "demonym", "city", "region", "programme")
LEAD = 3  # headline and first two body sentences


@dataclass
class PairCandidate:
    """One possible deployment of a document and the evidence for and against it."""

    country: str
    supplier: str | None
    supplier_country: str | None
    vendor_id: str | None
    kind: str
    registered: bool = False
    categories: tuple[str, ...] = ()
    sentences: list[int] = field(default_factory=list)  # sentences naming both sides (or the country)
    features: dict[str, float] = field(default_factory=dict)

    @cached_property
    def key(self) -> tuple[str, str, str]:
        """(country, supplier key); a candidate's sides never change once it is made."""
        return (self.country, *supplier_key(self.supplier, self.vendor_id, self.supplier_country))


@dataclass
class _CountryStats:
    mentions: list[tuple[int, CountryRef]] = field(default_factory=list)

    @property
    def sentences(self) -> set[int]:
        return {i for i, _ in self.mentions}


@dataclass
class _SupplierStats:
    ref: SupplierRef
    mentions: list[tuple[int, SupplierRef]] = field(default_factory=list)

    @property
    def sentences(self) -> set[int]:
        return {i for i, _ in self.mentions}


def _log(n: float) -> float:
    return math.log1p(n)


def _country_table(per_sentence: Sequence[SentenceMentions]) -> dict[str, _CountryStats]:
    out: dict[str, _CountryStats] = defaultdict(_CountryStats)
    for sm in per_sentence:
        for c in sm.countries:
            out[c.iso3].mentions.append((sm.ctx.sentence.index, c))
    return dict(out)


def _supplier_table(per_sentence: Sequence[SentenceMentions]) -> dict[tuple[str, str], _SupplierStats]:
    out: dict[tuple[str, str], _SupplierStats] = {}
    for sm in per_sentence:
        for s in sm.suppliers:
            k = supplier_key(s.name, s.vendor_id, None)
            st = out.get(k)
            if st is None:
                st = out[k] = _SupplierStats(s)
            st.mentions.append((sm.ctx.sentence.index, s))
    return out


def _country_features(st: _CountryStats, n_sent: int, main_share: float) -> dict[str, float]:
    n = len(st.mentions)
    roles: dict[str, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)
    for _, c in st.mentions:
        roles[c.role] += 1
        kinds[c.kind] += 1
    first = min(st.sentences)
    f: dict[str, float] = {
        "c_mentions": _log(n),
        "c_in_head": float(0 in st.sentences),
        "c_in_lead": float(first < LEAD),
        "c_first_pos": first / max(1, n_sent),
        "c_main": main_share,  # recipient mentions relative to the most-mentioned recipient
        "c_recipient_any": float(roles[RECIPIENT] > 0),
    }
    for r in ROLES:
        f[f"c_role_{r}"] = roles[r] / n
    for k in COUNTRY_KINDS:
        f[f"c_kind_{k}"] = kinds[k] / n
    return f


def _sentence_signals(sm: SentenceMentions) -> dict[str, float]:
    ctx = sm.ctx
    n_countries = len({c.iso3 for c in sm.countries})
    return {
        "list": float(n_countries >= 3),
        "crowded": float(len({s.name for s in sm.suppliers}) >= 3),
        "strong": float(_strong_predicate(ctx)),
        "pred": float(ctx.has("deployment_predicates")),
        "noun": float(ctx.has("deployment_nouns")),
        "tech": float(bool(ctx.tech)),
        "hedge": float(ctx.has("hedges")),
        "negative": float(ctx.negative),
        "ban": float(ctx.barred),
        "business": float(ctx.business_event),
        "states": float(ctx.states_deployment() and not ctx.negative),
    }


SIGNALS = ("pred", "noun", "tech", "hedge", "negative", "ban", "business", "states", "list", "crowded", "strong")


@cache
def _co_names(prefix: str) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    return (f"{prefix}_n", f"{prefix}_any", f"{prefix}_in_lead", tuple((n, f"{prefix}_{n}") for n in SIGNALS))


def _co_features(
    prefix: str,
    both: Iterable[int],
    signals: Sequence[dict[str, float]],
    memo: dict[tuple[str, tuple[int, ...]], dict[str, float]] | None = None,
) -> dict[str, float]:
    """How often, and in what kind of sentences, two sides meet (sparse: zeros left out)."""
    idx = tuple(sorted(set(both)))
    if not idx:
        return {}  # two sides that never meet (most pairs of a long story): all zero
    if memo is not None and (prefix, idx) in memo:
        return memo[(prefix, idx)]
    n_name, any_name, lead_name, names = _co_names(prefix)
    f: dict[str, float] = {n_name: math.log1p(len(idx)), any_name: 1.0}
    if idx[0] < LEAD:
        f[lead_name] = 1.0
    for name, key in names:
        total = sum(signals[i][name] for i in idx)
        if total:
            f[key] = math.log1p(total)
    if memo is not None:
        memo[(prefix, idx)] = f
    return f


def _roles_in(prefix: str, st: _CountryStats, sentences: set[int]) -> dict[str, float]:
    """How the country is named where it meets the other side: as the place, the supplier's
    home, a bystander (sparse: zeros left out)."""
    if not sentences:
        return {}
    refs = [c.role for i, c in st.mentions if i in sentences]
    n = max(1, len(refs))
    return {f"{prefix}_{r}": refs.count(r) / n for r in (RECIPIENT, SUPPLIER, BYSTANDER, HEDGED) if r in refs}


def _near(a: set[int], b: set[int], gap: int) -> set[int]:
    """Sentences of `a` with a sentence of `b` at most `gap` away."""
    reach = {j + d for j in b for d in range(-gap, gap + 1)}
    return a & reach


def _min_distance(country: _CountryStats, supplier: _SupplierStats) -> float:
    best = 10_000
    for i, c in country.mentions:
        for j, s in supplier.mentions:
            if i == j:
                best = min(best, abs(c.start - s.start))
    return min(best, 400) / 400


def _rule_keys(rule: Sequence[Candidate]) -> dict[tuple[str, str, str], int]:
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    for c in rule:
        out[(c.country, *supplier_key(c.supplier, c.vendor_id, c.supplier_country))] += 1
    return out


def _supplier_features(st: _SupplierStats, ctxs: Sequence[SentenceContext], n_sent: int) -> dict[str, float]:
    n = len(st.mentions)
    first = min(st.sentences)
    hedged = sum(ctxs[i].hedged_before(s.start, s.end) for i, s in st.mentions)
    return {
        "s_mentions": _log(n),
        "s_registered": float(st.ref.registered),
        "s_canonical": float(st.ref.registered and st.ref.canonical),
        "s_in_head": float(0 in st.sentences),
        "s_in_lead": float(first < LEAD),
        "s_first_pos": first / max(1, n_sent),
        "s_party_frac": sum(is_party_only(s) for _, s in st.mentions) / n,
        "s_hedged_frac": hedged / n,
        "s_home_known": float(st.ref.supplier_country is not None),
        "s_product": float(any("product" in s.flags for _, s in st.mentions)),
    }


def generate(
    per_sentence: Sequence[SentenceMentions],
    rule: Sequence[Candidate],
    rule_records: Iterable[tuple[str, str, str]],
    home_supplied: frozenset[str] = frozenset(),
) -> list[PairCandidate]:
    """Every pairing of a country with a named supplier, a supplier nationality or no supplier,
    with its features. `rule` are the linker's candidates, `rule_records` the keys of the
    records the rules alone would have stored. In `home_supplied` states an unattributed
    system is supplied from home: its candidate carries the state as supplier country."""
    ctxs = [sm.ctx for sm in per_sentence]
    n_sent = len(ctxs)
    if not n_sent:
        return []
    signals = [_sentence_signals(sm) for sm in per_sentence]
    countries = _country_table(per_sentence)
    suppliers = _supplier_table(per_sentence)
    rule_cands = _rule_keys(rule)
    explicit = set(_rule_keys([c for c in rule if not c.implicit]))
    records = set(rule_records)
    rule_countries = {k[0] for k in records}
    recipient_counts = {iso: sum(c.role == RECIPIENT for _, c in st.mentions) for iso, st in countries.items()}
    top = max(recipient_counts.values(), default=0)
    homes = {st.ref.supplier_country for st in suppliers.values() if st.ref.supplier_country}
    nationalities = {
        c.iso3 for sm in per_sentence for c in sm.countries if c.role == SUPPLIER and c.attached is None
    }
    doc = {
        "d_countries": _log(len(countries)),
        "d_recipients": _log(sum(1 for v in recipient_counts.values() if v)),
        "d_suppliers": _log(len(suppliers)),
        "d_sentences": _log(n_sent),
        "d_rule_records": _log(len(records)),
        "bias": 1.0,
    }
    for name in ("hedge", "negative", "ban", "business", "states"):
        doc[f"d_{name}_frac"] = sum(sig[name] for sig in signals) / n_sent
    memo: dict[tuple[str, tuple[int, ...]], dict[str, float]] = {}
    per_supplier = {sk: _nonzero(_supplier_features(sst, ctxs, n_sent)) for sk, sst in suppliers.items()}
    supplier_sents = {sk: sst.sentences for sk, sst in suppliers.items()}
    supplier_reach = {sk: {j + d for j in ss for d in (-1, 0, 1)} for sk, ss in supplier_sents.items()}
    # sentences where the supplier is the subject (named in its first words)
    subject_in = {sk: {i for i, m in sst.mentions if m.start - ctxs[i].sentence.start < 4}
                  for sk, sst in suppliers.items()}
    recorded_in: dict[tuple[str, str], set[str]] = defaultdict(set)
    for k in records:
        recorded_in[k[1:]].add(k[0])
    # keys the rules link from a sentence that names no recipient resolve to the main one
    for c in rule:
        countries.setdefault(c.country, _CountryStats())
    out: list[PairCandidate] = []
    for iso3, cst in countries.items():
        share = recipient_counts.get(iso3, 0) / top if top else 0.0
        cf = _country_features(cst, n_sent, share) if cst.mentions else {"c_implicit": 1.0}
        cf["c_is_supplier_home"] = float(iso3 in homes)
        cf["c_rule_country"] = float(iso3 in rule_countries)
        c_sents = cst.sentences
        base = _nonzero({**doc, **cf})
        co_suppliers = 0
        for sk, sst in suppliers.items():
            s_sents = supplier_sents[sk]
            same = c_sents & s_sents
            co_suppliers += bool(same)
            key = (iso3, *sk)
            if not cst.mentions and key not in rule_cands:
                continue  # a recipient only the rules' implicit links name pairs with what they linked
            ref = sst.ref
            pc = PairCandidate(iso3, ref.name, ref.supplier_country, ref.vendor_id, NAMED,
                               ref.registered, ref.categories, sorted(same))
            f = {**base, **per_supplier[sk]}
            if same:
                f.update(_co_features("same", same, signals, memo))
            near = (c_sents & supplier_reach[sk]) - same
            if near:
                f.update(_co_features("near", near, signals, memo))
            if same:
                f.update(_roles_in("same_role", cst, same))
            pair = {
                "same_distance": _min_distance(cst, sst) if same else 1.0,
                "s_subject": float(bool(subject_in[sk] & same)),
                "rule_explicit": float(key in explicit),
                "home_is_country": float(ref.supplier_country == iso3),
                "rule_candidate": _log(rule_cands.get(key, 0)),
                "rule_record": float(key in records),
                "s_rule_elsewhere": float(bool(recorded_in.get(sk, set()) - {iso3})),
            }
            f.update((k, v) for k, v in pair.items() if v)  # the other parts hold no zeros
            pc.features = f
            out.append(pc)
        for nat in sorted(nationalities - {iso3}):
            nst = countries[nat]
            same = c_sents & nst.sentences
            pc = PairCandidate(iso3, None, nat, None, NATIONALITY, sentences=sorted(same))
            f = dict(base)
            f.update(_co_features("same", same, signals))
            f.update(_co_features("near", _near(c_sents, nst.sentences, 1) - same, signals))
            f["nat_named_exists"] = float(nat in homes)
            f.update(_roles_in("same_role", cst, same))
            f["nat_supplier_frac"] = sum(c.role == SUPPLIER for _, c in nst.mentions) / max(1, len(nst.mentions))
            f["rule_candidate"] = _log(rule_cands.get(pc.key, 0))
            f["rule_record"] = float(pc.key in records)
            pc.features = _nonzero(f)
            out.append(pc)
        home = iso3 if iso3 in home_supplied else None
        pc = PairCandidate(iso3, None, home, None, UNNAMED, sentences=sorted(c_sents))
        f = dict(base)
        f.update(_co_features("own", c_sents, signals))
        f["co_suppliers"] = _log(co_suppliers)
        f["rule_candidate"] = _log(rule_cands.get(pc.key, 0))
        f["rule_record"] = float(pc.key in records)
        pc.features = _nonzero(f)
        out.append(pc)
    return out


def _nonzero(features: dict[str, float]) -> dict[str, float]:
    """Features are sparse: an absent feature is 0, for training (DictVectorizer) and scoring."""
    return {k: v for k, v in features.items() if v}
