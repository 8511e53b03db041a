"""One inventory row (or one name) -> the companies it is linked to, how, and a verdict.

Every link is a chain of cited steps: a name the vendor registry records, a parent company the
registry records, a relabel brand the `oem-brands` source states (with the strength that source
gives it), or the IEEE registrant of a MAC prefix.  No step is invented: a row with no such chain
is `not found`, and a chain with a weak step is `possibly covered`, never promoted.

Inventories repeat themselves (a thousand cameras of one brand), so the work is cached per
distinct brand, model, description and MAC prefix; a 100,000-row file costs little more than
its distinct values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry

from custodes.audit.inventory import Problem
from custodes.audit.lists import Listing, OemLink, ReferenceData, default_reference
from custodes.audit.oui import Mac, MacError, Registration, lookup, parse_mac
from custodes.audit.rules import COVERED, NOT_FOUND, POSSIBLY, AuditRules, default_rules
from custodes.audit.spelling import SpellingIndex
from custodes.resolve._matcher import lookup_key
from custodes.resolve.vendors import Vendor, VendorRegistry, _without_legal_suffixes

_RANK = {COVERED: 2, POSSIBLY: 1, NOT_FOUND: 0}
_FIELD_ORDER = ("name", "brand", "mac", "model", "description")
_TEXT_FIELDS = frozenset({"model", "description"})
_ACRONYM = re.compile(r"^[A-Z0-9]{2,4}$")
_PUNCT = re.compile(r"[.,]")


def weaker(a: str, b: str) -> str:
    """The weaker of two verdicts: a chain is only as strong as its weakest step."""
    return a if _RANK[a] <= _RANK[b] else b


def stronger(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


@dataclass(frozen=True, eq=False)
class Match:
    """One chain from a cell of the row to a company, with the listings it leads to.

    `matched_by`: how the cell identified a company (alias, legal-name, name-in-text, oem-brand,
    listed-name, similar-spelling, mac-oui, text-mention). `link`: how that company leads to a
    listed one (direct, subsidiary, oem-brand, none).  Instances are shared between rows (eq=False
    keeps hashing by identity, which the report writers use to format each one once).
    """

    field: str
    value: str
    matched_by: str
    link: str
    verdict: str
    vendor_id: str | None
    vendor: str | None
    manufacturer_id: str | None
    manufacturer: str | None
    chain: tuple[str, ...]
    sources: tuple[str, ...]
    listings: tuple[Listing, ...] = ()
    oem: OemLink | None = None
    registration: Registration | None = None

    @property
    def evidence_strength(self) -> str | None:
        """Strength of an OEM link as the source states it; None for other links."""
        return self.oem.evidence_strength if self.oem else None

    @property
    def reason(self) -> str:
        return "; ".join(self.chain)


@dataclass
class ItemResult:
    """The verdict on one inventory row (or one name) and every match behind it."""

    line: int | None
    values: dict[str, str]
    verdict: str = NOT_FOUND
    manufacturer: str | None = None
    matches: tuple[Match, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def decisive(self) -> Match | None:
        """The match that sets the verdict (strongest, then by column: brand, MAC, model, description)."""
        best: Match | None = None
        for m in self.matches:
            if best is None or _RANK[m.verdict] > _RANK[best.verdict]:
                best = m
        return best


@lru_cache(maxsize=512)
def _alpha2(iso3: str) -> str | None:
    country = pycountry.countries.get(alpha_3=iso3)
    return str(country.alpha_2) if country is not None else None


class Auditor:
    """Matches names, MACs and free text against the registry and the bundled datasets.

    Build one per audit (or reuse one: it only caches): `lists` keeps only the listings on those
    list ids (e.g. ndaa-889, fcc-covered-list), None keeps all.
    """

    def __init__(self, *, registry: VendorRegistry | None = None, reference: ReferenceData | None = None,
                 rules: AuditRules | None = None, lists: Iterable[str] | None = None) -> None:
        self.registry = registry or VendorRegistry.default()
        self.rules = rules or default_rules()
        base = reference or default_reference()
        if lists is not None:
            unknown = sorted(set(lists) - set(base.list_ids))
            if unknown:
                raise ValueError(f"unknown list id(s) {', '.join(unknown)}; known: {', '.join(base.list_ids)}")
        self.reference = base.restricted_to(lists)
        self._names = {v.id: frozenset(lookup_key(n) for n in v.names()) for v in self.registry.all()}
        self._spelling_targets = self._spelling_targets_for()
        self._spelling = SpellingIndex(self._spelling_targets)
        self._oem_text = self._oem_text_pattern()
        self._cache: dict[tuple[str, str], tuple[Match, ...]] = {}
        self._oui_cache: dict[str, tuple[Match, ...]] = {}

    # ------------------------------------------------------------------ public

    def check_name(self, name: str) -> ItemResult:
        """Verdict for one brand or vendor name (or a MAC address, whose prefix is looked up)."""
        result = ItemResult(None, {"name": name})
        text = name.strip()
        if not text:
            result.problems.append(Problem(None, "error", "name", name, "empty name: nothing to check"))
            return result
        try:
            mac = parse_mac(text)
        except MacError:
            matches = self._cell("name", text)
        else:
            result.values = {"mac": text}
            matches = self._mac_matches(mac, result)
        return self._finish(result, list(matches))

    def audit_row(self, line: int | None, values: Mapping[str, str]) -> ItemResult:
        """Verdict for one row: `values` maps brand/model/mac/description to the cell text."""
        result = ItemResult(line, dict(values))
        found: list[Match] = []
        brand = values.get("brand", "").strip()
        if brand:
            found.extend(self._cell("brand", brand))
        mac_text = values.get("mac", "").strip()
        if mac_text:
            try:
                mac = parse_mac(mac_text)
            except MacError as exc:
                result.problems.append(Problem(line, "error", "mac", mac_text, str(exc)))
            else:
                found.extend(self._mac_matches(mac, result))
        for role in ("model", "description"):
            text = values.get(role, "").strip()
            if text:
                found.extend(self._cell(role, text))
        return self._finish(result, found)

    # ------------------------------------------------------------------ cells

    def _cell(self, role: str, text: str) -> tuple[Match, ...]:
        key = (role, text)
        hit = self._cache.get(key)
        if hit is None:
            hit = tuple(self._text_matches(role, text) if role in _TEXT_FIELDS else self._name_matches(role, text))
            self._cache[key] = hit
        return hit

    def _name_matches(self, role: str, name: str) -> list[Match]:
        """A brand/vendor name: registry, relabel brands, names as listed, then near spellings."""
        key = lookup_key(name)
        out: list[Match] = []
        vendor = self.registry.resolve(name)
        if vendor is not None:
            how = self._how(vendor, name)
            out.extend(self._vendor_links(role, name, vendor, how, self._named_step(name, vendor, how), None))
        out.extend(self._oem_matches(role, name, self.reference.oem_by_brand.get(key, ()), vendor, None))
        subject = self.reference.unregistered.get(key)
        if subject is not None:
            out.append(self._listed_name(role, name, subject))
        if out:
            return out
        return self._near_matches(role, name, key)

    def _near_matches(self, role: str, name: str, key: str) -> list[Match]:
        near = self._spelling.nearest(key, self.rules.max_distance(len(key)))
        if near is None:
            return []
        vendor_id = self._spelling_targets[near.key]
        vendor = self.registry.get(vendor_id)
        if vendor is None:
            return [self._listed_name(role, name, vendor_id, cap=self.rules.similar_spelling,
                                      matched_by="similar-spelling")]
        step = (f"'{name}' is {near.distance} letter(s) away from '{self._surface(vendor, near.key)}', a name of "
                f"{vendor.name} (vendor registry): probably a misspelling")
        return self._vendor_links(role, name, vendor, "similar-spelling", step, self.rules.similar_spelling)

    def _text_matches(self, role: str, text: str) -> list[Match]:
        """Vendors and relabel brands named in free text (model, description): weaker by nature."""
        cap = self.rules.text_mention
        out: list[Match] = []
        seen: set[str] = set()
        for mention in self.registry.find(text):
            vendor = mention.vendor
            if vendor.id in seen:
                continue
            seen.add(vendor.id)
            step = f"the {role} names {vendor.name} ('{mention.surface}')"
            out.extend(self._vendor_links(role, text, vendor, "text-mention", step, cap))
            links = self.reference.oem_by_brand.get(lookup_key(mention.surface), ())
            out.extend(self._oem_matches(role, text, links, vendor, cap, matched_by="text-mention", first=step))
        if self._oem_text is not None:
            for hit in self._oem_text.finditer(text):
                key = lookup_key(hit.group(0))
                if key in seen:
                    continue
                seen.add(key)
                out.extend(self._oem_matches(role, text, self.reference.oem_by_brand.get(key, ()), None, cap,
                                             matched_by="text-mention",
                                             first=f"the {role} names the brand '{hit.group(0)}'"))
        return out

    def _mac_matches(self, mac: Mac, result: ItemResult) -> tuple[Match, ...]:
        if mac.locally_administered:
            result.notes.append(f"MAC {mac.text} is locally administered (set by software, e.g. randomised): "
                                "its prefix says nothing about the maker")
            return ()
        prefix = f"{mac.oui:06X}"
        hit = self._oui_cache.get(prefix)
        if hit is None:
            hit = tuple(m for reg in lookup(mac) for m in self._registration_matches(reg))
            self._oui_cache[prefix] = hit
        if not hit:
            result.notes.append(f"MAC prefix {mac.text[:8]} is not in the IEEE registry shipped with netaddr")
        return hit

    def _registration_matches(self, reg: Registration) -> list[Match]:
        org = reg.org
        ieee = (self.rules.oui_registry_url,)
        step = f"MAC prefix {reg.prefix} is registered by the IEEE ({reg.kind}) to '{org}'"
        vendor = self.registry.resolve(org)
        if vendor is not None:
            how = self._how(vendor, org)
            cap = None
            named = f"'{org}' is {vendor.name} (vendor registry)"
            country = _alpha2(vendor.country) if vendor.country else None
            if how == "name-in-text":
                named = f"'{org}' contains the name of {vendor.name} (vendor registry)"
                if reg.country and country and reg.country != country:
                    cap = self.rules.oui_name_in_other_country
                    named += (f", but is registered in {reg.country} while {vendor.name} is based in "
                              f"{vendor.country}: it may be a different company or a joint venture")
            links = self._vendor_links("mac", reg.prefix, vendor, "mac-oui", f"{step}; {named}", cap,
                                       extra_sources=ieee, registration=reg)
            return links
        subject = self.reference.unregistered.get(lookup_key(org))
        if subject is not None:
            return [self._listed_name("mac", reg.prefix, subject, matched_by="mac-oui", first=step,
                                      registration=reg)]
        return [Match("mac", reg.prefix, "mac-oui", "none", NOT_FOUND, None, org, None, org,
                      (step, f"'{org}' is not a company of the vendor registry or of the restriction lists"),
                      ieee, registration=reg)]

    # ------------------------------------------------------------------ links

    def _vendor_links(self, role: str, value: str, vendor: Vendor, matched_by: str, first: str, cap: str | None,
                      *, extra_sources: tuple[str, ...] = (), registration: Registration | None = None) -> list[Match]:
        """The vendor's own listings, its parents' listings, and relabel links stated for it."""
        out: list[Match] = []
        own = self.reference.listings.get(vendor.id, ())
        sources = (*extra_sources, *vendor.citations[:1])
        if own:
            out.append(self._listed(role, value, matched_by, "direct", vendor, vendor, own,
                                    (first, self._listed_step(vendor.name, own)), sources, cap, registration))
        child = vendor
        steps = [first]
        for parent in self._ancestors(vendor):
            steps.append(f"{child.name}'s parent company is {parent.name} (vendor registry)")
            listed = self.reference.listings.get(parent.id, ())
            if listed:
                out.append(self._listed(role, value, matched_by, "subsidiary", vendor, parent, listed,
                                        (*steps, self._listed_step(parent.name, listed)),
                                        (*sources, *child.citations[:1]), cap, registration))
            child = parent
        out.extend(self._oem_matches(role, value, self.reference.oem_by_vendor.get(vendor.id, ()), vendor, cap,
                                     matched_by=matched_by, first=first, registration=registration))
        if not out:
            out.append(Match(role, value, matched_by, "none", NOT_FOUND, vendor.id, vendor.name, vendor.id,
                             vendor.name, (first, f"{vendor.name} is on none of the restriction lists audited, "
                                           "and no source in the bundled data says it relabels a listed "
                                           "maker's products"), sources, registration=registration))
        return out

    def _oem_matches(self, role: str, value: str, links: Iterable[OemLink], vendor: Vendor | None, cap: str | None,
                     *, matched_by: str = "oem-brand", first: str | None = None,
                     registration: Registration | None = None) -> list[Match]:
        out = []
        for link in links:
            if vendor is not None and link.brand_vendor_id not in (None, vendor.id):
                continue
            maker = self.registry.get(link.maker_id)
            listed = self._family_listings(link.maker_id)
            if not listed:
                continue
            verdict = self.rules.oem_strength.get(link.evidence_strength, POSSIBLY)
            verdict = weaker(verdict, self._listing_verdict(listed))
            if cap is not None:
                verdict = weaker(verdict, cap)
            said = f"the source says brand '{link.brand}' "
            said += (f"sells products of {link.maker}" if link.attribution == "named" else
                     f"sells products of {link.maker} or another maker it names without saying which")
            said += f" ({link.relationship})" if link.relationship else ""
            strength = f"evidence {link.evidence_strength}"
            strength += f": {link.evidence_basis}" if link.evidence_basis else ""
            steps = tuple(s for s in (first or f"'{value}' is the brand '{link.brand}' of the OEM-brands source",
                                      said, strength, f"note: {link.note}" if link.note else None,
                                      self._listed_step(link.maker, listed)) if s)
            out.append(Match(role, value, matched_by, "oem-brand", verdict, vendor.id if vendor else None,
                             vendor.name if vendor else link.brand, link.maker_id,
                             maker.name if maker else link.maker, steps, (link.source_url,), listed, link,
                             registration))
        return out

    def _listed(self, role: str, value: str, matched_by: str, link: str, vendor: Vendor, listed_vendor: Vendor,
                listings: tuple[Listing, ...], steps: tuple[str, ...], sources: tuple[str, ...], cap: str | None,
                registration: Registration | None) -> Match:
        verdict = self._listing_verdict(listings)
        if cap is not None:
            verdict = weaker(verdict, cap)
        return Match(role, value, matched_by, link, verdict, vendor.id, vendor.name, listed_vendor.id,
                     listed_vendor.name, steps, tuple(dict.fromkeys(sources)), listings, None, registration)

    def _listed_name(self, role: str, value: str, subject: str, *, cap: str | None = None,
                     matched_by: str = "listed-name", first: str | None = None,
                     registration: Registration | None = None) -> Match:
        """A company the lists name but the vendor registry does not know (e.g. AO Kaspersky Lab)."""
        listings = self.reference.listings.get(subject, ())
        verdict = self._listing_verdict(listings)
        if cap is not None:
            verdict = weaker(verdict, cap)
        step = (f"'{value}' is written like '{subject}', a name as listed" if matched_by == "similar-spelling"
                else f"'{subject}' is a name exactly as listed")
        steps = tuple(s for s in (first, step, self._listed_step(subject, listings)) if s)
        return Match(role, value, matched_by, "direct", verdict, None, subject, subject, subject, steps,
                     tuple(dict.fromkeys(i.citation_url for i in listings)), listings, None, registration)

    # ------------------------------------------------------------------ helpers

    def _finish(self, result: ItemResult, found: list[Match]) -> ItemResult:
        """Drop text mentions that repeat a company a stronger column named; set the verdict."""
        named = {m.manufacturer_id for m in found if m.field not in _TEXT_FIELDS} | \
            {m.vendor_id for m in found if m.field not in _TEXT_FIELDS}
        kept: list[Match] = []
        seen: set[tuple[str | None, str, str | None, str]] = set()
        for m in found:
            if m.field in _TEXT_FIELDS and (m.manufacturer_id in named or m.vendor_id in named):
                continue
            key = (m.manufacturer_id, m.link, m.oem.origin if m.oem else None, m.field)
            if key in seen:
                continue
            seen.add(key)
            kept.append(m)
        order = {f: i for i, f in enumerate(_FIELD_ORDER)}
        kept.sort(key=lambda m: (-_RANK[m.verdict], order.get(m.field, 9)))
        result.matches = tuple(kept)
        if not kept and not result.problems and not any(v.strip() for v in result.values.values()):
            result.problems.append(Problem(result.line, "error", None, None,
                                           "empty row: no brand, model, MAC address or description"))
        decisive = result.decisive
        if decisive is not None:
            result.verdict = decisive.verdict
            result.manufacturer = decisive.manufacturer
        return result

    def _listing_verdict(self, listings: tuple[Listing, ...]) -> str:
        if not listings:
            return NOT_FOUND
        return COVERED if any(i.active for i in listings) else self.rules.inactive_listing

    def _listed_step(self, name: str, listings: tuple[Listing, ...]) -> str:
        lists = ", ".join(dict.fromkeys(i.list_id or i.list for i in listings))
        active = sum(1 for i in listings if i.active)
        state = "active" if active == len(listings) else f"{active} of {len(listings)} active"
        return f"{name} is listed on {lists} ({state})"

    def _family_listings(self, vendor_id: str) -> tuple[Listing, ...]:
        out = list(self.reference.listings.get(vendor_id, ()))
        vendor = self.registry.get(vendor_id)
        if vendor is not None:
            for parent in self._ancestors(vendor):
                out.extend(self.reference.listings.get(parent.id, ()))
        return tuple(out)

    def _ancestors(self, vendor: Vendor) -> list[Vendor]:
        out = []
        current = vendor.parent
        while current is not None:
            parent = self.registry.get(current)
            if parent is None:
                break
            out.append(parent)
            current = parent.parent
        return out

    def _how(self, vendor: Vendor, name: str) -> str:
        """How a name resolved: one of the vendor's names, that name plus legal suffixes, or inside a longer name."""
        names = self._names[vendor.id]
        key = lookup_key(name)
        if key in names or key == vendor.id:
            return "alias"
        spaced = lookup_key(_PUNCT.sub(" ", name))  # "Co.,Ltd." -> "co ltd", not "coltd"
        if any(short in names for k in (key, spaced) for short in _without_legal_suffixes(k)):
            return "legal-name"
        return "name-in-text"

    def _named_step(self, name: str, vendor: Vendor, how: str) -> str:
        if how == "alias":
            return f"'{name}' is a recorded name of {vendor.name} (vendor registry)"
        if how == "legal-name":
            return f"'{name}' is a name of {vendor.name} with a legal-form suffix (vendor registry)"
        return f"'{name}' contains the name of {vendor.name} (vendor registry)"

    def _surface(self, vendor: Vendor, key: str) -> str:
        return next((n for n in vendor.names() if lookup_key(n) == key), vendor.name)

    def _spelling_targets_for(self) -> dict[str, str]:
        """lookup key of every name of a listed company or of its subsidiaries -> vendor id (or listed name)."""
        listed = set(self.reference.listings)
        targets: dict[str, str] = {}
        for vendor in self.registry.all():
            family = {vendor.id} | {p.id for p in self._ancestors(vendor)}
            if family & listed:
                for key in self._names[vendor.id]:
                    targets.setdefault(key, vendor.id)
        for key, subject in self.reference.unregistered.items():
            targets.setdefault(key, subject)
        return targets

    def _oem_text_pattern(self) -> re.Pattern[str] | None:
        """Relabel brands that the registry does not know, to find them in free text."""
        names = [n for n in self.reference.oem_brand_names if self.registry.resolve(n) is None]
        if not names:
            return None
        parts = []
        for n in sorted(names, key=len, reverse=True):
            body = re.escape(n)
            parts.append(body if _ACRONYM.match(n) else f"(?i:{body})")
        return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])")
