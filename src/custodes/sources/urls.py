"""One spelling per web address, so an article listed twice is recognised as one.

courlan's normaliser sorts the query and keeps fragments; the order of query parameters can
matter to a site (and keeping it makes the stored URL the one the site gave), so this is done
with the standard library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import urljoin, urlsplit, urlunsplit

import yaml

_DEFAULT_PORTS = {"http": 80, "https": 443}
_AUTHORITY_END = re.compile(r"[/?#]")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]")


@dataclass(frozen=True)
class TrackingParams:
    """Query parameter names (and name prefixes) that identify a campaign, not a page."""

    prefixes: tuple[str, ...]
    names: frozenset[str]

    def matches(self, name: str) -> bool:
        lowered = name.lower()
        return lowered in self.names or lowered.startswith(self.prefixes)


@lru_cache(maxsize=1)
def tracking_params() -> TrackingParams:
    text = resources.files("custodes.data").joinpath("watch/tracking_params.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return TrackingParams(
        prefixes=tuple(str(p).lower() for p in data.get("prefixes") or ()),
        names=frozenset(str(n).lower() for n in data.get("names") or ()),
    )


def normalise_url(url: str, base: str | None = None) -> str:
    """Absolute URL with lower-case scheme and host, no fragment, default port or tracking parameters.

    Relative links are resolved against `base`. The path and the remaining query are kept
    byte for byte, in order.
    """
    url = url.strip()
    if base and not _ABSOLUTE.match(url):  # urljoin is slow; most listed links are absolute already
        url = urljoin(base.strip(), url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = _normalise_netloc(parts.netloc, scheme)
    path = parts.path
    if not path and netloc and scheme in _DEFAULT_PORTS:
        path = "/"
    return urlunsplit((scheme, netloc, path, _strip_tracking(parts.query), ""))


def is_http_url(value: str | None) -> bool:
    """True for an absolute http(s) URL with a host."""
    if not value:
        return False
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.netloc) and bool(parts.hostname)


def is_normalised_http_url(url: str) -> bool:
    """is_http_url for the output of normalise_url, without parsing it again."""
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            rest = url[len(prefix):]
            host = _AUTHORITY_END.split(rest, 1)[0].rpartition("@")[2]
            return bool(host) and not host.startswith(":")
    return False


def _normalise_netloc(netloc: str, scheme: str) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if hostport.startswith("["):  # IPv6 literal
        end = hostport.find("]")
        if end != -1:
            host, port = hostport[: end + 1], hostport[end + 1:].removeprefix(":")
    elif ":" in hostport:
        host, _, port = hostport.rpartition(":")
    host = host.lower().rstrip(".")
    if port and port.isdigit() and int(port) == _DEFAULT_PORTS.get(scheme):
        port = ""
    rebuilt = f"{host}:{port}" if port else host
    return f"{userinfo}{at}{rebuilt}"


def _strip_tracking(query: str) -> str:
    if not query:
        return ""
    params = tracking_params()
    kept = [pair for pair in query.split("&") if pair and not params.matches(pair.split("=", 1)[0])]
    return "&".join(kept)
