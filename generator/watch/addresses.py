"""Which IP addresses a feed may be fetched from: public unicast only, unless allowed."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressPolicy = Callable[[IPAddress], bool]


def refusal(ip: IPAddress) -> str | None:
    """Why `ip` is not a public unicast address (e.g. 'loopback'), or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv6 address can carry an IPv4 one (mapped, 6to4, Teredo): judge that one too.
        for inner in (ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None):
            if inner is not None:
                why = refusal(inner)
                if why:
                    return why
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
        ("not globally routable", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def is_public(ip: IPAddress) -> bool:
    return refusal(ip) is None


class ResolveError(Exception):
    """The host name could not be resolved (or not in time)."""


def resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
    """The addresses of `host`, in the resolver's order, within `timeout` seconds.

    getaddrinfo has no timeout of its own; it runs in a daemon thread so that a stuck
    resolver cannot hold a feed past its deadline.
    """
    try:
        return [ipaddress.ip_address(host.strip("[]").split("%")[0])]
    except ValueError:
        pass
    infos: list[tuple[Any, ...]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            infos.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            errors.append(exc)

    worker = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(max(timeout, 0.0))
    if worker.is_alive():
        raise ResolveError(f"could not resolve {host} within {timeout:.0f} s")
    if errors:
        raise ResolveError(f"could not resolve {host}: {errors[0]}")
    addresses: list[IPAddress] = []
    for info in infos:
        try:
            ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        except ValueError:
            continue
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise ResolveError(f"{host} has no address")
    return addresses
