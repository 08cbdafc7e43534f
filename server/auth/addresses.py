"""The client address a request comes from, for login back-off (and for whoever else needs it).

X-Forwarded-For is believed only from a peer listed in ``CASEDESK_TRUSTED_PROXIES``: anyone can
send the header, so from any other peer it would let an attacker pick a fresh address for every
guess. Through trusted proxies the client is the right-most address that is not one of them.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.requests import HTTPConnection

from server.settings import Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def _networks(setting: str) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip())


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(connection: HTTPConnection, settings: Settings) -> str:
    """The caller's address: the TCP peer, or the client a trusted proxy names."""
    peer = connection.client.host if connection.client else "unknown"
    networks = _networks(settings.trusted_proxies)
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = ",".join(connection.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a garbled header: fall back to the proxy itself
    return peer
