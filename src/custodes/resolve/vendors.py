"""Vendor registry: finds surveillance suppliers in text and resolves names to one vendor.

Suppliers are written many ways (legal names, brands such as Face++, misspellings in datasets,
Chinese names), and a few names are ordinary words ("Axis", "Orange", "NICE").  All of that is
data in `data/vendors.yaml`; this module validates it strictly, because a silent typo in a
registry shifts every downstream count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pycountry

from custodes.resolve._matcher import (
    DataError,
    Entry,
    Hit,
    PhraseMatcher,
    check_keys,
    fold,
    load_yaml_mapping,
    lookup_key,
    normalise_punct,
    prepare,
    select_longest,
    str_list,
)
from custodes.resolve.legal_forms import legal_forms

CONTEXT_WINDOW = 150


def category_ids() -> tuple[str, ...]:
    """The technology category ids: taxonomy.yaml is their one list."""
    from custodes.extract.cues import taxonomy  # the extractor imports this module

    return tuple(taxonomy())

_TOP_KEYS = frozenset({"version", "contexts", "not_companies", "vendors"})
_REQUIRED = frozenset({"id", "name", "aliases", "country", "categories", "citations"})
_VENDOR_KEYS = _REQUIRED | frozenset(
    {
        "parent",
        "former_parent",
        "subsidiaries",
        "website",
        "ambiguous",
        "ambiguous_aliases",
        "require_context",
        "exclude_phrases",
        "case_sensitive",
        "guideline_name",
        "note",
    }
)
_NOT_COMPANY_KEYS = frozenset({"raw", "reason", "source", "citations"})
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_EXTRA_ISO3 = frozenset({"XKX"})
_LEGAL_SUFFIXES = legal_forms().lookup_suffixes  # data/legal_forms.yaml, shared with the mention finder



@dataclass(frozen=True)
class Vendor:
    """A supplier company and the facts the registry holds about it."""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str | None
    parent: str | None
    subsidiaries: tuple[str, ...]
    categories: tuple[str, ...]
    website: str | None
    citations: tuple[str, ...]
    former_parent: str | None = None
    ambiguous: bool = False
    ambiguous_aliases: tuple[str, ...] = ()
    require_context: tuple[str, ...] = ()
    exclude_phrases: tuple[str, ...] = ()
    case_sensitive: bool = False
    guideline_name: bool = False
    note: str | None = None

    def names(self) -> tuple[str, ...]:
        """Canonical name first, then every alias."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class VendorMention:
    """A span of text that names a vendor."""

    start: int
    end: int
    surface: str
    vendor: Vendor


@dataclass(frozen=True)
class NotCompany:
    """A raw dataset value that looks like a supplier name but is not a company."""

    raw: str
    reason: str
    source: str | None
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Target:
    vendor_id: str | None  # None: an exclude phrase that only blocks
    gated: bool


