"""What the project knows about the client at the other end of a request."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The visitor's IP address, as far as the proxies we trust can vouch for it.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so with TRUSTED_PROXY_COUNT proxies the visitor is that many entries
    from the right; anything further left was written by the visitor and proves nothing.
    With no trusted proxy, or a header shorter than it should be or whose entry is not an
    address, the address of the connection itself (REMOTE_ADDR) is used: a malformed header
    never leaves a request without an address to count limits against.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count and (address := _address(hops[-count])) is not None:
            return address
    return _address(request.META.get("REMOTE_ADDR", ""))


def _address(text) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


# One home or mobile connection is given a whole IPv6 /64, and can pick any address in it.
IPV6_LIMIT_PREFIX = 64


def rate_limit_key(address: str | None) -> str | None:
    """What per-address limits count against: the address, or its /64 network for IPv6."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/{IPV6_LIMIT_PREFIX}", strict=False))
