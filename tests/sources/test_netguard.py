"""The SSRF guard refuses addresses on the machine's own networks, after resolution."""

from __future__ import annotations

import pytest

from custodes.sources.netguard import RefusedURL, guard_url, is_public_address


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
                                     "224.0.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
                                     "100.64.0.1"])
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public_address(address)


def test_a_public_name_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(RefusedURL) as info:
        guard_url("http://news.example.org/feed", resolver=lambda host, port: ["93.184.216.34", "10.0.0.5"])
    assert info.value.kind == "refused_private"
    assert "10.0.0.5" in str(info.value)


def test_allow_private_lets_loopback_through() -> None:
    assert guard_url("http://127.0.0.1:8080/x", allow_private=True) == ["127.0.0.1"]
    with pytest.raises(RefusedURL):
        guard_url("http://127.0.0.1:8080/x")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://x/", "http:///nohost"])
def test_other_schemes_and_hostless_urls_are_refused(url: str) -> None:
    with pytest.raises(RefusedURL) as info:
        guard_url(url, allow_private=True)
    assert info.value.kind == "refused_scheme"


def test_an_unresolvable_host_is_named() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(RefusedURL) as info:
        guard_url("https://no-such-host.invalid/", resolver=fail)
    assert info.value.kind == "unresolvable" and "no-such-host.invalid" in str(info.value)
