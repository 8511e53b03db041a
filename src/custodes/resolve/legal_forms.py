"""Company legal forms ("Ltd", "S.A.", "Sdn Bhd"), from the one list in data/legal_forms.yaml.

Both the mention finder and the vendor registry need to know where a company name ends and its
legal form begins; one versioned list keeps them from disagreeing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

_KEYS = frozenset({"version", "legal_forms", "common_words", "registry_designators"})


@dataclass(frozen=True)
class LegalForms:
    forms: frozenset[str]  # lower case, as written ("co.", "s.a.")
    common_words: frozenset[str]  # forms that are also ordinary words
    registry_designators: frozenset[str]

    @property
    def in_text(self) -> frozenset[str]:
        """Forms that mark a company in running text."""
        return self.forms - self.common_words

    @property
    def lookup_suffixes(self) -> frozenset[str]:
        """What the registry lookup peels off a name's end: forms without dots, and designators."""
        return frozenset(f.replace(".", "") for f in self.forms) | self.registry_designators


def _words(where: str, value: object) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"data/legal_forms.yaml: {where} must be a list of words")
    return frozenset(v.lower() for v in value)


@cache
def legal_forms() -> LegalForms:
    text = resources.files("custodes.data").joinpath("legal_forms.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    unknown = set(data) - _KEYS
    if unknown:
        raise ValueError(f"data/legal_forms.yaml: unknown keys {sorted(unknown)}")
    forms = _words("legal_forms", data["legal_forms"])
    common = _words("common_words", data.get("common_words") or [])
    if common - forms:
        raise ValueError(f"data/legal_forms.yaml: common_words {sorted(common - forms)} are not legal forms")
    return LegalForms(forms, common, _words("registry_designators", data.get("registry_designators") or []))
