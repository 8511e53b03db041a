"""MAC address forms and the IEEE registry shipped with netaddr (read for real, offline)."""

from __future__ import annotations

import pytest

from custodes.audit.oui import MacError, lookup, parse_mac

HIKVISION = 0x4419B6123456


@pytest.mark.parametrize("text", [
    "44:19:b6:12:34:56",  # lower, colons
    "44:19:B6:12:34:56",  # upper, colons
    "44-19-b6-12-34-56",  # lower, hyphens
    "44-19-B6-12-34-56",  # upper, hyphens
    "4419.b612.3456",  # Cisco dotted
    "4419.B612.3456",
    "4419b6123456",  # bare
    "  44:19:B6:12:34:56  ",  # padded cell
])
def test_every_written_form_reads_as_the_same_address(text: str) -> None:
    mac = parse_mac(text)
    assert mac.value == HIKVISION
    assert mac.text == "44-19-B6-12-34-56"
    assert mac.oui == 0x4419B6


def test_single_digit_groups_are_zero_padded() -> None:
    assert parse_mac("0:1b:44:1:3a:b7").value == 0x001B44013AB7


@pytest.mark.parametrize("text, why", [
    ("44:19:b6:zz:00:01", "not a MAC address"),
    ("00:40:8c:01:02", "not a MAC address"),  # five bytes
    ("44:19-b6:12:34:56", "not a MAC address"),  # mixed separators
    ("4419.b612.345", "not a MAC address"),
    ("4419b612345", "not a MAC address"),
    ("", "not a MAC address"),
    ("01:00:5e:00:00:01", "multicast"),
    ("ff:ff:ff:ff:ff:ff", "placeholder"),
    ("00:00:00:00:00:00", "placeholder"),
])
def test_unusable_cells_are_refused_with_a_reason(text: str, why: str) -> None:
    with pytest.raises(MacError, match=why):
        parse_mac(text)


def test_registry_names_the_registrant_and_its_country() -> None:
    (reg,) = lookup(parse_mac("44:19:b6:00:00:01"))
    assert reg.prefix == "44-19-B6"
    assert reg.kind == "MA-L"
    assert reg.org == "Hangzhou Hikvision Digital Technology Co.,Ltd."
    assert reg.country == "CN"


def test_locally_administered_addresses_have_no_registrant() -> None:
    mac = parse_mac("02:00:5e:10:00:01")
    assert mac.locally_administered
    assert lookup(mac) == ()


def test_unregistered_prefix_gives_nothing() -> None:
    assert lookup(parse_mac("fc:ff:ff:00:00:01")) == ()


def test_iab_blocks_are_resolved_to_the_iab_registrant_not_the_ieee() -> None:
    (reg,) = lookup(parse_mac("00:50:c2:00:10:01"))
    assert reg.kind == "IAB"
    assert reg.org == "JMBS Developpements"
    assert reg.country == "FR"
