"""Named versions of the parts of the site, and the schedule that moves the site's version.

A version is the time, in microseconds, when that part of the site last changed; one write
to the shared cache invalidates every page that shows the part, on every app server.
"""

import logging
import time

from django.core.cache import cache

from . import durable
from .keys import SITE, WITH_SITE, surrogate_key
from .purge import purge

logger = logging.getLogger("newsroom.pagecache")

_PREFIX = "pagecache:v:"


def article(pk) -> str:
    return f"article:{pk}"


def touch(*names: str) -> None:
    """Mark these parts of the site as changed, once the current transaction commits.

    The front caches are then told to drop the pages that show them (``purge``). The change
    is written to the database in the current transaction, so a cache that misses it gets
    it later (``durable``).
    """
    names = tuple(dict.fromkeys(names))
    if any(name in WITH_SITE for name in names):
        # What is kept apart from the site's version still shows on its pages.
        names = tuple(dict.fromkeys((SITE, *names)))
    if names:
        durable.record(names)


def touch_site() -> None:
    touch(SITE)


def touch_article(*pks) -> None:
    touch(*(article(pk) for pk in pks if pk is not None))


def _now_us() -> int:
    return time.time_ns() // 1000


def _bump(names) -> None:
    # For the schedule only: a moment that passed is found again by the next request if
    # this write is lost, so it needs no record in the database.
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
    # After the versions moved: a front cache that asks again gets the new page.
    purge(*(surrogate_key(name) for name in names))


def versions(names) -> dict[str, int]:
    """The current version of each name; a name never seen before starts now."""
    keys = {_PREFIX + name: name for name in names}
    found = cache.get_many(list(keys))
    missing = {key: _now_us() for key in keys if key not in found}
    if any(keys[key] in WITH_SITE for key in missing):
        # touch() moves the site's version with these, so the site's is never older than
        # theirs: starting there keeps what was kept under it, and does not make pages look
        # changed a moment ago (newsroom/db_router.py).
        site = found.get(_PREFIX + SITE) or cache.get(_PREFIX + SITE)
        if site is not None:
            missing.update({key: site for key in missing if keys[key] in WITH_SITE})
    if missing:
        # add() keeps a value another server wrote in the meantime; read back what stuck.
        for key, value in missing.items():
            cache.add(key, value, timeout=None)
        found.update(cache.get_many(list(missing)))
    return {keys[key]: value for key, value in found.items()}


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


def current(names) -> dict[str, int]:
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
