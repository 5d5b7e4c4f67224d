"""Changes recorded in the database with the change itself, so that none is forgotten.

``touch()`` writes an ``Invalidation`` row in the transaction that makes the change, and
applies it (moves its versions in the shared cache, purges its keys at the front caches)
right after the commit. When the cache does not answer then (Redis down, restarting or
hung), the row stays unapplied and this process knows it: until the row is applied, its
requests are served from the database, never from a cache that may still hold the old page.
It tries again at most once every ``RETRY_SECONDS``; the first try that the cache answers
applies every unapplied row, and the cache is used again.

Another process did not see the failure, so each one asks the database whether anything is
unapplied (one ``EXISTS`` on a partial index) at most once every ``CHECK_SECONDS``; nothing
else on a page's way touches the database for this. A process that starts (after a crash or
a redeploy) asks on its first request, and sends again the front-cache purges of the recent
changes, which the process that died may not have delivered.

``manage.py replay_invalidations`` does the same from the command line.
"""

import logging
import threading
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.db import router, transaction
from django.utils import timezone

from .keys import SITE, surrogate_key
from .purge import purge

logger = logging.getLogger("newsroom.pagecache")

# A process asks the database whether a change is waiting at most this often...
CHECK_SECONDS = 2.0
# ...and, while it knows one is waiting, tries the cache again at most this often.
RETRY_SECONDS = 1.0


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset(check_now=True)

    def reset(self, *, check_now=False):
        now = time.monotonic()
        self.pending = False
        self.next_check = now if check_now else now + CHECK_SECONDS
        self.next_attempt = now
        # A new process sends the recent purges again on its first check.
        self.resend_recent = check_now


state = _State()


def _rows():
    """The invalidations, always on the primary: a replica may not have the newest yet."""
    from .models import Invalidation

    return Invalidation.objects.using(router.db_for_write(Invalidation))


def record(names) -> None:
    """Write the change in the current transaction; apply it once the transaction commits."""
    row = _rows().create(names=" ".join(names))
    transaction.on_commit(partial(_apply_one, row.pk, tuple(names)), using=row._state.db)


def _apply_one(pk, names) -> None:
    applied = write_versions(names)
    purge(*(surrogate_key(name) for name in names))
    if applied:
        try:
            _rows().filter(pk=pk).update(applied_at=timezone.now())
        except Exception:
            # Applied but not marked: it is applied again later, which changes nothing.
            logger.warning("Could not mark the change of %s as applied.", " ".join(names))
    else:
        with state.lock:
            state.pending = True
            state.next_attempt = time.monotonic() + RETRY_SECONDS
        logger.warning(
            "The cache missed the change of %s; it is kept and applied when the cache answers.",
            " ".join(names),
        )


def _strict(name):
    """The cache's method that raises when the cache does not answer, rather than guessing.

    The project's Redis cache treats an unreachable Redis as empty (newsroom/cache.py), which
    suits reading pages but would hide a lost write; Django's own Redis cache says so.
    """
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return partial(getattr(RedisCache, name), backend)
    return getattr(backend, name)


def write_versions(names) -> bool:
    """Move these versions in the shared cache; whether the cache took the write."""
    from .versions import _PREFIX, _SCHEDULE_KEY, _now_us

    now = _now_us()
    try:
        failed = _strict("set_many")({_PREFIX + name: now for name in names}, timeout=None)
        if SITE in names:
            # What is scheduled may have changed with it: ask again on the next request.
            _strict("delete")(_SCHEDULE_KEY)
    except Exception as error:
        logger.warning("The cache did not take the change of %s: %r", " ".join(names), error)
        return False
    return not failed


def replay() -> int:
    """Apply every change the cache missed; how many were applied (none if it still misses).

    Raises nothing: a cache that does not answer leaves the changes for the next try.
    """
    rows = list(_rows().filter(applied_at__isnull=True).values_list("pk", "names"))
    if not rows:
        return 0
    names = tuple(dict.fromkeys(name for _, text in rows for name in text.split()))
    if not write_versions(names):
        return -1
    _rows().filter(pk__in=[pk for pk, _ in rows]).update(applied_at=timezone.now())
    purge(*(surrogate_key(name) for name in names))
    logger.warning("Applied %d change(s) the cache had missed: %s", len(rows), " ".join(names))
    return len(rows)


def resend_recent_purges() -> int:
    """Send again the purges of the changes a front cache may still be showing stale pages of.

    A purge waits in memory until it is delivered; a process that dies takes its waiting
    purges with it. A front cache keeps a page at most ``PAGE_SHARED_MAX_AGE`` seconds (and
    serves it ``PAGE_STALE_WHILE_REVALIDATE`` more), so purging again what changed within that
    time delivers whatever was lost. How many changes' keys were sent.
    """
    if not getattr(settings, "FRONT_CACHES", ()):
        return 0
    window = settings.PAGE_SHARED_MAX_AGE + settings.PAGE_STALE_WHILE_REVALIDATE
    since = timezone.now() - timedelta(seconds=window)
    texts = list(_rows().filter(created_at__gte=since).values_list("names", flat=True))
    names = dict.fromkeys(name for text in texts for name in text.split())
    if names:
        purge(*(surrogate_key(name) for name in names))
    return len(texts)


def cache_usable() -> bool:
    """Whether pages may come from the shared cache: no change is known to be missing from it.

    Called before a page is looked up in the cache. Costs nothing most of the time; one
    ``EXISTS`` every ``CHECK_SECONDS``, and one try at the cache every ``RETRY_SECONDS`` while
    a change waits.
    """
    now = time.monotonic()
    if not state.pending and now < state.next_check:
        return True
    with state.lock:
        check = now >= state.next_check
        if check:
            state.next_check = now + CHECK_SECONDS
        resend, state.resend_recent = state.resend_recent, False
    try:
        if resend:
            resend_recent_purges()
        if check:
            pending = _rows().filter(applied_at__isnull=True).exists()
            with state.lock:
                state.pending = pending
        if not state.pending:
            return True
        with state.lock:
            if now < state.next_attempt:
                return False
            state.next_attempt = now + RETRY_SECONDS
        applied = replay()
    except Exception:
        # The database does not answer: it cannot tell what is missing, so nothing is
        # known to be (the page itself will need the database anyway).
        logger.warning("Could not ask the database for the changes the cache missed.")
        return not state.pending
    if applied < 0:
        return False
    with state.lock:
        state.pending = False
    return True


def forget() -> None:
    """As if this process had just asked the database (tests that empty the shared cache)."""
    with state.lock:
        state.reset()
