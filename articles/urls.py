from django.urls import path, register_converter
from django.views.decorators.http import require_safe

from newsroom.pagecache import public_page

from . import feeds, views


class FourDigitYear:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigits:
    regex = "[0-9]{1,2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigits, "mm")

app_name = "articles"
urlpatterns = [
    path("", views.front_page, name="front-page"),
    path("news/<yyyy:year>/<mm:month>/<mm:day>/<slug:slug>/", views.article_detail, name="detail"),
    path("section/<slug:slug>/", views.section_detail, name="section"),
    path(
        "section/<slug:slug>/rss.xml",
        require_safe(public_page(feeds.SectionFeed())),
        name="section-feed",
    ),
    path("tag/<slug:slug>/", views.tag_detail, name="tag"),
    path("author/<slug:slug>/", views.author_detail, name="author"),
    path(
        "author/<slug:slug>/rss.xml",
        require_safe(public_page(feeds.AuthorFeed())),
        name="author-feed",
    ),
    path("archive/<yyyy:year>/<mm:month>/", views.month_archive, name="archive"),
    path("search/", views.search, name="search"),
    path("rss.xml", require_safe(public_page(feeds.LatestFeed())), name="feed"),
    path("preview/<str:token>/", views.shared_preview, name="preview"),
]
