"""Compressed HTML, XML and JSON answers, even when gunicorn serves without a proxy.

WhiteNoise already serves static files compressed; this covers what Django renders.

BREACH: an attacker who can make a victim's browser request a page with input of their
choice, and can watch the size of the compressed answer, can guess a secret on that page
byte by byte. So a response that carries a secret is never compressed at all, whether it
reflects the request or not, because stored text that others wrote (a comment in the
moderation queue, say) reflects attacker input just as well as a query string. A response
carries a secret when:

- it sets a cookie: the CSRF token was used to render it (Django then sends its cookie), or
  it is otherwise personal;
- the request came with a session cookie (staff pages, the admin);
- it is the poster's private view after commenting (`?pending=`, `?posted=`), whose links
  are signed tokens;
- a view says so by setting `response.carries_secret = True`.

Reader pages for anonymous visitors carry none of these (they are the same cacheable HTML
for everyone), so they are the ones compressed.
"""

import gzip
import re

from django.utils.cache import patch_vary_headers

from newsroom import pagecache

try:  # Brotli is used only when a brotli package happens to be installed.
    import brotli
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

COMPRESSIBLE_TYPES = frozenset(
    {
        "text/html",
        "text/plain",
        "text/css",
        "text/javascript",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/json",
        "application/ld+json",
        "image/svg+xml",
    }
)
# Below this size the headers cost more than compression saves.
MINIMUM_SIZE = 200
_ACCEPTS = re.compile(r"^\s*([a-z*]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def accepted_encodings(header: str) -> set[str]:
    """The content codings the client accepts (q > 0), from Accept-Encoding."""
    accepted = set()
    for part in header.lower().split(","):
        match = _ACCEPTS.match(part)
        if not match:
            continue
        coding, quality = match.groups()
        try:
            if quality is not None and float(quality) <= 0:
                continue
        except ValueError:
            continue
        accepted.add(coding)
    return accepted


def carries_secret(request, response) -> bool:
    return bool(
        getattr(response, "carries_secret", False)
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or pagecache.is_personal(request)
    )


class CompressionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not self._compressible(response) or carries_secret(request, response):
            return response
        # Whatever is decided below, the answer depends on Accept-Encoding.
        patch_vary_headers(response, ("Accept-Encoding",))
        accepted = accepted_encodings(request.headers.get("Accept-Encoding", ""))
        if brotli is not None and "br" in accepted:
            coding, body = "br", brotli.compress(response.content)
        elif "gzip" in accepted or "*" in accepted:
            coding, body = "gzip", gzip.compress(response.content, compresslevel=6, mtime=0)
        else:
            return response
        if len(body) >= len(response.content):
            return response
        response.content = body
        response["Content-Length"] = str(len(body))
        response["Content-Encoding"] = coding
        # The same ETag for both codings would let a cache hand one out for the other.
        etag = response.get("ETag")
        if etag and not etag.startswith("W/"):
            response["ETag"] = "W/" + etag
        return response

    @staticmethod
    def _compressible(response) -> bool:
        return (
            response.status_code in (200, 404)
            and not response.streaming
            and not response.has_header("Content-Encoding")
            and response.get("Content-Type", "").split(";")[0].strip() in COMPRESSIBLE_TYPES
            and len(response.content) >= MINIMUM_SIZE
        )
