"""Which addresses feeds may come from."""

from __future__ import annotations

import ipaddress

import pytest

from generator.watch.addresses import ResolveError, is_public, refusal, resolve


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "private"),
        ("100.64.0.1", "not globally routable"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:7f00:1::", "loopback"),  # 6to4 around 127.0.0.1
    ],
)
def test_non_public_addresses_are_refused(address, why):
    assert refusal(ipaddress.ip_address(address)) == why


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4007::64"]
)
def test_public_addresses_are_allowed(address):
    assert is_public(ipaddress.ip_address(address))


def test_resolve():
    assert resolve("127.0.0.1", 80, 1) == [ipaddress.ip_address("127.0.0.1")]
    assert resolve("[::1]", 80, 1) == [ipaddress.ip_address("::1")]
    assert all(ip.is_loopback for ip in resolve("localhost", 80, 2))
    with pytest.raises(ResolveError):
        resolve("no-such-host.invalid", 80, 2)
