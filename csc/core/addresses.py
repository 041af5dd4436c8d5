"""Lists of trusted addresses from the settings (the proxies that may name the visitor, the scrapers of
/metrics): parsed once, and an address checked against them."""

from __future__ import annotations

import ipaddress
from functools import cache

from django.core.exceptions import ImproperlyConfigured


@cache
def networks(items: tuple[str, ...], setting: str) -> tuple:
    """The networks of a setting's addresses (a lone address is its own /32 or /128)."""
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in items)
    except ValueError as wrong:
        raise ImproperlyConfigured(
            f"{setting} : « {wrong} » n'est ni une adresse IP ni un réseau (10.0.0.0/8)."
        ) from None


def address_in(address: str, allowed: tuple) -> bool:
    """Whether `address` (REMOTE_ADDR, maybe empty or malformed) falls in one of the networks."""
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in network for network in allowed)
