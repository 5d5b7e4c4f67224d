import datetime

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, Min
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from authors.models import Author
from newsroom import pagecache

from . import conf, preview
from .models import Article, Section, Tag
from .pages import (
    article_page_context,
    front_page_stories,
    public_article,
    search_results,
    with_sections,
)
from .paginator import ListingPaginator, SearchPaginator, require_first_page
from .sitemaps import (
    SITEMAPS,
    news_sitemap_articles,
    news_sitemap_xml,
    sitemap_index_entries,
    urlset_xml,
)

FRONT_PAGE_TOP_STORIES = 4
FRONT_PAGE_LATEST = 10


def paginate(request, queryset, *, key):
    """The page of a listing asked for; `key` names the listing, whose count is kept.

    A malformed ?page= is the first page; a number before the first or past the last page
    answers 404, so a page that shows nothing is never served as a page of the listing.
    """
    paginator = ListingPaginator(queryset, conf.articles_per_page(), key=key, request=request)
    return paginator.get_page_or_404(request.GET.get("page"))


def tag_listing(request, key, articles):
    """A listing page shows its own thing (a section, a tag...) and the articles it lists."""
    pagecache.tag_response(request, key, *(pagecache.keys.article(a.pk) for a in articles))


@require_safe
@pagecache.public_page
def front_page(request):
    require_first_page(request)
    # The newest featured stories lead; the newest of the rest fill the top and "Latest".
    # Which stories those are, and what their teasers show, changes only with the site's
    # version (a scheduled publication or expiry moves it too): they are read once per
    # version, with their sections and bylines, rather than on every render.
    pagecache.read_versions(request, pagecache.EVERY_PAGE, schedule=True)
    stories = pagecache.remember(
        "front-page-stories",
        lambda: front_page_stories(
            request, top_size=1 + FRONT_PAGE_TOP_STORIES, latest_size=FRONT_PAGE_LATEST
        ),
        request=request,
    )
    lead = [stories["lead"]] if stories["lead"] else []
    listed = [
        *lead,
        *stories["top_stories"],
        *stories["latest"],
        *(article for _, articles in stories["rails"] for article in articles),
    ]
    tag_listing(request, pagecache.FRONT, listed)
    return render(request, "articles/front_page.html", stories)


@require_safe
@pagecache.public_page
def article_detail(request, year, month, day, slug):
    article = public_article(slug)
    if article is None:
        raise Http404("No public article has that address.")
    published = timezone.localtime(article.first_published_at)
    if (year, month, day) != (published.year, published.month, published.day):
        raise Http404("No article was published under that date.")
    canonical = article.get_absolute_url()
    if request.path != canonical:
        return redirect(canonical, permanent=True)
    # Read before the thread is: a comment approved while this page renders leaves it stale.
    pagecache.depends_on(request, pagecache.article(article.pk))
    with_sections([article], request)
    return render(
        request, "articles/article_detail.html", article_page_context(article, request=request)
    )


@require_safe
@pagecache.public_page
def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    page = paginate(
        request,
        Article.objects.public().filter(section=section).newest_first().for_listing(),
        key=f"section:{section.pk}",
    )
    tag_listing(request, pagecache.keys.section(section.pk), page)
    return render(
        request,
        "articles/section_detail.html",
        {"section": section, "page": page, "current_section": section.slug},
    )


@require_safe
@pagecache.public_page
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = paginate(
        request, tag.articles.public().newest_first().for_listing(), key=f"tag:{tag.pk}"
    )
    if not page.object_list:
        # A tag readers cannot see a single story under is no page of the site.
        raise Http404("No public story carries that tag.")
    tag_listing(request, pagecache.keys.tag(tag.pk), page)
    return render(request, "articles/tag_detail.html", {"tag": tag, "page": page})


@require_safe
@pagecache.public_page
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    page = paginate(
        request,
        author.articles.public().newest_first().for_listing(),
        key=f"author:{author.pk}",
    )
    tag_listing(request, pagecache.keys.author(author.pk), page)
    return render(request, "articles/author_detail.html", {"author": author, "page": page})


@require_safe
@pagecache.public_page
def month_archive(request, year, month):
    today = timezone.localdate()
    if (
        not (1 <= month <= 12)
        or not (1900 <= year <= today.year)
        or ((year, month) > (today.year, today.month))
    ):
        raise Http404("No archive for that month.")
    canonical = reverse("articles:archive", kwargs={"year": year, "month": month})
    if request.path != canonical:
        return redirect(canonical, permanent=True)
    start = datetime.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    page = archive_page(request, start, end, key=f"archive:{year}-{month}")
    previous_month, next_month = pagecache.remember(
        f"archive-nav:{year}-{month}",
        lambda: neighbouring_days(start, end, month=True),
        request=request,
    )
    return render(
        request,
        "articles/month_archive.html",
        {
            "month": start.date(),
            "page": page,
            "previous_month": previous_month,
            "next_month": next_month,
        },
    )


