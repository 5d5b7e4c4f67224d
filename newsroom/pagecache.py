"""Versions of what readers see, for the rendered-page cache.

Every cached reader page depends on named versions: ``site`` (articles, sections, authors
and tags: anything the front page, rails, lists or related stories may show) and, for an
article page, ``article:<id>`` (its comment thread). A version is the time, in microseconds,
when that part of the site last changed. A cached page records the versions it was rendered
with and is served only while every one of them is unchanged, so an invalidation is one
write to the shared cache, seen at once by every app server.

Apps call ``touch_site()`` or ``touch_article(pk)`` when something readers see changes; the
write waits for the surrounding transaction to commit, so no server can re-render the page
from data that is about to be rolled back.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction

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
