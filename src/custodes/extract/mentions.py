"""Country and supplier mentions of a document, from the resolvers plus shape-found companies.

The resolvers (gazetteer, vendor registry) are passed in behind small protocols so that the
extractor can be tested with tiny fakes and stays independent of how the lists are stored.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from custodes.extract.companies import CompanyMention, find_companies, short_name
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
    def name(self) -> str: ...
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
    r"Software|CEO|AI|The|And|In|On|Is|Has|Was|Said|Says|Also)\b"
)


def _vendor_refs(text: str, vendors: VendorFinder) -> list[SupplierRef]:
    out: list[SupplierRef] = []
    for vm in vendors.find(text):
        v = vm.vendor
        out.append(SupplierRef(vm.start, vm.end, vm.surface, v.name, v.country, True, tuple(v.categories or ())))
    return out


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
            out.append(
                SupplierRef(
                    c.start,
                    c.end,
                    c.surface,
                    vendor.name,
                    vendor.country,
                    True,
                    tuple(vendor.categories or ()),
                )
            )
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


def _product_aliases(text: str, refs: list[SupplierRef]) -> list[SupplierRef]:
    """Product names introduced as "<Vendor>'s <Product>" or "<Vendor> <Product>" stand for
    the vendor wherever they recur in the document."""
    aliases: dict[str, SupplierRef] = {}
    for r in refs:
        if not r.registered:
            continue
        m = _PRODUCT_AFTER.match(text[r.end : r.end + 60])
        product = (m.group(1) or m.group(2)) if m else None
        if product and not _PRODUCT_STOP.match(product):
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
            )
        )
    return out


def collect_mentions(
    text: str,
    sentences: Sequence[Sentence],
    gazetteer: CountryFinder,
    vendors: VendorFinder,
) -> tuple[list[CountryRef], list[SupplierRef]]:
    """All country and supplier mentions of the document, sorted by position.

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
    suppliers += _product_aliases(text, suppliers)
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
    return countries, suppliers
