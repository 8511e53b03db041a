"""Country and supplier mentions of a document, from the resolvers plus shape-found companies.

The resolvers (gazetteer, vendor registry) are passed in behind small protocols so that the
extractor stays independent of how the reference lists are stored and loaded.

Registry vendors named in the annotation guidelines are reported under their canonical name;
every other company is reported as the document spells it (its short form, without legal
suffix), while its registry id travels along so that storage can still resolve it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import ahocorasick

from custodes.extract.companies import (
    PLACE_MASKING_KINDS,
    CompanyMention,
    distinctive_extension,
    find_companies,
    is_financier_name,
    short_name,
    strip_legal_suffix,
)
from custodes.extract.cues import cue_lists
from custodes.extract.sentences import Sentence
from custodes.extract.vocab import lang_file, vocabulary
from custodes.resolve.countries import CountryMention, Gazetteer
from custodes.resolve.vendors import Vendor, VendorMention, VendorRegistry

# The extractor works on the resolvers' own records. These names were protocols when tests used
# stand-in resolvers; the tests now use the real gazetteer and registry.
CountryLike = CountryMention
VendorLike = Vendor
VendorMentionLike = VendorMention
CountryFinder = Gazetteer
VendorFinder = VendorRegistry


@dataclass
class CountryRef:
    """A country mention with the role the linker gave it."""

    start: int
    end: int
    surface: str
    iso3: str
    kind: str
    role: str = "recipient"  # recipient | supplier | bystander | hedged | internal
    attached: int | None = None  # index of the supplier mention it qualifies


@dataclass
class SupplierRef:
    """A named supplier mention: registry vendor, shape-found company or product alias."""

    start: int
    end: int
    surface: str
    name: str
    country: str | None
    registered: bool
    categories: tuple[str, ...] = ()
    stated_country: str | None = None
    flags: set[str] = field(default_factory=set)
    vendor_id: str | None = None
    canonical: bool = True  # registry name is the guidelines' spelling
    product_tech: tuple[str, ...] = ()  # categories of the product this mention names

    @property
    def supplier_country(self) -> str | None:
        return self.country or self.stated_country


_VOCAB = vocabulary("mentions")
_PRODUCT_AFTER = _VOCAB.pattern("product_after")
# "Beacon, the phone-hacking tool sold by Acme": a product named by apposition.
_PRODUCT_BEFORE = _VOCAB.pattern("product_before")
_PRODUCT_STOP = _VOCAB.pattern("product_stop")
# "Huawei's Safe City solution": the capitalised word opens a longer name, not a product.
_NAME_CONTINUES = re.compile(r"[ ]+[A-Z]")


def _vendor_refs(text: str, vendors: VendorFinder) -> list[SupplierRef]:
    out: list[SupplierRef] = []
    for vm in vendors.find(text):
        out.append(_registry_ref(vm.start, vm.end, vm.surface, vm.vendor))
    return out


def _registry_ref(start: int, end: int, surface: str, v: VendorLike) -> SupplierRef:
    return SupplierRef(
        start,
        end,
        surface,
        v.name,
        v.country,
        True,
        tuple(v.categories or ()),
        vendor_id=v.id,
        canonical=bool(v.guideline_name),
    )


class SpanSet:
    """Overlap queries against a fixed set of spans in O(log n), so that masking mentions stays
    linear in practice on long documents."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._starts = [s for s, _ in self._spans]
        self._max_end: list[int] = []
        best = -1
        for _, e in self._spans:
            best = max(best, e)
            self._max_end.append(best)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end) - 1
        return i >= 0 and self._max_end[i] > start


def _overlaps(a_start: int, a_end: int, spans: SpanSet) -> bool:
    return spans.overlaps(a_start, a_end)


def _superseded(
    c: CompanyMention, registry: Sequence[SupplierRef], starts: Sequence[int], places: frozenset[str]
) -> SupplierRef | None:
    """The registry mention that a longer company name only opens: "CITIC Guoan Information
    Technology" is its own company, not CITIC. A guideline vendor keeps its canonical name
    ("Zhejiang Dahua Technology" is Dahua), and a description of business or legal form after
    the name ("Bosch Security Systems Ltd") does not make another company."""
    lo = bisect.bisect_left(starts, c.start - 200)  # no registry name is longer than that
    near = [r for r in registry[lo:] if r.start < c.end]
    inside = [r for r in near if c.start <= r.start and r.end <= c.end]
    if len(inside) != 1 or any(r.start < c.end and c.start < r.end for r in near if r not in inside):
        return None
    r = inside[0]
    if r.canonical or r.start != c.start or r.end >= c.end:
        return None
    return r if distinctive_extension(c.surface[r.end - c.start :], places) else None