@require_safe
@pagecache.public_page
def day_archive(request, year, month, day):
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        raise Http404("No archive for that day.") from None
    if year < 1900 or date > timezone.localdate():
        raise Http404("No archive for that day.")
    canonical = reverse("articles:archive-day", kwargs={"year": year, "month": month, "day": day})
    if request.path != canonical:
        return redirect(canonical, permanent=True)
    start = datetime.datetime(year, month, day, tzinfo=timezone.get_current_timezone())
    # Wall-clock arithmetic: the next midnight, whatever a change of clocks does that day.
    end = start + datetime.timedelta(days=1)
    page = archive_page(request, start, end, key=f"archive:{date.isoformat()}")
    previous_day, next_day = pagecache.remember(
        f"archive-nav:{date.isoformat()}",
        lambda: neighbouring_days(start, end),
        request=request,
    )
    return render(
        request,
        "articles/day_archive.html",
        {"day": date, "page": page, "previous_day": previous_day, "next_day": next_day},
    )


def archive_page(request, start, end, *, key):
    """The page asked for of the stories first published from `start` until `end`."""
    page = paginate(
        request,
        Article.objects.public()
        .filter(first_published_at__gte=start, first_published_at__lt=end)
        .newest_first()
        .for_listing(),
        key=key,
    )
    tag_listing(request, None, page)
    if not page.object_list:
        raise Http404("No story was published then.")
    return page


def neighbouring_days(start, end, *, month=False):
    """The nearest days (or months) before and after with stories: an empty one is a 404."""
    public = Article.objects.public().order_by()
    before = public.filter(first_published_at__lt=start).aggregate(at=Max("first_published_at"))
    after = public.filter(first_published_at__gte=end).aggregate(at=Min("first_published_at"))
    found = (timezone.localdate(row["at"]) if row["at"] else None for row in (before, after))
    return tuple(day.replace(day=1) if day and month else day for day in found)


@require_safe
@pagecache.public_page
def search(request):
    query = " ".join(request.GET.get("q", "").split())[: conf.search_max_query_length()]
    # NUL characters are refused by PostgreSQL and mean nothing in a search.
    query = query.replace("\x00", "")
    page = None
    if query:
        paginator = SearchPaginator(
            Article.objects.public().search(query),
            conf.articles_per_page(),
            show=lambda ids: search_results(ids, query, request),
        )
        page = paginator.get_page(request.GET.get("page"))
        tag_listing(request, None, page)
        if page.number != paginator.asked_for:
            raise Http404("There is no such page of results.")
    else:
        require_first_page(request)
    return render(request, "articles/search.html", {"query": query, "page": page})


@require_safe
@pagecache.public_page
def sitemap_index(request):
    return render(
        request,
        "sitemap_index.xml",
        # Counting every public article and author and finding the latest change takes
        # seconds at a million articles; all three move only with the site's version.
        {"sitemaps": pagecache.remember("sitemap-index", sitemap_index_entries, request=request)},
        content_type="application/xml",
    )


@require_safe
@pagecache.public_page
def sitemap_section(request, section):
    """A page of one of the sitemaps the index lists: Django's sitemap view, its XML written
    in Python (articles.sitemaps.urlset_xml)."""
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404(f"No sitemap available for section: {section!r}")
    page = request.GET.get("p", 1)
    sitemap = sitemap_class()
    try:
        urls = sitemap.get_urls(page=page, protocol=request.scheme)
    except EmptyPage:
        raise Http404(f"Page {page} empty") from None
    except PageNotAnInteger:
        raise Http404(f"No page '{page}'") from None
    lastmod = getattr(sitemap, "latest_lastmod", None)
    # As Django's view: with every entry's last change known, conditional requests get 304.
    headers = {"Last-Modified": http_date(lastmod.timestamp())} if lastmod else None
    return HttpResponse(urlset_xml(urls), content_type="application/xml", headers=headers)


@require_safe
@pagecache.public_page
def news_sitemap(request):
    return HttpResponse(
        news_sitemap_xml(news_sitemap_articles()),
        content_type="application/xml; charset=utf-8",
    )


@require_safe
@pagecache.public_page
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


UNAVAILABLE_REASONS = {
    "invalid": "This preview link is not valid. Check that it was copied in full.",
    "expired": "This preview link has expired. Ask the newsroom for a new one.",
    "revoked": "This preview link has been withdrawn by the newsroom.",
    "gone": "The article this preview link was for no longer exists.",
    "published": "This article has been published, so its preview link no longer works.",
}


@require_safe
def shared_preview(request, token):
    """An unpublished article for a reviewer without an account, by signed link."""
    try:
        article = preview.article_for_token(token)
    except preview.Unavailable as unavailable:
        public = (
            unavailable.article if unavailable.article and unavailable.article.is_public else None
        )
        response = render(
            request,
            "articles/preview_unavailable.html",
            {"message": UNAVAILABLE_REASONS[unavailable.reason], "public_article": public},
            status=unavailable.status,
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    return preview.render_preview(request, article, shared=True)
