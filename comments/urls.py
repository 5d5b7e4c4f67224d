from django.urls import path
from django.views.decorators.http import require_safe

# The article URL's converters (yyyy, mm) are registered there.
import articles.urls  # noqa: F401
from newsroom.pagecache import public_page

from . import feeds, views

app_name = "comments"
urlpatterns = [
    path("comments/post/<int:article_id>/", views.post_comment, name="post"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="report"),
    path(
        "news/<yyyy:year>/<mm:month>/<mm:day>/<slug:slug>/comments/rss.xml",
        require_safe(public_page(feeds.ArticleCommentsFeed())),
        name="article-feed",
    ),
]