_OPENING_POSSESSIVE = re.compile(r"['’]s?\s+")


_OPENING_SPACE = re.compile(r"[ \t]+")


def _after_country_possessive(
    c: CompanyMention, text: str, country_ends: dict[int, int], demonym_ends: dict[int, int]
) -> CompanyMention:
    """"China's Huawei Technologies" is China's company "Huawei Technologies": the country
    opening the span is a mention of its own, not part of the name.  So is a demonym opening
    it ("the American Acme Technologies") when the rest is a distinctive name of its own."""
    e = country_ends.get(c.start)
    if e is not None and e < c.end:
        m = _OPENING_POSSESSIVE.match(text, e, c.end)
        if m is not None and m.end() < c.end:
            surface = text[m.end() : c.end]
            return CompanyMention(m.end(), c.end, surface, strip_legal_suffix(surface), c.acronym, c.kind)
    e = demonym_ends.get(c.start)
    if e is not None and e < c.end and not c.is_source:
        m = _OPENING_SPACE.match(text, e, c.end)
        if m is not None and m.end() < c.end:
            surface = text[m.end() : c.end]
            if distinctive_extension(surface) and " " in surface:
                return CompanyMention(m.end(), c.end, surface, strip_legal_suffix(surface), c.acronym, c.kind)
    return c


def _only_places(c: CompanyMention, countries: SpanSet, text: str) -> bool:
    """A "name" whose capitalised words are all country or city names ("U.S", "Kenya and
    Uganda") is no company."""
    return all(countries.overlaps(m.start(), m.end()) for m in _CAP_WORD.finditer(text, c.start, c.end))


_CAP_WORD = re.compile(r"[A-Z0-9][\w'’.\-]*")


def _is_country_possessive(c: CompanyMention, country_spans: set[tuple[int, int]]) -> bool:
    """"Uzbekistan's" in "an agreement with Uzbekistan's interior ministry" is a country."""
    core = _POSSESSIVE_END.sub("", c.surface)
    return len(core) < len(c.surface) and (c.start, c.start + len(core)) in country_spans


def _company_refs(
    text: str,
    sentences: Sequence[Sentence],
    vendors: VendorFinder,
    registry: Sequence[SupplierRef],
    countries: Sequence[CountryRef],
    sources: list[SupplierRef],
    people: Sequence[tuple[int, int]] = (),
) -> tuple[list[SupplierRef], list[CompanyMention], list[SupplierRef]]:
    """Shape-found companies not covered by the registry; also returns all raw company spans
    (used to mask country names inside company names) and the registry mentions that turned
    out to open a longer company name.  Organisations that are sources of statements (outlets,
    think tanks, ministries) go to `sources`, flagged "source", never to the suppliers."""
    country_spans = {(c.start, c.end) for c in countries}
    taken = SpanSet([(s.start, s.end) for s in registry])
    starts = [s.start for s in registry]  # registry mentions come sorted by position
    places = frozenset(text[s:e] for s, e in country_spans)
    place_set = SpanSet([*country_spans, *people])
    blocked = places | frozenset(r.surface for r in registry)
    country_ends = {s: e for s, e in country_spans}
    demonym_ends = {c.start: c.end for c in countries if c.kind == "demonym"}
    demonym_homes = {c.start: c.iso3 for c in countries if c.kind == "demonym"}
    homes: dict[int, str] = {}
    raw: list[CompanyMention] = []
    for s in sentences:
        for c in find_companies(s.text, s.start, sources=True):
            if _is_country_possessive(c, country_spans) or _only_places(c, place_set, text):
                continue
            first = c.start
            c = _after_country_possessive(c, text, country_ends, demonym_ends)
            if first in demonym_homes and c.start != first:
                homes[c.start] = demonym_homes[first]  # "the American Acme Technologies"
            if c.is_source:
                if not _overlaps(c.start, c.end, taken) and vendors.resolve(c.surface) is None:
                    sources.append(_source_ref(c))
                    if c.kind in PLACE_MASKING_KINDS:
                        raw.append(c)
                continue
            raw.append(c)
    out: list[SupplierRef] = []
    superseded: list[SupplierRef] = []
    short: dict[str, str] = {}
    for c in raw:
        if c.is_source or (c.start, c.end) in country_spans:
            continue
        if _overlaps(c.start, c.end, taken):
            opened = _superseded(c, registry, starts, places)
            if opened is None:
                continue
            superseded.append(opened)
            if c.name not in short:
                short[c.name] = short_name(c.name, text, blocked)
            # the parent's home is the longer company's home too
            out.append(
                SupplierRef(c.start, c.end, c.surface, short[c.name], None, False, stated_country=opened.country)
            )
            continue
        vendor = vendors.resolve(c.surface) or vendors.resolve(c.name)
        if vendor is None and c.acronym:
            vendor = vendors.resolve(c.acronym)
        if vendor is not None:
            out.append(_registry_ref(c.start, c.end, c.surface, vendor))
            continue
        if c.acronym:
            name = c.acronym
        else:
            if c.name not in short:
                short[c.name] = short_name(c.name, text, blocked)
            name = short[c.name]
        ref = SupplierRef(c.start, c.end, c.surface, name, None, False, stated_country=homes.get(c.start))
        if is_financier_name(c.name):
            ref.flags.add(FINANCIER)
        out.append(ref)
    return out, raw, superseded


