"""Which requests may read from a read replica, and read-your-writes for those that may not.

A replica replays the primary's changes a moment later (usually well under a second). That
is harmless for a reader page, except for the visitor who just changed something and for
the rendered-page cache, which must not keep a page from before a change under the version
that change created. So these read from the primary:

- unsafe requests (POST and the like), and the admin (requests under ADMIN_PATH);
- the poster's own view after a comment (``?pending=`` or ``?posted=``) and logged-in staff
  (a session cookie): both are private pages, never shared;
- for DATABASE_REPLICA_PIN_SECONDS after any unsafe request, the same visitor: the response
  to that request carries a small cookie with the moment the pin ends, and nothing else;
- a reader page whose parts (the page cache's versions) changed within the last
  DATABASE_REPLICA_PIN_SECONDS: a replica may not show that change yet. When a page turns
  out, once rendered, to show such a part, it is rendered again from the primary.

The cookie is only ever set on the response to an unsafe request, which no cache keeps, and
it makes no page personal: a pinned visitor may still get the shared cached page (which is
current: the page cache checks its versions), and a page rendered for them is the same HTML
as anyone's. No response gets ``Vary: Cookie`` from here.

A query that fails on a replica in the middle of a reader request (a standby cancels queries
that conflict with what it replays; a replica may go away) is answered by rendering the page
again from the primary.

Installed without replicas, this middleware removes itself (MiddlewareNotUsed).
"""

import logging
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from newsroom import db_router, pagecache

logger = logging.getLogger(__name__)

PIN_COOKIE = "newsroom_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def pinned_until(request) -> float:
    """When this visitor's read-your-writes pin ends (0 without a valid one)."""
    try:
        until = float(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return 0
    # A pin never lasts longer than the window; a forged far-future value is ignored.
    if until > time.time() + settings.DATABASE_REPLICA_PIN_SECONDS:
        return 0
    return until


def needs_primary(request) -> bool:
    return (
        request.method not in SAFE_METHODS
        or request.path.startswith("/" + settings.ADMIN_PATH)
        or pagecache.is_personal(request)
        or pinned_until(request) > time.time()
    )


def _recent_change(request) -> bool:
    """The page cache saw a change to what this page shows within the pin window."""
    versions = getattr(getattr(request, "page_cache", None), "versions", None)
    if not versions:
        return False
    newest = max(versions.values()) / 1_000_000
    return newest > time.time() - settings.DATABASE_REPLICA_PIN_SECONDS


class ReplicaReadsMiddleware:
    """Lets reader requests read from a replica (see ``newsroom.db_router``).

    Sits right below the page cache: stored pages are answered before any database is
    chosen, and the versions of the page being rendered are known here.
    """

    def __init__(self, get_response):
        if not db_router.routing_enabled():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        primary = needs_primary(request) or _recent_change(request)
        response, used = self._respond(request, primary)
        if used.checked and not used.from_primary and _recent_change(request):
            # What this page shows changed a moment ago; the replica may be behind it.
            if getattr(response, "streaming", False) and hasattr(response, "close"):
                response.close()
            response, _ = self._respond(request, primary=True)
        if request.method not in SAFE_METHODS:
            self._pin(request, response)
        return response

    def process_exception(self, request, exception):
        """A replica that fails in the middle of a reader request: render it from the primary.

        A standby cancels a query that conflicts with what it replays, and a replica may go
        away between the connection check and a query; the reader gets the page either way.
        """
        current = db_router.reads.get()
        if (
            not isinstance(exception, OperationalError)
            or request.method not in SAFE_METHODS
            or current is None
            or current.from_primary
            or not current.checked
        ):
            return None
        logger.warning(
            "A query failed on read replica %s (%s); rendering from the primary.",
            current.alias,
            exception,
        )
        replica = connections[current.alias]
        if replica.connection is None or not replica.is_usable():
            db_router.mark_down(current.alias)
        return self._respond(request, primary=True)[0]

    def _respond(self, request, primary):
        used = db_router.Reads(alias=DEFAULT_DB_ALIAS if primary else db_router.pick_replica())
        token = db_router.reads.set(used)
        try:
            return self.get_response(request), used
        finally:
            db_router.reads.reset(token)

    @staticmethod
    def _pin(request, response):
        seconds = settings.DATABASE_REPLICA_PIN_SECONDS
        response.set_cookie(
            PIN_COOKIE,
            str(int(time.time()) + seconds),
            max_age=seconds,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
