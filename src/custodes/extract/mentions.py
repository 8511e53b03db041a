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
from typing import Protocol

from custodes.extract.companies import CompanyMention, find_companies, short_name, strip_legal_suffix
from custodes.extract.sentences import Sentence


class CountryLike(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def surface(self) -> str: ...
    @property
    def iso3(self) -> str: ...
    @property
    def kind(self) -> str: ...


class VendorLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def guideline_name(self) -> bool: ...
    @property
    def country(self) -> str | None: ...
    @property
    def categories(self) -> Sequence[str]: ...


class VendorMentionLike(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def surface(self) -> str: ...

    @property
    def vendor(self) -> VendorLike: ...


class CountryFinder(Protocol):
    def find(self, text: str) -> Sequence[CountryLike]: ...


class VendorFinder(Protocol):
    def find(self, text: str) -> Sequence[VendorMentionLike]: ...
    def resolve(self, name: str) -> VendorLike | None: ...


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

    @property
    def supplier_country(self) -> str | None:
        return self.country or self.stated_country


_PRODUCT_AFTER = re.compile(
    r"^(?:['’]s[ ]+([A-Z][A-Za-z0-9\-]{2,})|[ ]+([A-Z][A-Za-z0-9\-]{2,})(?=[ ]+(?:software|"
    r"platform|system|suite|app|application|tool|cameras?|solution|product)\b))"
)
# "Beacon, the phone-hacking tool sold by Acme": a product named by apposition.
_PRODUCT_BEFORE = re.compile(
    r"\b([A-Z][A-Za-z0-9\-]{2,}),\s+(?:a|an|the)\s+(?:[\w\-]+\s+){0,4}?(?:tool|software|spyware|"
    r"system|platform|app|application|product|suite|engine|program|programme)\s+(?:sold|made|"
    r"developed|built|supplied|marketed|created|designed|owned)\s+by\s+(?:[\w'’\-]+\s+){0,3}$"
)
_PRODUCT_STOP = re.compile(
    r"^(?:Technologies|Technology|Tech|Inc|Ltd|Corp|Co|Group|Holdings|Systems|Solutions|"
    r"Software|CEO|AI|The|And|In|On|Is|Has|Was|Said|Says|Also|January|February|March|April|May|"
    r"June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday)\b"
)
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


def _company_refs(
    text: str,
    sentences: Sequence[Sentence],
    vendors: VendorFinder,
    taken: SpanSet,
    country_spans: set[tuple[int, int]],
) -> tuple[list[SupplierRef], list[CompanyMention]]:
    """Shape-found companies not covered by the registry; also returns all raw company spans
    (used to mask country names inside company names)."""
    blocked = frozenset(text[s:e] for s, e in country_spans)
    raw: list[CompanyMention] = []
    for s in sentences:
        raw.extend(find_companies(s.text, s.start))
    out: list[SupplierRef] = []
    short: dict[str, str] = {}
    for c in raw:
        if (c.start, c.end) in country_spans or _overlaps(c.start, c.end, taken):
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
        out.append(SupplierRef(c.start, c.end, c.surface, name, None, False))
    return out, raw


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
    countries = [CountryRef(m.start, m.end, m.surface, m.iso3, m.kind) for m in gazetteer.find(text)]
    suppliers = _vendor_refs(text, vendors)
    taken = SpanSet([(s.start, s.end) for s in suppliers])
    country_spans = {(c.start, c.end) for c in countries}
    companies, raw = _company_refs(text, sentences, vendors, taken, country_spans)
    suppliers += companies
    suppliers += _later_mentions(text, suppliers)
    suppliers += _product_aliases(text, suppliers, SpanSet([(c.start, c.end) for c in countries]))
    suppliers.sort(key=lambda s: s.start)
    raw_spans = [(c.start, c.end) for c in raw if (c.start, c.end) not in country_spans]
    spans = SpanSet(raw_spans + [(s.start, s.end) for s in suppliers])
    by_start = {s.start: s for s in suppliers if not s.registered}
    for c in countries:
        if _overlaps(c.start, c.end, spans):
            c.role = "internal"
            owner = by_start.get(c.start)
            if owner is not None:
                owner.stated_country = c.iso3
    return Mentions(countries, suppliers, _apply_document_spellings(text, suppliers))
