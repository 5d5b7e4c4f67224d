"""What a reader view says about its answers: the same for everyone, and what they show."""

import logging
from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control

from .keys import EVERY_PAGE, HEADERS, response_keys, surrogate_key, tag_response
from .memo import read_versions
from .parameters import is_personal
from .versions import versions

logger = logging.getLogger("newsroom.pagecache")


def public_page(view):
    """Mark a reader view's answers as the same for every anonymous visitor.

    They get Cache-Control for browsers and shared caches, and the page cache may keep them.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if is_personal(request):
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
            # What the page shows, for the front caches' purges by key (keys.py).
            keys = response_keys(request)
            for header in HEADERS:
                response[header] = keys
            state = getattr(request, "page_cache", None)
            if state is not None:
                state.cacheable = True
        return response

    return wrapper


def depends_on(request, *names: str) -> None:
    """The page being rendered shows these parts too (read their versions now).

    The page carries their surrogate keys, so a change that moves one also purges it.
    """
    tag_response(request, *(surrogate_key(name) for name in names))
    state = getattr(request, "page_cache", None)
    if state is not None:
        try:
            state.versions.update(versions(names))
        except Exception:
            logger.warning("The page cache is unreachable; this page is not kept.")
            request.page_cache = None
    elif request is not None:
        # Rendered without the page cache: the parts it keeps (memo.remember) read these
        # versions and the site's now, in one round trip rather than one each.
        read_versions(request, (*EVERY_PAGE, *names))