SOURCE = "source"  # flag of an organisation that is a source of statements, never a supplier
FINANCIER = "financier"  # the flag custodes.extract.parties gives lenders and investors


def _source_ref(c: CompanyMention) -> SupplierRef:
    return SupplierRef(c.start, c.end, c.surface, c.acronym or c.name, None, False, flags={SOURCE, c.kind})


def _acronyms_of_sources(registry: list[SupplierRef], sources: Sequence[SupplierRef], text: str) -> list[SupplierRef]:
    """Registry hits that spell the acronym a document introduced for a source organisation:
    after "the National Elections Commission (NEC)", NEC is the commission, not the vendor."""
    acronyms: set[str] = set()
    for s in sources:
        m = _SOURCE_ACRONYM.match(text, s.end)
        if m is not None:
            acronyms.add(m.group(1))
    if not acronyms:
        return registry
    return [r for r in registry if r.surface not in acronyms]


_SOURCE_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z0-9&\-]{1,9})\)")


def _drop_superseded(
    text: str,
    registry: Sequence[SupplierRef],
    companies: Sequence[SupplierRef],
    superseded: Sequence[SupplierRef],
) -> list[SupplierRef]:
    """Registry mentions minus those that open a longer company name, there and wherever the
    document repeats that name ("CITIC Guoan" after "CITIC Guoan Information Technology")."""
    if not superseded:
        return list(registry)
    gone = {(r.start, r.end) for r in superseded}
    vendor_ids = {r.vendor_id for r in superseded}
    longer = [c for c in companies if any(c.start <= r.start and r.end <= c.end for r in superseded)]
    forms = {f for c in longer for f in (c.name, spelled_name(c.surface)) if f}
    out: list[SupplierRef] = []
    for r in registry:
        if (r.start, r.end) in gone:
            continue
        if r.vendor_id in vendor_ids and any(
            len(f) > len(r.surface) and text.startswith(f, r.start) for f in forms
        ):
            continue
        out.append(r)
    return out


