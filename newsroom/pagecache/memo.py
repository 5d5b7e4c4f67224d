"""Values kept until a version they depend on moves, in the shared cache and in the process."""

import logging
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache

from . import durable
from .keys import EVERY_PAGE
from .versions import SITE, current, versions

logger = logging.getLogger("newsroom.pagecache")


def remember(key: str, compute, *, request=None, depends=(SITE,)):
    """compute(), kept in the cache until one of the versions it depends on moves.

    For parts of a page that cost more than a cache read and change only with the site
    (the sections in the navigation, an article's related stories), so that a page that
    must be rendered again (a part of its own changed, or a logged-in editor asks) does not
    redo them. Falls back to compute() when the cache is unreachable.
    """
    if durable.state.pending:
        # A change may be missing from the cache: what it holds may be stale.
        return compute()
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
recent_pages = _Recent(size=256)


def forget_recent() -> None:
    """Drop what this process remembered (for tests that empty the shared cache)."""
    _recent.clear()
    recent_pages.clear()
    durable.forget()


def read_versions(request, names, *, schedule=False) -> None:
    """Read these versions for the parts the request will remember, in one round trip.

    A page that knows what it depends on (the site, an article) reads them together rather
    than once for the first kept part of each. With `schedule`, a scheduled moment that has
    passed (a publication, an expiry) moves the site's version first, as the page cache
    does for the pages it serves: for a page whose kept parts list stories by time (the
    front page) when it is rendered without the page cache. Nothing is read if the cache is
    unreachable; each part then falls back as remember() does.
    """
    try:
        if schedule and getattr(request, "page_cache", None) is None:
            known = getattr(request, "_page_versions", {})
            request._page_versions = {**known, **current(names)}
        else:
            _versions_for(request, names)
    except Exception:
        logger.warning("The cache is unreachable; versions are read part by part.")


def _versions_for(request, names):
    """The versions a request has read already (once per request), or read them now.

    Every part remembered while rendering one page uses the same versions, and the cache is
    asked for them once rather than once per part.
    """
    state = getattr(request, "page_cache", None)
    known = state.versions if state is not None else getattr(request, "_page_versions", {})
    if all(name in known for name in names):
        return known
    # The versions every page reads come along, so that the next kept part needs no trip.
    current = versions(tuple(dict.fromkeys((*names, *EVERY_PAGE))))
    if request is not None and state is None:
        request._page_versions = {**known, **current}
    return current
