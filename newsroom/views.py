"""Views of the project itself: the health check and the pages shown when things break."""

import logging
import secrets
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.http import require_safe
from django.views.static import serve

logger = logging.getLogger(__name__)

# How long a browser or a proxy should wait before asking again while the database is away.
RETRY_AFTER_SECONDS = 30


@require_safe
def healthz(request):
    """200 "ok" when the database and the cache both answer, else 503 and what failed.

    For load balancers: a server whose database or cache is unreachable is taken out of
    rotation rather than sent visitors. Never cached, so every probe is a real check.
    """
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database does not answer.", exc_info=True)
        problems.append("database unavailable")
    # A value only this probe knows: reading it back proves the cache stored it. The
    # resilient Redis cache swallows errors, so a failed write shows up here as a miss.
    key, token = "healthz:probe", secrets.token_hex(8)
    try:
        cache.set(key, token, timeout=10)
        if cache.get(key) != token:
            problems.append("cache unavailable")
    except Exception:
        logger.warning("Health check: the cache does not answer.", exc_info=True)
        problems.append("cache unavailable")
    if problems:
        response = HttpResponse("; ".join(problems) + "\n", status=503)
    else:
        response = HttpResponse("ok\n")
    response["Content-Type"] = "text/plain; charset=utf-8"
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: the friendly 503 page while the database is unreachable, else the 500 one.

    Django calls this from inside its exception handling, wherever the error was raised
    (view, template, context processor or middleware), so sys.exc_info() holds the cause.
    Neither page uses the request context: its processors would query the database.
    """
    error = sys.exc_info()[1]
    context = {"SITE_NAME": settings.SITE_NAME}
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponseServerError(loader.render_to_string("500.html", context))
    # Neither the page cache nor a proxy in front may keep an error page as the page.
    response["Cache-Control"] = "no-store"
    return response


# Picture formats newsroom/images.py accepts, and the renditions it makes. Anything else
# found under MEDIA_ROOT is handed out as a download, never displayed on our origin.
SAFE_MEDIA_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"}
# A rendition's name changes whenever its content does (newsroom/images.py saves a new file
# and deletes the old one), so browsers and CDNs may keep it for good. An original keeps
# its name while an editor may replace the file behind it less often than daily.
RENDITION_CACHE_CONTROL = "public, max-age=31536000, immutable"
ORIGINAL_CACHE_CONTROL = "public, max-age=86400"


def serve_media(request, path):
    """Uploaded files, when Django serves them (SERVE_MEDIA, development and small sites).

    Every file gets a policy under which nothing runs and nothing loads, so even a file
    that slipped past the upload checks cannot act as a page of this site.
    """
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError) as error:
        # A name the file system cannot hold (too long, a NUL byte) names no file.
        raise Http404("No such file.") from error
    if response.status_code == 200 and (
        response.get("Content-Type", "").split(";")[0] not in SAFE_MEDIA_TYPES
    ):
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response["Content-Security-Policy"] = settings.MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    if response.status_code in (200, 304):
        is_rendition = "/renditions/" in f"/{path}"
        response["Cache-Control"] = (
            RENDITION_CACHE_CONTROL if is_rendition else ORIGINAL_CACHE_CONTROL
        )
    return response