def _later_mentions(text: str, refs: list[SupplierRef]) -> list[SupplierRef]:
    """Further occurrences of shape-found names ("Acme" after "Acme Technologies Ltd")."""
    known = {r.name: r for r in refs if not r.registered}
    if not known:
        return []
    forms = sorted(known, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'’])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")
    spans = SpanSet([(r.start, r.end) for r in refs])
    out: list[SupplierRef] = []
    for m in pattern.finditer(text):
        if _overlaps(m.start(), m.end(), spans):
            continue
        src = known[m.group(1)]
        out.append(SupplierRef(m.start(), m.end(), m.group(1), src.name, None, False))
    return out


def _product_aliases(text: str, refs: list[SupplierRef], places: SpanSet) -> list[SupplierRef]:
    """Product names introduced as "<Vendor>'s <Product>" or "<Vendor> <Product>" stand for
    the vendor wherever they recur in the document. A place ("Huawei's Kenyan unit") or the
    first word of a longer name ("Huawei's Safe City") is no product."""
    aliases: dict[str, SupplierRef] = {}
    for r in refs:
        if not r.registered:
            continue
        window = text[r.end : r.end + 60]
        m = _PRODUCT_AFTER.match(window)
        if m is None:
            continue
        group = 1 if m.group(1) else 2
        product = m.group(group)
        start = r.end + m.start(group)
        if _PRODUCT_STOP.match(product) or places.overlaps(start, start + len(product)):
            continue
        if group == 1 and _NAME_CONTINUES.match(window, m.end(group)):
            continue
        aliases.setdefault(product, r)
    for r in refs:
        if r.registered:
            m = _PRODUCT_BEFORE.search(text, max(0, r.start - 120), r.start)
            if m and not _PRODUCT_STOP.match(m.group(1)):
                aliases.setdefault(m.group(1), r)
    if not aliases:
        return []
    pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a in aliases) + r")\b")
    spans = SpanSet([(r.start, r.end) for r in refs])
    out: list[SupplierRef] = []
    for m in pattern.finditer(text):
        if _overlaps(m.start(), m.end(), spans):
            continue
        v = aliases[m.group(1)]
        out.append(
            SupplierRef(
                m.start(),
                m.end(),
                m.group(1),
                v.name,
                v.country,
                True,
                v.categories,
                None,
                {"product"},
                v.vendor_id,
                v.canonical,
            )
        )
    return out


@dataclass(frozen=True)
class Product:
    """A product name that identifies its vendor (data/lang/en/cues.yaml `products`)."""

    name: str
    vendor: str
    categories: tuple[str, ...]
    context: tuple[str, ...]
    vendor_required: bool


@cache
def product_table() -> dict[str, Product]:
    """Products keyed by their name as written."""
    out: dict[str, Product] = {}
    for row in cue_lists().get("products", []):
        p = Product(
            name=str(row["product"]),
            vendor=str(row["vendor"]),
            categories=tuple(str(c) for c in row.get("categories", [])),
            context=tuple(str(c).lower() for c in row.get("context", [])),
            vendor_required=bool(row.get("vendor_required", False)),
        )
        out[p.name] = p
    return out


@cache
def _product_automaton() -> Any:
    automaton = ahocorasick.Automaton()
    for name in product_table():
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


def _product_hits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of product names written with their exact case on word boundaries,
    longest first where they overlap."""
    found: list[tuple[int, int, str]] = []
    n = len(text)
    for end_idx, name in _product_automaton().iter(text):
        start, end = end_idx - len(name) + 1, end_idx + 1
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue
        if end < n and (text[end].isalnum() or text[end] == "_"):
            continue
        found.append((start, end, name))
    found.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[tuple[int, int, str]] = []
    for h in found:
        if out and h[0] < out[-1][1]:
            continue
        out.append(h)
    return out


_PRODUCT_WINDOW = 150


def _product_refs(text: str, refs: list[SupplierRef], vendors: VendorFinder) -> list[SupplierRef]:
    """Mentions of products that identify their vendor ("built on Gotham", "UFED devices"),
    reported under the vendor's name. A product whose name is also an ordinary word counts only
    when its vendor is named in the document or a telling word is near. Registry mentions that
    are product names are flagged in place, so that the document's spelling of the vendor is
    never the product's."""
    table = product_table()
    hits = _product_hits(text)
    for r in refs:
        p = table.get(r.surface)
        if p is not None and p.vendor == r.vendor_id:
            r.flags.add("product")
            r.product_tech = p.categories
    if not hits:
        return []
    named = {r.vendor_id for r in refs if r.vendor_id and "product" not in r.flags}
    spans = SpanSet([(r.start, r.end) for r in refs])
    lowered = text.lower() if any(table[h[2]].context for h in hits) else ""
    out: list[SupplierRef] = []
    for start, end, name in hits:
        p = table[name]
        if _overlaps(start, end, spans):
            continue
        if p.vendor not in named:
            if p.vendor_required:
                continue
            window = lowered[max(0, start - _PRODUCT_WINDOW) : end + _PRODUCT_WINDOW]
            if p.context and not any(w in window for w in p.context):
                continue
        v = vendors.resolve(p.vendor)
        if v is None:
            continue
        ref = _registry_ref(start, end, name, v)
        ref.flags.add("product")
        ref.product_tech = p.categories
        out.append(ref)
    return out


