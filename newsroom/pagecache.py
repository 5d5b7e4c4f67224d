"""The rendered-page cache for anonymous readers, and the versions that invalidate it.

Every cached reader page depends on named versions: ``site`` (articles, sections, authors
and tags: anything the front page, rails, lists or related stories may show) and, for an
article page, ``article:<id>`` (its comment thread). A version is the time, in microseconds,
when that part of the site last changed. A cached page records the versions it was rendered
with and is served only while every one of them is unchanged, so an invalidation is one
write to the shared cache, seen at once by every app server.

Apps call ``touch_site()`` or ``touch_article(pk)`` when something readers see changes; the
write waits for the surrounding transaction to commit, so no server can re-render the page
from data that is about to be rolled back. Versions are read before a page is rendered, so
a change committed while it renders leaves it stale rather than wrongly fresh.

Time also changes what readers see: a scheduled article's moment arrives, another expires.
The articles app registers a function that tells when that happens next; the first request
after that moment moves the site's version.

Who gets cached pages: GET and HEAD requests without a session cookie (staff who are logged
in always get fresh pages, and theirs are never stored), for views marked with
``@public_page``. The response right after a comment is posted (``?pending=`` or
``?posted=``, with the poster's private link in it) is private.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

SITE = "site"
_PREFIX = "pagecache:v:"


def article(pk) -> str:
    return f"article:{pk}"


def touch(*names: str) -> None:
    """Mark these parts of the site as changed, once the current transaction commits."""
    names = tuple(dict.fromkeys(names))
    if names:
        transaction.on_commit(lambda: _bump(names))


def touch_site() -> None:
    touch(SITE)


def touch_article(*pks) -> None:
    touch(*(article(pk) for pk in pks if pk is not None))


def _now_us() -> int:
    return time.time_ns() // 1000


def _bump(names) -> None:
    now = _now_us()
    try:
        cache.set_many({_PREFIX + name: now for name in names}, timeout=None)
        if SITE in names:
            # What is scheduled may have changed with it: ask again on the next request.
            cache.delete(_SCHEDULE_KEY)
    except Exception:
        # With the cache unreachable nothing can be served from it either; the pages are
        # re-rendered once it is back, because its entries are gone or their versions
        # are older than the ones written next.
        logger.warning("Could not record a change of %s in the cache.", ", ".join(names))


def versions(names) -> dict[str, int]:
    """The current version of each name; a name never seen before starts now."""
    keys = {_PREFIX + name: name for name in names}
    found = cache.get_many(list(keys))
    missing = {key: _now_us() for key in keys if key not in found}
    if missing:
        # add() keeps a value another server wrote in the meantime; read back what stuck.
        for key, value in missing.items():
            cache.add(key, value, timeout=None)
        found.update(cache.get_many(list(missing)))
    return {keys[key]: value for key, value in found.items()}


def remember(key: str, compute, *, request=None, depends=(SITE,)):
    """compute(), kept in the cache until one of the versions it depends on moves.

    For parts of a page that cost more than a cache read and change only with the site
    (the sections in the navigation, an article's related stories), so that a page that
    must be rendered again (its comments changed, or a logged-in editor asks) does not
    redo them. Falls back to compute() when the cache is unreachable.
    """
    try:
        current = _versions_for(request, depends)
        full_key = f"pagecache:memo:{key}:" + ":".join(str(current[name]) for name in depends)
        value = _recent.get(full_key)
        if value is None:
            value = cache.get(full_key)
    except Exception:
        logger.warning("The cache is unreachable; %s is computed afresh.", key)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(full_key, value, timeout=settings.PAGE_CACHE_SECONDS or 600)
        except Exception:
            logger.warning("The cache is unreachable; %s is not kept.", key)
    _recent.put(full_key, value)
    return value


class _Recent:
    """The values this process remembered last, by their versioned keys.

    A versioned key names one value for good (a change makes a new key), so a process may
    keep what it read without asking the shared cache again or unpickling it: only the
    versions are read from the shared cache on each request.
    """

    def __init__(self, size):
        self.size = size
        self.values = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def clear(self):
        with self.lock:
            self.values.clear()

    def put(self, key, value):
        with self.lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)


_recent = _Recent(size=256)
# Pages are checked against their versions before each use, like remembered values; a
# process keeps the last few hundred it served (some 50 KB each).
_recent_pages = _Recent(size=256)


def forget_recent() -> None:
    """Drop what this process remembered (for tests that empty the shared cache)."""
    _recent.clear()
    _recent_pages.clear()


def _versions_for(request, names):
    """The versions a request has read already (once per request), or read them now.

    Every part remembered while rendering one page uses the same versions, and the cache is
    asked for them once rather than once per part.
    """
    state = getattr(request, "page_cache", None)
    known = state.versions if state is not None else getattr(request, "_page_versions", {})
    if all(name in known for name in names):
        return known
    current = versions(names)
    if request is not None and state is None:
        request._page_versions = {**known, **current}
    return current


# When something scheduled next changes what readers see ------------------------------------

_SCHEDULE_KEY = "pagecache:next-change"
_schedule = None


def register_schedule(function) -> None:
    """function() -> the next datetime at which public content changes by itself, or None."""
    global _schedule
    _schedule = function


def _next_change_us() -> int:
    moment = _schedule() if _schedule is not None else None
    return int(moment.timestamp() * 1_000_000) if moment is not None else 0


def _current(names) -> dict[str, int]:
    """versions(), after moving the site's version if a scheduled moment has passed.

    One round trip to the cache on most requests.
    """
    keys = {_PREFIX + name: name for name in names}
    found = cache.get_many([_SCHEDULE_KEY, *keys])
    next_change = found.pop(_SCHEDULE_KEY, None)
    if next_change is None or (next_change and next_change <= _now_us()):
        if next_change:
            _bump([SITE])
        cache.set(_SCHEDULE_KEY, _next_change_us(), timeout=None)
        return versions(names)
    if len(found) < len(keys):
        return versions(names)
    return {keys[key]: value for key, value in found.items()}


# The cache itself ---------------------------------------------------------------------------

# Query parameters a reader page understands; any other makes the response uncached, so
# made-up parameters cannot fill the cache.
CACHED_PARAMETERS = frozenset({"page", "cpage", "replyto", "q"})
# Kept from the rendered response; the rest (Set-Cookie above all) never is.
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Cache-Control",
    "Vary",
    "X-Robots-Tag",
    "X-Accel-Expires",
    "Link",
)


class _State:
    """What a request being rendered for the cache depends on."""

    def __init__(self, versions):
        self.versions = versions
        self.cacheable = False


def _enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


# The poster's own view right after a comment, with their private link.
PRIVATE_PARAMETERS = frozenset({"pending", "posted"})


def _is_personal(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or not PRIVATE_PARAMETERS.isdisjoint(
        request.GET
    )


def _key(request) -> str:
    url = f"{request.get_host()}{request.get_full_path()}"
    return "pagecache:page:" + hashlib.sha256(url.encode()).hexdigest()


def public_page(view):
    """Mark a reader view's answers as the same for every anonymous visitor.

    They get Cache-Control for browsers and shared caches, and the page cache may keep them.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if _is_personal(request):
            patch_cache_control(response, private=True, no_cache=True)
            return response
        if response.status_code == 200 and not response.has_header("Cache-Control"):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PAGE_MAX_AGE,
                s_maxage=settings.PAGE_SHARED_MAX_AGE,
                stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
                stale_if_error=settings.PAGE_STALE_IF_ERROR,
            )
            # nginx's proxy_cache reads max-age but not s-maxage; this header is its own
            # (it never passes it on to browsers). See deploy/nginx/newsroom.conf.
            response["X-Accel-Expires"] = str(settings.PAGE_SHARED_MAX_AGE)
            state = getattr(request, "page_cache", None)
            if state is not None:
                state.cacheable = True
        return response

    return wrapper


def depends_on(request, *names: str) -> None:
    """The page being rendered shows these parts too (read their versions now)."""
    state = getattr(request, "page_cache", None)
    if state is not None:
        try:
            state.versions.update(versions(names))
        except Exception:
            logger.warning("The page cache is unreachable; this page is not kept.")
            request.page_cache = None


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
        if request.method not in ("GET", "HEAD") or not _enabled() or _is_personal(request):
            return self.get_response(request)
        key = _key(request)
        try:
            # A page this process served lately needs only its versions checked (one round
            # trip); the shared cache is asked for the page itself otherwise.
            entry = _recent_pages.get(key)
            if entry is not None and entry["expires"] > time.time():
                if _current(entry["versions"]) == entry["versions"]:
                    return self._answer(request, entry)
            entry = cache.get(key)
            if entry is not None and _current(entry["versions"]) == entry["versions"]:
                _recent_pages.put(key, entry)
                return self._answer(request, entry)
            request.page_cache = _State(_current([SITE]))
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
                _recent_pages.put(key, entry)
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
            and set(request.GET) <= CACHED_PARAMETERS
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
