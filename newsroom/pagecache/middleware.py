"""The rendered-page cache itself: stored answers, checked against their versions."""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from .durable import cache_usable
from .keys import EVERY_PAGE
from .memo import recent_pages
from .parameters import is_personal, only_cached_parameters
from .versions import SITE, current

logger = logging.getLogger("newsroom.pagecache")

# Kept from the rendered response; the rest (Set-Cookie above all) never is.
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Cache-Control",
    "Vary",
    "X-Robots-Tag",
    "X-Accel-Expires",
    "Link",
    "xkey",
    "Surrogate-Key",
)


class _State:
    """What a request being rendered for the cache depends on."""

    def __init__(self, versions):
        self.versions = versions
        self.cacheable = False


def _enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


def _key(request) -> str:
    url = f"{request.get_host()}{request.get_full_path()}"
    return "pagecache:page:" + hashlib.sha256(url.encode()).hexdigest()


def _validators(response, versions):
    if not response.has_header("ETag"):
        digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        response["ETag"] = f'"{digest}"'
    if not response.has_header("Last-Modified") and versions:
        response["Last-Modified"] = http_date(max(versions.values()) / 1_000_000)


class PageCacheMiddleware:
    """Serve anonymous readers a stored copy of the page while everything it shows is unchanged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not _enabled() or is_personal(request):
            return self.get_response(request)
        key = _key(request)
        try:
            if not cache_usable():
                # A change may be missing from the cache: its pages could be stale.
                request.page_cache = None
                return self.get_response(request)
            # A page this process served lately needs only its versions checked (one round
            # trip); the shared cache is asked for the page itself otherwise.
            entry = recent_pages.get(key)
            if entry is not None and entry["expires"] > time.time():
                if current(entry["versions"]) == entry["versions"]:
                    return self._answer(request, entry)
            entry = cache.get(key)
            if entry is not None and current(entry["versions"]) == entry["versions"]:
                recent_pages.put(key, entry)
                return self._answer(request, entry)
            request.page_cache = _State(current(list(EVERY_PAGE)))
        except Exception:
            logger.warning("The page cache is unreachable; serving from the database.")
            request.page_cache = None
            return self.get_response(request)

        response = self.get_response(request)
        state = request.page_cache
        if state is None or not state.cacheable:
            return response
        _validators(response, state.versions)
        # Without the site's version (a cache that answers nothing) the page cannot be
        # checked later, so it is not kept.
        if SITE in state.versions and self._storable(request, response):
            entry = {
                "versions": state.versions,
                "expires": time.time() + settings.PAGE_CACHE_SECONDS,
                "content": response.content,
                "headers": [
                    (header, response[header])
                    for header in (*_KEPT_HEADERS, "ETag", "Last-Modified")
                    if response.has_header(header)
                ],
            }
            try:
                cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("The page cache is unreachable; this page is not kept.")
            else:
                recent_pages.put(key, entry)
        response["X-Page-Cache"] = "miss"
        return _conditional(request, response)

    @staticmethod
    def _storable(request, response) -> bool:
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "Cookie" not in response.get("Vary", "")
            and only_cached_parameters(request)
        )

    @staticmethod
    def _answer(request, entry):
        response = HttpResponse(entry["content"])
        for header, value in entry["headers"]:
            response[header] = value
        response["X-Page-Cache"] = "hit"
        return _conditional(request, response)


def _conditional(request, response):
    """304 Not Modified when the visitor's copy is still current."""
    modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(modified) if modified else None,
        response=response,
    )