_POSSESSIVE_END = re.compile(r"['’]s?$")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_OPENS_ACRONYM = re.compile(r"^\s*\(\s*$")


def spelled_name(surface: str) -> str:
    """A company name as written, without possessive, bracketed aside or legal suffix:
    "Safaricom PLC's" -> "Safaricom"."""
    name = _PARENTHESIS.sub("", _POSSESSIVE_END.sub("", surface.strip()))
    return strip_legal_suffix(" ".join(name.split())) or surface.strip()


def document_spelling(canonical: str, forms: Sequence[str], acronyms: Sequence[str] = ()) -> str:
    """The short name a document uses for a registry vendor outside the guidelines' list.

    The guidelines want such companies "as the document spells it": the registry's name when
    the document writes it so, else an acronym the document introduces for it, else the shortest
    form that the document also uses as the opening of a longer one ("Hanwha" after "Hanwha
    Techwin"), else the first form it uses.
    """
    cleaned = list(dict.fromkeys(f for f in (spelled_name(x) for x in forms) if f))
    if not cleaned:
        return canonical
    same = [f for f in cleaned if f.casefold() == canonical.casefold()]
    if same:  # written as the registry has it; a headline's capitals are not its spelling
        return canonical if canonical in same else next((f for f in same if not f.isupper()), same[0])
    if acronyms:
        return acronyms[0]
    openings = [f for f in cleaned if any(g != f and g.startswith(f + " ") for g in cleaned)]
    if openings:
        return min(openings, key=len)
    return cleaned[0]


def _apply_document_spellings(text: str, refs: Sequence[SupplierRef]) -> dict[str, str]:
    """Rename mentions of non-guideline registry vendors to the document's spelling, in place;
    returns vendor id -> that spelling (the fact-sheet reader reuses it)."""
    forms: dict[str, list[str]] = {}
    acronyms: dict[str, list[str]] = {}
    canonical: dict[str, str] = {}
    prev: dict[str, SupplierRef] = {}
    for r in sorted(refs, key=lambda r: r.start):
        if r.vendor_id is None or r.canonical or "product" in r.flags:
            continue
        canonical.setdefault(r.vendor_id, r.name)
        forms.setdefault(r.vendor_id, []).append(r.surface)
        before = prev.get(r.vendor_id)
        if before is not None and r.surface.isupper() and _OPENS_ACRONYM.match(text[before.end : r.start]):
            acronyms.setdefault(r.vendor_id, []).append(r.surface)
        prev[r.vendor_id] = r
    spelling = {vid: document_spelling(canonical[vid], fs, acronyms.get(vid, ())) for vid, fs in forms.items()}
    for r in refs:
        if r.vendor_id in spelling:
            r.name = spelling[r.vendor_id]
    return spelling


@dataclass
class Mentions:
    """Everything collect_mentions found in one document."""

    countries: list[CountryRef]
    suppliers: list[SupplierRef]
    spellings: dict[str, str] = field(default_factory=dict)  # vendor id -> document spelling
    sources: list[SupplierRef] = field(default_factory=list)  # outlets, NGOs, ministries...


def collect_mentions(
    text: str,
    sentences: Sequence[Sentence],
    gazetteer: CountryFinder,
    vendors: VendorFinder,
) -> tuple[list[CountryRef], list[SupplierRef]]:
    """All country and supplier mentions of the document, sorted by position."""
    found = find_mentions(text, sentences, gazetteer, vendors)
    return found.countries, found.suppliers


