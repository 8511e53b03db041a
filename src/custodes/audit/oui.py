"""MAC addresses: the forms inventories write them in, and who the IEEE registered their prefix to.

The IEEE registry (MA-L "OUI" and the older IAB blocks) ships inside the `netaddr` package, so a
lookup works offline and the answer is as reproducible as the pinned package version.  A MAC
prefix names the maker of the network interface, which for a relabelled camera is usually the
real manufacturer: that is why a MAC column can reveal what a brand column hides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import netaddr

_SEPARATED = re.compile(r"^([0-9A-Fa-f]{1,2})([:-])([0-9A-Fa-f]{1,2})\2([0-9A-Fa-f]{1,2})\2"
                        r"([0-9A-Fa-f]{1,2})\2([0-9A-Fa-f]{1,2})\2([0-9A-Fa-f]{1,2})$")
_DOTTED = re.compile(r"^([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})$")
_BARE = re.compile(r"^[0-9A-Fa-f]{12}$")
# MA-L blocks the IEEE subdivided into IAB (36-bit) registrations.
_IAB_PARENTS = frozenset({0x0050C2, 0x40D855})
_IEEE_RA = "IEEE REGISTRATION AUTHORITY"

FORMS = "aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff"


class MacError(ValueError):
    """A cell that is not a usable 48-bit MAC address; the message says why."""


@dataclass(frozen=True, slots=True)
class Mac:
    """A parsed MAC-48 address."""

    value: int

    @property
    def text(self) -> str:
        """IEEE canonical form, e.g. 44-19-B6-00-00-01."""
        raw = f"{self.value:012X}"
        return "-".join(raw[i:i + 2] for i in range(0, 12, 2))

    @property
    def oui(self) -> int:
        return self.value >> 24

    @property
    def locally_administered(self) -> bool:
        """Set by software (randomised Wi-Fi MACs, VMs): the prefix says nothing about the maker."""
        return bool((self.value >> 40) & 0x02)


def parse_mac(cell: str) -> Mac:
    """Read colon, hyphen, Cisco dot and bare forms in any case; raise MacError otherwise."""
    text = cell.strip()
    if m := _SEPARATED.match(text):
        digits = "".join(g.zfill(2) for g in m.groups()[0:1] + m.groups()[2:])
    elif m := _DOTTED.match(text):
        digits = "".join(m.groups())
    elif _BARE.match(text):
        digits = text
    else:
        raise MacError(f"{cell!r} is not a MAC address (expected {FORMS})")
    value = int(digits, 16)
    if value in (0, 0xFFFFFFFFFFFF):
        raise MacError(f"{cell!r} is a placeholder (all zeros or broadcast), not a device's address")
    if (value >> 40) & 0x01:
        raise MacError(f"{cell!r} is a group (multicast) address, not a device's address")
    return Mac(value)


@dataclass(frozen=True, slots=True)
class Registration:
    """Who the IEEE registered a prefix to."""

    prefix: str  # "44-19-B6" (MA-L) or "00-50-C2-00-10-00" (IAB)
    kind: str  # MA-L | IAB
    org: str
    country: str | None  # ISO 3166 alpha-2 as written in the registration's address


def lookup(mac: Mac) -> tuple[Registration, ...]:
    """Registrations of the MAC's prefix (usually one; a few old OUIs have several); () if none."""
    if mac.locally_administered:
        return ()
    if mac.oui in _IAB_PARENTS:
        iab = _lookup_iab(mac.value >> 12)
        if iab:
            return iab
    return _lookup_oui(mac.oui)


@lru_cache(maxsize=65536)
def _lookup_oui(oui: int) -> tuple[Registration, ...]:
    try:
        entry = netaddr.OUI(oui)
    except netaddr.NotRegisteredError:
        return ()
    prefix = str(entry)
    out = []
    for i in range(entry.reg_count):
        reg = entry.registration(i)
        if str(reg.org).strip().upper() == _IEEE_RA:
            continue
        out.append(Registration(prefix, "MA-L", str(reg.org).strip(), _country(reg.address)))
    return tuple(out)


@lru_cache(maxsize=65536)
def _lookup_iab(iab: int) -> tuple[Registration, ...]:
    try:
        entry = netaddr.IAB(iab)
    except netaddr.NotRegisteredError:
        return ()
    reg = entry.registration()
    return (Registration(str(entry), "IAB", str(reg.org).strip(), _country(reg.address)),)


def _country(address: object) -> str | None:
    if isinstance(address, list) and address:
        last = str(address[-1]).strip().upper()
        if len(last) == 2 and last.isalpha():
            return last
    return None
