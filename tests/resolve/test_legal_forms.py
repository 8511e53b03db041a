"""One list of legal forms (data/legal_forms.yaml) for the mention finder and the registry."""

from __future__ import annotations

from custodes.extract.companies import LEGAL_SUFFIXES, strip_legal_suffix
from custodes.resolve.legal_forms import legal_forms
from custodes.resolve.vendors import VendorRegistry


def test_both_readers_use_the_one_list() -> None:
    forms = legal_forms()
    assert forms.forms - forms.common_words == LEGAL_SUFFIXES
    assert {"sdn", "bhd", "sa", "corporation"} <= forms.lookup_suffixes


def test_common_words_are_no_company_evidence_in_text() -> None:
    assert "as" in legal_forms().forms and "as" not in LEGAL_SUFFIXES
    assert strip_legal_suffix("Safaricom PLC") == "Safaricom"
    assert strip_legal_suffix("China Machinery Engineering Corporation") == "China Machinery Engineering Corporation"


def test_registry_lookup_peels_forms_from_any_legal_system() -> None:
    registry = VendorRegistry.default()
    hit = registry.resolve("Hikvision Sdn Bhd")
    assert hit is not None and hit.id == "hikvision"
    assert registry.resolve("Hikvision S.A.") is not None