def find_mentions(
    text: str,
    sentences: Sequence[Sentence],
    gazetteer: CountryFinder,
    vendors: VendorFinder,
) -> Mentions:
    """All country and supplier mentions of the document, sorted by position, with the spelling
    each non-guideline registry vendor gets in this document.

    Country names inside a company name ("China National ... Corporation") become the
    company's stated home instead of a mention of their own.
    """
    countries: list[CountryRef] = []
    people: list[tuple[int, int]] = []  # demonyms naming people or a language: no place, no company
    for m in gazetteer.find(text):
        if m.kind == "demonym" and _names_people(text, m.start, m.end, m.surface, gazetteer):
            people.append((m.start, m.end))
        else:
            countries.append(CountryRef(m.start, m.end, m.surface, m.iso3, m.kind))
    registry = _vendor_refs(text, vendors)
    country_spans = {(c.start, c.end) for c in countries}
    sources: list[SupplierRef] = []
    companies, raw, superseded = _company_refs(text, sentences, vendors, registry, countries, sources, people)
    registry = _acronyms_of_sources(registry, sources, text)
    suppliers = _drop_superseded(text, registry, companies, superseded)
    suppliers += companies
    suppliers += _later_mentions(text, suppliers)
    suppliers += _product_refs(text, suppliers, vendors)
    suppliers += _product_aliases(text, suppliers, SpanSet([(c.start, c.end) for c in countries]))
    suppliers.sort(key=lambda s: s.start)
    raw_spans = [(c.start, c.end) for c in raw if (c.start, c.end) not in country_spans and not c.is_source]
    spans = SpanSet(raw_spans + [(s.start, s.end) for s in suppliers])
    masking = SpanSet([(c.start, c.end) for c in raw if c.is_source])
    by_start = {s.start: s for s in suppliers if not s.registered}
    for c in countries:
        if c.kind != "demonym" and _overlaps(c.start, c.end, masking):
            c.role = "internal"  # "Pakistan Point News": part of an outlet's name, not a place
            continue
        if _overlaps(c.start, c.end, spans):
            c.role = "internal"
            owner = by_start.get(c.start)
            if owner is not None:
                owner.stated_country = c.iso3
    return Mentions(countries, suppliers, _apply_document_spellings(text, suppliers), sources)


@dataclass(frozen=True)
class _DemonymUses:
    people_after: frozenset[str]
    language_after: tuple[str, ...]
    language_before: re.Pattern[str]
    phrase_end: frozenset[str]


@cache
def _demonym_uses() -> _DemonymUses:
    data = lang_file("mentions_demonyms")
    before = sorted((str(w) for w in data["language_before"]), key=len, reverse=True)
    return _DemonymUses(
        people_after=frozenset(str(w).lower() for w in data["people_after"]),
        language_after=tuple(str(w).lower() for w in data["language_after"]),
        language_before=re.compile(
            r"(?:^|[^\w'’])(?:" + "|".join(re.escape(w) for w in before) + r")\s+$", re.IGNORECASE
        ),
        phrase_end=frozenset(str(w).lower() for w in data["phrase_end"]),
    )


_NEXT_WORD = re.compile(r"[ \t]*([\w'’\-]+|[^\w\s]|$)")
_CLAUSE_END = frozenset({"", ".", ";", ":", "!", "?", ")", '"', "”"})
_THE_BEFORE = re.compile(r"(?:^|[^\w'’])[Tt]he\s+$")


def _names_people(text: str, start: int, end: int, surface: str, gazetteer: CountryFinder) -> bool:
    """A demonym used as a noun for people or as a language, not as a country's adjective:
    "Kazakhs" and "the Chinese have ..." (people), "Russian-language", "in Mandarin." (language).
    "Kazakh authorities" and "Chinese firms" still mark a country."""
    if gazetteer.is_people_noun(surface):
        return True
    uses = _demonym_uses()
    tail = text[end : end + 14].lower()
    if any(tail.startswith(w) for w in uses.language_after):
        return True
    m = _NEXT_WORD.match(text, end, end + 40)
    nxt = m.group(1).lower() if m else ""
    ends_phrase = not nxt or not (nxt[0].isalnum()) or nxt in uses.phrase_end
    before = text[max(0, start - 25) : start]
    if _THE_BEFORE.search(before) and (nxt in _CLAUSE_END or nxt in uses.people_after):
        return True
    return ends_phrase and bool(uses.language_before.search(before))
