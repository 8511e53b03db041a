"""Company legal forms ("Ltd", "S.A.", "Sdn Bhd"), from the one list in data/legal_forms.yaml.

Both the mention finder and the vendor registry need to know where a company name ends and its
legal form begins; one versioned list keeps them from disagreeing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from custodes.resolve._matcher import DataError, check_keys, load_yaml_mapping, str_list

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


def _read(name: str) -> str:
    return resources.files("custodes.data").joinpath(name).read_text(encoding="utf-8")


@cache
def legal_forms() -> LegalForms:
    where = "data/legal_forms.yaml"
    data = load_yaml_mapping(where, _read("legal_forms.yaml"))
    check_keys(where, data, _KEYS, frozenset({"version", "legal_forms"}))
    forms = frozenset(w.lower() for w in str_list(f"{where}: legal_forms", data["legal_forms"]))
    common = frozenset(w.lower() for w in str_list(f"{where}: common_words", data.get("common_words")))
    if common - forms:
        raise DataError(f"{where}: common_words {sorted(common - forms)} are not legal forms")
    designators = str_list(f"{where}: registry_designators", data.get("registry_designators"))
    return LegalForms(forms, common, frozenset(w.lower() for w in designators))
