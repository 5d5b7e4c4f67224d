"""The rendered-page cache for anonymous readers, and the versions that invalidate it.

Every cached reader page depends on named versions: ``site`` (anything the front page,
navigation, lists or related stories may show) and, for a page with a part of its own that
changes apart from the site, a narrower name such as ``article:<id>``. A version is the
time, in microseconds, when that part of the site last changed. A cached page records the
versions it was rendered with and is served only while every one of them is unchanged, so
an invalidation is one write to the shared cache, seen at once by every app server.

Apps call ``touch_site()`` or ``touch_article(pk)`` when something readers see changes; the
write waits for the surrounding transaction to commit, so no server can re-render the page
from data that is about to be rolled back. Versions are read before a page is rendered, so
a change committed while it renders leaves it stale rather than wrongly fresh.

Time also changes what readers see: a scheduled story's moment arrives, another expires.
An app registers a function that tells when that happens next (``register_schedule``); the
first request after that moment moves the site's version.

Who gets cached pages: GET and HEAD requests without a session cookie (staff who are logged
in always get fresh pages, and theirs are never stored), for views marked with
``@public_page``, asked for with no query parameters but those the apps registered
(``register_parameters``). A registered private parameter makes the answer private.

Front caches (Varnish, a CDN) in front of the servers learn what each page shows from its
surrogate keys (``xkey`` and ``Surrogate-Key`` headers): views name what they show with
``tag_response(request, *keys)``, and every page carries ``site``. Each change that moves a
version also purges its key at the front caches of the ``FRONT_CACHES`` setting, once the
transaction commits and in the background, retrying until the purge is delivered.

The package by job: ``versions`` (keys, versions, the schedule), ``memo`` (values kept
until their versions move), ``parameters`` (the registry), ``decorators`` (what views
declare), ``middleware`` (storing and serving pages), ``keys`` (surrogate keys),
``purge`` (purges sent to the front caches) and ``durable`` (each change written to the
database with itself, in the ``Invalidation`` model, and applied again when the cache
missed it; see docs/faults.md).
"""

from . import keys
from .decorators import depends_on, public_page
from .keys import DISCUSSION, EVERY_PAGE, FRONT, SECTIONS, tag_response
from .memo import forget_recent, read_versions, remember
from .middleware import PageCacheMiddleware
from .parameters import (
    cached_parameters,
    is_personal,
    private_parameters,
    register_parameters,
)
from .purge import purge, purger
from .versions import (
    SITE,
    article,
    register_schedule,
    touch,
    touch_article,
    touch_site,
    versions,
)

__all__ = [
    "DISCUSSION",
    "EVERY_PAGE",
    "FRONT",
    "SECTIONS",
    "SITE",
    "PageCacheMiddleware",
    "article",
    "cached_parameters",
    "depends_on",
    "forget_recent",
    "is_personal",
    "keys",
    "private_parameters",
    "public_page",
    "purge",
    "purger",
    "register_parameters",
    "register_schedule",
    "read_versions",
    "remember",
    "tag_response",
    "touch",
    "touch_article",
    "touch_site",
    "versions",
]
