"""What the project knows about the client at the other end of a request."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The visitor's IP address, as far as the proxies we trust can vouch for it.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so with TRUSTED_PROXY_COUNT proxies the visitor is that many entries
    from the right; anything further left was written by the visitor and proves nothing.
    With no trusted proxy, or a header shorter than it should be, the address of the
    connection itself (REMOTE_ADDR) is used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            address = hops[-count]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
