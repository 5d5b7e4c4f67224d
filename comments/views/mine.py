"""A commenter's own comments awaiting moderation, shown to them alone on a cached page.

Article pages are the same HTML for everyone. After an accepted post the poster's browser
keeps a signed, HttpOnly cookie listing their comments that wait for a moderator;
comments.js asks this uncached view for those of the article on screen and puts them in
the thread. The cookie's path is /comments/, so it never reaches a cached page.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template import loader
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles.models import Article

from ..models import Comment

COOKIE_NAME = "comment_pending"
COOKIE_PATH = "/comments/"
COOKIE_SALT = "comments.mine"
# How long a comment waits on its poster's screen for a moderator.
MAX_AGE = datetime.timedelta(days=7)
# Enough for anyone's week of comments; the cookie stays far below the browsers' limits.
MAX_IDS = 30
WAITING = (Comment.Status.PENDING, Comment.Status.UNCONFIRMED)


def read_ids(request) -> list[int]:
    """The ids in the visitor's cookie: none for a missing, forged or expired one."""
    value = request.COOKIES.get(COOKIE_NAME)
    if not value:
        return []
    try:
        ids = signing.loads(value, salt=COOKIE_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)][:MAX_IDS]


def write_ids(request, response, ids) -> None:
    """Keep `ids` (newest last) in the cookie, or delete it when there are none."""
    if not ids:
        response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Lax")
        return
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(list(ids)[-MAX_IDS:], salt=COOKIE_SALT, compress=True),
        max_age=int(MAX_AGE.total_seconds()),
        path=COOKIE_PATH,
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remember_pending(request, response, comment: Comment) -> None:
    """After an accepted post: add a comment that waits for a moderator to the cookie."""
    if comment.status not in WAITING:
        return
    ids = [i for i in read_ids(request) if i != comment.pk]
    write_ids(request, response, [*ids, comment.pk])


def _still_waiting(ids):
    """The comments of `ids` that still wait and are less than a week old."""
    cutoff = timezone.now() - MAX_AGE
    return Comment.objects.filter(pk__in=ids, status__in=WAITING, created_at__gte=cutoff)


@require_safe
def mine(request, article_id):
    """The visitor's own waiting comments on one article, as HTML for comments.js.

    Private and never stored: the answer depends on the visitor's cookie. Comments that
    were approved, removed or are over a week old leave the cookie here.
    """
    article = get_object_or_404(Article.objects.public(), pk=article_id)
    ids = read_ids(request)
    items = []
    if ids:
        waiting = list(_still_waiting(ids))
        kept = {c.pk for c in waiting}
        for comment in sorted(waiting, key=lambda c: (c.created_at, c.pk)):
            if comment.article_id != article.pk:
                continue
            html = loader.render_to_string(
                "comments/includes/pending_item.html",
                {"comment": comment, "article": article},
                request=None,
            )
            items.append({"id": comment.pk, "parent": comment.parent_id, "html": html})
    response = JsonResponse({"comments": items})
    response["Cache-Control"] = "private, no-store"
    if ids:
        remaining = [i for i in ids if i in kept]
        if remaining != ids:
            write_ids(request, response, remaining)
    return response
