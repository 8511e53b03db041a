"""An httpx transport that connects only to addresses the SSRF guard accepted.

Checking a URL with `netguard.guard_url` and then letting the HTTP library resolve the host
again leaves a window: a hostile DNS server can answer with a public address for the check and
with 127.0.0.1 for the connection (DNS rebinding). This transport closes that window by doing
the resolution itself at connect time, refusing the connection unless every address is public,
and connecting to exactly the address it checked. The connection pool still keys connections by
host name, so TLS uses the right SNI name and certificate check, and keep-alive connections are
never shared between host names.
"""

from __future__ import annotations

import typing

import httpcore
import httpx

from custodes.sources.netguard import RefusedURL, Resolver, is_public_address, resolve_host


class GuardedBackend(httpcore.SyncBackend):
    """Resolves the host with our resolver and connects only to addresses that pass the guard."""

    def __init__(self, *, allow_private: bool, resolver: Resolver) -> None:
        self.allow_private = allow_private
        self.resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.checked_addresses(host, port)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """The host's addresses, IPv4 first; RefusedURL if any is private (unless allowed)."""
        url = f"//{host}:{port}"
        try:
            addresses = self.resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise RefusedURL(url, "unresolvable", f"host {host!r} does not resolve: {exc}") from exc
        if not addresses:
            raise RefusedURL(url, "unresolvable", f"host {host!r} does not resolve")
        if not self.allow_private:
            blocked = [a for a in addresses if not is_public_address(a)]
            if blocked:
                raise RefusedURL(url, "refused_private",
                                 f"refused at connect time: {host} now resolves to non-public address "
                                 f"{blocked[0]} (use --allow-private for tests and intranets)")
        return sorted(addresses, key=lambda a: ":" in a)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own HTTP transport with the guarded backend underneath.

    httpx 0.28 does not take a network backend as an argument, so the connection pool is
    rebuilt with one; request and response handling (and exception mapping) stay httpx's own.
    Environment proxies are not used: a proxy would make the pinned address meaningless.
    """

    def __init__(self, *, allow_private: bool = False, resolver: Resolver = resolve_host,
                 verify: bool = True, max_connections: int = 100) -> None:
        super().__init__(verify=verify, trust_env=False)
        self._pool.close()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allow_private=allow_private, resolver=resolver),
        )