class VendorRegistry:
    """Every known vendor, matched in one Aho-Corasick pass and resolvable by any alias."""

    version: str

    def __init__(self, data: dict[str, Any], *, path: str = "vendors.yaml") -> None:
        self._path = path
        check_keys(path, data, _TOP_KEYS, frozenset({"version", "vendors"}))
        self.version = str(data["version"])
        raw = data["vendors"]
        if not isinstance(raw, list) or not raw:
            raise DataError(f"{path}: 'vendors' must be a non-empty list")
        parsed = [self._parse_vendor(i, body) for i, body in enumerate(raw)]
        self._by_id = self._link(parsed)
        self._not_companies = self._parse_not_companies(data.get("not_companies") or [])
        self._index = self._build_index()
        self._check_not_companies()
        self._matcher = PhraseMatcher(self._entries())
        self._context = {v.id: tuple(fold(w) for w in v.require_context) for v in self._by_id.values()}

    # ----------------------------------------------------------------- loading

    @classmethod
    def default(cls) -> VendorRegistry:
        """The registry built from the packaged vendors.yaml (built once per process)."""
        return _default_registry()

    @classmethod
    def from_file(cls, path: Path | str) -> VendorRegistry:
        return cls(load_yaml_mapping(path), path=str(path))

    def _parse_vendor(self, index: int, body: Any) -> Vendor:
        where = f"{self._path}: vendors[{index}]"
        if not isinstance(body, dict):
            raise DataError(f"{where}: expected a mapping")
        if isinstance(body.get("id"), str):
            where = f"{self._path}: vendor {body['id']!r}"
        check_keys(where, body, _VENDOR_KEYS, _REQUIRED)
        vid = _text(where, "id", body["id"])
        if not _ID_RE.match(vid):
            raise DataError(f"{where}: id must be a lower-case slug, got {vid!r}")
        categories = str_list(f"{where}.categories", body["categories"])
        known = category_ids()
        unknown = sorted(set(categories) - set(known))
        if unknown:
            raise DataError(f"{where}: unknown category id(s) {unknown}; known: {list(known)}")
        citations = str_list(f"{where}.citations", body["citations"])
        if not citations or not all(c.startswith(("http://", "https://")) for c in citations):
            raise DataError(f"{where}: citations must be a non-empty list of http(s) URLs")
        vendor = Vendor(
            id=vid,
            name=_text(where, "name", body["name"]),
            aliases=_unique(str_list(f"{where}.aliases", body["aliases"])),
            country=self._country(where, body["country"]),
            parent=_optional_text(where, "parent", body.get("parent")),
            subsidiaries=str_list(f"{where}.subsidiaries", body.get("subsidiaries")),
            categories=categories,
            website=_optional_text(where, "website", body.get("website")),
            citations=citations,
            former_parent=_optional_text(where, "former_parent", body.get("former_parent")),
            ambiguous=_flag(where, "ambiguous", body.get("ambiguous")),
            ambiguous_aliases=str_list(f"{where}.ambiguous_aliases", body.get("ambiguous_aliases")),
            require_context=str_list(f"{where}.require_context", body.get("require_context")),
            exclude_phrases=str_list(f"{where}.exclude_phrases", body.get("exclude_phrases")),
            case_sensitive=_flag(where, "case_sensitive", body.get("case_sensitive")),
            guideline_name=_flag(where, "guideline_name", body.get("guideline_name")),
            note=_optional_text(where, "note", body.get("note")),
        )
        _check_ambiguity(where, vendor)
        return vendor

    def _country(self, where: str, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not (
            value in _EXTRA_ISO3 or pycountry.countries.get(alpha_3=value) is not None
        ):
            raise DataError(f"{where}: country must be an ISO3 code or null, got {value!r}")
        return value

    def _link(self, vendors: list[Vendor]) -> dict[str, Vendor]:
        """Check id references and derive subsidiaries from the children's `parent`."""
        by_id: dict[str, Vendor] = {}
        for v in vendors:
            if v.id in by_id:
                raise DataError(f"{self._path}: vendor {v.id!r}: duplicate id")
            by_id[v.id] = v
        children: dict[str, list[str]] = {}
        for v in vendors:
            for key, ref in (("parent", v.parent), ("former_parent", v.former_parent)):
                if ref is not None and (ref not in by_id or ref == v.id):
                    raise DataError(f"{self._path}: vendor {v.id!r}: {key} {ref!r} is not another vendor's id")
        for v in vendors:
            where = f"{self._path}: vendor {v.id!r}"
            for sub in v.subsidiaries:
                if sub not in by_id:
                    raise DataError(f"{where}: subsidiary {sub!r} is not a vendor id")
                if by_id[sub].parent != v.id:
                    raise DataError(f"{where}: lists subsidiary {sub!r} whose parent is {by_id[sub].parent!r}")
            if v.parent:
                children.setdefault(v.parent, []).append(v.id)
        _check_no_cycles(self._path, by_id)
        return {vid: _with_subsidiaries(v, children.get(vid, [])) for vid, v in by_id.items()}

    def _parse_not_companies(self, raw: Any) -> tuple[NotCompany, ...]:
        if not isinstance(raw, list):
            raise DataError(f"{self._path}: 'not_companies' must be a list")
        out = []
        for i, body in enumerate(raw):
            where = f"{self._path}: not_companies[{i}]"
            if not isinstance(body, dict):
                raise DataError(f"{where}: expected a mapping")
            check_keys(where, body, _NOT_COMPANY_KEYS, frozenset({"raw", "reason"}))
            out.append(
                NotCompany(
                    raw=_text(where, "raw", body["raw"]),
                    reason=_text(where, "reason", body["reason"]).strip(),
                    source=_optional_text(where, "source", body.get("source")),
                    citations=str_list(f"{where}.citations", body.get("citations")),
                )
            )
        return tuple(out)

    def _build_index(self) -> dict[str, str]:
        """lookup_key(alias) -> vendor id; an alias may belong to one vendor only."""
        index: dict[str, str] = {}
        for v in self._by_id.values():
            for alias in v.names():
                key = lookup_key(alias)
                owner = index.setdefault(key, v.id)
                if owner != v.id:
                    raise DataError(f"{self._path}: vendor {v.id!r}: alias {alias!r} also belongs to vendor {owner!r}")
        return index

    def _check_not_companies(self) -> None:
        for nc in self._not_companies:
            owner = self._index.get(lookup_key(nc.raw))
            if owner:
                raise DataError(f"{self._path}: not_companies {nc.raw!r} is also an alias of vendor {owner!r}")

    def _entries(self) -> Iterator[Entry[_Target]]:
        best: dict[tuple[str, str, bool], Entry[_Target]] = {}
        for v in self._by_id.values():
            gated_names = set(v.ambiguous_aliases or (v.name,)) if v.ambiguous else set()
            for alias in v.names():
                gated = alias in gated_names
                strict = gated or v.case_sensitive or _is_acronym(alias)
                entry = Entry(normalise_punct(alias), _Target(v.id, gated), strict)
                key = (fold(entry.surface), v.id, gated)
                if key not in best or (best[key].case_sensitive and not strict):
                    best[key] = entry
            for phrase in v.exclude_phrases:
                yield Entry(normalise_punct(phrase), _Target(None, False), False)
        yield from best.values()

    # ----------------------------------------------------------------- queries

    def find(self, text: str) -> list[VendorMention]:
        """Vendor mentions in text: sorted, non-overlapping, longest match first."""
        if not text:
            return []
        prepared = prepare(text)
        kept: list[Hit[_Target]] = []
        for hit in self._matcher.hits(prepared):
            target = hit.entry.payload
            if target.gated and not self._context_ok(prepared.folded, hit, target):
                continue
            kept.append(hit)
        out = []
        for hit in select_longest(kept):
            vid = hit.entry.payload.vendor_id
            if vid is not None:
                out.append(VendorMention(hit.start, hit.end, text[hit.start : hit.end], self._by_id[vid]))
        return out

    def _context_ok(self, folded: str, hit: Hit[_Target], target: _Target) -> bool:
        """An ambiguous name counts only with a telling word nearby (outside the name)."""
        before = folded[max(0, hit.start - CONTEXT_WINDOW) : hit.start]
        after = folded[hit.end : hit.end + CONTEXT_WINDOW]
        words = self._context[str(target.vendor_id)]
        return any(w in before or w in after for w in words)

    def resolve(self, name: str) -> Vendor | None:
        """The vendor a name denotes: alias, legal name, misspelling or id, any case."""
        if not name or not name.strip():
            return None
        key = lookup_key(name)
        vid = self._index.get(key)
        if vid is None and name.strip().lower() in self._by_id:
            vid = name.strip().lower()
        for shorter in _without_legal_suffixes(key):
            if vid is not None:
                break
            vid = self._index.get(shorter)
        if vid is not None:
            return self._by_id[vid]
        return self._single_vendor_in(name)

    def _single_vendor_in(self, name: str) -> Vendor | None:
        """Fallback for decorated names ("Huawei Technologies (Uganda) Ltd")."""
        vendors = {m.vendor.id for m in self.find(name)}
        return self._by_id[vendors.pop()] if len(vendors) == 1 else None

    def get(self, vendor_id: str) -> Vendor | None:
        return self._by_id.get(vendor_id)

    def all(self) -> list[Vendor]:
        """Every vendor, in file order."""
        return list(self._by_id.values())

    def not_companies(self) -> list[NotCompany]:
        return list(self._not_companies)

    def is_not_company(self, raw: str) -> bool:
        """True for dataset values known not to be companies (e.g. AIGS "Mult")."""
        key = lookup_key(raw)
        return any(lookup_key(nc.raw) == key for nc in self._not_companies)


def _text(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{where}: {key} must be a non-empty string, got {value!r}")
    return value.strip()


def _optional_text(where: str, key: str, value: Any) -> str | None:
    return None if value is None else _text(where, key, value)


def _flag(where: str, key: str, value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise DataError(f"{where}: {key} must be true or false, got {value!r}")
    return value


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _is_acronym(alias: str) -> bool:
    """Short all-caps names (NEC, ZTE, BAE) only count in capitals: 'nec', 'bae' are words."""
    letters = alias.replace(".", "").replace("&", "")
    return alias.isupper() and len(letters) <= 4 and letters.isascii()


def _check_ambiguity(where: str, vendor: Vendor) -> None:
    if vendor.ambiguous and not vendor.require_context:
        raise DataError(f"{where}: ambiguous vendors need a require_context list")
    if vendor.ambiguous_aliases and not vendor.ambiguous:
        raise DataError(f"{where}: ambiguous_aliases given but ambiguous is not true")
    unknown = sorted(set(vendor.ambiguous_aliases) - set(vendor.names()))
    if unknown:
        raise DataError(f"{where}: ambiguous_aliases {unknown} are not among its names")


def _check_no_cycles(path: str, by_id: dict[str, Vendor]) -> None:
    for start in by_id:
        seen = {start}
        current = by_id[start].parent
        while current is not None:
            if current in seen:
                raise DataError(f"{path}: vendor {start!r}: parent chain loops through {current!r}")
            seen.add(current)
            current = by_id[current].parent


def _with_subsidiaries(vendor: Vendor, children: list[str]) -> Vendor:
    merged = tuple(sorted(set(vendor.subsidiaries) | set(children)))
    if merged == vendor.subsidiaries:
        return vendor
    return Vendor(**{**vendor.__dict__, "subsidiaries": merged})


def _without_legal_suffixes(key: str) -> Iterator[str]:
    """ "acme technologies co ltd" -> "acme technologies co", "acme technologies", "acme"."""
    words = key.split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
        yield " ".join(words)


@cache
def _default_registry() -> VendorRegistry:
    resource = resources.files("custodes.data").joinpath("vendors.yaml")
    text = resource.read_text(encoding="utf-8")
    return VendorRegistry(load_yaml_mapping("vendors.yaml", text), path="vendors.yaml")
