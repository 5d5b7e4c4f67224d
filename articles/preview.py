"""Previews of unpublished articles: for staff in the admin, and by signed link for anyone.

A shared link carries the article's id and its preview key, signed with a timestamp. It stops
working after PREVIEW_LINK_MAX_AGE, when the key is rotated (revoked) and once the article is
published (its public address takes over).
"""

from django.core import signing
from django.shortcuts import render
from django.urls import reverse

from . import conf
from .models import Article, prefetch_bylines
from .pages import article_page_context

SALT = "articles.preview"


def make_token(article):
    return signing.dumps({"a": article.pk, "k": article.preview_key}, salt=SALT, compress=True)


def preview_url(article):
    return reverse("articles:preview", kwargs={"token": make_token(article)})


def max_age_hours():
    return conf.preview_link_max_age() // 3600


class Unavailable(Exception):
    def __init__(self, status, reason, article=None):
        super().__init__(reason)
        self.status, self.reason, self.article = status, reason, article


def article_for_token(token):
    """The article a shared link opens, or Unavailable with the status and reason to show."""
    try:
        data = signing.loads(token, salt=SALT, max_age=conf.preview_link_max_age())
    except signing.SignatureExpired:
        raise Unavailable(410, "expired") from None
    except signing.BadSignature:
        raise Unavailable(400, "invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        raise Unavailable(400, "invalid")
    article = (
        Article.objects.select_related("section")
        .prefetch_related(prefetch_bylines(), "tags")
        .filter(pk=data["a"])
        .first()
    )
    if article is None:
        raise Unavailable(410, "gone")
    if article.status == Article.Status.PUBLISHED:
        raise Unavailable(410, "published", article)
    if article.preview_key != data.get("k"):
        raise Unavailable(403, "revoked")
    return article


def render_preview(request, article, *, shared, unsaved=False):
    # Staff see pictures that are not public yet through the library's staff-only addresses;
    # a shared link's reviewer, who has no account, sees only public ones.
    article.shows_private_pictures = not shared
    # Rendered afresh: a preview shows work in progress, which no cached part may hide.
    context = article_page_context(article, request=request, keep=False)
    context.update(preview=True, shared_preview=shared, unsaved_preview=unsaved)
    response = render(request, "articles/article_detail.html", context)
    # Not for search engines, shared caches or the Referer header of outgoing links.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
