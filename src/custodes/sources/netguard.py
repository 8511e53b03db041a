"""Which network addresses custodes may contact (the SSRF guard).

A watched feed or an alert webhook is a URL that a user or a feed supplied; without a guard, a
feed item pointing at `http://169.254.169.254/` or `http://localhost:5432/` would make custodes
probe the machine it runs on. Every host is resolved first and every address it resolves to is
checked, so a public name that resolves to a private address is refused too. Fetchers call this
on the first URL and again on every redirect.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")

Resolver = Callable[[str, int], list[str]]


class RefusedURL(Exception):
    """A URL custodes will not contact; `kind` says why (scheme, private, unresolvable)."""

    def __init__(self, url: str, kind: str, message: str):
        super().__init__(message)
        self.url = url
        self.kind = kind


def resolve_host(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for the host."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, multicast, reserved and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified or not ip.is_global)


def guard_url(url: str, *, allow_private: bool = False, resolver: Resolver = resolve_host) -> list[str]:
    """Raise RefusedURL unless the URL is http(s) and every address of its host may be contacted.

    Returns the resolved addresses. With `allow_private` (tests, intranets) only the scheme and
    the host's resolvability are checked.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise RefusedURL(url, "refused_scheme", f"refused: scheme {parts.scheme or '(none)'!r} is not http(s)")
    host = parts.hostname
    if not host:
        raise RefusedURL(url, "refused_scheme", "refused: the URL names no host")
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise RefusedURL(url, "unresolvable", f"host {host!r} does not resolve: {exc}") from exc
    if not addresses:
        raise RefusedURL(url, "unresolvable", f"host {host!r} does not resolve")
    if not allow_private:
        blocked = [a for a in addresses if not is_public_address(a)]
        if blocked:
            raise RefusedURL(url, "refused_private",
                             f"refused: {host} resolves to non-public address {blocked[0]} "
                             "(use --allow-private for tests and intranets)")
    return addresses
