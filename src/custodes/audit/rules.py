"""The audit's own rules, read from `data/audit.yaml` and checked strictly.

Column names, the verdict each kind of match earns and the spelling tolerance are data so that a
compliance team can read (and argue with) them without reading code; a typo in the file must stop
the audit rather than quietly change verdicts, hence the strict checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from custodes.resolve._matcher import DataError, check_keys, load_yaml_mapping, str_list

COVERED = "covered"
POSSIBLY = "possibly covered"
NOT_FOUND = "not found"
VERDICTS = (COVERED, POSSIBLY, NOT_FOUND)
ROLES = ("brand", "model", "mac", "description")

_TOP = frozenset({"version", "columns", "verdicts", "oem_brand_separators", "similar_spelling",
                  "list_date_meaning", "oui_registry"})
_VERDICT_KEYS = frozenset({"oem_strength", "text_mention", "similar_spelling", "oui_name_in_other_country",
                           "inactive_listing"})


@dataclass(frozen=True)
class AuditRules:
    """Everything data/audit.yaml says, validated."""

    version: str
    columns: dict[str, tuple[str, ...]]
    oem_strength: dict[str, str]
    text_mention: str
    similar_spelling: str
    oui_name_in_other_country: str
    inactive_listing: str
    oem_brand_separators: tuple[str, ...]
    spelling_min_length: int
    spelling_max_distance: tuple[tuple[int, int], ...]  # (from length, distance), ascending
    list_date_meaning: dict[str, str]
    oui_registry_name: str
    oui_registry_url: str

    def max_distance(self, length: int) -> int:
        """Largest edit distance tolerated for a name of `length` characters (0: exact only)."""
        allowed = 0
        if length < self.spelling_min_length:
            return 0
        for start, distance in self.spelling_max_distance:
            if length >= start:
                allowed = distance
        return allowed


def parse_rules(data: dict[str, Any], path: str = "audit.yaml") -> AuditRules:
    """Validate the mapping read from audit.yaml; raises DataError naming the bad key."""
    check_keys(path, data, _TOP, _TOP)
    columns_raw = data["columns"]
    if not isinstance(columns_raw, dict) or set(columns_raw) != set(ROLES):
        raise DataError(f"{path}: columns must have exactly the keys {list(ROLES)}")
    columns = {role: str_list(f"{path}: columns.{role}", columns_raw[role]) for role in ROLES}
    if not all(columns.values()):
        raise DataError(f"{path}: every column role needs at least one name")
    verdicts = data["verdicts"]
    if not isinstance(verdicts, dict):
        raise DataError(f"{path}: verdicts must be a mapping")
    check_keys(f"{path}: verdicts", verdicts, _VERDICT_KEYS, _VERDICT_KEYS)
    strength = verdicts["oem_strength"]
    if not isinstance(strength, dict) or not strength:
        raise DataError(f"{path}: verdicts.oem_strength must be a non-empty mapping")
    for key, value in [*((f"oem_strength.{k}", v) for k, v in strength.items()),
                       *((k, verdicts[k]) for k in sorted(_VERDICT_KEYS - {"oem_strength"}))]:
        if value not in (COVERED, POSSIBLY):
            raise DataError(f"{path}: verdicts.{key} must be {COVERED!r} or {POSSIBLY!r}, got {value!r}")
    spelling = data["similar_spelling"]
    if not isinstance(spelling, dict) or set(spelling) != {"min_length", "max_distance"}:
        raise DataError(f"{path}: similar_spelling needs min_length and max_distance")
    steps = spelling["max_distance"]
    if not isinstance(steps, dict) or not all(isinstance(k, int) and isinstance(v, int) and v >= 0
                                              for k, v in steps.items()):
        raise DataError(f"{path}: similar_spelling.max_distance maps lengths to distances (integers)")
    meaning = data["list_date_meaning"]
    registry = data["oui_registry"]
    if not isinstance(meaning, dict) or not isinstance(registry, dict):
        raise DataError(f"{path}: list_date_meaning and oui_registry must be mappings")
    return AuditRules(
        version=str(data["version"]), columns=columns,
        oem_strength={str(k).lower(): str(v) for k, v in strength.items()},
        text_mention=verdicts["text_mention"], similar_spelling=verdicts["similar_spelling"],
        oui_name_in_other_country=verdicts["oui_name_in_other_country"],
        inactive_listing=verdicts["inactive_listing"],
        oem_brand_separators=_separators(path, data["oem_brand_separators"]),
        spelling_min_length=int(spelling["min_length"]),
        spelling_max_distance=tuple(sorted(steps.items())),
        list_date_meaning={str(k): str(v) for k, v in meaning.items()},
        oui_registry_name=str(registry.get("name", "")), oui_registry_url=str(registry.get("url", "")))


def _separators(path: str, value: Any) -> tuple[str, ...]:
    """Like str_list, but kept verbatim: the spaces around "/" are part of the separator."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError(f"{path}: oem_brand_separators must be a list of non-empty strings, got {value!r}")
    return tuple(value)


@cache
def default_rules() -> AuditRules:
    """The packaged rules (read once per process)."""
    text = resources.files("custodes.data").joinpath("audit.yaml").read_text(encoding="utf-8")
    return parse_rules(load_yaml_mapping("audit.yaml", text))
