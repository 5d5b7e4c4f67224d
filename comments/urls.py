from django.urls import path
from django.views.decorators.http import require_safe

import articles.converters  # noqa: F401 (registers the yyyy and mm path converters)
from newsroom.pagecache import public_page

from . import feeds, views

app_name = "comments"
urlpatterns = [
    path("comments/post/<int:article_id>/", views.post_comment, name="post"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="report"),
    path("comments/privacy/", views.privacy, name="privacy"),
    # Signed links (see comments/links.py); the token is the whole last segment.
    path("comments/manage/<str:token>/", views.manage, name="manage"),
    path("comments/manage/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("comments/moderate/<str:token>/", views.moderate, name="moderate"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("comments/confirm/<str:token>/", views.confirm, name="confirm"),
    path(
        "news/<yyyy:year>/<mm:month>/<mm:day>/<slug:slug>/comments/rss.xml",
        require_safe(public_page(feeds.ArticleCommentsFeed())),
        name="article-feed",
    ),
]
