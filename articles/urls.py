from django.urls import path
from django.views.decorators.http import require_safe

from newsroom.pagecache import public_page

from . import converters, corrections, feeds, popular, views  # noqa: F401 (yyyy and mm)

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
    path("archive/<yyyy:year>/<mm:month>/<mm:day>/", views.day_archive, name="archive-day"),
    path("search/", views.search, name="search"),
    path("rss.xml", require_safe(public_page(feeds.LatestFeed())), name="feed"),
    path("corrections/", corrections.corrections_list, name="corrections"),
    path(
        "corrections/rss.xml",
        require_safe(public_page(feeds.CorrectionsFeed())),
        name="corrections-feed",
    ),
    path("reads/", popular.record_read, name="record-read"),
    path("preview/<str:token>/", views.shared_preview, name="preview"),
    # Discovery: the sitemaps and robots.txt, at the site's root.
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", views.sitemap_section, name="sitemap-section"),
    path("news-sitemap.xml", views.news_sitemap, name="news-sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
