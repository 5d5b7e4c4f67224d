from django.urls import path
from django.views.decorators.http import require_safe

import articles.converters  # noqa: F401 (registers the yyyy and mm path converters)
from newsroom.pagecache import public_page

from . import feeds
from .views import mine, moderator, public, selfservice

app_name = "comments"
urlpatterns = [
    path("comments/post/<int:article_id>/", public.post_comment, name="post"),
    path("comments/<int:comment_id>/report/", public.report_comment, name="report"),
    path("comments/privacy/", public.privacy, name="privacy"),
    path("comments/token/<int:article_id>/", public.form_token, name="form-token"),
    path("comments/mine/<int:article_id>/", mine.mine, name="mine"),
    # Signed links (see comments/links.py); the token is the whole last segment.
    path("comments/manage/<str:token>/", selfservice.manage, name="manage"),
    path("comments/manage/<str:token>/withdraw/", selfservice.withdraw, name="withdraw"),
    path("comments/moderate/<str:token>/", moderator.moderate, name="moderate"),
    path("comments/unsubscribe/<str:token>/", selfservice.unsubscribe, name="unsubscribe"),
    path("comments/confirm/<str:token>/", selfservice.confirm, name="confirm"),
    path(
        "news/<yyyy:year>/<mm:month>/<mm:day>/<slug:slug>/comments/rss.xml",
        require_safe(public_page(feeds.ArticleCommentsFeed())),
        name="article-feed",
    ),
]
